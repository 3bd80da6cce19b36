"""``# noqa`` comments, with flake8's semantics, and the file-level ``# eventlint: noqa``."""

from __future__ import annotations

import re

# flake8's own pattern (flake8.defaults.NOQA_INLINE_REGEXP), so both front doors agree.
_LINE_NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
_FILE_NOQA = re.compile(
    r"^\s*#\s*eventlint:\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_SEPARATOR = re.compile(r"[,\s]+")


def _codes(text: str | None) -> frozenset[str] | None:
    if not text:
        return None
    return frozenset(code.upper() for code in _SEPARATOR.split(text.strip()) if code)


def file_suppression(text: str) -> frozenset[str] | None:
    """None: nothing suppressed; an empty set: the whole file; else these code prefixes."""
    if "eventlint" not in text:
        return None
    suppressed: set[str] = set()
    for match in _FILE_NOQA.finditer(text):
        codes = _codes(match.group("codes"))
        if codes is None:
            return frozenset()
        suppressed |= codes
    return frozenset(suppressed) if suppressed else None


def suppressed_by_file(code: str, suppression: frozenset[str] | None) -> bool:
    if suppression is None:
        return False
    return not suppression or code.startswith(tuple(suppression))


def line_suppresses(line: str, code: str) -> bool:
    if "noqa" not in line.lower():
        return False
    match = _LINE_NOQA.search(line)
    if match is None:
        return False
    codes = _codes(match.group("codes"))
    return codes is None or code.startswith(tuple(codes))
