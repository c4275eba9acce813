"""Cursor signing in isolation: what the pages hand out is what they accept."""

import time

import pytest

from readapi.cursors import (
    MAX_LENGTH,
    Cursor,
    InvalidCursor,
    decode_cursor,
    encode_cursor,
    query_fingerprint,
)

SALT = "tests.cursor"


def test_cursor_round_trips_its_position():
    cursor = Cursor(key=[19.99, "oak chair", 17], backwards=True, pit_id="abc==")

    token = encode_cursor(cursor=cursor, salt=SALT, fingerprint="f")

    assert decode_cursor(token=token, salt=SALT, fingerprint="f") == cursor


def test_cursor_of_another_endpoint_is_invalid():
    token = encode_cursor(cursor=Cursor(key=[1]), salt="tests.other", fingerprint="f")

    with pytest.raises(InvalidCursor):
        decode_cursor(token=token, salt=SALT, fingerprint="f")


def test_cursor_of_another_query_is_invalid():
    token = encode_cursor(cursor=Cursor(key=[1]), salt=SALT, fingerprint="f")

    with pytest.raises(InvalidCursor, match="another query"):
        decode_cursor(token=token, salt=SALT, fingerprint="g")


def test_cursor_longer_than_the_cap_is_refused_before_any_decoding():
    started = time.perf_counter()

    with pytest.raises(InvalidCursor, match="too long"):
        decode_cursor(token="x" * 1_000_000, salt=SALT, fingerprint="f")

    assert time.perf_counter() - started < 0.05
    assert MAX_LENGTH <= 4096


def test_query_fingerprint_ignores_parameter_order():
    assert query_fingerprint({"a": 1, "b": "x"}) == query_fingerprint(
        {"b": "x", "a": 1}
    )
    assert query_fingerprint({"a": 1}) != query_fingerprint({"a": 2})
