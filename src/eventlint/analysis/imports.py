"""What a name in the code refers to, resolved through the module's imports.

``from hashlib import sha256 as h`` makes ``h`` mean ``hashlib.sha256``; ``import uuid as u``
makes ``u.uuid4`` mean ``uuid.uuid4``. This is a cheaper stand-in for libcst's
QualifiedNameProvider: one walk over the import statements, no scope analysis. Names a module
binds itself (a ``def hash`` or ``hash = ...``) shadow builtins.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

import libcst as cst

from eventlint.analysis.walk import walk

_BUILTINS = frozenset(dir(builtins))


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base is not None else None
    return None


def module_name_of(node: cst.BaseExpression | None) -> str | None:
    return dotted_name(node) if isinstance(node, (cst.Name, cst.Attribute)) else None


@dataclass
class ImportMap:
    """Local alias -> fully qualified name, for every import in a module."""

    aliases: dict[str, str] = field(default_factory=dict)
    module_bindings: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, module: cst.Module) -> ImportMap:
        collector = _ImportCollector()
        walk(module, collector.enter)
        return collector.result

    def qualify(self, node: cst.BaseExpression) -> str | None:
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

    def enter(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Import):
            self._import(node)
            return False
        if isinstance(node, cst.ImportFrom):
            self._import_from(node)
            return False
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            self.result.module_bindings.add(node.name.value)
            return True
        if isinstance(node, cst.Assign):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.result.module_bindings.add(target.target.value)
            return False
        return not isinstance(node, cst.BaseExpression)

    def _import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:  # pragma: no cover - the grammar guarantees a dotted name
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.result.aliases[alias.asname.name.value] = full
            else:
                # ``import a.b`` binds ``a``.
                head = full.split(".")[0]
                self.result.aliases[head] = head

    def _import_from(self, node: cst.ImportFrom) -> None:
        module = module_name_of(node.module) or ""
        level = len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):  # pragma: no cover - grammar
                continue
            local = alias.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            # Relative imports keep their leading dots: ``.models.Event``.
            prefix = "." * level + (f"{module}." if module else "")
            self.result.aliases[local] = f"{prefix}{alias.name.value}"
