"""Output shapes of the product endpoints."""

from rest_framework import serializers

from readapi.pagination import page_serializer
from readapi.representation import DocumentSerializer


class ProductSerializer(DocumentSerializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    category_id = serializers.IntegerField(allow_null=True)
    category_slug = serializers.CharField(allow_null=True)
    category_path = serializers.ListField(
        child=serializers.CharField(), help_text="Category slugs, root to leaf."
    )
    price = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    status = serializers.CharField()
    available = serializers.IntegerField()
    in_stock = serializers.BooleanField()
    units_sold = serializers.IntegerField()
    attributes = serializers.DictField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class HighlightSerializer(DocumentSerializer):
    name = serializers.CharField(
        allow_null=True,
        help_text="The whole name with matched words in <em>; null when none matched.",
    )
    description = serializers.ListField(
        child=serializers.CharField(),
        help_text="Up to three description fragments with matched words in <em>.",
    )


class ProductSearchResultSerializer(ProductSerializer):
    highlight = HighlightSerializer(
        required=False,
        help_text="Only with highlight=true. Text is HTML-escaped apart from <em>.",
    )


ProductPageSerializer = page_serializer(ProductSearchResultSerializer, name="Product")


class FacetCountSerializer(DocumentSerializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class PriceBucketSerializer(DocumentSerializer):
    # DRF's "from" keyword clash: declared through the fields mapping below.
    to = serializers.FloatField(allow_null=True, help_text="Exclusive upper bound.")
    count = serializers.IntegerField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.FloatField(
            allow_null=True, help_text="Inclusive lower bound."
        )
        return fields


class ProductFacetsSerializer(DocumentSerializer):
    total = serializers.IntegerField(help_text="Products matching the filters.")
    categories = FacetCountSerializer(
        many=True, help_text="By category, sub-categories included."
    )
    status = FacetCountSerializer(many=True)
    availability = FacetCountSerializer(
        many=True, help_text="in_stock or out_of_stock."
    )
    price = PriceBucketSerializer(many=True)


class SuggestionSerializer(DocumentSerializer):
    name = serializers.CharField(help_text="A product name completing the prefix.")
    id = serializers.IntegerField(help_text="The best-matching product of that name.")
    sku = serializers.CharField()


class SuggestionsSerializer(serializers.Serializer):
    results = SuggestionSerializer(
        many=True, help_text="At most 10, best first, one per distinct name."
    )
