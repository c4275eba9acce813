"""The demo catalogue reads like a real shop's: accents, plurals, multi-word names."""

from io import StringIO

import pytest
from django.core.management import call_command

from commands.demo_catalogue import ITEMS
from commands.models import Product

pytestmark = pytest.mark.django_db


def test_seed_demo_names_products_like_a_shop():
    call_command("seed_demo", categories=210, products=120, customers=2, orders=0,
                 stdout=StringIO())  # fmt: skip

    names = set(Product.objects.values_list("name", flat=True))
    assert {"Crème brûlée torch", "Running shoes for trails"} <= names
    assert any(name.startswith("Running shoes for trails (") for name in names)


def test_seed_demo_files_each_product_under_its_department():
    call_command("seed_demo", categories=210, products=len(ITEMS), customers=2,
                 orders=0, stdout=StringIO())  # fmt: skip

    departments = {
        product.name: product.category.name.split()[0]
        for product in Product.objects.select_related("category")
    }
    assert departments == {item.name: item.department for item in ITEMS}
