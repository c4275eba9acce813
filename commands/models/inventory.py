"""Inventory: stock per product and its append-only movement ledger."""

from django.db import models
from django.db.models import F, Q

from commands.errors import BulkWriteRefused
from commands.models.base import (
    OutboxedModel,
    TimestampedModel,
    version_at_least_one,
)
from commands.models.catalogue import Product
from commands.write_guard import refuse_outside_handler


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
            version_at_least_one("stock"),
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
