"""Markdown → Atlassian Document Format (ADF), always valid, and ADF → plain text.

Jira's v3 API takes rich text only as ADF. Recipes write Markdown; adf-bridge converts it, every result
is checked against Atlassian's ADF schema (`hirebridge/vendored/`), and anything the converter cannot
handle falls back to plain paragraphs, so a converter bug can never block a sync.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from importlib import resources
from typing import Any

import adf_bridge
import fastjsonschema

from hirebridge import vendored

Converter = Callable[[str], dict[str, Any]]

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and an escaped one is
# always literal text: https://spec.commonmark.org/0.31.2/#backslash-escapes
_MARKDOWN_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Indentation would make an indented code block; paragraphs drop it anyway.
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")
_BLOCK_TYPES = frozenset(
    {"paragraph", "heading", "codeBlock", "blockquote", "bulletList", "orderedList", "table", "rule"}
)


@functools.cache
def _validator() -> Callable[[object], object]:
    # Compiling takes about 0.3 s, so it happens on first use rather than at import.
    text = resources.files(vendored).joinpath(vendored.ADF_SCHEMA).read_text("utf-8")
    return fastjsonschema.compile(json.loads(text))


def adf_errors(doc: object) -> list[str]:
    """Return why `doc` is not valid ADF; an empty list when it is."""
    try:
        _validator()(doc)
    except fastjsonschema.JsonSchemaException as error:
        return [str(error.message)]
    return []


def _adf_bridge(markdown: str) -> dict[str, Any]:
    return dict(adf_bridge.markdown_to_adf(markdown).value)


def markdown_to_adf(markdown: str, *, converter: Converter = _adf_bridge) -> dict[str, Any]:
    """Convert Markdown to a schema-valid ADF document.

    Never raises: if the converter fails or returns something the schema rejects, the text is sent
    as plain paragraphs instead (`plain_text_adf`).
    """
    if not markdown.strip():
        return plain_text_adf("")
    try:
        doc = converter(markdown)
    except Exception:
        return plain_text_adf(markdown)
    return doc if not adf_errors(doc) else plain_text_adf(markdown)


def plain_text_adf(text: str) -> dict[str, Any]:
    """Plain text as ADF: blank lines separate paragraphs, single newlines become hard breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        if not block.strip():
            continue
        content: list[dict[str, Any]] = []
        for line in block.split("\n"):
            if content:
                content.append({"type": "hardBreak"})
            if line:
                # Jira rejects empty text nodes (the schema's minLength 1).
                content.append({"type": "text", "text": line})
        while content and content[-1]["type"] == "hardBreak":
            content.pop()
        while content and content[0]["type"] == "hardBreak":
            content.pop(0)
        if content:
            paragraphs.append({"type": "paragraph", "content": content})
    return {"type": "doc", "version": 1, "content": paragraphs}


def markdown_escape(text: str) -> str:
    """Escape `text` so that Markdown renders it literally (no links, images, emphasis or blocks)."""
    return _INDENT.sub("", _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def adf_to_text(doc: dict[str, Any]) -> str:
    """Flatten an ADF document to plain text: blank lines between blocks, list items as `- item`.

    Lenient, for reading what people wrote in Jira: an unknown node contributes its text children.
    """
    return "\n\n".join(block for block in _blocks(_children(doc)) if block)


def _children(node: dict[str, Any]) -> list[Any]:
    content = node.get("content")
    return [child for child in content if isinstance(child, dict)] if isinstance(content, list) else []


def _blocks(nodes: list[dict[str, Any]]) -> list[str]:
    blocks = []
    for node in nodes:
        kind = node.get("type")
        children = _children(node)
        if kind in ("bulletList", "orderedList", "taskList", "decisionList"):
            lines = []
            for number, item in enumerate(children, start=1):
                marker = f"{number}. " if kind == "orderedList" else "- "
                body = "\n".join(_blocks(_children(item))) or _inline(item)
                lines.append(marker + body.replace("\n", "\n" + " " * len(marker)))
            blocks.append("\n".join(lines))
        elif kind == "table":
            rows = [
                " | ".join("\n".join(_blocks(_children(cell))) for cell in _children(row)) for row in children
            ]
            blocks.append("\n".join(rows))
        elif kind == "rule":
            blocks.append("---")
        elif any(child.get("type") in _BLOCK_TYPES for child in children):
            blocks.append("\n".join(block for block in _blocks(children) if block))
        else:
            blocks.append(_inline(node).strip("\n"))
    return blocks


def _inline(node: dict[str, Any]) -> str:
    kind = node.get("type")
    attrs = node.get("attrs") if isinstance(node.get("attrs"), dict) else {}
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind in ("mention", "emoji", "status", "date"):
        return str(attrs.get("text") or attrs.get("shortName") or attrs.get("id") or "")
    if kind in ("inlineCard", "blockCard", "embedCard"):
        return str(attrs.get("url", ""))
    return "".join(_inline(child) for child in _children(node))
