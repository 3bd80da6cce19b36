"""The ``files:``/``exclude:`` patterns of a pre-commit config that are about tests."""

from __future__ import annotations

import re
from collections.abc import Iterator

_PATTERN_KEY = re.compile(r"^\s*(?:-\s+)?(?P<key>files|exclude):[ \t]*(?P<value>\S.*?)\s*$")


def pattern_lines(text: str) -> Iterator[tuple[int, str, str]]:
    """``(offset of the pattern, key, pattern)`` for each one-line pattern that mentions
    tests. Block scalars (``files: |``) and patterns with YAML escapes are not read."""
    offset = 0
    for raw in text.splitlines(keepends=True):
        match = _PATTERN_KEY.match(raw.rstrip("\r\n"))
        if match is not None:
            found = _pattern(match["value"])
            if found is not None and "test" in found[1].lower():
                yield offset + match.start("value") + found[0], match["key"], found[1]
        offset += len(raw)


def _pattern(value: str) -> tuple[int, str] | None:
    """Where the pattern starts within the value, and the pattern."""
    if value[:1] in ("'", '"'):
        quote = value[0]
        if len(value) < 2 or not value.endswith(quote):
            return None
        inner = value[1:-1]
        if ("\\" in inner and quote == '"') or quote in inner:
            return None  # escapes: the text is not the pattern
        return 1, inner
    if value[:1] in ("|", ">", "[", "{", "&", "*", "!"):
        return None
    return 0, value.partition(" #")[0].rstrip()
