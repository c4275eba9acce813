"""Customer summaries, served from the Redis `customer_summary` read model."""

from rest_framework import serializers

from projections.customer_summary import schema
from readapi.generics import DocumentView
from readapi.queries.customers import customer_summary
from readapi.representation import DocumentSerializer


class CustomerSummarySerializer(DocumentSerializer):
    customer_id = serializers.IntegerField()
    orders_count = serializers.IntegerField()
    lifetime_value = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="Total of paid and shipped orders."
    )
    currency = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()


class CustomerSummaryView(DocumentView):
    """Order count and lifetime value of one customer."""

    required_scope = "orders:read"
    projections = (schema.PROJECTION,)
    operation_id = "customers_summary"
    summary = "Summary of one customer"
    lookup_url_kwarg = "customer_id"
    read_document = staticmethod(customer_summary)
    serializer_class = CustomerSummarySerializer
    not_found_message = "There is no summary for this customer."
