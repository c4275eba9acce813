"""The baselines the read API is measured against."""

from django.db import models
from django.http import HttpRequest, JsonResponse
from rest_framework import generics, serializers

from config import connections
from projections import naming
from readapi.queries.products import SOURCE

TABLE = "readapi_bench_products"


def plain_products(request: HttpRequest) -> JsonResponse:
    """The OpenSearch call of GET /v1/products (first page, default ordering), bare."""
    body = {
        "query": {"bool": {"must_not": [{"term": {"deleted": True}}]}},
        "sort": [
            {"created_at": {"order": "desc", "missing": "_last"}},
            {"id": {"order": "desc", "missing": "_last"}},
        ],
        "size": 21,
        "track_total_hits": False,
        "_source": SOURCE,
    }
    response = connections.opensearch().search(
        index=naming.alias("products"), body=body
    )
    rows = [hit["_source"] for hit in response["hits"]["hits"][:20]]
    return JsonResponse({"results": rows, "next": None, "previous": None})


class BenchProduct(models.Model):
    """The products of the benchmark as a plain PostgreSQL table."""

    name = models.TextField()
    description = models.TextField()
    price = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.TextField()
    in_stock = models.BooleanField()
    created_at = models.DateTimeField()

    class Meta:
        app_label = "readapi"
        managed = False
        db_table = TABLE

    def __str__(self) -> str:
        return self.name


class BenchProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = BenchProduct
        fields = [
            "id",
            "name",
            "description",
            "price",
            "status",
            "in_stock",
            "created_at",
        ]


class OffsetProductListView(generics.ListAPIView):
    """Products by price, LIMIT/OFFSET pages with a count: the usual DRF listing."""

    serializer_class = BenchProductSerializer
    queryset = BenchProduct.objects.order_by("price", "id")
