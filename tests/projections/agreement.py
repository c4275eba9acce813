"""Compare every read model with the write model, aggregate by aggregate."""

from decimal import Decimal

from commands.models import ApiKey, Customer, Order, Product, StockItem
from config import connections
from projections import generations
from projections.api_keys import schema as api_keys_schema
from projections.customer_summary import schema as summary_schema
from projections.products.load import load_tree
from projections.stock import schema as stock_schema
from projections.top_products import schema as top_schema
from tests.projections.draining import search_documents


def mismatches() -> list[str]:
    """Human-readable differences between read and write models (empty: agree)."""
    return [
        *_products(),
        *_orders(),
        *_stock(),
        *_top_products(),
        *_customer_summaries(),
        *_api_keys(),
    ]


def _live(projection: str) -> str:
    return generations.live_generation(projection).generation


def _products() -> list[str]:
    documents = search_documents("products")
    tree = load_tree()
    problems = []
    for product in Product.objects.select_related("stock"):
        found = documents.get(str(product.pk))
        if found is None:
            problems.append(f"product {product.pk}: no document")
            continue
        source = found[1]
        expected = {
            "versions.product": product.version,
            "versions.stock": product.stock.version,
            "deleted": product.deleted,
        }
        actual = {
            "versions.product": source["versions"]["product"],
            "versions.stock": source["versions"]["stock"],
            "deleted": source["deleted"],
        }
        if not product.deleted:
            path = [node.slug for node in tree.path(product.category_id)]
            expected |= {
                "path": path,
                "available": product.stock.available,
                "units_sold": product.stock.units_sold,
                "price": f"{product.price:.2f}",
            }
            actual |= {
                "path": source["category_path"],
                "available": source["available"],
                "units_sold": source["units_sold"],
                "price": source["price"],
            }
        if expected != actual:
            problems.append(f"product {product.pk}: {actual} != {expected}")
    return problems


def _orders() -> list[str]:
    documents = search_documents("orders")
    problems = []
    for order in Order.objects.select_related("customer"):
        found = documents.get(str(order.pk))
        expected = (order.version, order.status, order.customer.name)
        actual = (
            (
                found[1]["versions"]["order"],
                found[1]["status"],
                found[1]["customer_name"],
            )
            if found
            else None
        )
        if actual != expected:
            problems.append(f"order {order.pk}: {actual} != {expected}")
    return problems


def _stock() -> list[str]:
    client, generation = connections.redis_client(), _live("stock")
    problems = []
    for stock in StockItem.objects.all():
        stored = client.hgetall(
            stock_schema.key(generation=generation, product_id=stock.pk)
        )
        expected = {
            "on_hand": str(stock.on_hand),
            "reserved": str(stock.reserved),
            "available": str(stock.available),
            "units_sold": str(stock.units_sold),
            "version": str(stock.version),
        }
        if stored != expected:
            problems.append(f"stock {stock.pk}: {stored} != {expected}")
    return problems


def _top_products() -> list[str]:
    client, generation = connections.redis_client(), _live("top_products")
    board = dict(
        client.zrange(
            top_schema.board_key(generation=generation), 0, -1, withscores=True
        )
    )
    versions = client.hgetall(top_schema.versions_key(generation=generation))
    problems = []
    for stock in StockItem.objects.select_related("product"):
        member = str(stock.pk)
        listed = stock.units_sold > 0 and not stock.product.deleted
        expected = (
            float(stock.units_sold) if listed else None,
            stock.version + stock.product.version,
        )
        actual = (board.get(member), int(versions.get(member, 0)))
        if actual != expected:
            problems.append(f"top_products {member}: {actual} != {expected}")
    return problems


def _customer_summaries() -> list[str]:
    client, generation = connections.redis_client(), _live("customer_summary")
    problems = []
    for customer in Customer.objects.all():
        stored = client.hgetall(
            summary_schema.key(generation=generation, customer_id=customer.pk)
        )
        expected = {
            "orders_count": str(customer.orders_count),
            "lifetime_value": f"{Decimal(customer.lifetime_value):.2f}",
            "version": str(customer.version),
        }
        if stored != expected:
            problems.append(f"customer {customer.pk}: {stored} != {expected}")
    return problems


def _api_keys() -> list[str]:
    client, generation = connections.redis_client(), _live("api_keys")
    problems = []
    for apikey in ApiKey.objects.all():
        stored = client.hgetall(
            api_keys_schema.key(generation=generation, key_hash=apikey.key_hash)
        )
        expected = {
            "active": "1" if apikey.active else "0",
            "version": str(apikey.version),
        }
        actual = {k: stored.get(k) for k in expected}
        if actual != expected:
            problems.append(f"api key {apikey.pk}: {actual} != {expected}")
    return problems
