"""Rich text: ADF on v3, wiki strings on v2, stored as ADF and validated against Atlassian's schema."""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import fastjsonschema

from hirebridge import vendored
from hirebridge.sims.jira.errors import JiraError

NOT_ADF = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
NOT_STRING = "Operation value must be a string"
COMMENT_INVALID = "Comment body is not valid!"


@functools.cache
def _validator() -> Callable[[Any], Any]:
    text = resources.files(vendored).joinpath(vendored.ADF_SCHEMA).read_text("utf-8")
    return fastjsonschema.compile(json.loads(text))


def is_valid_adf(doc: Any) -> bool:
    try:
        _validator()(doc)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def text_to_adf(text: str) -> dict[str, Any]:
    blocks = []
    for para in text.replace("\r\n", "\n").split("\n\n"):
        content: list[dict[str, Any]] = []
        for i, line in enumerate(para.split("\n")):
            if i:
                content.append({"type": "hardBreak"})
            if line:
                content.append({"type": "text", "text": line})
        blocks.append({"type": "paragraph", "content": content} if content else {"type": "paragraph"})
    return {"type": "doc", "version": 1, "content": blocks if text else []}


def _inline_text(node: dict[str, Any]) -> str:
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind == "mention":
        return str(node.get("attrs", {}).get("text", ""))
    if kind in ("inlineCard", "blockCard"):
        return str(node.get("attrs", {}).get("url", ""))
    return "".join(_inline_text(c) for c in node.get("content", []))


def _block_text(node: dict[str, Any]) -> str:
    kind = node.get("type")
    children = node.get("content", [])
    if kind == "heading":
        return f"h{node.get('attrs', {}).get('level', 1)}. {_inline_text(node)}"
    if kind in ("bulletList", "orderedList"):
        bullet = "*" if kind == "bulletList" else "#"
        return "\n".join(
            f"{bullet} " + " ".join(_block_text(c) for c in li.get("content", [])) for li in children
        )
    if kind == "codeBlock":
        return "{code}" + _inline_text(node) + "{code}"
    if kind in ("blockquote", "panel", "doc", "listItem", "table", "tableRow", "tableCell", "tableHeader"):
        return "\n\n".join(_block_text(c) for c in children)
    if kind == "rule":
        return "----"
    return _inline_text(node)


def adf_to_text(doc: dict[str, Any] | None) -> str | None:
    if doc is None:
        return None
    return "\n\n".join(_block_text(c) for c in doc.get("content", []))


def adf_to_html(doc: dict[str, Any] | None) -> str:
    text = adf_to_text(doc) or ""
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br/>')}</p>" for p in text.split("\n\n") if p)


def rich_input(value: Any, field_id: str, version: str) -> dict[str, Any] | None:
    """Turns a request's rich-text value into stored ADF, failing the way Jira does."""
    if value is None:
        return None
    if version == "2":
        if not isinstance(value, str):
            raise JiraError(400, [], {field_id: NOT_STRING})
        return text_to_adf(value)
    if not isinstance(value, dict) or value.get("type") != "doc":
        error = COMMENT_INVALID if field_id == "comment" else NOT_ADF
        raise JiraError(400, [], {field_id: error})
    if not is_valid_adf(value):
        raise JiraError(400, ["INVALID_INPUT"], {})
    return value


def rich_output(doc: dict[str, Any] | None, version: str) -> Any:
    return adf_to_text(doc) if version == "2" else doc
