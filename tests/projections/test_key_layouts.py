"""Each Redis read model's key layout is written once, in its schema."""

import pytest

from projections import naming
from projections.api_keys import schema as api_keys_schema
from projections.stock import schema as stock_schema
from projections.stores.redis_versioned import RedisVersionedStore
from projections.top_products import schema as top_schema
from projections.writes import RankWrite


def test_hash_keys_put_an_entry_under_its_generation(namespace):
    key = stock_schema.KEYS.at("3").entry("7")

    assert key == f"{namespace}:stock:3:7"
    assert key == stock_schema.key(generation="3", product_id=7)


def test_hash_space_maps_a_scanned_key_back_and_skips_the_marker():
    space = api_keys_schema.KEYS.at("2")
    marker = naming.generation_marker(projection="api_keys", generation="2")

    assert space.entry_key(space.entry("ab:cd")) == "ab:cd"
    assert space.entry_key(marker) is None


def test_keys_around_the_generation_join_into_the_same_key():
    head, tail = stock_schema.KEYS.entry_around_generation("7")
    board_head, board_tail = top_schema.KEYS.board_around_generation()

    assert head + "5" + tail == stock_schema.key(generation="5", product_id=7)
    assert board_head + "5" + board_tail == top_schema.board_key(generation="5")


def test_rank_keys_name_the_board_and_its_versions(namespace):
    space = top_schema.KEYS.at("1")

    assert (space.board, space.versions) == (
        f"{namespace}:top_products:1:board",
        f"{namespace}:top_products:1:versions",
    )


def test_redis_store_refuses_a_write_its_layout_does_not_keep():
    store = RedisVersionedStore(keys=stock_schema.KEYS, generation="1")
    ranked = RankWrite(member="7", score=1.0, version=1, present=True)

    with pytest.raises(TypeError, match="stock keeps hash entries"):
        store.write([ranked])
