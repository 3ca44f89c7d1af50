"""User-written templates (a recipe's field mapping), rendered in Jinja's sandbox with limits.

The sandbox stops attribute tricks but is not a resource limiter
(https://jinja.palletsprojects.com/en/3.1.x/sandbox/), so the engine also bounds `*`, `**` and `%`,
call arguments, the output and the render time, and leaves out the filters and globals that can
amplify a small template into a huge string (`center`, `indent`, `format`, `lipsum`, …). Limits per
operation are not enough (`[[1] * 100000] * 100000` is two allowed repetitions), so sizes count
nested values whole (`template_bounds.py`): a template whose literals alone are past the limit is
refused when compiled (`hirebridge check`); at run time no value that would print past the limit is
written, joined or concatenated, and everything one render builds counts against one budget.
"""

from __future__ import annotations

import contextvars
import difflib
import functools
import math
import time
from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes, pass_eval_context
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing

from hirebridge.domain.adf import markdown_escape
from hirebridge.domain.template_bounds import StaticSize, deep_size
from hirebridge.domain.template_fields import fields_used
from hirebridge.domain.template_filters import FILTERS

_SAFE_JINJA_FILTERS = (
    "abs capitalize count d default dictsort first float groupby int items last length list lower map "
    "max min reject rejectattr reverse round select selectattr sort string striptags sum title tojson "
    "trim truncate unique upper urlencode wordcount"
).split()
_STRING_AMPLIFIERS = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join", "format", "format_map"}
)
_MAX_INT_BITS = 128  # far beyond any amount a mapping needs
_MAX_SOURCE_CHARS = 100_000
# What one render may build in all (values made by operators, filters and calls), in multiples of the
# output limit: the memory a render can take stays a few tens of megabytes whatever the template.
_BUILD_BUDGET_FACTOR = 10
_DEADLINE: contextvars.ContextVar[float] = contextvars.ContextVar("template_deadline", default=math.inf)
_BUILT: contextvars.ContextVar[list[int]] = contextvars.ContextVar("template_built")


class TemplateError(ValueError):
    """The template is invalid or could not be rendered."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Timeout(Exception):
    pass


class _Missing(UndefinedError):
    def __init__(self, message: str | None = None, *, owner: Any = missing, name: Any = None) -> None:
        super().__init__(message)
        self.owner = owner
        self.name = name


class _Undefined(StrictUndefined):
    __slots__ = ()

    def __init__(
        self, hint: str | None = None, obj: Any = missing, name: str | None = None, exc: Any = None
    ) -> None:
        super().__init__(hint, obj, name, lambda message: _Missing(message, owner=obj, name=name))


class Trusted(str):
    """Text a template marked `|trusted`: written out without Markdown escaping."""

    __slots__ = ()


def _check_deadline() -> None:
    if time.monotonic() > _DEADLINE.get():
        raise _Timeout


def _built(value: Any, limit: int) -> Any:
    """Count `value` against the render's budget of what it may build."""
    spent = _BUILT.get(None)
    if spent is not None and not isinstance(value, int | float | bool | type(None)):
        budget = limit * _BUILD_BUDGET_FACTOR
        spent[0] += deep_size(value, budget - spent[0])
        if spent[0] > budget:
            raise SecurityError(f"rendering would build more than {budget} items")
    return value


def _within(value: Any, limit: int, what: str) -> None:
    if isinstance(value, int | float | bool | type(None)):
        return
    size = deep_size(value, limit)
    if size > limit:
        raise SecurityError(f"{what} would be over {limit} characters")


def _bounded_filter(function: Any, limit: int) -> Any:
    """A filter whose arguments are bounded and whose result counts against the budget."""
    skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_deadline()
        for argument in (*args[skip:], *kwargs.values()):
            _within(argument, limit, "a filter's value")
        return _built(function(*args, **kwargs), limit)

    return bounded


def _guard(iterable: Iterable[Any]) -> Iterator[Any]:
    deadline = _DEADLINE.get()
    for item in iterable:
        if time.monotonic() > deadline:
            raise _Timeout
        yield item


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *, max_output: int, markdown: bool) -> None:
        output = _markdown_output if markdown else _plain_output

        def finalize(value: Any) -> Any:
            _within(value, max_output, "an output")
            return output(value)

        super().__init__(undefined=_Undefined, autoescape=False, finalize=finalize)
        self.max_output = max_output
        self.globals = {name: self.globals[name] for name in ("range", "dict", "cycler", "joiner")}
        filters = {name: JINJA_FILTERS[name] for name in _SAFE_JINJA_FILTERS}
        filters.update(FILTERS, trusted=Trusted, join=self._join, replace=self._replace)
        self.filters = {name: _bounded_filter(f, max_output) for name, f in filters.items()}
        self.filters.update(_guard=_guard, _bounded=self._bounded)

    def _bounded(self, value: Any) -> Any:
        """Each operand of `~` (which makes strings of whatever it is given)."""
        _within(value, self.max_output, "a concatenation")
        return value

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_deadline()
        if operator == "%" and isinstance(left, str):
            raise SecurityError("string formatting with % is not allowed; use filters")
        if operator == "*" and isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > _MAX_INT_BITS:
                raise SecurityError(f"number too large (over {_MAX_INT_BITS} bits)")
        elif operator == "*" and isinstance(left, int | str | list | tuple):
            size = _size(left, self.max_output) * _size(right, self.max_output)
            if size > self.max_output:
                raise SecurityError(f"repetition would make {size} items (limit {self.max_output})")
        if operator == "+" and isinstance(left, str | list | tuple):
            size = _size(left, self.max_output) + _size(right, self.max_output)
            if size > self.max_output:
                raise SecurityError(f"concatenation would make {size} items (limit {self.max_output})")
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
            if right * math.log2(abs(left)) > _MAX_INT_BITS:
                raise SecurityError(f"number too large (over {_MAX_INT_BITS} bits)")
        return _built(super().call_binop(context, operator, left, right), self.max_output)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_deadline()
        for argument in (*args, *kwargs.values()):
            _within(argument, __self.max_output, "an argument")
        return _built(super().call(__context, __obj, *args, **kwargs), __self.max_output)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _STRING_AMPLIFIERS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    @pass_eval_context
    def _join(self, context: EvalContext, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
        items = list(value)
        if len(d) * len(items) > self.max_output:
            raise SecurityError(f"join would exceed {self.max_output} characters")
        return str(JINJA_FILTERS["join"](context, items, d, attribute))

    def _replace(self, value: Any, old: str, new: str, count: int | None = None) -> str:
        text, old, new = str(value), str(old), str(new)
        hits = len(text) + 1 if not old else text.count(old)
        if len(text) + hits * (len(new) - len(old)) > self.max_output:
            raise SecurityError(f"replace would exceed {self.max_output} characters")
        return text.replace(old, new, -1 if count is None else count)


def _size(value: Any, limit: int) -> int:
    """An int counts as itself (a repetition count); anything else by what it would print."""
    if isinstance(value, bool) or not isinstance(value, int):
        return deep_size(value, limit)
    return value


def _plain_output(value: Any) -> Any:
    return "" if value is None else value


def _markdown_output(value: Any) -> Any:
    if value is None:
        return ""
    return value if isinstance(value, Trusted) else markdown_escape(str(value))


class TemplateEngine:
    """Compiles recipe templates in a sandbox limited to `max_output` characters and `timeout_seconds`."""

    def __init__(self, *, max_output: int = 100_000, timeout_seconds: float = 1.0) -> None:
        self.max_output = max_output
        self.timeout_seconds = timeout_seconds
        self._plain = _Sandbox(max_output=max_output, markdown=False)
        self._markdown = _Sandbox(max_output=max_output, markdown=True)

    def compile(self, source: str, *, name: str, markdown: bool = False) -> Template:
        """Compile `source`; with `markdown`, every `{{ }}` output is Markdown-escaped unless `|trusted`.

        Raises `TemplateError` with the line of a syntax error.
        """
        env = self._markdown if markdown else self._plain
        filename = f"<template {name}>"
        if len(source) > _MAX_SOURCE_CHARS:
            raise TemplateError(f"the template is longer than {_MAX_SOURCE_CHARS} characters")
        try:
            tree = env.parse(source, name=name)
            fields = fields_used(tree, env.globals)
            self._refuse_unbounded(tree)
            for loop in tree.find_all(nodes.For):
                # Every loop checks the render deadline as it goes: an empty nested loop calls nothing.
                loop.iter = nodes.Filter(loop.iter, "_guard", [], [], None, None, lineno=loop.lineno)
            for concat in tree.find_all(nodes.Concat):
                concat.nodes = [
                    nodes.Filter(part, "_bounded", [], [], None, None, lineno=part.lineno)
                    for part in concat.nodes
                ]
            code = env.compile(tree, name=name, filename=filename)
        except TemplateSyntaxError as error:
            raise TemplateError(error.message or "syntax error", line=error.lineno) from None
        except RecursionError:
            raise TemplateError("the template nests too deeply") from None
        return Template(
            env.template_class.from_code(env, code, env.make_globals(None)), self, filename, fields
        )

    def _refuse_unbounded(self, tree: nodes.Template) -> None:
        sizes = StaticSize(self.max_output)
        if sizes.output(tree) > self.max_output:
            raise TemplateError(f"the template writes more than {self.max_output} characters")
        if sizes.largest > self.max_output:
            raise TemplateError(
                f"a value would be over {self.max_output} items (at least {sizes.largest})",
                line=sizes.largest_line,
            )


class Template:
    """A compiled template; render it with `render(context)`."""

    def __init__(self, template: Any, engine: TemplateEngine, filename: str, fields: set[str]) -> None:
        self._template = template
        self._engine = engine
        self._filename = filename
        self._fields = frozenset(fields)

    def fields_used(self) -> set[str]:
        """The dotted context paths this template reads, e.g. `{"candidate.name", "candidate.emails[]"}`."""
        return set(self._fields)

    def render(self, context: Mapping[str, Any]) -> str:
        """Render with `context`; raises `TemplateError` (with the line when known)."""
        limit = self._engine.max_output
        token = _DEADLINE.set(time.monotonic() + self._engine.timeout_seconds)
        built = _BUILT.set([0])
        try:
            parts: list[str] = []
            size = 0
            for part in self._template.root_render_func(self._template.new_context(dict(context))):
                size += len(part)
                if size > limit:
                    raise TemplateError(f"output is longer than {limit} characters")
                parts.append(part)
            return "".join(parts)
        except TemplateError:
            raise
        except _Timeout as error:
            message = f"rendering took longer than {self._engine.timeout_seconds:g} s"
            raise TemplateError(message, line=self._line(error.__traceback__)) from None
        except _Missing as error:
            raise TemplateError(
                _missing_message(error, context), line=self._line(error.__traceback__)
            ) from None
        except (
            SecurityError,
            UndefinedError,
            ArithmeticError,
            ValueError,
            TypeError,
            RecursionError,
        ) as error:
            raise TemplateError(str(error), line=self._line(error.__traceback__)) from None
        finally:
            _DEADLINE.reset(token)
            _BUILT.reset(built)

    def _line(self, traceback: TracebackType | None) -> int | None:
        line = None
        while traceback is not None:
            if traceback.tb_frame.f_code.co_filename == self._filename:
                line = self._template.get_corresponding_lineno(traceback.tb_lineno)
            traceback = traceback.tb_next
        return line


def _missing_message(error: _Missing, context: Mapping[str, Any]) -> str:
    if error.owner is missing:
        return _suggest(f"unknown name '{error.name}'", str(error.name), context)
    path = _find_path(error.owner, context)
    what = "field" if isinstance(error.name, str) else "item"
    if path is None:
        return str(error)
    known = error.owner if isinstance(error.owner, Mapping) else {}
    return _suggest(f"'{path}' has no {what} {error.name!r}", str(error.name), known)


def _suggest(message: str, name: str, known: Iterable[Any]) -> str:
    close = difflib.get_close_matches(name, [str(key) for key in known], n=1)
    return f"{message}; did you mean '{close[0]}'?" if close else message


def _find_path(target: Any, context: Mapping[str, Any], budget: int = 10_000) -> str | None:
    """Where `target` sits in `context` (by identity), e.g. `candidate.emails[0]`; on error paths only."""
    queue: list[tuple[str, Any]] = [(str(key), value) for key, value in context.items()]
    for path, value in queue:
        if value is target:
            return path
        if isinstance(value, Mapping) and len(queue) < budget:
            queue.extend((f"{path}.{key}", item) for key, item in value.items())
        elif isinstance(value, list | tuple) and len(queue) < budget:
            queue.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None
