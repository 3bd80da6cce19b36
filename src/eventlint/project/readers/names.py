"""The names a module binds and what its imports refer to, as ``from module import name``
at runtime would find them (see ``ModuleSummary``: defined, imported, declared, star imports,
and whether the module can grow names at runtime, which makes them unknown)."""

from __future__ import annotations

import ast
import re

from eventlint.analysis.walk import breadth_first, children
from eventlint.project.readers.syntax import statements_within
from eventlint.project.summaries import ModuleSummary

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
# What a function body needs for ``_inside_scope`` to find anything: a ``global`` statement
# (found among the statements alone), or ``exec``, ``__path__``, a namespace call or
# ``sys.modules`` for a rewrite (``setattr`` counts only on ``sys.modules``), which may be
# in any expression. Words, not substrings: "modules" alone is in most docstrings.
_GLOBAL_WORD = re.compile(rb"\bglobal\b")
_REWRITE_WORDS = re.compile(
    rb"\bexec\b|__path__|\b(?:globals|vars|locals)\b|\bsys\b[\s\\]*\.[\s\\]*modules\b"
)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def read_imports(tree: ast.Module, source: bytes) -> dict[str, str]:
    """What each module-level imported name refers to (under ``try``/``if`` too)."""
    return read_names(tree, source).imports


def read_names(tree: ast.Module, source: bytes) -> ModuleSummary:
    names = _NameCollector()
    # Function bodies matter only for ``global`` and namespace rewrites: most files have none.
    names.scan_globals = _GLOBAL_WORD.search(source) is not None
    names.scan_rewrites = _REWRITE_WORDS.search(source) is not None
    for statement in tree.body:
        names.statement(statement)
    return names.summary


class _NameCollector:
    def __init__(self) -> None:
        self.summary = ModuleSummary()
        self.scan_globals = True
        self.scan_rewrites = True
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
                local = alias.asname or alias.name.split(".")[0]
                summary.imported.add(local)
                # ``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``.
                summary.imports[local] = alias.name if alias.asname else local
            return
        if isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (f"{node.module}." if node.module else "")
            for alias in node.names:
                if alias.name == "*":
                    summary.star_imports.append("." * node.level + (node.module or ""))
                else:
                    summary.imported.add(alias.asname or alias.name)
                    summary.imports[alias.asname or alias.name] = prefix + alias.name
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self._all_entries(node)
        for child in children(node):
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
                for inner in breadth_first(current):
                    if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name):
                        self.summary.defined.add(inner.target.id)
                continue
            for child in children(current):
                if isinstance(child, ast.stmt):
                    self.statement(child)
                else:
                    stack.append(child)

    def _inside_scope(self, scope: ast.AST) -> None:
        """A function may bind module names (``global``) or rewrite the namespace."""
        if self.scan_rewrites:
            for inner in breadth_first(scope):
                if isinstance(inner, ast.Global):
                    self.summary.defined.update(inner.names)
                elif _rewrites_namespace(inner):
                    self.summary.names_unknown = True
        elif self.scan_globals:
            for statement in statements_within(scope):
                if isinstance(statement, ast.Global):
                    self.summary.defined.update(statement.names)

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
    ``sys.modules[...] = ...``, ``setattr(sys.modules[__name__], ...)``, ``__path__ = ...``,
    ``__path__.extend(...)``."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "exec":
            return True
        if (
            isinstance(func, ast.Attribute)
            and func.attr in {"extend", "append", "insert"}
            and isinstance(func.value, ast.Name)
            and func.value.id == "__path__"
        ):
            return True  # a plugin package: its submodules come from elsewhere
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
        for inner in breadth_first(node)
    )
