"""Local data flow: what each name in a function was assigned, and where values get a name.

Rules that follow a value back ("what went into this hash?") ask a :class:`Scope` instead of
walking the function again. Deliberately simple and flow-insensitive: every assignment to a
name anywhere in the function counts, which over-approximates but never misses a path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from eventlint.analysis.walk import walk

# Calls that put their arguments into the receiver (``parts.append(x)``, ``h.update(x)``).
_MUTATORS = frozenset({"append", "extend", "add", "update", "insert", "appendleft", "setdefault"})
# Calls that take a key out of a mapping (``payload.pop("event_id")``).
_REMOVERS = frozenset({"pop"})


def string_value(node: cst.CSTNode | None) -> str | None:
    """The value of a plain (non-f) string literal, or None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


@dataclass
class Scope:
    """One function (or the module's top level) and what happens to names inside it."""

    node: cst.FunctionDef | cst.Module
    name: str
    class_name: str | None
    parameters: dict[str, cst.BaseExpression | None] = field(default_factory=dict)
    assignments: dict[str, list[cst.BaseExpression]] = field(default_factory=dict)
    # ``data["event_id"] = value``: base name -> (key, the subscript target, value)
    key_assignments: dict[str, list[tuple[str, cst.CSTNode, cst.BaseExpression]]] = field(
        default_factory=dict
    )
    removed_keys: dict[str, set[str]] = field(default_factory=dict)
    calls: list[cst.Call] = field(default_factory=list)
    # Every place a value receives a name: assignment targets, keyword arguments, dict keys,
    # and the function's own name for what it returns.
    sinks: list[tuple[str, cst.BaseExpression]] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        if self.name == "<module>":
            return "<module>"
        return f"{self.class_name}.{self.name}" if self.class_name else self.name

    def values_of(self, name: str) -> list[cst.BaseExpression]:
        return self.assignments.get(name, [])

    def is_bound(self, name: str) -> bool:
        return name in self.assignments or name in self.key_assignments


def scopes_of(module: cst.Module) -> list[Scope]:
    collector = _ScopeCollector(module)
    walk(module, collector.enter, collector.leave)
    return collector.scopes


def _names_in_target(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _names_in_target(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _names_in_target(target.value)


class _ScopeCollector:
    """Dispatches on node type to ``visit_<Type>`` methods, like a CSTVisitor, over the
    cheaper read-only walk."""

    def __init__(self, module: cst.Module) -> None:
        self.scopes: list[Scope] = [Scope(node=module, name="<module>", class_name=None)]
        self._stack: list[Scope] = [self.scopes[0]]
        self._classes: list[str] = []
        # Functions, not bound methods: bound methods kept on the instance would make it a
        # reference cycle, and the file's whole libcst tree would wait for the cyclic GC.
        self._handlers: dict[type[cst.CSTNode], Callable[[_ScopeCollector, Any], None]] = {
            getattr(cst, name.removeprefix("visit_")): getattr(type(self), name)
            for name in dir(self)
            if name.startswith("visit_")
        }

    def enter(self, node: cst.CSTNode) -> bool:
        handler = self._handlers.get(type(node))
        if handler is not None:
            handler(self, node)
        return True

    def leave(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.FunctionDef):
            self._stack.pop()
        elif isinstance(node, cst.ClassDef):
            self._classes.pop()

    @property
    def _scope(self) -> Scope:
        return self._stack[-1]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node.name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = Scope(
            node=node,
            name=node.name.value,
            class_name=self._classes[-1] if self._classes else None,
        )
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            scope.parameters[param.name.value] = (
                param.annotation.annotation if param.annotation else None
            )
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                scope.parameters[star.name.value] = None
        self.scopes.append(scope)
        self._stack.append(scope)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        scope = self._scope
        if isinstance(target, cst.Name):
            scope.assignments.setdefault(target.value, []).append(value)
            scope.sinks.append((target.value, value))
        elif isinstance(target, (cst.Tuple, cst.List)):
            values: Sequence[cst.BaseElement] | None = None
            if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(
                target.elements
            ):
                values = value.elements
            for index, element in enumerate(target.elements):
                self._bind(element.value, values[index].value if values else value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, value)
        elif isinstance(target, cst.Attribute):
            scope.sinks.append((target.attr.value, value))
        elif isinstance(target, cst.Subscript) and len(target.slice) == 1:
            subscript = target.slice[0].slice
            key = string_value(subscript.value) if isinstance(subscript, cst.Index) else None
            if key is not None:
                scope.sinks.append((key, value))
                if isinstance(target.value, cst.Name):
                    scope.key_assignments.setdefault(target.value.value, []).append(
                        (key, target, value)
                    )

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self._scope.assignments.setdefault(node.target.value, []).append(node.value)

    def visit_For(self, node: cst.For) -> None:
        for name in _names_in_target(node.target):
            self._scope.assignments.setdefault(name, []).append(node.iter)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            for name in _names_in_target(node.asname.name):
                self._scope.assignments.setdefault(name, []).append(node.item)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, node.value)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self._scope.sinks.append((self._scope.name, node.value))

    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = string_value(node.key)
        if key is not None:
            self._scope.sinks.append((key, node.value))

    def visit_Del(self, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            only = target.slice[0].slice if len(target.slice) == 1 else None
            key = string_value(only.value) if isinstance(only, cst.Index) else None
            if key is not None:
                self._scope.removed_keys.setdefault(target.value.value, set()).add(key)

    def visit_Call(self, node: cst.Call) -> None:
        scope = self._scope
        scope.calls.append(node)
        for arg in node.args:
            if arg.keyword is not None:
                scope.sinks.append((arg.keyword.value, arg.value))
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            receiver = func.value.value
            if func.attr.value in _MUTATORS:
                for arg in node.args:
                    scope.assignments.setdefault(receiver, []).append(arg.value)
            elif func.attr.value in _REMOVERS and node.args:
                key = string_value(node.args[0].value)
                if key is not None:
                    scope.removed_keys.setdefault(receiver, set()).add(key)
