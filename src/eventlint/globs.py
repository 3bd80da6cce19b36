"""Path globs as users write them in pyproject: ``tests/**``, ``**/test_*.py``, ``build``.

As in ruff: a pattern with a ``/`` is matched against the whole path relative to the project
root; a pattern without one is matched against the file or folder name alone, so ``build``
matches every folder named build. ``*`` stays within one name and ``**`` spans any number of
folders. Discovery checks each folder as it walks, so excluding a folder excludes what is in
it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().strip("/") if pattern.strip() != "/" else ""
    if pattern.startswith("./"):
        pattern = pattern[2:]
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif char == "*":
            parts.append("[^/]*")
            index += 1
        elif char == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(char))
            index += 1
    return re.compile("".join(parts))


def matches(pattern: str, relative_path: str) -> bool:
    """Whether ``relative_path`` (posix, relative to the project root) matches ``pattern``."""
    if "/" in pattern.strip().strip("/"):
        return _compile(pattern).fullmatch(relative_path) is not None
    return _compile(pattern).fullmatch(relative_path.rsplit("/", 1)[-1]) is not None


def matches_any(patterns: Iterable[str], relative_path: str) -> bool:
    return any(matches(pattern, relative_path) for pattern in patterns)
