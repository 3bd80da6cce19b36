"""The project's files: every folder listed once per run, under the same excludes as discovery.

Everything eventlint knows about *other* files starts here: the module index looks modules up
in these listings, the raise-site index reads the production modules listed, the cache
fingerprints them. :class:`Listings` is shared by every project of a run (and handed to pool
workers), so no folder is listed twice however many projects and workers ask;
``Listings.scans`` counts the listings actually made, for the test that says so.

A folder's listing keeps its regular files and its sub-folders, minus what that folder's
settings exclude and minus virtualenvs (a folder holding ``pyvenv.cfg``). Symlinked folders
are not followed (a loop cannot form). Only regular files are listed: a FIFO or a device named
``x.py`` would hang or flood a reader. An unreadable folder is reported once and skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eventlint.config import ConfigError, ConfigResolver

# Module files of every kind the import system knows.
SOURCE_SUFFIXES = (".py", ".pyi")
EXTENSION_SUFFIXES = (".so", ".pyd", ".pyx")
MODULE_SUFFIXES = SOURCE_SUFFIXES + EXTENSION_SUFFIXES
# Sources of compiled extension modules (C, C++, Cython, Rust): a package holding them builds
# modules eventlint cannot list, and raises messages no Python ``raise`` shows.
NATIVE_SOURCE_SUFFIXES = (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".pyx", ".pxi", ".rs")


@dataclass(frozen=True)
class Listing:
    """A folder's regular files and its sub-folders (excluded ones and virtualenvs left out)."""

    files: frozenset[str]
    folders: frozenset[str]
    # The folder's own config is broken: discovery (linting it) reports this; the project
    # model of a neighbouring project leaves the folder out.
    config_error: str | None = None


EMPTY = Listing(frozenset(), frozenset())


def is_virtualenv(folder: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(folder / "pyvenv.cfg").st_mode)
    except (OSError, ValueError):
        return False


def scan(folder: Path, on_error: Callable[[str], None]) -> tuple[list[str], list[str]]:
    """Regular files (symlinks to regular files included) and folders (not symlinks).
    Entries that vanish or cannot be inspected are skipped."""
    files: list[str] = []
    folders: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.name)
                    elif entry.is_file():
                        files.append(entry.name)
                except OSError:
                    continue
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError as error:
        on_error(f"{folder}: cannot list: {error.strerror or error}; skipped")
    return files, folders


@dataclass
class Listings:
    """Folder listings, made at most once per run and shared by every project."""

    resolver: ConfigResolver
    warn: Callable[[str], None] = field(default=lambda message: None)
    known: dict[Path, Listing] = field(default_factory=dict)
    scans: int = 0

    def of(self, folder: Path) -> Listing:
        found = self.known.get(folder)
        if found is None:
            found = self.known[folder] = self._scan(folder)
        return found

    def _scan(self, folder: Path) -> Listing:
        self.scans += 1
        files, folders = scan(folder, self.warn)
        if not (files or folders):
            return EMPTY
        try:
            settings = self.resolver.for_directory(folder)
        except ConfigError as error:
            # A sub-project whose own config is broken: its files are not part of another
            # project's model; linting them (discovery) reports the error.
            return Listing(frozenset(), frozenset(), config_error=str(error))
        return Listing(
            frozenset(name for name in files if not settings.is_excluded(folder / name)),
            frozenset(
                name
                for name in folders
                if not settings.is_excluded(folder / name) and not is_virtualenv(folder / name)
            ),
        )


class FileInventory:
    """The folders under one project root, found through the shared listings."""

    def __init__(self, root: Path, listings: Listings) -> None:
        self.root = root
        self._listings = listings
        self._folders: list[Path] | None = None

    def listing(self, folder: Path) -> Listing:
        return self._listings.of(folder)

    def folders(self) -> list[Path]:
        """Every folder under the root that is not excluded, in a stable order."""
        if self._folders is None:
            found: list[Path] = []
            pending = [self.root]
            while pending:
                here = pending.pop()
                found.append(here)
                listing = self._listings.of(here)
                pending += [here / name for name in sorted(listing.folders, reverse=True)]
            self._folders = found
        return self._folders

    def contains(self, path: Path) -> bool:
        return path == self.root or self.root in path.parents

    def files(
        self, suffixes: tuple[str, ...] = (), names: frozenset[str] = frozenset()
    ) -> Iterator[Path]:
        """Every listed file whose name ends with one of ``suffixes`` or is in ``names``, in a
        stable order."""
        for folder in self.folders():
            for name in sorted(self._listings.of(folder).files):
                if name.endswith(suffixes) or name in names:
                    yield folder / name

    def all_files(self) -> Iterator[Path]:
        for folder in self.folders():
            for name in sorted(self._listings.of(folder).files):
                yield folder / name

    def sub_projects(self, markers: tuple[str, ...]) -> list[Path]:
        """Folders below the root holding a project marker (pyproject.toml, setup.cfg...)."""
        return [
            folder
            for folder in self.folders()
            if folder != self.root
            and any(marker in self._listings.of(folder).files for marker in markers)
        ]
