"""The folder eventlint keeps its caches in (``.eventlint_cache/`` at the project root)."""

from __future__ import annotations

from pathlib import Path

from eventlint import sourcefile

CACHE_DIR_NAME = ".eventlint_cache"


def ensure_cache_folder(folder: Path) -> None:
    """Create a cache folder that git ignores by itself."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        sourcefile.write_atomically(
            folder / ".gitignore", b"# Created by eventlint.\n*\n", create=True
        )
