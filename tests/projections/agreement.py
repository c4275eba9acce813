"""Compare every read model with the write model, aggregate by aggregate, and
look for entries the write model has no row for (extras)."""

from decimal import Decimal

from commands.models import ApiKey, Customer, Order, Product, StockItem
from config import connections
from projections import naming
from projections.api_keys import schema as api_keys_schema
from projections.customer_summary import schema as summary_schema
from projections.lifecycle import generations
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
        *_extras(),
    ]


def _extras() -> list[str]:
    """Documents, hashes and members whose aggregate the write model lacks."""
    products = {str(pk) for pk in Product.objects.values_list("pk", flat=True)}
    customers = {str(pk) for pk in Customer.objects.values_list("pk", flat=True)}
    key_hashes = set(ApiKey.objects.values_list("key_hash", flat=True))
    orders = {str(pk) for pk in Order.objects.values_list("pk", flat=True)}
    found = {
        "products": set(search_documents("products")) - products,
        "orders": set(search_documents("orders")) - orders,
        "stock": _hash_suffixes("stock") - products,
        "top_products": _members() - products,
        "customer_summary": _hash_suffixes("customer_summary") - customers,
        "api_keys": _hash_suffixes("api_keys") - key_hashes,
    }
    return [
        f"{projection}: extra {key}"
        for projection, keys in found.items()
        for key in sorted(keys)
    ]


def _hash_suffixes(projection: str) -> set[str]:
    client = connections.redis_client()
    prefix = naming.redis_prefix(projection=projection, generation=_live(projection))
    suffixes = {key[len(prefix) + 1 :] for key in client.scan_iter(match=f"{prefix}:*")}
    return suffixes - {naming.MARKER}  # the generation marker is not an entry


def _members() -> set[str]:
    client, generation = connections.redis_client(), _live("top_products")
    board = client.zrange(top_schema.board_key(generation=generation), 0, -1)
    versions = client.hkeys(top_schema.versions_key(generation=generation))
    return {*board, *versions}


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
            "versions.product": product.stamp,
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
