"""YAML → validated pydantic models, with every problem reported as `file:line:col: path: message`.

ruamel.yaml's round-trip loader keeps the position of every key and item (YAML 1.2, so `no` and
`on` stay strings); `Locator` maps a pydantic error `loc` back to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from hirebridge.config.suggest import improve_message
from hirebridge.errors import HirebridgeError

Loc = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)

_ENV_REFERENCE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_DUPLICATE_KEY = re.compile(r'found duplicate key "(.*)" with value')


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        path = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {path}{self.message}"


class ConfigError(HirebridgeError):
    """The configuration is invalid."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems) or None)
        self.problems = problems


def format_path(loc: Loc) -> str:
    """`("recipes", 0, "jira")` → `recipes[0].jira`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


class Locator:
    """Positions (1-based line and column) of the keys and items of a loaded YAML document."""

    def __init__(self, root: Any, file: str) -> None:
        self.root = root
        self.file = file

    def resolve(self, loc: Loc) -> tuple[Loc, tuple[int, int]]:
        """The part of `loc` that exists in the document, and the position of its last element.

        Elements that are not in the data (a discriminated union's tag, a union member's name, a
        missing key) are skipped.
        """
        node, found, position = self.root, [], _own_position(self.root)
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                position = _at(node.lc.key(part))
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                position = _at(node.lc.item(part))
                node = node[part]
            else:
                continue
            found.append(part)
        return tuple(found), position

    def position(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the key or item at `loc`, or of its nearest existing parent."""
        return self.resolve(loc)[1]

    def value_position(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the value at `loc` (where a scalar's text starts)."""
        node = self.root
        for part in loc[:-1]:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return self.position(loc)
        if loc and isinstance(node, CommentedMap) and loc[-1] in node:
            return _at(node.lc.value(loc[-1]))
        return self.position(loc)

    def problem(self, loc: Loc, message: str, *, file: str | None = None) -> Problem:
        """A problem at `loc`, for checks that run after validation."""
        found, (line, column) = self.resolve(loc)
        return Problem(file or self.file, line, column, format_path(found), message)


def _at(position: tuple[int, int]) -> tuple[int, int]:
    return position[0] + 1, position[1] + 1


def _own_position(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    return (lc.line + 1, lc.col + 1) if lc is not None and lc.line is not None else (1, 1)


def load_yaml(path: Path) -> tuple[Any, Locator]:
    """Load a YAML file with positions; syntax errors and duplicate keys raise `ConfigError`."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([Problem(file, 1, 1, "", f"cannot read the file: {error}")]) from None
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        duplicate = _DUPLICATE_KEY.search(error.problem or "")
        message = f"duplicate key '{duplicate[1]}'" if duplicate else str(error.problem or error.context)
        raise ConfigError([Problem(file, line, column, "", message)]) from None
    return data, Locator(data, file)


def validate(data: Any, locator: Locator, model: type[ModelT], *, file: str | None = None) -> ModelT:
    """Validate `data` as `model`; raises `ConfigError` listing every problem with its position."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = []
        for detail in error.errors(include_url=False):
            loc = tuple(detail["loc"])
            ctx = detail.get("ctx") or {}
            if detail["type"] == "union_tag_invalid" and "discriminator" in ctx:
                loc += (str(ctx["discriminator"]).strip("'\""),)
            found, _ = locator.resolve(loc)
            problems.append(locator.problem(loc, improve_message(detail, found, model, data), file=file))
        raise ConfigError(problems) from None


def required_env(data: Any) -> list[str]:
    """The variables the file's string values name without a default, in order of first use."""
    found: dict[str, None] = {}

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            for match in _ENV_REFERENCE.finditer(value):
                if match[1] is not None and match[2] is None:
                    found[match[1]] = None

    walk(data)
    return list(found)


def expand_env(
    data: Any, environ: Mapping[str, str], *, locator: Locator | None = None, file: str | None = None
) -> Any:
    """Replace `${NAME}` and `${NAME:-default}` in string values (keys are left alone); `$$` is `$`.

    Returns plain dicts and lists; raises `ConfigError` naming every unset variable and where it is used.
    """
    problems: list[Problem] = []

    def expand(value: Any, loc: Loc) -> Any:
        if isinstance(value, Mapping):
            return {key: expand(item, (*loc, key)) for key, item in value.items()}
        if isinstance(value, list):
            return [expand(item, (*loc, index)) for index, item in enumerate(value)]
        if not isinstance(value, str) or "$" not in value:
            return value

        def substitute(match: re.Match[str]) -> str:
            name, default = match[1], match[2]
            if name is None:
                return "$"
            if environ.get(name):
                return environ[name]
            if default is not None:
                return default
            if name in environ:
                return ""
            message = (
                f"environment variable {name} is not set; set it in hirebridge's environment "
                "(`hirebridge check --offline` validates the file without it)"
            )
            line, column = locator.value_position(loc) if locator is not None else (0, 0)
            where = file or (locator.file if locator is not None else "<config>")
            problems.append(Problem(where, line, column, format_path(loc), message))
            return ""

        return _ENV_REFERENCE.sub(substitute, value)

    expanded = expand(data, ())
    if problems:
        raise ConfigError(problems)
    return expanded
