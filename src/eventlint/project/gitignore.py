"""git's ignore rules, read from ``.gitignore`` files without running git.

One :class:`IgnoreFile` per ``.gitignore``; :func:`is_ignored` judges a path against the
files of the folders above it, as git does (gitignore(5)):

- blank lines and ``#`` comments are skipped; ``\\#`` and ``\\!`` start a literal ``#``/``!``;
  trailing spaces are dropped unless escaped;
- ``!`` re-includes what an earlier pattern excluded, but never a path whose parent folder is
  excluded (git does not look inside an ignored folder);
- a trailing ``/`` matches folders only;
- a pattern with a ``/`` at its start or middle is relative to its file's folder; one without
  matches at any depth below it;
- ``*`` and ``?`` never match ``/``; ``[...]`` is a class (``[!...]`` negated); a leading
  ``**/``, a trailing ``/**`` and an inner ``/**/`` match any number of folders;
- within a file the last matching pattern wins, and a deeper file's patterns beat a higher
  one's.

Not read: ``.git/info/exclude`` and the user's global excludes file (they are one machine's,
not the project's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    negated: bool
    folders_only: bool


@dataclass(frozen=True)
class IgnoreFile:
    """The patterns of one ``.gitignore``, for paths relative to its folder (``base``, in
    parts relative to the tree being judged: ``()`` for the top)."""

    base: tuple[str, ...]
    patterns: tuple[Pattern, ...]


def parse(text: str, base: tuple[str, ...] = ()) -> IgnoreFile:
    patterns: list[Pattern] = []
    for raw in text.splitlines():
        pattern = _pattern(raw)
        if pattern is not None:
            patterns.append(pattern)
    return IgnoreFile(base, tuple(patterns))


def _pattern(line: str) -> Pattern | None:
    # Trailing spaces go, unless escaped with a backslash.
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "
    if not stripped or stripped.startswith("#"):
        return None
    negated = stripped.startswith("!")
    if negated:
        stripped = stripped[1:]
    folders_only = stripped.endswith("/") and not stripped.endswith("\\/")
    if folders_only:
        stripped = stripped.rstrip("/")
    if not stripped:
        return None
    anchored = "/" in stripped
    stripped = stripped.removeprefix("/")
    body = _translate(stripped)
    if body is None:
        return None
    prefix = "" if anchored else "(?:.*/)?"
    return Pattern(re.compile(prefix + body, re.DOTALL), negated, folders_only)


def _translate(glob: str) -> str | None:
    """A gitignore glob as a regular expression for a whole relative path; None for a
    pattern git would not match anything with (an unclosed ``[``)."""
    out: list[str] = []
    index = 0
    length = len(glob)
    while index < length:
        char = glob[index]
        if glob.startswith("**", index):
            at_start = index == 0 or glob[index - 1] == "/"
            after = index + 2
            if at_start and after < length and glob[after] == "/":
                out.append("(?:.*/)?")  # ``**/`` : any number of folders, none included
                index = after + 1
                continue
            if at_start and after == length and index > 0:
                out.append(".*")  # ``/**``: everything inside
                index = after
                continue
            out.append("[^/]*")  # other consecutive asterisks are plain ones
            index = after
            while index < length and glob[index] == "*":
                index += 1
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and index + 1 < length:
            index += 1
            out.append(re.escape(glob[index]))
        elif char == "[":
            end = index + 1
            if end < length and glob[end] in "!^":
                end += 1
            if end < length and glob[end] == "]":
                end += 1
            while end < length and glob[end] != "]":
                end += 1
            if end >= length:
                return None
            inner = glob[index + 1 : end]
            negate = inner[:1] in ("!", "^")
            if negate:
                inner = inner[1:]
            inner = inner.replace("\\", "\\\\").replace("[", "\\[")
            out.append(f"[{'^' if negate else ''}{inner}]" if inner else "(?!)")
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _decision(files: list[IgnoreFile], parts: tuple[str, ...], *, is_folder: bool) -> bool | None:
    """Whether the last matching pattern ignores the path (None: no pattern matches)."""
    decided: bool | None = None
    for file in files:
        if parts[: len(file.base)] != file.base or len(parts) == len(file.base):
            continue
        relative = "/".join(parts[len(file.base) :])
        for pattern in file.patterns:
            if pattern.folders_only and not is_folder:
                continue
            if pattern.regex.fullmatch(relative):
                decided = not pattern.negated
    return decided


def is_ignored(files: list[IgnoreFile], path: str, *, is_folder: bool = False) -> bool:
    """Whether git ignores ``path`` (``/``-separated, relative to the top of the tree), given
    the ``.gitignore`` files of its folders, shallowest first."""
    parts = PurePosixPath(path).parts
    ordered = sorted(files, key=lambda file: len(file.base))
    for depth in range(1, len(parts)):
        if _decision(ordered, parts[:depth], is_folder=True):
            return True  # inside an ignored folder: nothing re-includes it
    return bool(_decision(ordered, parts, is_folder=is_folder))
