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
    """Replace one node (found by identity in the parsed tree) with another, or remove it."""

    target: cst.CSTNode
    replacement: cst.CSTNode | cst.RemovalSentinel


@dataclass(frozen=True)
class ImportRequest:
    """An import a fix needs: ``import module`` (name None) or ``from module import name``."""

    module: str
    name: str | None = None


@dataclass(frozen=True)
class Fix:
    """Fixes are data: the engine applies, re-parses and writes them, never the rule."""

    applicability: Applicability
    edits: tuple[Edit, ...]
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
