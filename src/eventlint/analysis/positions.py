"""Where an ``ast`` node is in the text, in characters.

CPython's ``ast`` gives lines (1-based, counted at ``\\n``, ``\\r\\n`` and a lone ``\\r``)
and columns as UTF-8 *byte* offsets into the line. Findings and fixes speak characters, as
flake8 and ruff report them: a line's byte columns are converted only when the line is not
ASCII, so ordinary files pay one ``str.isascii`` per line that holds a finding.
"""

from __future__ import annotations

import ast
import re
from functools import cached_property
from typing import NamedTuple

_LINE_BREAK = re.compile(r"\r\n?|\n")


class CodePosition(NamedTuple):
    line: int  # 1-based
    column: int  # 0-based, in characters


class CodeRange(NamedTuple):
    start: CodePosition
    end: CodePosition  # exclusive


def line_starts(text: str) -> list[int]:
    """The offset where each line starts (index 0 is line 1), with ``ast``'s line breaks."""
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


class Positions:
    """Character positions of the nodes of one parsed text."""

    def __init__(self, text: str) -> None:
        self._text = text

    @cached_property
    def starts(self) -> list[int]:
        return line_starts(self._text)

    def _line(self, number: int) -> str:
        starts = self.starts
        if number > len(starts):
            return ""
        end = starts[number] if number < len(starts) else len(self._text)
        return self._text[starts[number - 1] : end]

    def column(self, line: int, byte_column: int) -> int:
        """The character column of a UTF-8 byte offset into ``line``."""
        text = self._line(line)
        if text.isascii():
            return byte_column
        data = text.encode("utf-8", "surrogatepass")[:byte_column]
        return len(data.decode("utf-8", "surrogatepass"))

    def range_of(self, node: ast.AST) -> CodeRange:
        """The node's range; nodes without a position of their own (``ast.arguments``,
        ``ast.comprehension``, ``ast.withitem``) are not reported, and raise."""
        line = node.lineno  # type: ignore[attr-defined]
        end_line = node.end_lineno  # type: ignore[attr-defined]
        end_column = node.end_col_offset  # type: ignore[attr-defined]
        if end_line is None or end_column is None:  # pragma: no cover - parsed nodes have them
            end_line, end_column = line, node.col_offset  # type: ignore[attr-defined]
        return CodeRange(
            CodePosition(line, self.column(line, node.col_offset)),  # type: ignore[attr-defined]
            CodePosition(end_line, self.column(end_line, end_column)),
        )

    def offset(self, position: CodePosition) -> int:
        return self.starts[position.line - 1] + position.column

    def span(self, node: ast.AST) -> tuple[int, int]:
        """The node's character offsets in the text."""
        where = self.range_of(node)
        return self.offset(where.start), self.offset(where.end)

    def source_of(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self._text[start:end]
