from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hirebridge import vendored
from hirebridge.domain.adf import (
    adf_errors,
    adf_to_text,
    markdown_escape,
    markdown_to_adf,
    plain_text_adf,
)

# Atlassian's ADF schema (https://go.atlassian.com/adf-json-schema): the one copy the converter and
# the Jira simulator both read.
SCHEMA = json.loads((resources.files(vendored) / vendored.ADF_SCHEMA).read_text("utf-8"))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)


def assert_valid(doc: object) -> None:
    errors = [error.message for error in VALIDATOR.iter_errors(doc)]
    assert errors == []
    assert adf_errors(doc) == []


SAMPLES = {
    "empty": "",
    "blank": "  \n\n ",
    "headings": "# One\n\n## Two\n\n###### Six",
    "marks": "**bold** _italic_ `code` ~~strike~~ [link](https://example.com)",
    "nested lists": "- a\n  - b\n    1. c\n- d",
    "code": "```python\nprint('hi')\n```",
    "table": "| a | b |\n|---|---|\n| 1 | `2` |",
    "quote": "> quoted\n> text",
    "hard break": "line one  \nline two",
    "html": "<b>bold?</b>\n\n<div>block</div>",
    "rule": "above\n\n---\n\nbelow",
    "image": "![alt](https://example.com/a.png)",
}


@pytest.mark.parametrize("markdown", SAMPLES.values(), ids=SAMPLES.keys())
def test_samples_are_valid_adf(markdown):
    assert_valid(markdown_to_adf(markdown))


def test_converts_structure():
    doc = markdown_to_adf("# Title\n\n- **a**\n- b")
    assert [node["type"] for node in doc["content"]] == ["heading", "bulletList"]
    assert doc["content"][1]["content"][0]["content"][0]["content"][0]["marks"] == [{"type": "strong"}]


def test_empty_input_is_an_empty_doc():
    assert markdown_to_adf("") == {"type": "doc", "version": 1, "content": []}


FRAGMENTS = [
    "# h",
    "- ",
    "  - nested",
    "1. ",
    "> ",
    "```",
    "`",
    "**",
    "_",
    "~~",
    "[",
    "](",
    ")",
    "[]()",
    "![](x)",
    "<div>",
    "</div>",
    "|a|b|\n|-|-|\n",
    "| `x` |",
    "---",
    "\n",
    "\n\n",
    "  \n",
    "    ",
    "\t",
    "text",
    "[~accountId:abc]",
    "&amp;",
    "\\",
    "- [ ] ",
    "\x00",
    "é",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join))
def test_output_always_validates(markdown):
    doc = markdown_to_adf(markdown)
    assert adf_errors(doc) == []
    assert not list(VALIDATOR.iter_errors(doc))


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"]), max_size=40))
def test_escaped_text_reads_back_unchanged(text):
    assert adf_to_text(markdown_to_adf(markdown_escape(text))) == text


def test_falls_back_to_plain_text_when_the_converter_raises():
    def broken(markdown: str) -> dict:
        raise RuntimeError("converter bug")

    doc = markdown_to_adf("**a**\nb", converter=broken)
    assert doc == plain_text_adf("**a**\nb")
    assert_valid(doc)


def test_falls_back_to_plain_text_when_the_converter_returns_invalid_adf():
    doc = markdown_to_adf("hello", converter=lambda markdown: {"type": "doc", "content": "nope"})
    assert doc == plain_text_adf("hello")


def test_plain_text_paragraphs_and_hard_breaks():
    doc = plain_text_adf("\n\na\nb\n\n \n\nc\n\n\n")
    assert doc["content"] == [
        {
            "type": "paragraph",
            "content": [{"type": "text", "text": "a"}, {"type": "hardBreak"}, {"type": "text", "text": "b"}],
        },
        {"type": "paragraph", "content": [{"type": "text", "text": "c"}]},
    ]
    assert_valid(doc)


@pytest.mark.parametrize("text", ["", "\n", "a\n\nb", "a\r\nb", "\n\nx\n\n", "a\n\n\nb\n"])
def test_plain_text_has_no_empty_text_nodes(text):
    assert_valid(plain_text_adf(text))


def test_adf_errors_reports_invalid_docs():
    assert adf_errors({"type": "doc", "version": 1, "content": []}) == []
    assert adf_errors({"type": "doc"}) != []
    assert adf_errors("doc") != []


@pytest.mark.parametrize(
    "attack",
    ["[x](javascript:alert(1))", "![](http://t)", "<https://evil.example>", "[~accountId:123]", "**bold**"],
)
def test_escaping_neutralises_markdown(attack):
    doc = markdown_to_adf(f"Candidate: {markdown_escape(attack)}")
    assert doc["content"] == [
        {"type": "paragraph", "content": [{"type": "text", "text": f"Candidate: {attack}"}]}
    ]


@pytest.mark.parametrize("text", ["a\n\n    code", "a\n\n\t- item", "x\n===", "1. one"])
def test_escaped_text_makes_no_blocks(text):
    doc = markdown_to_adf(markdown_escape(text))
    assert {node["type"] for node in doc["content"]} == {"paragraph"}


def test_unescaped_link_would_be_a_link():
    doc = markdown_to_adf("[x](https://example.com)")
    assert doc["content"][0]["content"][0]["marks"][0]["type"] == "link"


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("# Title\n\nHello **world**  \nnext", "Title\n\nHello world\nnext"),
        ("- a\n  - b\n- c\n\n1. x\n2. y", "- a\n  - b\n- c\n\n1. x\n2. y"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a | b\n1 | 2"),
        ("> quote\n\n```\ncode\n```\n\nend", "quote\n\ncode\n\nend"),
        ("", ""),
    ],
)
def test_adf_to_text(markdown, text):
    assert adf_to_text(markdown_to_adf(markdown)) == text


def test_adf_to_text_is_lenient():
    doc = {
        "type": "doc",
        "content": [
            {"type": "someFutureNode", "content": [{"type": "text", "text": "kept"}]},
            {"type": "panel", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "p"}]}]},
            {"type": "paragraph", "content": [{"type": "mention", "attrs": {"id": "1", "text": "@Ann"}}]},
            "garbage",
        ],
    }
    assert adf_to_text(doc) == "kept\n\np\n\n@Ann"
