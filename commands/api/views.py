"""Write views: one per operation, each running one command handler."""

from typing import Any

from django.db import models

from commands.api import serializers
from commands.api.writing import ActionView, CreateView, UpdateView
from commands.handlers.aggregates import UNSET
from commands.handlers.category import category_create, category_move, category_rename
from commands.handlers.customer import customer_register, customer_update
from commands.handlers.order import order_cancel, order_pay, order_place, order_ship
from commands.handlers.product import product_archive, product_create, product_update
from commands.handlers.stock import stock_adjust
from commands.serializers_state import (
    category_state,
    customer_state,
    order_state,
    product_state,
    stock_state,
)


class CategoryCreateView(CreateView):
    input_serializer = serializers.CategoryCreateInput
    state = category_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None
    ) -> models.Model:
        return category_create(
            name=data["name"], slug=data.get("slug"), parent_id=data.get("parent")
        )


class CategoryUpdateView(UpdateView):
    """Rename (name, slug) and/or move (parent) in one transaction."""

    input_serializer = serializers.CategoryUpdateInput
    state = category_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None, pk: int
    ) -> models.Model:
        category = None
        if "name" in data or "slug" in data:
            category = category_rename(
                category_id=pk,
                name=data.get("name", UNSET),
                slug=data.get("slug", UNSET),
                expected_version=expected_version,
            )
            expected_version = category.version
        if "parent" in data:
            category = category_move(
                category_id=pk,
                parent_id=data["parent"],
                expected_version=expected_version,
            )
        return category


class ProductCreateView(CreateView):
    input_serializer = serializers.ProductCreateInput
    state = product_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None
    ) -> models.Model:
        data["category_id"] = data.pop("category")
        return product_create(**data)


class ProductUpdateView(UpdateView):
    input_serializer = serializers.ProductUpdateInput
    state = product_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None, pk: int
    ) -> models.Model:
        if "category" in data:
            data["category_id"] = data.pop("category")
        return product_update(product_id=pk, expected_version=expected_version, **data)


class ProductArchiveView(ActionView):
    state = product_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None, pk: int
    ) -> models.Model:
        return product_archive(product_id=pk, expected_version=expected_version)


class StockAdjustView(ActionView):
    input_serializer = serializers.StockAdjustInput
    state = stock_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None, product_id: int
    ) -> models.Model:
        return stock_adjust(
            product_id=product_id,
            delta=data["delta"],
            reason=data["reason"],
            expected_version=expected_version,
        )


class CustomerRegisterView(CreateView):
    input_serializer = serializers.CustomerCreateInput
    state = customer_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None
    ) -> models.Model:
        return customer_register(email=data["email"], name=data["name"])


class CustomerUpdateView(UpdateView):
    input_serializer = serializers.CustomerUpdateInput
    state = customer_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None, pk: int
    ) -> models.Model:
        return customer_update(
            customer_id=pk, expected_version=expected_version, **data
        )


class OrderPlaceView(CreateView):
    input_serializer = serializers.OrderCreateInput
    state = order_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None
    ) -> models.Model:
        lines = [
            {"product_id": line["product"], "quantity": line["quantity"]}
            for line in data["lines"]
        ]
        return order_place(customer_id=data["customer"], lines=lines)


class OrderPayView(ActionView):
    state = order_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None, pk: int
    ) -> models.Model:
        return order_pay(order_id=pk, expected_version=expected_version)


class OrderShipView(ActionView):
    state = order_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None, pk: int
    ) -> models.Model:
        return order_ship(order_id=pk, expected_version=expected_version)


class OrderCancelView(ActionView):
    state = order_state

    def command(
        self, *, data: dict[str, Any], expected_version: int | None, pk: int
    ) -> models.Model:
        return order_cancel(order_id=pk, expected_version=expected_version)
