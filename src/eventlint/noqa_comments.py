"""Where the ``# noqa`` comments of a Python text are, and where one would go.

``suppression`` answers "is this finding suppressed" with flake8's semantics: the first
``# noqa`` in the finding's *noqa line* (the physical lines that tokenize as one line: a
backslash continuation, a multi-line string it ends) decides. This module answers the
questions that editing those comments needs, from the same tokenization: which physical
lines form each noqa line, where each comment token holding a ``# noqa`` is (never a
``# noqa`` inside a string), which codes it lists and where each is written. ``--add-noqa``
and EVT003 (unused suppressions) both read it.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from eventlint.analysis.positions import line_starts
from eventlint.suppression import LINE_NOQA

_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


@dataclass(frozen=True)
class NoqaComment:
    """A comment token holding a ``# noqa`` directive (offsets are into the whole text)."""

    line: int  # 1-based
    comment_start: int  # the comment token: from its ``#`` to the end of the line
    comment_end: int
    directive_start: int  # the noqa directive, codes included (their trailing separator not)
    directive_end: int
    codes: tuple[tuple[str, int, int], ...]  # each code as written, with its offsets
    # Whether flake8 applies this directive to its noqa line: it takes the first one of the
    # joined lines, and an earlier one inside a string would win.
    effective: bool

    @property
    def bare(self) -> bool:
        return not self.codes


@dataclass(frozen=True)
class NoqaLayout:
    """The noqa lines of a text (which physical lines share one) and its noqa comments."""

    text: str
    starts: list[int]
    group_of: dict[int, tuple[int, int]]  # physical line -> (first, last) of its noqa line
    comments: dict[int, NoqaComment]  # by the (last) line the comment is on
    comment_lines: frozenset[int]  # lines that end in a comment of any kind

    def group(self, line: int) -> tuple[int, int]:
        return self.group_of.get(line, (line, line))

    def line_end(self, line: int) -> int:
        """The offset of the end of ``line``'s content (before its line break)."""
        if line >= len(self.starts):
            return len(self.text)
        end = self.starts[line]
        while end > self.starts[line - 1] and self.text[end - 1] in "\r\n":
            end -= 1
        return end


def layout(text: str) -> NoqaLayout | None:
    """The layout, or None when the text does not tokenize (a broken file)."""
    starts = line_starts(text)
    group_of: dict[int, tuple[int, int]] = {}
    found: list[tuple[int, int, str]] = []  # line, column, comment text
    first, last = len(starts) + 2, -1
    try:
        readline = io.StringIO(text, newline=None).readline
        for token in tokenize.generate_tokens(readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first = min(first, token.start[0])
            last = max(last, token.end[0])
            if token.type == tokenize.COMMENT:
                found.append((token.start[0], token.start[1], token.string))
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                group_of.update(dict.fromkeys(range(first, last + 1), (first, last)))
                first, last = len(starts) + 2, -1
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    result = NoqaLayout(text, starts, group_of, {}, frozenset(line for line, _, _ in found))
    for line, column, comment in found:
        noqa = _comment(result, line, column, comment)
        if noqa is not None:
            result.comments[line] = noqa
    return result


def _comment(layout: NoqaLayout, line: int, column: int, comment: str) -> NoqaComment | None:
    match = LINE_NOQA.search(comment)
    if match is None:
        return None
    start = layout.starts[line - 1] + column
    codes: list[tuple[str, int, int]] = []
    if match.group("codes"):
        base = start + match.start("codes")
        codes = [
            (code.group(), base + code.start(), base + code.end())
            for code in _CODE.finditer(match.group("codes"))
        ]
    end = codes[-1][2] if codes else start + match.start() + len("# noqa")
    first, last = layout.group(line)
    joined_start = layout.starts[first - 1]
    joined = layout.text[joined_start : layout.line_end(last)]
    first_match = LINE_NOQA.search(joined.replace("\r\n", "\n").replace("\r", "\n"))
    # Offsets in the joined text: line breaks become one ``\n`` each, as flake8 joins them.
    before = layout.text[joined_start : start + match.start()]
    position = len(before.replace("\r\n", "\n").replace("\r", "\n"))
    return NoqaComment(
        line=line,
        comment_start=start,
        comment_end=start + len(comment),
        directive_start=start + match.start(),
        directive_end=end,
        codes=tuple(codes),
        effective=first_match is not None and first_match.start() == position,
    )


__all__ = ["NoqaComment", "NoqaLayout", "layout"]
