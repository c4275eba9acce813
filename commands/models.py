"""The write model: catalogue, inventory, customers, orders, API keys and the outbox.

Rows of outboxed models change only inside command handlers (`commands.handlers`),
which append the matching outbox events in the same transaction; every other write
path raises `BulkWriteRefused` (see `commands.write_guard`).
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from commands.errors import BulkWriteRefused
from commands.write_guard import refuse_outside_handler

API_KEY_SCOPES = ("catalog:read", "orders:read")


class Xid8Field(models.Field):
    """PostgreSQL `xid8` (a 64-bit transaction id); an int in Python."""

    description = "PostgreSQL 64-bit transaction id"

    def db_type(self, connection):
        return "xid8"

    def from_db_value(self, value, expression, connection):
        return None if value is None else int(value)

    def to_python(self, value):
        return None if value is None else int(value)

    def get_prep_value(self, value):
        # Sent as a string literal: PostgreSQL casts text to xid8, not bigint to xid8.
        value = super().get_prep_value(value)
        return None if value is None else str(int(value))


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxedQuerySet(models.QuerySet):
    """Refuses bulk writes outside command handlers: they would skip the outbox."""

    def update(self, **kwargs):
        refuse_outside_handler(model=self.model, operation="QuerySet.update()")
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        refuse_outside_handler(model=self.model, operation="QuerySet.bulk_create()")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        refuse_outside_handler(model=self.model, operation="QuerySet.bulk_update()")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def delete(self):
        refuse_outside_handler(model=self.model, operation="QuerySet.delete()")
        return super().delete()


class OutboxedModel(TimestampedModel):
    """A model whose changes must reach the outbox; writable only by handlers."""

    write_hint = "the functions in commands.handlers"

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        refuse_outside_handler(model=type(self), operation="save()")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_outside_handler(model=type(self), operation="delete()")
        return super().delete(*args, **kwargs)


def _version_at_least_one(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(version__gte=1), name=f"{name}_version_gte_1"
    )


class CatalogTree(TimestampedModel):
    """Singleton (pk=1) whose version grows with every category change."""

    version = models.BigIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="catalogtree_singleton"),
            _version_at_least_one("catalogtree"),
        ]

    def __str__(self) -> str:
        return f"catalogue tree v{self.version}"


class Category(OutboxedModel):
    write_hint = (
        "commands.handlers.category: category_create, category_rename, "
        "category_move or category_delete"
    )

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    version = models.BigIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="category_not_own_parent"
            ),
            _version_at_least_one("category"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class Product(OutboxedModel):
    write_hint = (
        "commands.handlers.product: product_create, product_update, "
        "product_archive or product_delete"
    )

    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products"
    )
    price = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    status = models.CharField(
        max_length=16, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    attributes = models.JSONField(default=dict, blank=True)
    deleted = models.BooleanField(default=False, editable=False)
    version = models.BigIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="product_price_gt_0"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="product_currency_iso",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProductStatus.values),
                name="product_status_valid",
            ),
            _version_at_least_one("product"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class StockItem(OutboxedModel):
    """Inventory of one product (aggregate id = product id), created with it."""

    write_hint = "commands.handlers.stock.stock_adjust (or the order handlers)"

    product = models.OneToOneField(
        Product, primary_key=True, on_delete=models.PROTECT, related_name="stock"
    )
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    units_sold = models.IntegerField(default=0)
    version = models.BigIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["product_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_hand__gte=0), name="stock_on_hand_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stock_reserved_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")),
                name="stock_reserved_lte_on_hand",
            ),
            models.CheckConstraint(
                condition=Q(units_sold__gte=0), name="stock_units_sold_gte_0"
            ),
            _version_at_least_one("stock"),
        ]

    def __str__(self) -> str:
        return f"stock of product {self.product_id}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovementQuerySet(models.QuerySet):
    """The ledger is append-only: no updates or deletes, ever."""

    def update(self, **kwargs):
        raise _ledger_refusal("QuerySet.update()")

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise _ledger_refusal("QuerySet.bulk_update()")

    def delete(self):
        raise _ledger_refusal("QuerySet.delete()")

    def bulk_create(self, objs, *args, **kwargs):
        refuse_outside_handler(model=self.model, operation="QuerySet.bulk_create()")
        return super().bulk_create(objs, *args, **kwargs)


def _ledger_refusal(operation: str) -> Exception:
    return BulkWriteRefused(
        f"StockMovement: {operation} refused: the stock ledger is append-only; "
        "correct stock with commands.handlers.stock.stock_adjust"
    )


class StockMovement(TimestampedModel):
    """Append-only ledger of every change to a stock item."""

    write_hint = "commands.handlers.stock.stock_adjust (or the order handlers)"

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_movements"
    )
    delta_on_hand = models.IntegerField(default=0)
    delta_reserved = models.IntegerField(default=0)
    reason = models.CharField(max_length=200)
    order = models.ForeignKey(
        "Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_movements",
    )

    objects = StockMovementQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(delta_on_hand=0, delta_reserved=0),
                name="stockmovement_moves_something",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"product {self.product_id}: on hand {self.delta_on_hand:+d}, "
            f"reserved {self.delta_reserved:+d} ({self.reason})"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _ledger_refusal("save() of an existing row")
        refuse_outside_handler(model=type(self), operation="save()")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _ledger_refusal("delete()")


class Customer(OutboxedModel):
    write_hint = "commands.handlers.customer: customer_register or customer_update"

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200)
    orders_count = models.IntegerField(default=0, editable=False)
    lifetime_value = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, editable=False
    )
    version = models.BigIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="customer_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(orders_count__gte=0), name="customer_orders_count_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(lifetime_value__gte=0),
                name="customer_lifetime_value_gte_0",
            ),
            _version_at_least_one("customer"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class OrderStatus(models.TextChoices):
    PLACED = "placed"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class Order(OutboxedModel):
    write_hint = (
        "commands.handlers.order: order_place, order_pay, order_ship or order_cancel"
    )

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    currency = models.CharField(max_length=3, default="EUR")
    total = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    placed_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    version = models.BigIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "placed_at"], name="order_customer_placed")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_gte_0"),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            _version_at_least_one("order"),
        ]

    def __str__(self) -> str:
        return f"order {self.pk} ({self.status})"


class OrderLine(OutboxedModel):
    """A line of an order; part of the order aggregate (no version of its own)."""

    write_hint = "commands.handlers.order.order_place"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="order_lines"
    )
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    quantity = models.IntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    line_total = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="orderline_quantity_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="orderline_unit_price_gte_0"
            ),
            models.UniqueConstraint(
                fields=["order", "product"], name="orderline_one_per_product"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class ApiKey(OutboxedModel):
    """A read-API key; only its sha256 is stored, the raw key is shown once."""

    write_hint = "commands.handlers.apikey: apikey_issue or apikey_revoke"

    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    scopes = ArrayField(
        models.CharField(max_length=32, choices=[(s, s) for s in API_KEY_SCOPES]),
        default=list,
    )
    active = models.BooleanField(default=True, editable=False)
    version = models.BigIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = "API key"
        constraints = [
            models.CheckConstraint(
                condition=Q(scopes__contained_by=list(API_KEY_SCOPES)),
                name="apikey_scopes_known",
            ),
            models.CheckConstraint(
                condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"),
                name="apikey_key_hash_sha256_hex",
            ),
            _version_at_least_one("apikey"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class OutboxEventQuerySet(models.QuerySet):
    """The outbox is append-only; rows leave only through `outbox_prune`."""

    def update(self, **kwargs):
        raise _outbox_refusal("QuerySet.update()")

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise _outbox_refusal("QuerySet.bulk_update()")

    def delete(self):
        raise _outbox_refusal("QuerySet.delete()")


def _outbox_refusal(operation: str) -> Exception:
    return BulkWriteRefused(
        f"OutboxEvent: {operation} refused: the outbox is append-only; events are "
        "added by commands.outbox.outbox_append and removed by `manage.py prune_outbox`"
    )


class OutboxEvent(models.Model):
    """One event, written in the transaction that made the change (see CONTRACTS)."""

    position = models.BigAutoField(primary_key=True)
    txid = Xid8Field(
        db_default=models.Func(function="pg_current_xact_id", output_field=Xid8Field()),
        editable=False,
    )
    event_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    aggregate_type = models.CharField(max_length=64)
    aggregate_id = models.CharField(max_length=64)
    aggregate_version = models.BigIntegerField()
    shard = models.SmallIntegerField()
    event_type = models.CharField(max_length=100)
    schema_version = models.SmallIntegerField(default=1)
    payload = models.JSONField()
    occurred_at = models.DateTimeField(default=timezone.now)
    correlation_id = models.CharField(max_length=64, blank=True, default="")

    objects = OutboxEventQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        indexes = [
            models.Index(fields=["txid", "position"], name="outbox_txid_position"),
            models.Index(
                fields=["aggregate_type", "aggregate_id"], name="outbox_aggregate"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(shard__gte=0, shard__lte=255), name="outbox_shard_range"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"#{self.position} {self.event_type} "
            f"{self.aggregate_type}:{self.aggregate_id} v{self.aggregate_version}"
        )

    def delete(self, *args, **kwargs):
        raise _outbox_refusal("delete()")


class IdempotencyRecord(TimestampedModel):
    """The first response to a write-API request sent with an `Idempotency-Key`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.SmallIntegerField()
    response_body = models.JSONField()
    response_headers = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="idempotency_one_per_user_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.response_status}"
