"""Admin of the catalogue: categories, products and the catalogue tree lock."""

from typing import Any

from django import forms
from django.contrib import admin

from commands.admin.base import HandlerAdmin, ReadOnlyAdmin, run_each
from commands.handlers.category import (
    category_create,
    category_delete,
    category_move,
    category_rename,
)
from commands.handlers.product import (
    product_archive,
    product_create,
    product_delete,
    product_update,
)
from commands.models import (
    CatalogTree,
    Category,
    Product,
    ProductStatus,
)


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


@admin.register(CatalogTree)
class CatalogTreeAdmin(ReadOnlyAdmin):
    list_display = ["id", "version", "updated_at"]
