"""Cursor pagination with the `{items, next_cursor}` envelope of the Justworks Partner API
(https://public-api.justworks.com/v1/docs)."""

from __future__ import annotations

import base64
from typing import Any

from hirebridge.sims.justworks.errors import fail


def page(items: list[dict[str, Any]], cursor: str | None, limit: str | None) -> dict[str, Any]:
    size = _limit(limit)
    start = _offset(cursor) if cursor else 0
    chunk = items[start : start + size]
    more = start + size < len(items)
    return {"items": chunk, "next_cursor": _encode(start + size) if more else None}


def _limit(raw: str | None) -> int:
    if raw is None:
        return 100
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 100:
        raise fail(400, "invalid_limit", "limit must be an integer from 1 to 100", "limit")
    return value


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind == "o" and number.isdigit():
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise fail(400, "invalid_cursor", "cursor is not one this server issued", "cursor")
