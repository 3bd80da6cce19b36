"""What a name in the code refers to, resolved through the module's imports.

``from hashlib import sha256 as h`` makes ``h`` mean ``hashlib.sha256``; ``import uuid as u``
makes ``u.uuid4`` mean ``uuid.uuid4``. One walk over the import statements, no scope
analysis. Names a module binds itself (a ``def hash`` or ``hash = ...``) shadow builtins.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

from eventlint.analysis.walk import breadth_first, walk

_BUILTINS = frozenset(dir(builtins))


def dotted_name(node: ast.AST | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, None for anything else (iterative: an
    attribute chain may be thousands long)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


# What ``_ImportCollector.leave`` acts on.
_NESTING = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class ImportMap:
    """Local alias -> fully qualified name, for every import in a module."""

    aliases: dict[str, str] = field(default_factory=dict)
    module_bindings: set[str] = field(default_factory=set)
    # Names bound only by imports under ``if TYPE_CHECKING:``: they mean the module to a type
    # checker, but are unbound when the code runs (a fix must not write ``re.escape`` on
    # the strength of one).
    typing_only: set[str] = field(default_factory=set)
    # Names bound only by imports inside a function or class body: they mean the module
    # there, and are unbound at module level (``def helper(): import re``).
    function_only: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, module: ast.Module) -> ImportMap:
        collector = _ImportCollector()
        walk(module, collector.enter, collector.leave, _NESTING)
        result = collector.result
        result.typing_only = collector.typing_bound - collector.runtime_bound
        result.function_only = (
            collector.nested_bound - collector.runtime_bound - collector.typing_bound
        )
        return result

    def qualify(self, node: ast.AST) -> str | None:
        """The qualified name an expression refers to, or None if it is not a plain reference.

        Unimported, unbound names that are builtins come back as ``builtins.<name>``; other
        unknown names come back as written.
        """
        name = dotted_name(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        target = self.aliases.get(head)
        if target is not None:
            return f"{target}.{rest}" if rest else target
        if head in _BUILTINS and head not in self.module_bindings:
            return f"builtins.{name}"
        return name


class _ImportCollector:
    """Imports and bindings live in statements: expressions are never entered."""

    def __init__(self) -> None:
        self.result = ImportMap()
        self.typing_bound: set[str] = set()
        self.runtime_bound: set[str] = set()
        self.nested_bound: set[str] = set()
        self._typing_imports: set[int] = set()
        self._depth = 0  # how many function or class bodies enclose the statement

    def enter(self, node: ast.AST) -> bool:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for statement in node.body:
                for inner in breadth_first(statement):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        self._typing_imports.add(id(inner))
        if isinstance(node, ast.Import):
            self._import(node)
            return False
        if isinstance(node, ast.ImportFrom):
            self._import_from(node)
            return False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # Nested ones too: over-approximated, as assignments are (a name bound anywhere
            # may shadow a builtin where it is used).
            self.result.module_bindings.add(node.name)
            self._depth += 1
            return True
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.result.module_bindings.add(target.id)
            return False
        return not isinstance(node, ast.expr)

    def leave(self, node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self._depth -= 1

    def _bound(self, node: ast.Import | ast.ImportFrom, local: str) -> None:
        if self._depth:
            self.nested_bound.add(local)
        elif id(node) in self._typing_imports:
            self.typing_bound.add(local)
        else:
            self.runtime_bound.add(local)

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname is not None:
                self.result.aliases[alias.asname] = alias.name
                self._bound(node, alias.asname)
            else:
                # ``import a.b`` binds ``a``.
                head = alias.name.split(".")[0]
                self.result.aliases[head] = head
                self._bound(node, head)

    def _import_from(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                return
            local = alias.asname or alias.name
            self._bound(node, local)
            # Relative imports keep their leading dots: ``.models.Event``.
            prefix = "." * node.level + (f"{module}." if module else "")
            self.result.aliases[local] = f"{prefix}{alias.name}"


def _is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:`` (any module's spelling)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
