"""Catalogue commands. A product is created with its stock item (stock version 1)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from commands import events
from commands.errors import IllegalTransition, ValidationError
from commands.handlers.aggregates import (
    UNSET,
    Unset,
    aggregate_event,
    bump,
    lock_for_change,
)
from commands.handlers.cleaning import (
    clean_choice,
    clean_currency,
    clean_int,
    clean_mapping,
    clean_price,
    clean_text,
)
from commands.handlers.paths import move_increment, path_stamp, share_tree_lock
from commands.models import Category, Product, ProductStatus, StockItem, StockMovement
from commands.outbox import outbox_extend
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
    product = Product(
        **_clean_fields(
            sku=sku,
            name=name,
            description=description,
            category_id=category_id,
            price=price,
            currency=currency,
            status=status,
            attributes=attributes or {},
        )
    )
    initial_stock = clean_int(initial_stock, field="initial_stock", minimum=0)
    _ensure_sku_free(product.sku)
    product.save()
    stock = _create_stock(product, initial_stock=initial_stock)
    outbox_extend(
        [
            aggregate_event(product, event_type=events.PRODUCT_CREATED),
            aggregate_event(stock, event_type=events.STOCK_ADJUSTED),
        ]
    )
    return product


def _create_stock(product: Product, *, initial_stock: int) -> StockItem:
    stock = StockItem(product=product, on_hand=initial_stock)
    stock.save(force_insert=True)
    if initial_stock:
        StockMovement(
            product=product, delta_on_hand=initial_stock, reason="initial stock"
        ).save()
    return stock


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
    if category_id is not UNSET:
        # Paths (their stamps, the target's existence) hold still until commit.
        share_tree_lock()
    cleaned = _clean_fields(
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
    stamp_increment = _stamp_increment(product, category_id=changed.get("category_id"))
    for field, value in changed.items():
        setattr(product, field, value)
    return _save_and_append(
        product, event_type=events.PRODUCT_UPDATED, stamp_increment=stamp_increment
    )


def _stamp_increment(product: Product, *, category_id: int | None) -> int:
    """1, or on a move enough that the document's version grows past the old path
    (read under the shared tree lock taken by `product_update`)."""
    if category_id is None:
        return 1
    return move_increment(
        old_category_id=product.category_id, new_category_id=category_id
    )


# The one set of product field rules, for creates and updates alike.
_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "sku": lambda v: clean_text(v, field="sku", max_length=SKU_MAX),
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


def _clean_fields(**given: Any) -> dict[str, Any]:
    """The given fields cleaned (those left UNSET are left out), in the order given."""
    return {
        field: _CLEANERS[field](value)
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
    # The tombstone's version leaves the category path out, so it takes it in.
    share_tree_lock()
    return _save_and_append(
        product,
        event_type=events.PRODUCT_DELETED,
        stamp_increment=path_stamp(product.category_id) + 1,
    )


def _lock(product_id: int, *, expected_version: int | None) -> Product:
    return lock_for_change(
        Product.objects.filter(deleted=False),
        pk=product_id,
        label=LABEL,
        expected_version=expected_version,
    )


def _save_and_append(
    product: Product, *, event_type: str, stamp_increment: int = 1
) -> Product:
    bump(product)
    product.stamp += stamp_increment
    product.save()
    event = aggregate_event(product, event_type=event_type)
    outbox_extend([event])
    return product


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
