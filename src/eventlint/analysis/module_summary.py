"""What names a module defines, read from its source with ``ast`` (never imported).

The stale-import rules ask of many modules they never lint: ``ast`` parses about ten times
faster than libcst, and only names are needed, not positions or formatting.

A module's names are what ``from module import name`` can find at runtime: top-level defs,
classes and assignments (including those under ``if``/``try``/``with``/``for``, annotated,
tuple-unpacked, walrus, ``except ... as``, ``match`` captures and ``global`` declarations in
functions), names bound by imports (re-exports), ``__all__`` entries, and what ``from x import *``
brings in. When a module can grow names at runtime (a module-level ``__getattr__``, ``exec``,
writes to ``globals()`` or ``sys.modules``, a rewritten ``__path__``), its names are unknown and
no rule may say a name is missing from it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from eventlint.parsing import parse_ast

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_SCOPE_WORDS = (b"global", b"exec", b"modules", b"vars", b"locals", b"__path__", b"setattr")
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass
class ModuleSummary:
    """The names of one module file. Star imports are kept as written (``.base`` stays
    relative) and resolved by the index, which knows where the module lives."""

    defined: set[str] = field(default_factory=set)  # bound by the module's own code
    imported: set[str] = field(default_factory=set)  # bound by import statements
    declared: set[str] = field(default_factory=set)  # listed in __all__
    star_imports: list[str] = field(default_factory=list)
    names_unknown: bool = False
    # ``__all__`` is one literal list, never changed: a star import brings exactly that,
    # whatever else the module does at runtime.
    all_is_literal: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "defined": sorted(self.defined),
            "imported": sorted(self.imported),
            "declared": sorted(self.declared),
            "star": self.star_imports,
            "unknown": self.names_unknown,
            "all_is_literal": self.all_is_literal,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ModuleSummary:
        def strings(key: str) -> list[str]:
            value = data[key]
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ValueError(key)
            return value

        return cls(
            defined=set(strings("defined")),
            imported=set(strings("imported")),
            declared=set(strings("declared")),
            star_imports=strings("star"),
            names_unknown=bool(data["unknown"]),
            all_is_literal=bool(data["all_is_literal"]),
        )

    @classmethod
    def unknown(cls) -> ModuleSummary:
        """A module whose names cannot be read (an extension, generated code, a file that
        does not parse): every name is taken to exist."""
        return cls(names_unknown=True)


def summarise(source: bytes) -> ModuleSummary:
    try:
        tree = parse_ast(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ModuleSummary.unknown()
    collector = _Collector()
    # Function bodies matter only for ``global`` and namespace rewrites: most files have none.
    collector.scan_scopes = any(word in source for word in _SCOPE_WORDS)
    try:
        for statement in tree.body:
            collector.statement(statement)
    except RecursionError:
        return ModuleSummary.unknown()
    if "__getattr__" in collector.summary.defined | collector.summary.imported:
        # ``__getattr__ = getattr_migration(__name__)`` is as dynamic as a ``def``.
        collector.summary.names_unknown = True
    return collector.summary


class _Collector:
    def __init__(self) -> None:
        self.summary = ModuleSummary()
        self.scan_scopes = True
        self._all_seen = False

    def statement(self, node: ast.AST) -> None:
        summary = self.summary
        if _rewrites_namespace(node):
            summary.names_unknown = True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            summary.defined.add(node.name)
            if node.name == "__getattr__" and not isinstance(node, ast.ClassDef):
                summary.names_unknown = True
            self._inside_scope(node)
            for decorator in node.decorator_list:
                self.expression(decorator)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                summary.imported.add(alias.asname or alias.name.split(".")[0])
            return
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    summary.star_imports.append("." * node.level + (node.module or ""))
                else:
                    summary.imported.add(alias.asname or alias.name)
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self._all_entries(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.statement(child)
            else:
                self.expression(child)

    def expression(self, node: ast.AST) -> None:
        """Bindings and dynamic-namespace tricks in a module-level expression or target."""
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Store):
                self.summary.defined.add(current.id)
            elif isinstance(current, (ast.MatchAs, ast.MatchStar)) and current.name:
                self.summary.defined.add(current.name)
            elif isinstance(current, ast.MatchMapping) and current.rest:
                self.summary.defined.add(current.rest)
            elif isinstance(current, ast.ExceptHandler) and current.name:
                self.summary.defined.add(current.name)
            if _rewrites_namespace(current):
                self.summary.names_unknown = True
            if (
                isinstance(current, ast.Attribute)
                and isinstance(current.value, ast.Name)
                and current.value.id == "__all__"
            ):
                self.summary.all_is_literal = False  # __all__.extend(...), __all__.append(...)
            if isinstance(current, _SCOPES):
                self._inside_scope(current)
                continue
            if isinstance(current, _COMPREHENSIONS):
                # Comprehension variables do not leak, but a walrus inside one does.
                for inner in ast.walk(current):
                    if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name):
                        self.summary.defined.add(inner.target.id)
                continue
            for child in ast.iter_child_nodes(current):
                if isinstance(child, ast.stmt):
                    self.statement(child)
                else:
                    stack.append(child)

    def _inside_scope(self, scope: ast.AST) -> None:
        """A function may bind module names (``global``) or rewrite the namespace."""
        if not self.scan_scopes:
            return
        for inner in ast.walk(scope):
            if isinstance(inner, ast.Global):
                self.summary.defined.update(inner.names)
            elif _rewrites_namespace(inner):
                self.summary.names_unknown = True

    def _all_entries(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return
        value = node.value
        first = not self._all_seen
        self._all_seen = True
        literal = isinstance(value, (ast.List, ast.Tuple)) and not isinstance(node, ast.AugAssign)
        self.summary.all_is_literal = first and literal
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            for element in value.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    self.summary.declared.add(element.value)
                else:
                    self.summary.all_is_literal = False


def _rewrites_namespace(node: ast.AST) -> bool:
    """``exec(...)``, ``globals()[k] = v``, ``globals().update(...)``, ``vars()``-writes,
    ``sys.modules[...] = ...``, ``setattr(sys.modules[__name__], ...)``, ``__path__ = ...``."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "exec":
            return True
        if (
            isinstance(func, ast.Attribute)
            and func.attr in {"update", "setdefault", "__setitem__"}
            and _is_namespace_call(func.value)
        ):
            return True
        if isinstance(func, ast.Name) and func.id == "setattr" and node.args:
            return _mentions_sys_modules(node.args[0])
        return False
    if isinstance(node, (ast.Assign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and (
                _is_namespace_call(target.value) or _mentions_sys_modules(target.value)
            ):
                return True
            if isinstance(target, ast.Name) and target.id == "__path__":
                return True
    return False


def _is_namespace_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"globals", "vars", "locals"}
    )


def _mentions_sys_modules(node: ast.AST) -> bool:
    return any(
        isinstance(inner, ast.Attribute)
        and inner.attr == "modules"
        and isinstance(inner.value, ast.Name)
        and inner.value.id == "sys"
        for inner in ast.walk(node)
    )
