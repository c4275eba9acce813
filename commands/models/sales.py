"""Customers and their orders."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from commands.models.base import (
    OutboxedModel,
    stamp_at_least_one,
    version_at_least_one,
)
from commands.models.catalogue import Product


class Customer(OutboxedModel):
    write_hint = "commands.handlers.customer: customer_register or customer_update"

    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200)
    orders_count = models.IntegerField(default=0, editable=False)
    lifetime_value = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, editable=False
    )
    version = models.BigIntegerField(default=1, editable=False)
    # Grows only when what order documents show (name, email) changes.
    stamp = models.BigIntegerField(default=1, db_default=1, editable=False)

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
            version_at_least_one("customer"),
            stamp_at_least_one("customer"),
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
            version_at_least_one("order"),
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
