"""One registration per projection: complete, or refused at start-up by name."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

import projections
from commands import events
from projections import registry
from projections.errors import IncompleteProjection
from projections.naming import HashKeys
from projections.products import schema as product_schema
from projections.registry import ProjectionSpec
from projections.stock import fold, load
from projections.stock import spec as stock_spec

INCOMPLETE = "tests.projections.incomplete_registration"


@pytest.fixture
def incomplete_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    discovered = registry.spec_modules()
    monkeypatch.setattr(registry, "spec_modules", lambda: [*discovered, INCOMPLETE])
    registry._specs.cache_clear()
    yield
    registry._specs.cache_clear()


def stock_parts(**overrides: object) -> dict[str, object]:
    """A complete Redis registration's parts (the `stock` projection's), overridden."""
    parts = {
        "name": "half_done",
        "store": "redis",
        "aggregate_types": frozenset({events.STOCK}),
        "keys_for": load.keys_for,
        "load": load.load,
        "build": fold.build_stock_hash,
        "source": stock_spec.SPEC.source,
        "key_layout": stock_spec.SPEC.key_layout,
    }
    return {**parts, **overrides}


def test_registry_finds_every_projection_package():
    packages = {
        path.parent.name for path in Path(projections.__file__).parent.glob("*/spec.py")
    }

    assert set(registry.names()) == packages
    assert packages >= {"products", "orders", "stock", "top_products"}


def test_registration_without_a_part_names_the_projection_and_the_parts():
    parts = stock_parts()
    del parts["source"], parts["key_layout"]

    with pytest.raises(IncompleteProjection) as caught:
        ProjectionSpec(**parts)

    assert caught.value.name == "half_done"
    assert [line.split(":")[0] for line in caught.value.problems] == [
        "no source",
        "no key_layout",
    ]
    assert "projection 'half_done'" in str(caught.value)


def test_registration_of_an_opensearch_projection_requires_its_mappings():
    parts = stock_parts(store="opensearch", index_settings={})

    with pytest.raises(IncompleteProjection, match="'half_done'.*no mappings"):
        ProjectionSpec(**parts)


def test_registration_refuses_an_aggregate_type_the_write_side_does_not_emit():
    parts = stock_parts(aggregate_types=frozenset({events.STOCK, "stocks"}))

    with pytest.raises(IncompleteProjection, match="'stocks' is not one the write"):
        ProjectionSpec(**parts)


def test_registration_refuses_a_source_outside_its_aggregate_types():
    parts = stock_parts(aggregate_types=frozenset({events.PRODUCT}))

    with pytest.raises(IncompleteProjection, match="source aggregate type 'stock'"):
        ProjectionSpec(**parts)


def test_registration_refuses_a_key_layout_of_another_projection():
    parts = stock_parts(name="stock", key_layout=HashKeys("stocks"))

    with pytest.raises(IncompleteProjection, match="lays out 'stocks'"):
        ProjectionSpec(**parts)


def test_registration_refuses_an_ordering_on_an_unmapped_field():
    products = registry.get(product_schema.PROJECTION)
    orderings = {**product_schema.ORDERINGS, "sku": "sku.sort"}

    with pytest.raises(
        IncompleteProjection, match="ordering 'sku' sorts on 'sku.sort'"
    ):
        ProjectionSpec(**{**vars(products), "orderings": orderings})


def test_system_check_reports_an_incomplete_registration_at_start_up(
    incomplete_registered,
):
    with pytest.raises(SystemCheckError) as caught:
        call_command("check")

    message = str(caught.value)
    assert "projections.E001" in message
    assert "projection 'half_done' is not registered correctly" in message
    assert "no source" in message and "no key_layout" in message


def test_registry_refuses_to_run_with_an_incomplete_registration(
    incomplete_registered,
):
    with pytest.raises(IncompleteProjection, match="'half_done'"):
        registry.names()
