"""How big a template's values and output can get, before rendering and while it renders.

Limits per operation do not bound a template: `[[1] * 100000] * 100000` is two allowed repetitions
whose result prints as ten billion items, and a chain of `{% set %}` literals doubles a value at each
line. Sizes here count what rendering a value would write, shared references counted every time
they appear: a string counts its characters, a list or mapping one plus its items.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import nodes

_SEQUENCES = (list, tuple, set, frozenset)
_CONTAINERS = (Mapping, *_SEQUENCES)
_LEAVES = frozenset({int, float, bool, type(None)})


def deep_size(value: Any, budget: int) -> int:
    """The size of `value`, counted only up to just past `budget` (so the cost is bounded too)."""
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, _CONTAINERS):
        return 1
    size, stack = 1, [value]
    while stack:
        item = stack.pop()
        children = [part for pair in item.items() for part in pair] if isinstance(item, Mapping) else item
        size += len(children)  # each child counts one; strings and containers add what is inside
        for child in [c for c in children if type(c) not in _LEAVES]:
            if isinstance(child, str):
                size += len(child) - 1
            elif isinstance(child, _CONTAINERS):
                stack.append(child)
        if size > budget:
            return size
    return size


class StaticSize:
    """Lower bounds of the sizes of a template's output and values, from its literals alone, read in
    template order (a `{% set %}` counts from where it is): what is provably past the limit is
    refused when the template is checked, not when it runs."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.largest = 0  # the largest value seen
        self.largest_line: int | None = None
        self._names: dict[str, int] = {}

    def output(self, template: nodes.Template) -> int:
        """At least how many characters rendering `template` writes (values are measured meanwhile)."""
        return self._body(template.body)

    def _body(self, body: list[nodes.Node]) -> int:
        total = 0
        for node in body:
            total = min(total + self._statement(node), self._cap)
        return total

    @property
    def _cap(self) -> int:
        return self.limit * 1000  # enough to refuse; keeps the numbers small

    def _statement(self, node: nodes.Node) -> int:
        if isinstance(node, nodes.Output):
            return sum(self.expression(child) for child in node.nodes)
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            self._names[node.target.name] = self.expression(node.node)
            return 0
        if isinstance(node, nodes.For):
            self.expression(node.iter)
            body = self._body(node.body)
            self._body(node.else_)
            return min(body * self._length(node.iter), self._cap) if body else 0
        if isinstance(node, nodes.If):
            # Either branch may be taken: no output is certain, but their values are measured.
            self.expression(node.test)
            for branch in (node.body, *(elif_.body for elif_ in node.elif_), node.else_):
                self._body(branch)
            return 0
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.expression(child)
            else:
                self._statement(child)
        return 0

    def _length(self, node: nodes.Expr) -> int:
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "range":
            bounds = [self._int(arg) for arg in node.args]
            if len(bounds) in (1, 2) and not node.kwargs:
                start, stop = (0, bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1])
                if start is not None and stop is not None:
                    return max(0, stop - start)
        if isinstance(node, nodes.List | nodes.Tuple):
            return len(node.items)
        return 0

    def _int(self, node: nodes.Node) -> int | None:
        if isinstance(node, nodes.Const) and isinstance(node.value, int) and not isinstance(node.value, bool):
            return node.value
        return None

    def expression(self, node: nodes.Node) -> int:
        """At least how big the value of `node` is (1 for anything known only at run time)."""
        size = min(self._expression(node), self._cap)
        if size > self.largest:
            self.largest, self.largest_line = size, node.lineno
        return size

    def _expression(self, node: nodes.Node) -> int:
        if isinstance(node, nodes.TemplateData):
            return len(node.data)
        if isinstance(node, nodes.Const):
            return len(node.value) if isinstance(node.value, str) else 1
        if isinstance(node, nodes.List | nodes.Tuple):
            return 1 + sum(self.expression(item) for item in node.items)
        if isinstance(node, nodes.Dict):
            return 1 + sum(self.expression(p.key) + self.expression(p.value) for p in node.items)
        if isinstance(node, nodes.Name):
            return self._names.get(node.name, 1)
        if isinstance(node, nodes.Mul):
            left, right = self._int(node.left), self._int(node.right)
            if right is not None and left is None:
                return self.expression(node.left) * max(right, 0)
            if left is not None and right is None:
                return self.expression(node.right) * max(left, 0)
        if isinstance(node, nodes.Add):
            return self.expression(node.left) + self.expression(node.right)
        if isinstance(node, nodes.Concat):
            return sum(self.expression(child) for child in node.nodes)
        if isinstance(node, nodes.Filter) and node.name in ("list", "string", "join", "tojson"):
            return self.expression(node.node) if node.node is not None else 1
        for child in node.iter_child_nodes():  # measured for themselves; the whole is unknown
            if isinstance(child, nodes.Expr):
                self.expression(child)
        return 1
