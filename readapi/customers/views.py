"""Customer summaries, served from the Redis `customer_summary` read model."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from readapi.openapi import CONSISTENCY_TOKEN, error_responses
from readapi.queries.customers import customer_summary
from readapi.read_view import ReadView
from readapi.representation import DocumentSerializer


class CustomerSummarySerializer(DocumentSerializer):
    customer_id = serializers.IntegerField()
    orders_count = serializers.IntegerField()
    lifetime_value = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="Total of paid and shipped orders."
    )
    currency = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()


class CustomerSummaryView(ReadView):
    """Order count and lifetime value of one customer."""

    required_scope = "orders:read"
    projections = ("customer_summary",)

    @extend_schema(
        operation_id="customers_summary",
        summary="Summary of one customer",
        parameters=[CONSISTENCY_TOKEN],
        responses={
            200: CustomerSummarySerializer,
            **error_responses(400, 401, 403, 404, 429, 503),
        },
    )
    def get(self, request: Request, customer_id: int) -> Response:
        summary = customer_summary(customer_id)
        if summary is None:
            raise NotFound("There is no summary for this customer.")
        return Response(CustomerSummarySerializer.represent(summary))
