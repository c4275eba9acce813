"""Admin of the write model. Every save, delete and action runs a command handler, so
admin changes reach the outbox like any other; Django's "delete selected" is removed.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from commands.errors import DomainError
from commands.handlers.apikey import apikey_issue, apikey_revoke
from commands.handlers.category import (
    category_create,
    category_delete,
    category_move,
    category_rename,
)
from commands.handlers.customer import customer_register, customer_update
from commands.handlers.order import order_cancel, order_pay, order_ship
from commands.handlers.product import (
    product_archive,
    product_create,
    product_delete,
    product_update,
)
from commands.handlers.stock import stock_adjust
from commands.models import (
    API_KEY_SCOPES,
    ApiKey,
    CatalogTree,
    Category,
    Customer,
    IdempotencyRecord,
    Order,
    OrderLine,
    OutboxEvent,
    Product,
    ProductStatus,
    StockItem,
    StockMovement,
)


class HandlerAdmin(admin.ModelAdmin):
    """Saves and deletes through handlers; a refused command becomes an error message."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def _refused(self, request: HttpRequest, exc: DomainError) -> HttpResponse:
        self.message_user(request, f"Not saved: {exc}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def adopt(self, obj: models.Model, saved: models.Model) -> None:
        """Point the admin's unsaved form object at the row the handler wrote."""
        obj.pk = saved.pk
        obj.refresh_from_db()


def run_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: Iterable[models.Model],
    *,
    command: Callable[[models.Model], object],
    done: str,
) -> None:
    """An admin action body: one handler call per selected row, each its own transaction."""
    succeeded = 0
    for obj in queryset:
        try:
            command(obj)
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} {done}.", messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(HandlerAdmin):
    list_display = ["name", "slug", "parent", "version", "updated_at"]
    list_filter = [("parent", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "parent", "version", "created_at", "updated_at"]
    readonly_fields = ["version", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["delete_empty_categories"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = category_create(
                name=data["name"], slug=data["slug"], parent_id=obj.parent_id
            )
            return self.adopt(obj, created)
        if {"name", "slug"} & set(form.changed_data):
            category_rename(category_id=obj.pk, name=data["name"], slug=data["slug"])
        if "parent" in form.changed_data:
            category_move(category_id=obj.pk, parent_id=obj.parent_id)
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        category_delete(category_id=obj.pk)

    @admin.action(
        description="Delete selected empty categories", permissions=["delete"]
    )
    def delete_empty_categories(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            command=lambda c: category_delete(category_id=c.pk),
            done="categories deleted",
        )


PRODUCT_FORM_FIELDS = (
    "sku",
    "name",
    "description",
    "category",
    "price",
    "currency",
    "status",
    "attributes",
)


class ProductAddForm(forms.ModelForm):
    initial_stock = forms.IntegerField(min_value=0, initial=0)

    class Meta:
        model = Product
        fields = PRODUCT_FORM_FIELDS


@admin.register(Product)
class ProductAdmin(HandlerAdmin):
    list_display = [
        "sku",
        "name",
        "category",
        "price",
        "currency",
        "status",
        "deleted",
        "version",
    ]
    list_filter = ["status", "deleted", "currency", "category"]
    search_fields = ["sku", "name"]
    list_select_related = ["category"]
    readonly_fields = ["deleted", "version", "created_at", "updated_at"]
    actions = ["archive_selected", "soft_delete_selected"]
    add_form = ProductAddForm

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        extra = ["initial_stock"] if obj is None else []
        return [*PRODUCT_FORM_FIELDS, *extra, *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if not change:
            args = self._create_args(form.cleaned_data)
            return self.adopt(obj, product_create(**args))
        changes = _product_changes(form)
        archive = changes.get("status") == ProductStatus.ARCHIVED
        if archive:
            del changes["status"]
        if changes:
            product_update(product_id=obj.pk, **changes)
        if archive:
            product_archive(product_id=obj.pk)
        obj.refresh_from_db()

    def _create_args(self, data: dict[str, Any]) -> dict[str, Any]:
        args = {f: data[f] for f in PRODUCT_FORM_FIELDS if f != "category"}
        args["category_id"] = data["category"].pk
        args["initial_stock"] = data["initial_stock"]
        return args

    def delete_model(self, request, obj):
        product_delete(product_id=obj.pk)

    def get_deleted_objects(self, objs, request):
        # A soft delete removes no row, so nothing related is deleted or protected.
        names = [str(obj) for obj in objs]
        return names, {Product._meta.verbose_name_plural: len(names)}, set(), []

    @admin.action(description="Archive selected products", permissions=["change"])
    def archive_selected(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            command=lambda p: product_archive(product_id=p.pk),
            done="products archived",
        )

    @admin.action(description="Delete selected products (soft)", permissions=["delete"])
    def soft_delete_selected(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            command=lambda p: product_delete(product_id=p.pk),
            done="products deleted",
        )


def _product_changes(form: forms.ModelForm) -> dict[str, Any]:
    """The changed form fields as `product_update` arguments."""
    changes = {}
    for field in form.changed_data:
        value = form.cleaned_data[field]
        if field == "category":
            changes["category_id"] = value.pk
        else:
            changes[field] = value
    return changes


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


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["product", "sku", "name", "quantity", "unit_price", "line_total"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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


class ApiKeyIssueForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(s, s) for s in API_KEY_SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ApiKey
        fields = ["name", "scopes"]


@admin.register(ApiKey)
class ApiKeyAdmin(HandlerAdmin):
    """Keys are issued here (the raw key is shown once) and revoked by an action."""

    form = ApiKeyIssueForm
    list_display = ["name", "prefix", "scopes", "active", "version", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "prefix"]
    actions = ["revoke_selected"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "scopes"]
        return ["name", "prefix", "scopes", "active", "version", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("commands.change_apikey")

    def save_model(self, request, obj, form, change):
        apikey, raw_key = apikey_issue(
            name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
        )
        self.adopt(obj, apikey)
        self.message_user(
            request,
            f"API key for {apikey.name!r}: {raw_key} — copy it now, it is not stored "
            "and will not be shown again.",
            messages.WARNING,
        )

    @admin.action(description="Revoke selected API keys", permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            command=lambda k: apikey_revoke(apikey_id=k.pk),
            done="API keys revoked",
        )


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = [
        "position",
        "txid",
        "event_type",
        "aggregate_type",
        "aggregate_id",
        "aggregate_version",
        "shard",
        "occurred_at",
        "correlation_id",
    ]
    list_filter = ["aggregate_type", "event_type", "occurred_at"]
    search_fields = ["=aggregate_id"]
    show_full_result_count = False
    ordering = ["-position"]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ["key", "user", "response_status", "created_at"]
    search_fields = ["key"]


@admin.register(CatalogTree)
class CatalogTreeAdmin(ReadOnlyAdmin):
    list_display = ["id", "version", "updated_at"]
