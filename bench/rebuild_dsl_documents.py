"""The products search document as django-opensearch-dsl would have it.

Same fields as the `products` projection's document, prepared from model
instances the library's way, with the related rows fetched by
`select_related` so the comparison is not an N+1 strawman.
"""

from django_opensearch_dsl import Document, fields
from django_opensearch_dsl.registries import registry

from commands.models import Product

INDEX = "rbench-dsl-products"


@registry.register_document
class ProductDocument(Document):
    category_id = fields.LongField()
    category_slug = fields.KeywordField()
    category_path = fields.KeywordField(multi=True)
    category_names = fields.TextField(multi=True)
    price = fields.DoubleField()
    available = fields.IntegerField()
    in_stock = fields.BooleanField()
    units_sold = fields.IntegerField()
    attributes = fields.ObjectField(enabled=False)

    class Index:
        name = INDEX
        settings = {"number_of_shards": 1, "number_of_replicas": 0}

    class Django:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "description",
            "currency",
            "status",
            "created_at",
            "updated_at",
            "deleted",
        ]

    def get_queryset(self, *args, **kwargs):
        return (
            super()
            .get_queryset(*args, **kwargs)
            .select_related("category__parent__parent", "stock")
        )

    def prepare_category_path(self, instance: Product) -> list[str]:
        return [category.slug for category in _path(instance)]

    def prepare_category_names(self, instance: Product) -> list[str]:
        return [category.name for category in _path(instance)]

    def prepare_category_slug(self, instance: Product) -> str:
        return instance.category.slug

    def prepare_price(self, instance: Product) -> str:
        return f"{instance.price:.2f}"

    def prepare_available(self, instance: Product) -> int:
        return instance.stock.on_hand - instance.stock.reserved

    def prepare_in_stock(self, instance: Product) -> bool:
        return self.prepare_available(instance) > 0

    def prepare_units_sold(self, instance: Product) -> int:
        return instance.stock.units_sold

    def prepare_attributes(self, instance: Product) -> dict:
        return instance.attributes or {}


def _path(instance: Product) -> list:
    path, node = [], instance.category
    while node is not None:
        path.append(node)
        node = node.parent
    return path[::-1]
