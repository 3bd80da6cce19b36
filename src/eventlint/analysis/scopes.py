"""Local data flow: what each name in a function was assigned, and where values get a name.

Rules that follow a value back ("what went into this hash?") ask a :class:`Scope` instead of
walking the function again. Deliberately simple and flow-insensitive: every assignment to a
name anywhere in the function counts, which over-approximates but never misses a path.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventlint.analysis.walk import walk

# Calls that put their arguments into the receiver (``parts.append(x)``, ``h.update(x)``).
_MUTATORS = frozenset({"append", "extend", "add", "update", "insert", "appendleft", "setdefault"})
# Calls that take a key out of a mapping (``payload.pop("event_id")``).
_REMOVERS = frozenset({"pop"})

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def string_value(node: ast.AST | None) -> str | None:
    """The value of a plain (non-f) string literal (implicit concatenation included), or
    None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def is_string(node: ast.AST | None) -> bool:
    """A plain string literal (implicit concatenation included; not an f-string)."""
    return string_value(node) is not None


@dataclass
class Scope:
    """One function (or the module's top level) and what happens to names inside it."""

    node: FunctionNode | ast.Module
    name: str
    class_name: str | None
    parameters: dict[str, ast.expr | None] = field(default_factory=dict)
    assignments: dict[str, list[ast.expr]] = field(default_factory=dict)
    # ``data["event_id"] = value``: base name -> (key, the subscript target, value)
    key_assignments: dict[str, list[tuple[str, ast.Subscript, ast.expr]]] = field(
        default_factory=dict
    )
    removed_keys: dict[str, set[str]] = field(default_factory=dict)
    calls: list[ast.Call] = field(default_factory=list)
    # Every place a value receives a name: assignment targets, keyword arguments, dict keys,
    # and the function's own name for what it returns.
    sinks: list[tuple[str, ast.expr]] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        if self.name == "<module>":
            return "<module>"
        return f"{self.class_name}.{self.name}" if self.class_name else self.name

    def values_of(self, name: str) -> list[ast.expr]:
        return self.assignments.get(name, [])

    def is_bound(self, name: str) -> bool:
        return name in self.assignments or name in self.key_assignments


# What ``_ScopeCollector.leave`` acts on.
_SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def scopes_of(module: ast.Module, functions: set[int] | None = None) -> list[Scope]:
    """The module's scopes; with ``functions`` (ids of function nodes), only those
    functions' scopes besides the module's: the others' bodies are not read at all (each
    scope is self-contained, so leaving one out changes no other)."""
    collector = _ScopeCollector(module, functions)
    walk(module, collector.enter, collector.leave, _SCOPE_NODES)
    return collector.scopes


def names_in_target(target: ast.AST) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from names_in_target(element)
    elif isinstance(target, ast.Starred):
        yield from names_in_target(target.value)


class _ScopeCollector:
    """Dispatches on node type to ``visit_<Type>`` methods, like an ``ast.NodeVisitor``, over
    the iterative walk."""

    def __init__(self, module: ast.Module, functions: set[int] | None = None) -> None:
        self._functions = functions
        self.scopes: list[Scope] = [Scope(node=module, name="<module>", class_name=None)]
        self._stack: list[Scope] = [self.scopes[0]]
        self._classes: list[str] = []
        self._handlers: dict[type[ast.AST], Callable[[_ScopeCollector, Any], None]] = {
            getattr(ast, name.removeprefix("visit_")): getattr(type(self), name)
            for name in dir(self)
            if name.startswith("visit_")
        }

    def enter(self, node: ast.AST) -> bool:
        if not self._wanted(node):
            return False
        handler = self._handlers.get(type(node))
        if handler is not None:
            handler(self, node)
        return True

    def _wanted(self, node: ast.AST) -> bool:
        return (
            self._functions is None
            or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            or id(node) in self._functions
        )

    def leave(self, node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if self._wanted(node):
                self._stack.pop()
        elif isinstance(node, ast.ClassDef):
            self._classes.pop()

    @property
    def _scope(self) -> Scope:
        return self._stack[-1]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._classes.append(node.name)

    def visit_FunctionDef(self, node: FunctionNode) -> None:
        scope = Scope(
            node=node,
            name=node.name,
            class_name=self._classes[-1] if self._classes else None,
        )
        args = node.args
        for param in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            scope.parameters[param.arg] = param.annotation
        for star in (args.vararg, args.kwarg):
            if star is not None:
                scope.parameters[star.arg] = None
        self.scopes.append(scope)
        self._stack.append(scope)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _bind(self, target: ast.AST, value: ast.expr) -> None:
        scope = self._scope
        if isinstance(target, ast.Name):
            scope.assignments.setdefault(target.id, []).append(value)
            scope.sinks.append((target.id, value))
        elif isinstance(target, (ast.Tuple, ast.List)):
            values: Sequence[ast.expr] | None = None
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                values = value.elts
            for index, element in enumerate(target.elts):
                self._bind(element, values[index] if values else value)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, value)
        elif isinstance(target, ast.Attribute):
            scope.sinks.append((target.attr, value))
        elif isinstance(target, ast.Subscript):
            key = string_value(target.slice)
            if key is not None:
                scope.sinks.append((key, value))
                if isinstance(target.value, ast.Name):
                    scope.key_assignments.setdefault(target.value.id, []).append(
                        (key, target, value)
                    )

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind(target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self._scope.assignments.setdefault(node.target.id, []).append(node.value)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        for name in names_in_target(node.target):
            self._scope.assignments.setdefault(name, []).append(node.iter)

    visit_AsyncFor = visit_For

    def visit_withitem(self, node: ast.withitem) -> None:
        if node.optional_vars is not None:
            for name in names_in_target(node.optional_vars):
                self._scope.assignments.setdefault(name, []).append(node.context_expr)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind(node.target, node.value)

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None:
            self._scope.sinks.append((self._scope.name, node.value))

    def visit_Dict(self, node: ast.Dict) -> None:
        for key_node, value in zip(node.keys, node.values, strict=True):
            key = string_value(key_node)
            if key is not None:
                self._scope.sinks.append((key, value))

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                key = string_value(target.slice)
                if key is not None:
                    self._scope.removed_keys.setdefault(target.value.id, set()).add(key)

    def visit_Call(self, node: ast.Call) -> None:
        scope = self._scope
        scope.calls.append(node)
        for keyword in node.keywords:
            if keyword.arg is not None:
                scope.sinks.append((keyword.arg, keyword.value))
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            receiver = func.value.id
            if func.attr in _MUTATORS:
                for arg in (*node.args, *(keyword.value for keyword in node.keywords)):
                    value = arg.value if isinstance(arg, ast.Starred) else arg
                    scope.assignments.setdefault(receiver, []).append(value)
            elif func.attr in _REMOVERS and node.args:
                key = string_value(node.args[0])
                if key is not None:
                    scope.removed_keys.setdefault(receiver, set()).add(key)
