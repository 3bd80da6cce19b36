"""``eventlint --watch``: run the check again whenever a file under the paths changes.

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


def _header(out: TextIO, message: str) -> None:
    if out.isatty():
        out.write(_CLEAR)
    out.write(f"[{datetime.now().strftime('%Y-%m-%d %H:%M:%S')}] {message}\n")
    out.flush()


def watch(
    paths: Sequence[str],
    check: Callable[[], int],
    *,
    cache_dir: Path | None = None,
    out: TextIO = sys.stdout,
) -> int:
    """Run ``check`` now and after every change under ``paths``, until interrupted (exit 0)."""
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

    watched = [os.path.abspath(path) for path in paths]
    only = _Filter(ignore_dirs=(*watchfiles.DefaultFilter.ignore_dirs, CACHE_FOLDER))
    try:
        _header(out, "Starting linter in watch mode...")
        run()
        for _ in watchfiles.watch(*watched, watch_filter=only, raise_interrupt=True):
            _header(out, "File change detected...")
            run()
    except KeyboardInterrupt:
        pass
    return 0


__all__ = ["watch"]
