"""The catalogue: the category tree (and its lock), products."""

from django.db import models
from django.db.models import F, Q

from commands.models.base import (
    OutboxedModel,
    TimestampedModel,
    stamp_at_least_one,
    version_at_least_one,
)


class CatalogTree(TimestampedModel):
    """Singleton (pk=1) whose version grows with every category change.

    Its row is the lock that serialises category changes (and, shared, the
    product changes that read category stamps); it feeds no document version.
    """

    version = models.BigIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="catalogtree_singleton"),
            version_at_least_one("catalogtree"),
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
    # What the category adds to the version of the product documents below it
    # (the sum of the stamps on their path); see projections/README.md.
    stamp = models.BigIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="category_not_own_parent"
            ),
            version_at_least_one("category"),
            stamp_at_least_one("category"),
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
    # The product's share of its document's version: one more per change, and
    # enough more on a move or a delete that the document's version still grows
    # when its category path stops counting; see projections/README.md.
    stamp = models.BigIntegerField(default=1, db_default=1, editable=False)

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
            version_at_least_one("product"),
            stamp_at_least_one("product"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"
