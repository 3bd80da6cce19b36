"""Positions in a buffer: eventlint's (1-based lines, 1-based character columns, end
exclusive) against the editor's (0-based lines, 0-based columns counted in the negotiated
position encoding, UTF-16 code units by default).

A character outside the Basic Multilingual Plane (an emoji in a string) is one column for
eventlint, two UTF-16 code units and four UTF-8 bytes for the editor. Lines end at ``\\n``,
``\\r\\n`` or a lone ``\\r``, as for ``ast`` and the Language Server Protocol; never at the
other breaks ``str.splitlines`` knows (a form feed is inside a line for both).
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass

from lsprotocol import types

from eventlint.finding import Finding

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str) -> int:
    """How many code units of ``encoding`` ``text`` takes."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True)
class Span:
    """Character offsets ``start:end`` into the buffer."""

    start: int
    end: int


class LineIndex:
    """Where each line of one buffer starts, to convert offsets to and from positions."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]

    def line_end(self, line: int) -> int:
        """The offset where 0-based ``line``'s content ends (before its line break)."""
        if line + 1 >= len(self.starts):
            return len(self.text)
        end = self.starts[line + 1]
        if self.text[end - 2 : end] == "\r\n":
            return end - 2
        return end - 1

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        offset = min(offset, self.line_end(line))  # never between \r and \n
        return types.Position(
            line=line, character=units(self.text[self.starts[line] : offset], self.encoding)
        )

    def offset(self, position: types.Position) -> int:
        """The character offset of an editor position (clamped to the text, as the
        protocol asks: a column past the line's end is its end)."""
        if position.line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[position.line], self.line_end(position.line)
        if self.encoding == UTF32 or self.text[start:end].isascii():
            return min(start + position.character, end)
        counted = 0
        for offset in range(start, end):
            if counted >= position.character:
                return offset
            counted += units(self.text[offset], self.encoding)
        return end

    def range(self, span: Span) -> types.Range:
        return types.Range(start=self.position(span.start), end=self.position(span.end))

    def span(self, range_: types.Range) -> Span:
        return Span(self.offset(range_.start), self.offset(range_.end))

    def finding_offset(self, line: int, column: int) -> int:
        """The offset of eventlint's (1-based line, 1-based column), clamped to the text."""
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        start = self.starts[line - 1]
        return min(start + max(column - 1, 0), self.line_end(line - 1))

    def finding_span(self, finding: Finding) -> Span:
        start = self.finding_offset(finding.line, finding.column)
        end = self.finding_offset(finding.end_line, finding.end_column)
        return Span(start, max(start, end))


def changed_lines(old: str, new: str) -> tuple[Span, str]:
    """The smallest run of whole lines of ``old`` whose replacement makes ``new``, and that
    replacement: one edit for a fix, not the whole buffer."""
    if old == new:
        return Span(len(old), len(old)), ""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    # Back to the start of a line: an edit never starts inside a line break or a character.
    prefix = _line_start_at_or_before(old, prefix)
    suffix = 0
    limit = min(len(old), len(new)) - prefix
    while suffix < limit and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    # Forward to a line start, so that the unchanged tail is whole lines.
    suffix = _tail_of_whole_lines(old, len(old) - suffix)
    return Span(prefix, len(old) - suffix), new[prefix : len(new) - suffix]


def line_edits(old: str, new: str) -> list[tuple[Span, str]]:
    """The runs of whole lines of ``old`` to replace (in order, not overlapping) to make
    ``new``: a fix that adds an import at the top and changes a call below is two edits,
    and the lines between are left alone (the editor keeps its marks and folds there)."""
    span, replacement = changed_lines(old, new)
    if span.start == span.end or not replacement:
        return [] if old == new else [(span, replacement)]
    before = _LINE.findall(old[span.start : span.end])
    after = _LINE.findall(replacement)
    starts = [span.start]
    for line in before:
        starts.append(starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        (Span(starts[first], starts[last]), "".join(after[new_first:new_last]))
        for tag, first, last, new_first, new_last in matcher.get_opcodes()
        if tag != "equal"
    ]


def _line_start_at_or_before(text: str, offset: int) -> int:
    while offset > 0 and text[offset - 1] not in "\r\n":
        offset -= 1
    if offset > 0 and text[offset - 1] == "\r" and offset < len(text) and text[offset] == "\n":
        offset -= 1  # inside \r\n: back before it
        while offset > 0 and text[offset - 1] not in "\r\n":
            offset -= 1
    return offset


def _tail_of_whole_lines(text: str, offset: int) -> int:
    """The length of the tail of ``text`` from the first line start at or after ``offset``."""
    while 0 < offset < len(text) and not _starts_line(text, offset):
        offset += 1
    return len(text) - offset


def _starts_line(text: str, offset: int) -> bool:
    before = text[offset - 1]
    return before == "\n" or (before == "\r" and text[offset : offset + 1] != "\n")
