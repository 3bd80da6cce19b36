"""Which files to lint: the files under the given paths that some rule reads, minus excluded
ones.

Folders are walked through the run's shared listings (``project.inventory.Listings``), the
same ones the project model reads, so a folder is listed once per run whether discovery or a
rule asked first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from eventlint import paths
from eventlint.config import ConfigError, ConfigResolver
from eventlint.file_kinds import kind_of, kind_of_named
from eventlint.project.inventory import Listings


@dataclass(frozen=True)
class SourcePath:
    path: Path  # what the OS opens
    display: str  # how the user refers to it: relative to the working directory when inside it
    kind: str


def display_path(path: str) -> str:
    normal = os.path.normpath(path)
    if os.path.isabs(normal):
        relative = os.path.relpath(normal)
        if not relative.startswith(".."):
            return relative
    return normal


def check_paths_exist(arguments: list[str]) -> None:
    for argument in arguments:
        if not os.path.lexists(argument):
            raise ConfigError(f"path does not exist: {argument}")


def discover(
    arguments: list[str],
    resolver: ConfigResolver,
    listings: Listings,
    *,
    force_exclude: bool = False,
    warn: Callable[[str], None] = lambda message: None,
) -> Iterator[SourcePath]:
    """Yield files in a stable order, each once (a file reached twice, through a symlink,
    keeps its first name). Files named explicitly are always linted (as with ruff) unless
    ``force_exclude`` is set, which pre-commit hooks use; they must be regular files."""
    seen: set[str] = set()
    for argument in arguments:
        root = Path(argument)
        if not os.path.isdir(root):
            if force_exclude and resolver.for_path(root).is_excluded(root, with_ancestors=True):
                continue
            if not paths.is_regular_file(root):
                warn(f"{argument}: not a regular file; skipped")
                continue
            named = kind_of_named(root)
            if named is not None:
                yield from _once(SourcePath(root, display_path(argument), named), seen)
            continue
        # Listings are keyed on absolute folders (shared with the project model); files are
        # shown as the user spelled the folder.
        pending = [(Path(os.path.abspath(root)), root)]
        while pending:
            here, spelled = pending.pop()
            listing = listings.of(here)
            if listing.config_error is not None:
                raise ConfigError(listing.config_error)
            for name in sorted(listing.files):
                kind = kind_of(here / name)
                if kind is not None:
                    source = SourcePath(here / name, display_path(str(spelled / name)), kind)
                    yield from _once(source, seen)
            pending += [
                (here / name, spelled / name) for name in sorted(listing.folders, reverse=True)
            ]


def _once(source: SourcePath, seen: set[str]) -> Iterator[SourcePath]:
    key = os.path.realpath(source.path)
    if key not in seen:
        seen.add(key)
        yield source
