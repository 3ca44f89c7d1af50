"""Friendlier wording for pydantic's validation errors: suggestions for misspelt keys, valid values."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

_SEQUENCES = (list, tuple, set, frozenset, Sequence)


def suggest(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=3)
    listing = ", ".join(repr(c) for c in choices) or "none"
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else f"known: {listing}"


def improve_message(detail: ErrorDetails, found: tuple[str | int, ...], model: type, data: Any) -> str:
    """The message for one pydantic error; `found` is the part of its loc that exists in `data`."""
    kind, ctx, loc = detail["type"], detail.get("ctx") or {}, detail["loc"]
    if kind == "extra_forbidden" and found:
        key = str(found[-1])
        return _unknown_key(key, _field_names(model, found[:-1], data))
    if kind == "missing" and loc:
        return f"missing required key '{loc[-1]}'"
    if kind == "union_tag_not_found":
        return f"missing required key {ctx.get('discriminator', '')}"
    if kind == "union_tag_invalid":
        tags = [tag.strip(" '") for tag in str(ctx.get("expected_tags", "")).split(",")]
        message = f"{ctx.get('tag')!r} is not one of {', '.join(repr(tag) for tag in tags)}"
        return _with_suggestion(message, str(ctx.get("tag")), tags)
    if kind in ("literal_error", "enum"):
        return f"{detail['msg']}, not {detail['input']!r}"
    return detail["msg"]


def _unknown_key(key: str, fields: list[str]) -> str:
    message = _with_suggestion(f"unknown key '{key}'", key, fields)
    if message.endswith("?") or not fields or len(fields) > 12:
        return message
    return f"{message}; expected one of {', '.join(sorted(fields))}"


def _with_suggestion(message: str, value: str, options: list[str]) -> str:
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return f"{message}; did you mean '{close[0]}'?" if close else message


def _field_names(model: type, path: tuple[str | int, ...], data: Any) -> list[str]:
    """Keys the model accepts at `path`; among union members, the one closest to the data there."""
    candidates: list[Any] = [model]
    for part in path:
        candidates = [child for candidate in candidates for child in _children(candidate, part)]
        data = data[part] if isinstance(data, Mapping | list) else None
    present = set(data) if isinstance(data, Mapping) else set()
    models = [m for candidate in candidates for m in _members(candidate) if _is_model(m)]
    if not models:
        return []
    best = max(models, key=lambda m: len(present & set(_keys(m))))
    return _keys(best)


def _keys(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _members(annotation: Any) -> list[Any]:
    """A union's members, with `Annotated` metadata dropped."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [member for arg in typing.get_args(annotation) for member in _members(arg)]
    return [annotation]


def _children(annotation: Any, part: str | int) -> list[Any]:
    found = []
    for member in _members(annotation):
        origin, args = typing.get_origin(member), typing.get_args(member)
        if _is_model(member) and isinstance(part, str):
            for name, field in member.model_fields.items():
                if part in (name, field.alias):
                    found.append(field.annotation)
        elif isinstance(origin, type) and issubclass(origin, Mapping) and len(args) == 2:
            found.append(args[1])
        elif isinstance(origin, type) and issubclass(origin, _SEQUENCES) and args and isinstance(part, int):
            found.append(args[0])
    return found
