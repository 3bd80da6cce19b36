"""``# noqa`` comments, with flake8's semantics, and the file-level ``# eventlint: noqa``.

flake8's semantics, exactly, so both front doors agree: a ``# noqa`` covers the physical
lines that tokenize as one line with it, that is a backslash continuation and a multi-line
string it ends; in a bracketed statement over several lines each line break inside the
brackets ends such a line (tokenize's ``NL``), so a ``# noqa`` there covers only its own
line, under flake8 as here. ``noqa`` is matched in any case, but the codes after it are
compared as written (``# noqa: evt101`` suppresses nothing, under flake8 as here). Line
breaks are universal (``\n``, ``\r\n`` and a lone ``\r``), as flake8 reads lines and as
``ast`` numbers them.
"""

from __future__ import annotations

import io
import re
import tokenize

# flake8's own pattern (flake8.defaults.NOQA_INLINE_REGEXP), so both front doors agree.
LINE_NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
_FILE_NOQA = re.compile(
    r"^\s*#\s*eventlint:\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_SEPARATOR = re.compile(r"[,\s]+")


def _codes(text: str | None) -> frozenset[str] | None:
    if not text:
        return None
    return frozenset(code for code in _SEPARATOR.split(text.strip()) if code)


def _file_codes(text: str | None) -> frozenset[str] | None:
    if not text:
        return None
    return frozenset(code.upper() for code in _SEPARATOR.split(text.strip()) if code)


def file_suppression(text: str) -> frozenset[str] | None:
    """None: nothing suppressed; an empty set: the whole file; else these code prefixes."""
    if "eventlint" not in text:
        return None
    suppressed: set[str] = set()
    for match in _FILE_NOQA.finditer(text):
        codes = _file_codes(match.group("codes"))
        if codes is None:
            return frozenset()
        suppressed |= codes
    return frozenset(suppressed) if suppressed else None


def suppressed_by_file(code: str, suppression: frozenset[str] | None) -> bool:
    if suppression is None:
        return False
    return not suppression or code.startswith(tuple(suppression))


def line_suppresses(line: str, code: str) -> bool:
    return _suppressed(_line_codes(line), code)


# What a line's ``# noqa`` says: nothing (False), every code (None), or these codes.
_LineNoqa = frozenset[str] | None | bool


def _line_codes(line: str) -> _LineNoqa:
    if "noqa" not in line.lower():
        return False
    match = LINE_NOQA.search(line)
    if match is None:
        return False
    return _codes(match.group("codes"))


def _suppressed(noqa: _LineNoqa, code: str) -> bool:
    if isinstance(noqa, frozenset):
        return code.startswith(tuple(noqa))
    return noqa is None  # a bare ``# noqa``; False: no comment


class NoqaLines:
    """The text searched for ``# noqa`` for each line: its whole logical line, as flake8's
    ``FileProcessor.noqa_line_for`` does."""

    def __init__(self, text: str, lines: list[str]) -> None:
        self._text = text
        self._lines = lines
        self._mapping: dict[int, str] | None = None
        # Asked once per finding: a file (or one long line) with thousands of findings must
        # not be searched thousands of times.
        self._text_has_noqa = "noqa" in text.lower()
        self._parsed: dict[int, _LineNoqa] = {}

    def suppresses(self, number: int, code: str) -> bool:
        """Whether line ``number``'s ``# noqa`` (of its logical line) suppresses ``code``."""
        if number not in self._parsed:
            self._parsed[number] = _line_codes(self.line(number))
        return _suppressed(self._parsed[number], code)

    def line(self, number: int) -> str:
        physical = self._lines[number - 1] if 0 < number <= len(self._lines) else ""
        if not self._text_has_noqa:
            return physical
        if self._mapping is None:
            self._mapping = self._logical_lines()
        return self._mapping.get(number, physical)

    def _logical_lines(self) -> dict[int, str]:
        mapping: dict[int, str] = {}
        first, last = len(self._lines) + 2, -1
        try:
            # newline=None: a lone \r ends a line, as for flake8 and ``ast`` (io.StringIO's
            # default splits only at \n, and a classic-Mac file was one line).
            readline = io.StringIO(self._text, newline=None).readline
            for token in tokenize.generate_tokens(readline):
                if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                    continue
                first = min(first, token.start[0])
                last = max(last, token.end[0])
                if token.type in (tokenize.NL, tokenize.NEWLINE):
                    joined = "\n".join(self._lines[first - 1 : last])
                    mapping.update(dict.fromkeys(range(first, last + 1), joined))
                    first, last = len(self._lines) + 2, -1
        except (tokenize.TokenError, SyntaxError, IndentationError):
            return {}
        return mapping
