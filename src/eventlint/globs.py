"""Path globs as users write them in pyproject: ``tests/**``, ``**/test_*.py``, ``build``.

As in ruff: a pattern with a ``/`` is matched against the whole path relative to the project
root; a pattern without one is matched against the file or folder name alone, so ``build``
matches every folder named build. ``*`` stays within one name and ``**`` spans any number of
folders, ``?`` is one character and ``[ab]``/``[a-z]``/``[!ab]`` a character class, as in
fnmatch. Discovery checks each folder as it walks, so excluding a folder excludes what is in
it. Every option that takes paths (``exclude``, ``per-file-ignores``, ``test-paths``, ``src``)
uses this one dialect.
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
        elif char == "[" and (end := _class_end(pattern, index)) != -1:
            members = pattern[index + 1 : end]
            negate = members[:1] in ("!", "^")
            members = members[1:] if negate else members
            # Literal inside the class; ``[``, ``&&``, ``||``, ``~~`` would also be read as
            # the nested sets Python's regex may grow (and it warns about them).
            escaped = re.sub(r"([\\^\[&|~])", r"\\\1", members)
            parts.append(f"[{'^/' if negate else ''}{escaped}]")
            index = end + 1
        else:
            parts.append(re.escape(char))
            index += 1
    return re.compile("".join(parts))


def _class_end(pattern: str, start: int) -> int:
    """The index of the ``]`` closing a character class opened at ``start``, or -1 when the
    ``[`` is literal (no closing bracket, or an empty class)."""
    index = start + 1
    if index < len(pattern) and pattern[index] in "!^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1  # a ``]`` first in the class is a member, as in fnmatch
    end = pattern.find("]", index)
    return -1 if end == -1 or "/" in pattern[start:end] else end


def has_magic(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def matches(pattern: str, relative_path: str) -> bool:
    """Whether ``relative_path`` (posix, relative to the project root) matches ``pattern``."""
    if "/" in pattern.strip().strip("/"):
        return _compile(pattern).fullmatch(relative_path) is not None
    return _compile(pattern).fullmatch(relative_path.rsplit("/", 1)[-1]) is not None


def matches_any(patterns: Iterable[str], relative_path: str) -> bool:
    # Asked for every file and folder of a run with the same few option values: one regex
    # per kind of pattern (whole path, name alone), not one match per pattern.
    whole, name = _combined(tuple(patterns))
    if whole is not None and whole.fullmatch(relative_path) is not None:
        return True
    return name is not None and name.fullmatch(relative_path.rsplit("/", 1)[-1]) is not None


@lru_cache(maxsize=256)
def _combined(
    patterns: tuple[str, ...],
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The patterns matched against the whole path, and those matched against the name, each
    as one alternation."""
    whole = [p for p in patterns if "/" in p.strip().strip("/")]
    names = [p for p in patterns if "/" not in p.strip().strip("/")]

    def alternation(group: list[str]) -> re.Pattern[str] | None:
        if not group:
            return None
        return re.compile("|".join(f"(?:{_compile(pattern).pattern})" for pattern in group))

    return alternation(whole), alternation(names)
