"""Admin of inventory: stock adjustments and the movement ledger."""

from django import forms
from django.contrib import admin

from commands.admin.base import HandlerAdmin, ReadOnlyAdmin
from commands.handlers.stock import stock_adjust
from commands.models import (
    StockItem,
    StockMovement,
)


class StockAdjustForm(forms.ModelForm):
    delta = forms.IntegerField(
        help_text="Units to add (positive) or remove (negative)."
    )
    reason = forms.CharField(max_length=200)

    class Meta:
        model = StockItem
        fields: list[str] = []


@admin.register(StockItem)
class StockItemAdmin(HandlerAdmin):
    form = StockAdjustForm
    list_display = [
        "product",
        "on_hand",
        "reserved",
        "available",
        "units_sold",
        "version",
    ]
    list_select_related = ["product"]
    search_fields = ["product__sku", "product__name"]
    fields = [
        "product",
        "on_hand",
        "reserved",
        "units_sold",
        "version",
        "delta",
        "reason",
    ]
    readonly_fields = ["product", "on_hand", "reserved", "units_sold", "version"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # stock items are created with their product

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        stock_adjust(
            product_id=obj.product_id,
            delta=form.cleaned_data["delta"],
            reason=form.cleaned_data["reason"],
        )
        obj.refresh_from_db()


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "product",
        "delta_on_hand",
        "delta_reserved",
        "reason",
    ]
    list_select_related = ["product"]
    search_fields = ["=product__id", "product__sku", "reason"]
    list_filter = ["created_at"]
