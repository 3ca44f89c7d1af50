"""A JQL subset: clauses over the fields hirebridge queries, AND/OR/NOT, parentheses and ORDER BY."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hirebridge.sims.jira.errors import UNBOUNDED, JiraError
from hirebridge.sims.jira.jql_fields import clause_matches, order_key
from hirebridge.sims.jira.state import Issue, State

TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<op>!=|>=|<=|!~|=|~|>|<|\(|\)|,)"""
    r"""|(?P<word>[^\s=!<>~(),"']+))"""
)
KEYWORDS = {"and", "or", "not", "in", "is", "order", "by", "asc", "desc", "empty", "null"}


def error(message: str) -> JiraError:
    return JiraError(400, [f"Error in the JQL Query: {message}"], {})


@dataclass
class Query:
    where: Any
    order: list[tuple[str, bool]] = field(default_factory=list)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise error(f"The character '{text[pos]}' is a reserved JQL character.")
        kind = m.lastgroup or "word"
        value = m.group(kind)
        if kind == "str":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append((kind, value))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def is_kw(self, word: str, offset: int = 0) -> bool:
        tok = self.peek(offset)
        return tok is not None and tok[0] == "word" and tok[1].lower() == word

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise error("Expecting either a value, list or function but got end of query.")
        self.i += 1
        return tok

    def expect(self, op: str) -> None:
        tok = self.peek()
        if tok != ("op", op):
            got = tok[1] if tok else "the end of the query"
            raise error(
                f"Expecting '{op}' but got '{got}'."
                if tok
                else f"Expecting '{op}' before the end of the query."
            )
        self.i += 1

    def or_expr(self) -> Any:
        node = self.and_expr()
        while self.is_kw("or"):
            self.i += 1
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self) -> Any:
        node = self.not_expr()
        while self.is_kw("and"):
            self.i += 1
            node = ("and", node, self.not_expr())
        return node

    def not_expr(self) -> Any:
        if self.is_kw("not") or self.peek() == ("op", "!"):
            self.i += 1
            return ("not", self.not_expr())
        if self.peek() == ("op", "("):
            self.i += 1
            node = self.or_expr()
            self.expect(")")
            return node
        return self.clause()

    def clause(self) -> Any:
        kind, name = self.take()
        if kind == "op" or name.lower() in KEYWORDS:
            raise error(f"Expecting a field name but got '{name}'.")
        if self.is_kw("not") and self.is_kw("in", 1):
            self.i += 2
            return ("clause", name, "not in", self.values())
        if self.is_kw("in"):
            self.i += 1
            return ("clause", name, "in", self.values())
        if self.is_kw("is"):
            self.i += 1
            negate = self.is_kw("not")
            self.i += negate
            if not (self.is_kw("empty") or self.is_kw("null")):
                raise error("Expecting 'EMPTY' or 'NULL' after 'IS'.")
            self.i += 1
            return ("clause", name, "is not" if negate else "is", None)
        kind, op = self.take()
        if kind != "op" or op in "(),":
            raise error(f"Expecting operator but got '{op}'. The valid operators are '=', '!=', '~', 'in'.")
        return ("clause", name, op, self.value())

    def value(self) -> Any:
        kind, val = self.take()
        if kind == "op":
            raise error(f"Expecting either a value, list or function but got '{val}'.")
        if kind == "word" and self.peek() == ("op", "("):
            self.i += 1
            self.expect(")")
            return ("func", val.lower())
        if kind == "word" and val.lower() in ("empty", "null"):
            return None
        return val

    def values(self) -> list[Any]:
        self.expect("(")
        out = [self.value()]
        while self.peek() == ("op", ","):
            self.i += 1
            out.append(self.value())
        self.expect(")")
        return out


def parse(text: str, require_bound: bool = True) -> Query:
    p = _Parser(tokenize(text or ""))
    where = None
    if p.peek() is not None and not (p.is_kw("order") and p.is_kw("by", 1)):
        where = p.or_expr()
    order: list[tuple[str, bool]] = []
    if p.is_kw("order") and p.is_kw("by", 1):
        p.i += 2
        while True:
            _, name = p.take()
            desc = p.is_kw("desc")
            p.i += desc or p.is_kw("asc")
            order.append((name, desc))
            if p.peek() != ("op", ","):
                break
            p.i += 1
    if p.peek() is not None:
        raise error(f"Expecting either 'OR' or 'AND' but got '{p.peek()[1]}'.")  # type: ignore[index]
    if where is None and require_bound:
        raise JiraError(400, [UNBOUNDED], {})
    return Query(where, order)


def validate(state: State, query: Query) -> None:
    """Surfaces unknown fields and values as 400s even when no issue is visible."""
    probe = Issue("0", "X-0", "", "", "", {"labels": []}, 0.0, 0.0)
    if query.where is not None:
        _eval(state, query.where, probe, None, strict=True)


def matches(state: State, query: Query, issue: Issue, actor: str | None = None) -> bool:
    return query.where is None or _eval(state, query.where, issue, actor)


def _eval(state: State, node: Any, issue: Issue, actor: str | None, strict: bool = False) -> bool:
    kind = node[0]
    if kind == "and":
        a, b = _eval(state, node[1], issue, actor, strict), _eval(state, node[2], issue, actor, strict)
        return a and b
    if kind == "or":
        a, b = _eval(state, node[1], issue, actor, strict), _eval(state, node[2], issue, actor, strict)
        return a or b
    if kind == "not":
        return not _eval(state, node[1], issue, actor, strict)
    return clause_matches(state, node[1], node[2], node[3], issue, actor, strict)


def sort(state: State, query: Query, issues: list[Issue]) -> list[Issue]:
    ordered = sorted(issues, key=lambda i: int(i.id), reverse=True)
    for name, desc in reversed(query.order):
        ordered.sort(key=lambda i, n=name: order_key(state, n, i), reverse=desc)
    return ordered
