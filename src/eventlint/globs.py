"""Path globs as users write them in pyproject: ``tests/**``, ``**/test_*.py``, ``build``.

A pattern with a ``/`` is matched against the path relative to the project root; a pattern
without one matches any single path component (as in .gitignore), so ``build`` excludes every
folder named build. ``*`` stays within one component and ``**`` spans any number of them.
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
    # A folder pattern also matches everything inside that folder.
    return re.compile("".join(parts) + "(?:/.*)?")


def matches(pattern: str, relative_path: str) -> bool:
    """Whether ``relative_path`` (posix, relative to the project root) matches ``pattern``."""
    if "/" in pattern.strip().strip("/"):
        return _compile(pattern).fullmatch(relative_path) is not None
    compiled = _compile(pattern)
    components = relative_path.split("/")
    return any(
        compiled.fullmatch("/".join(components[index:])) is not None
        for index in range(len(components))
    )


def matches_any(patterns: Iterable[str], relative_path: str) -> bool:
    return any(matches(pattern, relative_path) for pattern in patterns)
