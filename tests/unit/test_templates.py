from __future__ import annotations

import datetime as dt
import time

import pytest

from hirebridge.domain.templates import TemplateEngine, TemplateError

ENGINE = TemplateEngine()
CONTEXT = {
    "candidate": {
        "name": "Ada Lovelace",
        "emails": ["ada@example.com", "a.l@example.org"],
        "phones": [],
        "tags": [{"kind": "work", "value": "x"}],
        "fields": {"shirt": "M"},
        "bio": "[x](javascript:alert(1)) ![](http://t) *bold*",
    },
    "posting": {"title": "Engineer", "team": None},
    "offer": {"start": 1767225600000, "salary": 120000},
}


def render(source: str, context: dict | None = None, **kwargs: object) -> str:
    return ENGINE.compile(source, name="test", **kwargs).render(CONTEXT if context is None else context)


def error_of(source: str, context: dict | None = None, engine: TemplateEngine = ENGINE) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        engine.compile(source, name="test").render(CONTEXT if context is None else context)
    return caught.value


def test_renders_fields_loops_and_conditions():
    source = (
        "{{ candidate.name }} for {{ posting.title }}:{% for e in candidate.emails %} {{ e }}{% endfor %}"
    )
    assert render(source) == "Ada Lovelace for Engineer: ada@example.com a.l@example.org"
    assert render("{% if candidate.phones %}yes{% else %}no{% endif %}") == "no"


def test_none_renders_empty():
    assert render("[{{ posting.team }}]") == "[]"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ offer.start|date }}", "2026-01-01"),
        ("{{ offer.start|date('%d/%m/%Y') }}", "01/01/2026"),
        ("{{ '2026-03-04T10:00:00Z'|date('%b %d') }}", "Mar 04"),
        ("{{ d|date }}", "2026-02-03"),
        ("{{ dt|date('%H:%M') }}", "09:30"),
        ("{{ '2026-01-02'|add_business_days(1) }}", "2026-01-05"),  # Friday → Monday
        ("{{ '2026-01-03'|add_business_days(1) }}", "2026-01-05"),  # Saturday → Monday
        ("{{ '2026-01-05'|add_business_days(5) }}", "2026-01-12"),
        ("{{ '2026-01-05'|add_business_days(-1) }}", "2026-01-02"),
        ("{{ '2026-01-05'|add_business_days(0) }}", "2026-01-05"),
        ("{{ offer.start|add_business_days(2)|date('%a %d') }}", "Mon 05"),
        ("{{ candidate.name|first_name }}", "Ada"),
        ("{{ candidate.name|last_name }}", "Lovelace"),
        ("{{ 'Mary Ann Smith'|last_name }}", "Ann Smith"),
        ("{{ 'Cher'|first_name }}|{{ 'Cher'|last_name }}", "Cher|"),
        ("{{ offer.salary|money }}", "$120,000.00"),
        ("{{ offer.salary|money('EUR') }}", "€120,000.00"),
        ("{{ 1234.5|money('gbp') }}", "£1,234.50"),
        ("{{ 5000|money('JPY') }}", "¥5,000"),
        ("{{ -12|money }}", "-$12.00"),
        ("{{ 10|money('CHF') }}", "10.00 CHF"),
        ("{{ 'Senior Engineer (Backend) — Zürich'|slug }}", "senior-engineer-backend-zurich"),
        ("{{ posting.missing|default('n/a') }}", "n/a"),
        ("{{ candidate.emails|join(', ') }}", "ada@example.com, a.l@example.org"),
        ("{{ 'a-b'|replace('-', '+') }}", "a+b"),
    ],
)
def test_filters(source, expected):
    context = dict(CONTEXT, d=dt.date(2026, 2, 3), dt=dt.datetime(2026, 2, 3, 9, 30))
    assert render(source, context) == expected


@pytest.mark.parametrize("source", ["{{ 'soon'|date }}", "{{ 'x'|money }}", "{{ true|date }}"])
def test_filter_errors_are_template_errors(source):
    assert error_of(source).line == 1


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ candidate.phone }}", "'candidate' has no field 'phone'; did you mean 'phones'?"),
        ("{{ candidate.fields.size }}", "'candidate.fields' has no field 'size'"),
        ("{{ candidate.emails[7] }}", "'candidate.emails' has no item 7"),
        ("{{ candidat.name }}", "unknown name 'candidat'; did you mean 'candidate'?"),
        (
            "{% for t in candidate.tags %}{{ t.label }}{% endfor %}",
            "'candidate.tags[0]' has no field 'label'",
        ),
    ],
)
def test_strict_undefined_names_the_missing_field(source, message):
    assert error_of(source).message == message


@pytest.mark.parametrize(
    "source",
    [
        "{{ candidate.__class__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ 'a'|attr('format') }}",
        "{{ '{0.__class__}'.format(candidate) }}",
        "{{ 'a' * 50_000_000 }}",
        "{{ [1] * 50_000_000 }}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ 2 ** 64 * 2 ** 65 }}",
        "{{ 9 ** (9 ** 9) }}",
        "{{ '%0100000000d' % 1 }}",
        "{{ 'x'.center(100000000) }}",
        "{{ 'x'.replace('', 'y' * 99999) * 1 }}",
        "{{ ('x' * 99999)|replace('', 'y' * 99999) }}",
        "{{ range(99999)|join('y' * 99999) }}",
        "{{ candidate.emails.append(1) }}",
        "{{ lipsum(100000) }}",
        "{% set ns = namespace(s='a') %}",
        "{% include 'other' %}",
        "{{ 'x'|center(100000000) }}",
    ],
)
def test_sandbox_blocks(source):
    error_of(source)


def test_output_is_capped():
    engine = TemplateEngine(max_output=1000)
    assert "longer than 1000" in error_of("{% for i in range(n) %}x{% endfor %}", {"n": 2000}, engine).message
    assert engine.compile("{{ 'x' * 1000 }}", name="ok").render({}) == "x" * 1000


def test_pathological_loop_times_out():
    engine = TemplateEngine(timeout_seconds=0.05)
    source = "{% for i in range(100000) %}\n{% for j in range(100000) %}{% endfor %}{% endfor %}"
    started = time.monotonic()
    error = error_of(source, engine=engine)
    assert time.monotonic() - started < 5  # stopped by the timeout, not run to the end
    assert error.message == "rendering took longer than 0.05 s"
    assert error.line == 2


def test_recursive_macro_times_out_or_is_refused():
    engine = TemplateEngine(timeout_seconds=0.05)
    source = "{% macro f(n) %}{{ f(n + 1) }}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"
    error_of(source, engine=engine)


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("{{ candidate.name }", 1),
        ("line\n\n{% if x %}\nno end", 3),
        ("a\n{{ x|nosuchfilter }}", 2),
        ("a\n{% for %}", 2),
    ],
)
def test_syntax_errors_carry_the_line(source, line):
    with pytest.raises(TemplateError) as caught:
        ENGINE.compile(source, name="bad")
    assert caught.value.line == line
    assert caught.value.message


def test_render_errors_carry_the_line():
    assert error_of("one\ntwo\n{{ candidate.nope }}").line == 3


@pytest.mark.parametrize(
    ("source", "fields"),
    [
        ("{{ candidate.name }}", {"candidate.name"}),
        ("{{ candidate['name'] }} {{ candidate.emails[0] }}", {"candidate.name", "candidate.emails[]"}),
        ("{{ candidate.fields[key.name] }}", {"candidate.fields[]", "key.name"}),
        ("{{ candidate.name|default(posting.title)|upper }}", {"candidate.name", "posting.title"}),
        ("{{ candidate.name|replace(posting.a, posting.b) }}", {"candidate.name", "posting.a", "posting.b"}),
        ("{% if offer.salary > 1 %}{{ posting.title }}{% endif %}", {"offer.salary", "posting.title"}),
        ("{{ candidate.phone if candidate.phone is defined }}", {"candidate.phone"}),
        (
            "{% for e in candidate.emails %}{{ e }}{{ loop.index }}{% endfor %}",
            {"candidate.emails[]"},
        ),
        (
            "{% for t in candidate.tags if t.kind %}{{ t.value }}{% else %}{{ posting.title }}{% endfor %}",
            {"candidate.tags[].kind", "candidate.tags[].value", "posting.title"},
        ),
        (
            "{% for t in candidate.tags|selectattr('kind', 'eq', 'w') %}{{ t.value }}{% endfor %}",
            {"candidate.tags[].kind", "candidate.tags[].value"},
        ),
        (
            "{% for k, v in candidate.fields.items() %}{{ k }}{{ v.x }}{% endfor %}",
            {"candidate.fields[]", "candidate.fields[].x"},
        ),
        ("{% set c = candidate %}{{ c.emails }}", {"candidate.emails"}),
        ("{% set n = candidate.name|upper %}{{ n }}", {"candidate.name"}),
        ("{% set x = 1 %}{{ x }}{{ range(3)|list }}", set()),
        ("{% set x %}{{ candidate.name }}{% endset %}{{ x }}", {"candidate.name"}),
        ("{% with p = posting %}{{ p.title }}{% endwith %}", {"posting.title"}),
        ("{{ candidate|tojson }}", {"candidate"}),
        ("{{ candidate.emails|map(attribute='x')|join }}", {"candidate.emails"}),
        ("{{ candidate.name.upper() }}", {"candidate.name"}),
        ("{{ candidate.keys()|list }}", {"candidate"}),
        ("{{ candidate.emails[1:]|first }}", {"candidate.emails"}),
        (
            "{% macro m(x) %}{{ x.name }}{{ posting.title }}{% endmacro %}{{ m(candidate) }}",
            {"candidate", "posting.title"},
        ),
        ("{% for x in candidate.emails|sort %}{{ x }}{% endfor %}", {"candidate.emails[]"}),
        (
            "{% for x in candidate.emails + posting.list %}{{ x }}{% endfor %}",
            {"candidate.emails", "posting.list"},
        ),
    ],
)
def test_fields_used(source, fields):
    assert ENGINE.compile(source, name="fields").fields_used() == fields


def test_markdown_mode_escapes_every_output():
    template = ENGINE.compile("Bio: {{ candidate.bio }}", name="md", markdown=True)
    assert template.render(CONTEXT) == r"Bio: \[x\]\(javascript\:alert\(1\)\) \!\[\]\(http\:\/\/t\) \*bold\*"


def test_trusted_opts_out_of_escaping():
    source = "{{ link|trusted }} {{ name }}"
    context = {"link": "[Lever](https://hire.lever.co/x)", "name": "*Ada*"}
    assert render(source, context, markdown=True) == r"[Lever](https://hire.lever.co/x) \*Ada\*"
    assert render(source, context) == "[Lever](https://hire.lever.co/x) *Ada*"


def test_template_text_is_not_escaped():
    assert render("**{{ candidate.name }}**", markdown=True) == "**Ada Lovelace**"
