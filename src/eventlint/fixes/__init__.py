"""Applying fixes: every edit becomes a splice of the original text.

A node edit (replace a libcst node) is applied with a libcst transformer to get the
replacement's code *in its context* (indentation, line breaks), then that code is spliced into
the original text at the original node's span (``fixes.tree``, the only place libcst is
loaded, and only when a fix is applied). Text edits (insertions, import lines) are
spliced directly. So everything outside the edited spans is byte-identical to the input,
whatever libcst does or does not round-trip elsewhere in the file (form feeds, lone ``\\r``
line endings): that is a property of the construction, not a check after the fact.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence

from eventlint.analysis.positions import line_starts
from eventlint.finding import Fix, TextEdit

_LINE_BREAK = re.compile(r"\r\n?|\n")
Span = tuple[int, int]


def whole_lines(text: str, start: int, end: int) -> Span:
    """Widen a statement's span to its whole lines, when nothing else shares them: from the
    line's start (indentation) to after its line break (a trailing comment goes too)."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    if text[line_start:start].strip(" \t\f"):
        line_start = start
    match = _LINE_BREAK.search(text, end)
    line_end = match.end() if match else len(text)
    rest = text[end : match.start() if match else len(text)].strip(" \t\f")
    if rest and not rest.startswith("#"):
        return (line_start, end)
    return (line_start, line_end)


def overlaps(first: Sequence[Span], second: Sequence[Span]) -> bool:
    """Two sets of spans touch. Insertions at the same point count as touching, so their
    order never depends on which fix came first."""
    return any((a[0] < b[1] and b[0] < a[1]) or a[0] == b[0] for a in first for b in second)


def splice(text: str, edits: Sequence[TextEdit]) -> str:
    """Apply non-overlapping text edits."""
    parts: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda edit: (edit.start, edit.end)):
        if edit.start < position:
            raise ValueError("overlapping edits")  # the engine never hands these over
        parts.append(text[position : edit.start])
        parts.append(edit.text)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def edit_spans(fix: Fix, span_of: Callable[[ast.AST], Span]) -> list[Span]:
    spans: list[Span] = []
    for edit in fix.edits:
        if isinstance(edit, TextEdit):
            spans.append((edit.start, edit.end))
        else:
            spans.append(span_of(edit.target))
    return spans


__all__ = ["Span", "edit_spans", "line_starts", "overlaps", "splice", "whole_lines"]
