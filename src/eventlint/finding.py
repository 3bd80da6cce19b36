"""What a rule reports: a finding, and the fix it may carry."""

from __future__ import annotations

import ast
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eventlint.fixes.tree import FixTree


class Applicability(str, enum.Enum):
    """How safe a fix is to apply without review (ruff's terminology)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace the libcst node found at ``target``'s position with what ``build`` makes of
    it, or remove it (``build`` returns ``cst.RemoveFromParent()``).

    Rules detect on ``ast`` and never import libcst: ``build`` runs only when a fix is
    applied, with the libcst node of type ``kind`` (a libcst class name: ``"Call"``) whose
    position is ``target``'s, and the tree to find other nodes in. The engine turns the
    result into a :class:`TextEdit` spliced at ``target``'s span."""

    target: ast.AST
    kind: str
    build: Callable[[Any, FixTree], Any]


@dataclass(frozen=True)
class TextEdit:
    """Replace the characters ``start:end`` of the linted text (an insertion when they are
    equal). Everything outside the edits of a fix stays byte-identical."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ImportRequest:
    """An import a fix needs: ``import module [as alias]`` (name None) or
    ``from module import name [as alias]``."""

    module: str
    name: str | None = None
    alias: str | None = None

    @property
    def bound(self) -> str:
        """The name the import binds in the file."""
        return self.alias or self.name or self.module.split(".")[0]


@dataclass(frozen=True)
class Fix:
    """Fixes are data: the engine applies, re-parses and writes them, never the rule. One
    fix may serve several findings (removing two keys of one dict is one edit): the engine
    applies a fix object once."""

    applicability: Applicability
    edits: tuple[Edit | TextEdit, ...]
    imports: tuple[ImportRequest, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One reported problem. Lines and columns are 1-based; the end is exclusive."""

    code: str
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    fix: Fix | None = field(default=None, compare=False)
    # The finding's own source text, whitespace-normalised and hashed: what a baseline keys
    # on, so an entry survives edits that only move the code.
    fingerprint: str = field(default="", compare=False)
    # The stale module path the finding's reference names (EVT3xx), so that ``--fix`` can
    # say which references to a moved module it left behind. Not kept in the results cache:
    # only a fix run reads it, and a fix run lints afresh every file it has a fix to apply in.
    reference: str | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
