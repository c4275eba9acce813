"""Admin of customers and orders (orders change only by their actions)."""

from django.contrib import admin

from commands.admin.base import (
    HandlerAdmin,
    ReadOnlyAdmin,
    ReadOnlyPermissions,
    run_each,
)
from commands.handlers.customer import customer_register, customer_update
from commands.handlers.order import order_cancel, order_pay, order_ship
from commands.models import (
    Customer,
    Order,
    OrderLine,
)


@admin.register(Customer)
class CustomerAdmin(HandlerAdmin):
    list_display = ["email", "name", "orders_count", "lifetime_value", "version"]
    search_fields = ["email", "name"]
    fields = ["email", "name", "orders_count", "lifetime_value", "version"]
    readonly_fields = ["orders_count", "lifetime_value", "version"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = customer_register(email=data["email"], name=data["name"])
            return self.adopt(obj, created)
        changes = {f: data[f] for f in form.changed_data}
        if changes:
            customer_update(customer_id=obj.pk, **changes)
        obj.refresh_from_db()


class OrderLineInline(ReadOnlyPermissions, admin.TabularInline):
    model = OrderLine
    fields = ["product", "sku", "name", "quantity", "unit_price", "line_total"]
    readonly_fields = fields
    extra = 0


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Orders are placed through the write API; staff move them with the actions."""

    list_display = [
        "id",
        "customer",
        "status",
        "total",
        "currency",
        "placed_at",
        "version",
    ]
    list_filter = ["status", "placed_at"]
    search_fields = ["=id", "customer__email"]
    list_select_related = ["customer"]
    inlines = [OrderLineInline]
    actions = ["pay_selected", "ship_selected", "cancel_selected"]

    def has_transition_permission(self, request) -> bool:
        return request.user.has_perm("commands.change_order")

    @admin.action(description="Mark selected orders paid", permissions=["transition"])
    def pay_selected(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            command=lambda o: order_pay(order_id=o.pk),
            done="orders paid",
        )

    @admin.action(description="Ship selected orders", permissions=["transition"])
    def ship_selected(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            command=lambda o: order_ship(order_id=o.pk),
            done="orders shipped",
        )

    @admin.action(description="Cancel selected orders", permissions=["transition"])
    def cancel_selected(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            command=lambda o: order_cancel(order_id=o.pk),
            done="orders cancelled",
        )
