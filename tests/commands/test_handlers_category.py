"""Category handlers: rules, versions, the catalogue tree version and their events."""

import pytest

from commands.errors import Conflict, NotFound, StaleVersion, ValidationError
from commands.handlers.category import (
    category_create,
    category_delete,
    category_move,
    category_rename,
)
from commands.models import CatalogTree, Category
from tests.commands.conftest import Emitted

pytestmark = pytest.mark.django_db


def test_category_create_emits_category_created_with_full_state(outbox):
    parent = category_create(name="Garden")
    outbox.mark()

    child = category_create(name="Garden Tools", parent_id=parent.pk)

    assert outbox.new() == [Emitted("CategoryCreated", "category", str(child.pk), 1)]
    payload = outbox.payloads()[0]
    assert payload["slug"] == "garden-tools"
    assert payload["parent_id"] == parent.pk
    assert payload["tree_version"] == CatalogTree.objects.get().version


def test_category_create_refuses_a_taken_slug(category):
    with pytest.raises(ValidationError) as refused:
        category_create(name="Other", slug=category.slug)

    assert list(refused.value.fields) == ["slug"]


def test_category_create_refuses_a_missing_parent():
    with pytest.raises(ValidationError) as refused:
        category_create(name="Orphan", parent_id=999_999)

    assert list(refused.value.fields) == ["parent"]


def test_category_rename_bumps_version_and_emits_category_renamed(category, outbox):
    renamed = category_rename(category_id=category.pk, name="Outdoors", slug="outdoors")

    assert (renamed.name, renamed.slug, renamed.version) == ("Outdoors", "outdoors", 2)
    assert outbox.new() == [Emitted("CategoryRenamed", "category", str(category.pk), 2)]


def test_category_rename_to_the_same_name_emits_nothing(category, outbox):
    unchanged = category_rename(category_id=category.pk, name=category.name)

    assert unchanged.version == 1
    assert outbox.new() == []


def test_category_rename_refuses_a_stale_expected_version(category):
    with pytest.raises(StaleVersion):
        category_rename(category_id=category.pk, name="New", expected_version=7)


def test_category_move_emits_category_moved(category, outbox):
    parent = category_create(name="Leisure")
    outbox.mark()

    moved = category_move(category_id=category.pk, parent_id=parent.pk)

    assert moved.parent_id == parent.pk
    assert outbox.new() == [Emitted("CategoryMoved", "category", str(category.pk), 2)]


def test_category_move_under_its_own_descendant_is_refused(category):
    child = category_create(name="Child", parent_id=category.pk)
    grandchild = category_create(name="Grandchild", parent_id=child.pk)

    with pytest.raises(ValidationError) as refused:
        category_move(category_id=category.pk, parent_id=grandchild.pk)

    assert list(refused.value.fields) == ["parent"]


def test_every_category_change_bumps_the_tree_version(category):
    before = CatalogTree.objects.get().version

    category_rename(category_id=category.pk, name="Renamed")
    category_move(category_id=category.pk, parent_id=category_create(name="P").pk)

    assert CatalogTree.objects.get().version == before + 3


def test_category_delete_removes_an_empty_category_with_a_tombstone_event(
    category, outbox
):
    category_delete(category_id=category.pk)

    assert not Category.objects.filter(pk=category.pk).exists()
    assert outbox.new() == [Emitted("CategoryDeleted", "category", str(category.pk), 2)]


def test_category_delete_refuses_a_category_with_products(product, outbox):
    with pytest.raises(Conflict, match="not empty"):
        category_delete(category_id=product.category_id)

    assert outbox.new() == []


def test_category_delete_refuses_a_category_with_children(category):
    category_create(name="Child", parent_id=category.pk)

    with pytest.raises(Conflict):
        category_delete(category_id=category.pk)


def test_category_rename_of_a_missing_category_is_not_found():
    with pytest.raises(NotFound):
        category_rename(category_id=123_456, name="Ghost")
