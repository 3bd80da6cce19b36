"""The line length a project's formatter keeps, for fixes that add text.

Read from the folders between the fixed file and the project root, nearest first, in this
order of tools: ruff (``line-length`` in ``.ruff.toml`` or ``ruff.toml``, top level or under
``[tool.ruff]``, or ``[tool.ruff] line-length`` in pyproject.toml), then black (``[tool.black]
line-length``), then flake8 (``max-line-length`` in the ``[flake8]`` section of
``setup.cfg``, ``tox.ini`` or ``.flake8``); else 88, ruff's and black's default. A file that
cannot be read or parsed says nothing. Nothing is run or imported; the files are read only
when a fix made a line too long (an editor's server sees edits to them at once).
"""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

from eventlint import paths, sourcefile

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

DEFAULT = 88
_BOUNDS = range(1, 1001)


def line_length(file: Path, root: Path) -> int:
    """The line length for ``file``, a file under the project ``root``."""
    above = [file.parent, *file.parent.parents]
    folders = above[: above.index(root) + 1] if root in above else [file.parent]
    for reader in (_ruff, _black, _flake8):
        for folder in folders:
            found = reader(folder)
            if found is not None:
                return found
    return DEFAULT


def _text(path: Path) -> str | None:
    if not paths.is_regular_file(path):
        return None
    try:
        return sourcefile.read(path, max_bytes=2**20).decode("utf-8")
    except (sourcefile.SourceError, UnicodeDecodeError):
        return None


def _toml(path: Path) -> dict[str, object] | None:
    text = _text(path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _length(value: object) -> int | None:
    return value if isinstance(value, int) and value in _BOUNDS else None


def _table(document: object, *keys: str) -> dict[str, object]:
    for key in keys:
        document = document.get(key) if isinstance(document, dict) else None
    return document if isinstance(document, dict) else {}


def _ruff(folder: Path) -> int | None:
    for name in (".ruff.toml", "ruff.toml"):
        document = _toml(folder / name)
        if document is not None:
            found = _length(document.get("line-length"))
            found = found or _length(_table(document, "tool", "ruff").get("line-length"))
            if found is not None:
                return found
    return _length(_table(_toml(folder / "pyproject.toml"), "tool", "ruff").get("line-length"))


def _black(folder: Path) -> int | None:
    black = _table(_toml(folder / "pyproject.toml"), "tool", "black")
    return _length(black.get("line-length", black.get("line_length")))


def _flake8(folder: Path) -> int | None:
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        text = _text(folder / name)
        if text is None:
            continue
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error:
            continue
        for key in ("max-line-length", "max_line_length"):
            value = parser.get("flake8", key, fallback=None)
            if value is not None and value.strip().isdigit():
                return _length(int(value.strip()))
    return None
