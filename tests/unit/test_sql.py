"""store/sql.py: named queries parsed from the `.sql` files."""

from __future__ import annotations

from hirebridge.store.sql import QUERIES, parse_queries


def test_queries_are_split_at_their_name_headers_and_lose_their_comments() -> None:
    text = "-- name: first\n-- why it exists\nSELECT 1;\n\n-- name: second\nSELECT 2\nFROM t;\n"
    assert parse_queries(text) == {"first": "SELECT 1;", "second": "SELECT 2\nFROM t;"}


def test_every_stored_query_is_named_and_not_empty() -> None:
    assert QUERIES and all(name and body.strip() for name, body in QUERIES.items())
    assert "record_intent" in QUERIES and "-- " not in QUERIES["record_intent"]
