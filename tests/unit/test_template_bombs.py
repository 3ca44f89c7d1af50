"""Templates that would build or write far more than their limit: refused by `check` when their
literals alone say so, stopped with a clear error at run time otherwise, within little time and memory."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from hirebridge.domain.templates import TemplateEngine, TemplateError
from hirebridge.runtime.verify import load_for_check

ENGINE = TemplateEngine()
NAME = "x" * 90  # a long value from Lever: rendering sizes depend on the data, not only the template
CONTEXT = {"candidate": {"name": NAME, "tags": ["a", "b"]}, "n": 100_000, "m": 1_000}

LIMITS = ("over 100000", "longer than 100000", "more than 1000000 items", "limit 100000")
STATIC_BOMBS = [
    "{{ [[1] * 100000] * 100000 }}",
    "{{ [[1] * 100000] * 100000 | length }}",
    "{% set a = 'x' * 1000 %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
    "{% set c = [b, b, b, b, b, b, b, b, b, b] %}{{ c|length }}",
    "{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}",
    "{{ ('ab' + 'c' * 99999) ~ ('d' * 99999) }}",
    "{% if candidate %}{% set big = [1] * 60000 %}{% endif %}{{ [big, big] }}",
]

RUNTIME_BOMBS = [
    "{{ [[candidate.name] * n] * n }}",
    "{% set a = [candidate.name] * m %}{% set b = [a] * 90 %}{{ b|length }}",
    "{% set a = [candidate.name] * m %}{% set b = [a, a, a, a] %}{{ b }}",
    "{% set a = [candidate.name] * m %}{% set b = [a, a, a, a] %}{{ b ~ '' }}",
    "{% set a = [candidate.name] * m %}{% set b = [a, a, a, a] %}{{ b|string|length }}",
    "{% set a = [candidate.name] * m %}{% set b = [a, a, a, a] %}{{ b|tojson|length }}",
    "{% set a = [candidate.name] * m %}{% set b = [a, a, a, a] %}{{ b|join(',')|length }}",
    "{% set a = [candidate.name] * m %}{% set b = [a, a, a, a] %}{{ b|sum(start=[])|length }}",
    "{% set a = [candidate.name] * m %}{{ (a + a + a + a)|length }}",
    "{% for i in range(n) %}{% set x = range(50000)|list %}{% endfor %}",
    "{% for i in range(n) %}{{ candidate.name }}{% endfor %}",
]


@pytest.mark.parametrize("source", STATIC_BOMBS)
def test_check_refuses_what_its_literals_make_unbounded(source: str) -> None:
    with pytest.raises(TemplateError) as caught:
        ENGINE.compile(source, name="bomb")
    assert "more than 100000" in caught.value.message or "over 100000" in caught.value.message


def test_hirebridge_check_reports_the_bomb_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "hirebridge.yaml"
    path.write_text(
        "version: 1\n"
        "lever:\n  main: {api_key: k, perform_as: rita@example.com}\n"
        "jira:\n  main: {base_url: 'http://jira.invalid', email: a@example.com, api_token: t}\n"
        "recipes:\n"
        "  - name: onboarding\n"
        "    when: {stage_reached: Offer}\n"
        "    actions:\n"
        "      - id: epic\n"
        "        jira_issue:\n"
        "          project: ONB\n"
        "          type: Epic\n"
        '          summary: "{{ [[1] * 100000] * 100000 }}"\n'
    )
    _, _, findings = load_for_check(path, {})
    bombs = [f for f in findings if "template error" in f.message]
    assert len(bombs) == 1 and bombs[0].level == "error"
    assert "more than 100000" in bombs[0].message and ":14:" in bombs[0].where


@pytest.mark.parametrize("source", RUNTIME_BOMBS)
def test_rendering_stops_with_a_clear_error_in_bounded_time_and_memory(source: str) -> None:
    template = ENGINE.compile(source, name="bomb")  # nothing in the literals gives it away
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        template.render(CONTEXT)
    assert time.monotonic() - started < 1.0
    assert any(words in caught.value.message for words in LIMITS), caught.value.message

    # The same, memory measured (tracing allocations slows it down: no deadline here).
    patient = TemplateEngine(timeout_seconds=60).compile(source, name="bomb")
    tracemalloc.start()
    try:
        with pytest.raises(TemplateError) as again:
            patient.render(CONTEXT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert again.value.message == caught.value.message
    assert peak < 64 * 1024 * 1024, f"{peak / 1e6:.0f} MB"


def test_a_large_but_bounded_template_still_renders() -> None:
    source = "{% set a = [candidate.name] * m %}{{ a|length }} {{ (a|join(''))|length }}"
    assert ENGINE.compile(source, name="ok").render(CONTEXT) == "1000 90000"
