"""Where a project starts, and file-system questions that must never raise.

The *project root* is one notion, asked everywhere (settings, the project model, the cache):
the folder of the nearest ``pyproject.toml`` with a ``[tool.eventlint]`` table; without one,
the version-control root above the file; else the topmost folder holding a
pyproject.toml/setup.cfg/setup.py; else, as ruff does, the working directory when the file is
inside it; else the first folder above the file that is not a package.
``config.ConfigResolver`` applies the first rule and calls :func:`root_without_config` for
the rest.
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path

PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py")
VCS_MARKERS = (".git", ".hg", ".svn")


def is_regular_file(path: Path | str) -> bool:
    """True for a regular file (or a symlink to one); False for anything else, including
    FIFOs, devices and paths that cannot be inspected."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


class MarkedFolders:
    """For each folder: the nearest version-control root at or above it, else the topmost
    folder holding a project marker. Remembered per folder, so that the thousands of folders
    of a large tree share their parents' answers instead of each walking up to ``/``."""

    def __init__(self) -> None:
        self._known: dict[Path, tuple[Path | None, Path | None]] = {}

    def above(self, folder: Path) -> tuple[Path | None, Path | None]:
        """(version-control root, topmost marked folder); the second only without the first."""
        walked: list[Path] = []
        found: tuple[Path | None, Path | None] = (None, None)
        for candidate in (folder, *folder.parents):
            known = self._known.get(candidate)
            if known is not None:
                found = known
                break
            if any(os.path.lexists(candidate / marker) for marker in VCS_MARKERS):
                found = (candidate, None)
                self._known[candidate] = found
                break
            walked.append(candidate)
        # Down again: each folder's topmost marked folder is the highest one below the
        # version-control root (or ``/``).
        vcs, topmost = found
        for candidate in reversed(walked):
            if topmost is None and any(
                is_regular_file(candidate / marker) for marker in PROJECT_MARKERS
            ):
                topmost = candidate
            self._known[candidate] = (vcs, topmost)
        return self._known.get(folder, found)


def root_without_config(directory: Path, marked: MarkedFolders | None = None) -> Path:
    vcs, topmost = (marked or MarkedFolders()).above(directory)
    if vcs is not None:
        return vcs
    if topmost is not None:
        return topmost
    working = Path.cwd()
    if directory == working or working in directory.parents:
        return working
    # A folder inside a package is never where imports start.
    return base_folder(directory / "__init__.py")


def base_folder(file: Path) -> Path:
    """The first folder above ``file`` that is not a regular package (what pytest's default
    import mode puts on ``sys.path`` for it)."""
    return _base_of(os.path.dirname(os.path.abspath(file)))


@lru_cache(maxsize=4096)
def _base_of(directory: str) -> Path:
    # Asked for every test file, and its siblings share the answer.
    folder = Path(directory)
    while is_regular_file(folder / "__init__.py") or is_regular_file(folder / "__init__.pyi"):
        if folder.parent == folder:
            break
        folder = folder.parent
    return folder
