"""``eventlint --watch``: run the check again whenever a file of the project changes.

What is watched is the project root of each path given (the paths themselves outside a
project): a file's findings depend on other files of its project.

As ``ruff check --watch``: the screen is cleared before each run (only on a terminal), a
timestamped line says why the run starts, and Ctrl-C ends it with exit 0. Each run builds
its engine afresh, so the configuration and the project model are re-read from disk; the
module summaries and the results cache (keyed on every file a result read) make that cheap
and keep it correct: a module created since the last run is seen by the files that import
it. Changes inside the cache folder, ``.git`` and the other folders ``watchfiles`` ignores
by default, and the temporary files of ``--fix``'s writes, start no run. Needs the
``watchfiles`` package (the ``watch`` extra).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from eventlint.errors import ConfigError

CACHE_FOLDER = ".eventlint_cache"
_CLEAR = "\x1b[2J\x1b[3J\x1b[H"
# What marks a folder as a project (see ``paths``): its root is watched, not only the paths.
_PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git", ".hg")
# Folders whose changes start no run: watchfiles' defaults and eventlint's default excludes.
_IGNORED = (".nox", "venv", "build", "dist", "__pypackages__", "site-packages", CACHE_FOLDER)


def watched_paths(paths: Sequence[str], root_of: Callable[[Path], Path]) -> list[str]:
    """The folders to watch: each path's project root when it is a project (the findings of
    a file depend on other files of the project: a module created in ``src/`` clears a
    stale import in ``tests/``), else the path itself; none inside another."""
    found: list[str] = []
    for path in paths:
        absolute = Path(os.path.abspath(path))
        root = root_of(absolute)
        project = root in (absolute, *absolute.parents) and any(
            (root / marker).exists() for marker in _PROJECT_MARKERS
        )
        found.append(str(root if project else absolute))
    unique = sorted(set(found))
    return [
        path
        for path in unique
        if not any(
            path != other and path.startswith(other.rstrip(os.sep) + os.sep) for other in unique
        )
    ]


def _header(out: TextIO, message: str) -> None:
    if out.isatty():
        out.write(_CLEAR)
    out.write(f"[{datetime.now().strftime('%Y-%m-%d %H:%M:%S')}] {message}\n")
    out.flush()


def watch(
    watched: Sequence[str],
    check: Callable[[], int],
    *,
    cache_dir: Path | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Run ``check`` now and after every change under ``watched``, until interrupted (exit 0)."""
    try:
        import watchfiles
    except ImportError:
        raise ConfigError(
            "--watch needs the watchfiles package: pip install 'eventlint[watch]'"
        ) from None

    ignored_root = os.path.abspath(cache_dir) if cache_dir is not None else None

    class _Filter(watchfiles.DefaultFilter):
        def __call__(self, change: watchfiles.Change, path: str) -> bool:
            if path.endswith(".eventlint-tmp"):
                return False  # a --fix write in progress; its rename is the change
            if ignored_root is not None and (
                path == ignored_root or path.startswith(ignored_root + os.sep)
            ):
                return False
            return super().__call__(change, path)

    def run() -> None:
        try:
            check()
        except ConfigError as error:  # a configuration saved half-edited: say so, keep on
            sys.stderr.write(f"eventlint: error: {error}\n")
        finally:  # each report whole, also through a pipe
            sys.stdout.flush()
            sys.stderr.flush()

    only = _Filter(ignore_dirs=(*watchfiles.DefaultFilter.ignore_dirs, *_IGNORED))
    try:
        _header(out, "Starting linter in watch mode...")
        run()
        for _ in watchfiles.watch(*watched, watch_filter=only, raise_interrupt=True):
            _header(out, "File change detected...")
            run()
    except KeyboardInterrupt:
        pass
    return 0


__all__ = ["watch", "watched_paths"]
