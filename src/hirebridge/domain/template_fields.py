"""Which context fields a template reads, found from its Jinja AST.

The privacy check at config time compares these paths with a recipe's allowlist, so the walk errs on
the side of reporting more: a value used whole (`{{ candidate|tojson }}`, a method call on it, a macro
argument) is reported whole. Paths are dotted; `[]` stands for any element or key of a collection
(`candidate.emails[]`, `candidate.fields[]` for `candidate.fields[name]`), and a loop variable maps
back to the elements of what it iterates.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from jinja2 import nodes

# name → the path it aliases, or None for a value made by the template itself
Scope = dict[str, str | None]

_KEEP_ELEMENTS = frozenset(
    {"sort", "reverse", "unique", "list", "select", "reject", "selectattr", "rejectattr", "dictsort", "items"}
)
_VIEW_METHODS = frozenset({"items", "values", "keys"})


def fields_used(template: nodes.Template, ignore: Collection[str] = ()) -> set[str]:
    """The dotted context paths `template` reads; names in `ignore` (the globals) are not fields."""
    walker = _Walker(frozenset(ignore))
    walker.visit_all(template.body, {})
    return walker.fields


class _Walker:
    def __init__(self, ignore: frozenset[str]) -> None:
        self.ignore = ignore
        self.fields: set[str] = set()

    def visit_all(self, items: Iterable[nodes.Node], scope: Scope) -> None:
        for item in items:
            self.visit(item, scope)

    def visit(self, node: nodes.Node, scope: Scope) -> None:
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            self.read(node, scope)
        elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            self.visit(node.node.node, scope)  # a method call uses its object whole
            self.visit_all(_arguments(node), scope)
        elif isinstance(node, nodes.For):
            self.visit_for(node, scope)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, node.node, scope, scope)
        elif isinstance(node, nodes.AssignBlock):
            self.visit_all(node.body, scope)
            _bind_local(node.target, scope)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=True):
                self.bind(target, value, scope, inner)
            self.visit_all(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            self.visit_macro(node, scope)
        else:
            self.visit_all(node.iter_child_nodes(), scope)

    def read(self, node: nodes.Expr, scope: Scope) -> None:
        root, segments = self.chain(node, scope)
        if isinstance(root, nodes.Name):
            base = self.resolve(root.name, scope)
            if base is not None:
                self.fields.add(base + "".join(segments))
        else:
            self.visit(root, scope)

    def chain(self, node: nodes.Expr, scope: Scope) -> tuple[nodes.Expr, list[str]]:
        segments: list[str] = []
        while isinstance(node, nodes.Getattr | nodes.Getitem):
            if isinstance(node, nodes.Getattr):
                segments.append(f".{node.attr}")
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                segments.append(f".{node.arg.value}")
            elif isinstance(node.arg, nodes.Slice):
                self.visit(node.arg, scope)  # a slice is part of the same collection
            else:
                segments.append("[]")
                self.visit(node.arg, scope)
            node = node.node
        return node, segments[::-1]

    def resolve(self, name: str, scope: Scope) -> str | None:
        if name in scope:
            return scope[name]
        return None if name in self.ignore else name

    def alias(self, node: nodes.Expr, scope: Scope) -> str | None:
        """The path `node` stands for when it is just a (filtered) field, without reading it."""
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            root, segments = self.chain(node, scope)
            if isinstance(root, nodes.Name) and (base := self.resolve(root.name, scope)) is not None:
                return base + "".join(segments)
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and not _arguments(node):
            if node.node.attr in _VIEW_METHODS:
                return self.alias(node.node.node, scope)
        if isinstance(node, nodes.Filter) and node.name in _KEEP_ELEMENTS and node.node is not None:
            path = self.alias(node.node, scope)
            if path is not None:
                self.read_element_attributes(node, path, scope)
                return path
        return None

    def read_element_attributes(self, node: nodes.Filter, path: str, scope: Scope) -> None:
        names = [pair.value for pair in node.kwargs if pair.key == "attribute"]
        if node.name in ("selectattr", "rejectattr") and node.args:
            names.append(node.args[0])
        for name in names:
            if isinstance(name, nodes.Const) and isinstance(name.value, str):
                self.fields.add(f"{path}[].{name.value}")
        self.visit_all((arg for arg in _arguments(node) if not isinstance(arg, nodes.Const)), scope)

    def bind(self, target: nodes.Expr, value: nodes.Expr, outer: Scope, inner: Scope) -> None:
        path = self.alias(value, outer) if isinstance(target, nodes.Name) else None
        if path is None:
            self.visit(value, outer)
        _bind_local(target, inner, path)

    def visit_for(self, node: nodes.For, scope: Scope) -> None:
        path = self.alias(node.iter, scope)
        if path is None:
            self.visit(node.iter, scope)
        inner = dict(scope, loop=None)
        _bind_local(node.target, inner, None if path is None else f"{path}[]")
        if node.test is not None:
            self.visit(node.test, inner)
        self.visit_all(node.body, inner)
        self.visit_all(node.else_, scope)

    def visit_macro(self, node: nodes.Macro | nodes.CallBlock, scope: Scope) -> None:
        self.visit_all(node.defaults, scope)
        if isinstance(node, nodes.CallBlock):
            self.visit(node.call, scope)
        else:
            scope[node.name] = None
        inner = dict(scope, varargs=None, kwargs=None, caller=None)
        for argument in node.args:
            inner[argument.name] = None
        self.visit_all(node.body, inner)


def _arguments(node: nodes.Call | nodes.Filter) -> list[nodes.Expr]:
    found = [*node.args, *(pair.value for pair in node.kwargs)]
    return found + [extra for extra in (node.dyn_args, node.dyn_kwargs) if extra is not None]


def _bind_local(target: nodes.Node, scope: Scope, path: str | None = None) -> None:
    for name in target.find_all(nodes.Name) if not isinstance(target, nodes.Name) else [target]:
        scope[name.name] = path
