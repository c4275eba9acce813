"""Catalogue commands. A product is created with its stock item (stock version 1)."""

from decimal import Decimal
from typing import Any

from commands import events
from commands.errors import IllegalTransition, ValidationError
from commands.handlers.aggregates import UNSET, Unset, bump, lock_for_change
from commands.handlers.cleaning import (
    clean_choice,
    clean_currency,
    clean_int,
    clean_mapping,
    clean_price,
    clean_text,
)
from commands.handlers.stock import stock_event
from commands.models import Category, Product, ProductStatus, StockItem, StockMovement
from commands.outbox import NewEvent, outbox_extend
from commands.serializers_state import product_state
from commands.write_guard import command_handler

LABEL = "product"
SKU_MAX = 64
NAME_MAX = 255
DESCRIPTION_MAX = 20_000
# Archiving has its own command (and event); an update may only draft or activate.
UPDATABLE_STATUSES = (ProductStatus.DRAFT.value, ProductStatus.ACTIVE.value)


@command_handler
def product_create(
    *,
    sku: str,
    name: str,
    category_id: int,
    price: Decimal | str,
    currency: str = "EUR",
    description: str = "",
    status: str = ProductStatus.DRAFT,
    attributes: dict[str, Any] | None = None,
    initial_stock: int = 0,
) -> Product:
    product, stock = _insert_product(
        sku=sku,
        name=name,
        category_id=category_id,
        price=price,
        currency=currency,
        description=description,
        status=status,
        attributes=attributes,
        initial_stock=initial_stock,
    )
    outbox_extend(
        [
            _product_event(product, event_type=events.PRODUCT_CREATED),
            stock_event(stock, event_type=events.STOCK_ADJUSTED),
        ]
    )
    return product


def _insert_product(
    *,
    sku: str,
    name: str,
    category_id: int,
    price: Decimal | str,
    currency: str,
    description: str,
    status: str,
    attributes: dict[str, Any] | None,
    initial_stock: int,
) -> tuple[Product, StockItem]:
    """The rows of `product_create`, without its events (the benchmark's baseline)."""
    product = Product(
        sku=_clean_sku(sku),
        name=clean_text(name, field="name", max_length=NAME_MAX),
        description=clean_text(
            description, field="description", max_length=DESCRIPTION_MAX, blank=True
        ),
        category=_category(category_id),
        price=clean_price(price),
        currency=clean_currency(currency),
        status=clean_choice(status, field="status", choices=UPDATABLE_STATUSES),
        attributes=clean_mapping(attributes or {}, field="attributes"),
    )
    initial_stock = clean_int(initial_stock, field="initial_stock", minimum=0)
    _ensure_sku_free(product.sku)
    product.save()
    stock = StockItem(product=product, on_hand=initial_stock)
    stock.save(force_insert=True)
    if initial_stock:
        StockMovement(
            product=product, delta_on_hand=initial_stock, reason="initial stock"
        ).save()
    return product, stock


@command_handler
def product_update(
    *,
    product_id: int,
    expected_version: int | None = None,
    sku: str | Unset = UNSET,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    category_id: int | Unset = UNSET,
    price: Decimal | str | Unset = UNSET,
    currency: str | Unset = UNSET,
    status: str | Unset = UNSET,
    attributes: dict[str, Any] | Unset = UNSET,
) -> Product:
    """Change the given fields; a change that changes nothing emits nothing."""
    product = _lock(product_id, expected_version=expected_version)
    cleaned = _clean_changes(
        sku=sku,
        name=name,
        description=description,
        category_id=category_id,
        price=price,
        currency=currency,
        status=status,
        attributes=attributes,
    )
    changed = {k: v for k, v in cleaned.items() if getattr(product, k) != v}
    if not changed:
        return product
    if "sku" in changed:
        _ensure_sku_free(changed["sku"])
    for field, value in changed.items():
        setattr(product, field, value)
    return _save_and_append(product, event_type=events.PRODUCT_UPDATED)


def _clean_changes(**given: Any) -> dict[str, Any]:
    cleaners = {
        "sku": _clean_sku,
        "name": lambda v: clean_text(v, field="name", max_length=NAME_MAX),
        "description": lambda v: clean_text(
            v, field="description", max_length=DESCRIPTION_MAX, blank=True
        ),
        "category_id": lambda v: _category(v).pk,
        "price": clean_price,
        "currency": clean_currency,
        "status": lambda v: clean_choice(v, field="status", choices=UPDATABLE_STATUSES),
        "attributes": lambda v: clean_mapping(v, field="attributes"),
    }
    return {
        field: cleaners[field](value)
        for field, value in given.items()
        if value is not UNSET
    }


@command_handler
def product_archive(*, product_id: int, expected_version: int | None = None) -> Product:
    product = _lock(product_id, expected_version=expected_version)
    if product.status == ProductStatus.ARCHIVED:
        raise IllegalTransition(
            model=LABEL, pk=product.pk, current=product.status, action="archive"
        )
    product.status = ProductStatus.ARCHIVED
    return _save_and_append(product, event_type=events.PRODUCT_ARCHIVED)


@command_handler
def product_delete(*, product_id: int, expected_version: int | None = None) -> Product:
    """Soft delete: the row stays as a versioned tombstone for the read models."""
    product = _lock(product_id, expected_version=expected_version)
    product.deleted = True
    return _save_and_append(product, event_type=events.PRODUCT_DELETED)


def _lock(product_id: int, *, expected_version: int | None) -> Product:
    return lock_for_change(
        Product.objects.filter(deleted=False),
        pk=product_id,
        label=LABEL,
        expected_version=expected_version,
    )


def _save_and_append(product: Product, *, event_type: str) -> Product:
    bump(product)
    product.save()
    event = _product_event(product, event_type=event_type)
    outbox_extend([event])
    return product


def _product_event(product: Product, *, event_type: str) -> NewEvent:
    return NewEvent(
        aggregate_type=events.PRODUCT,
        aggregate_id=product.pk,
        version=product.version,
        event_type=event_type,
        payload=product_state(product),
    )


def _clean_sku(sku: object) -> str:
    return clean_text(sku, field="sku", max_length=SKU_MAX)


def _ensure_sku_free(sku: str) -> None:
    if Product.objects.filter(sku=sku).exists():
        raise ValidationError.on("sku", f"{sku!r} is already used by a product")


def _category(category_id: object) -> Category:
    try:
        return Category.objects.get(pk=category_id)
    except (Category.DoesNotExist, ValueError, TypeError):
        raise ValidationError.on(
            "category", f"category {category_id} does not exist"
        ) from None
