"""What a rule reports: a finding, and the fix it may carry."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import libcst as cst


class Applicability(str, enum.Enum):
    """How safe a fix is to apply without review (ruff's terminology)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace one node (found by identity in the parsed tree) with another, or remove a
    statement (``cst.RemoveFromParent()``). The engine turns it into a :class:`TextEdit`."""

    target: cst.CSTNode
    replacement: cst.CSTNode | cst.RemovalSentinel


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

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """``name=value`` formatted as PEP 8 wants (libcst's default puts spaces around ``=``)."""
    return cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )


def append_arg(call: cst.Call, new_arg: cst.Arg) -> cst.Call:
    """Add an argument at the end, keeping a trailing comma (and its line break) last."""
    args = list(call.args)
    if args:
        last = args[-1]
        new_arg = new_arg.with_changes(comma=last.comma)
        separator: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
        if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace) and isinstance(
            last.comma, cst.Comma
        ):
            # One argument per line: the new one goes on its own line, indented like the
            # first (whose indentation is the whitespace after the opening parenthesis),
            # without copying a comment that follows the parenthesis.
            separator = call.whitespace_before_args.with_changes(
                first_line=cst.TrailingWhitespace(), empty_lines=()
            )
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=separator))
    return call.with_changes(args=[*args, new_arg])
