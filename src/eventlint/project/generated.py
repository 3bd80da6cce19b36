"""Modules a build writes: absent from a fresh checkout, so an import of one is not stale.

A missing module file is *generated* when:

- its name says so: ``_version``, ``__version__``, ``version`` (setuptools-scm, hatch-vcs,
  versioneer), ``*_pb2``, ``*_pb2_grpc``, ``*_grpc_pb2`` (protobuf, gRPC);
- the project's git ignore rules cover it (the ``.gitignore`` files from the top of the git
  checkout, the nearest folder at or above the project root holding ``.git``, else the
  project root, down to its folder, read as git reads them: see ``gitignore``; git itself
  is never run);
- a build configuration in a folder above it names it: ``[tool.setuptools_scm]``
  ``write_to``/``version_file``, ``[tool.hatch.build.hooks.vcs] version-file`` (also under a
  build target), ``[tool.hatch.version.raw-options] write_to``/``version_file``,
  ``[tool.pdm.version] write_to`` (relative to the project folder or its ``src/``),
  ``[tool.versioneer]`` or setup.cfg's ``[versioneer]`` ``versionfile_source``/
  ``versionfile_build``.

Each answer records what it read for the results cache: the listing of every folder from the
checkout's top down (it says whether a ``.gitignore`` or a config file is there) and the
content of each ``.gitignore``, pyproject.toml and setup.cfg it read.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from pathlib import Path, PurePosixPath

from eventlint import sourcefile
from eventlint.project import gitignore
from eventlint.project.dependencies import Recorder, dir_key, file_key, listing_fingerprint
from eventlint.project.inventory import FileInventory
from eventlint.project.store import SummaryStore

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

_GENERATED_NAME = re.compile(r"_version|__version__|version|.+_pb2(_grpc)?|.+_grpc_pb2")


def has_generated_name(dotted: str) -> bool:
    """Whether a module's own name says a build generates it (``pkg._version``, ``api_pb2``)."""
    return _GENERATED_NAME.fullmatch(dotted.rpartition(".")[2]) is not None


class GeneratedModules:
    """Which paths under one project root a build or git-ignored tooling writes."""

    def __init__(self, inventory: FileInventory, store: SummaryStore, recorder: Recorder) -> None:
        self._inventory = inventory
        self._store = store
        self._recorder = recorder
        self._ignore_files: dict[Path, gitignore.IgnoreFile | None] = {}
        self._named: dict[Path, frozenset[Path]] = {}
        self._top: Path | None = None

    def is_generated(self, dotted: str, folders: tuple[Path, ...]) -> bool:
        """Whether module ``dotted`` (the last part of it) would be generated in one of
        ``folders``, the package folders its parent was found in."""
        if has_generated_name(dotted):
            return True
        last = dotted.rpartition(".")[2]
        for folder in folders:
            candidates = (folder / f"{last}.py", folder / last / "__init__.py")
            if any(self.is_generated_path(candidate) for candidate in candidates):
                return True
        return False

    def is_generated_path(self, path: Path) -> bool:
        """Whether ``path`` (absolute, under the project root) is git-ignored or named by a
        build configuration above it as a file the build writes."""
        top = self._checkout_top()
        try:
            path.relative_to(self._inventory.root)
            parts = path.relative_to(top).parts
        except ValueError:
            return False
        folders = [top]
        for part in parts[:-1]:
            folders.append(folders[-1] / part)
        ignore_files: list[gitignore.IgnoreFile] = []
        for folder in folders:
            listing = self._inventory.listing(folder)
            self._recorder.note(
                dir_key(folder), listing_fingerprint(listing.files, listing.folders)
            )
            if ".gitignore" in listing.files:
                found = self._ignore_file(folder, top)
                if found is not None:
                    ignore_files.append(found)
            if path in self._build_named(folder, listing.files, listing.folders):
                return True
        return gitignore.is_ignored(ignore_files, PurePosixPath(*parts).as_posix())

    def _checkout_top(self) -> Path:
        """The top of the git checkout holding the project root (the nearest folder at or
        above it with a ``.git`` folder or file, as in a worktree); the root without one.
        Its ``.gitignore`` files above the root apply too, as they do for git."""
        if self._top is None:
            root = self._inventory.root
            self._top = next(
                (folder for folder in (root, *root.parents) if os.path.lexists(folder / ".git")),
                root,
            )
        return self._top

    def _note(self, file: Path) -> None:
        """A read of ``file``, for whoever asks (memoised answers are noted again)."""
        self._recorder.note(file_key(file), self._store.digest(file))

    def _read(self, file: Path) -> str | None:
        try:
            return sourcefile.read(file, self._store.max_bytes).decode("utf-8", "replace")
        except sourcefile.SourceError:
            return None

    def _ignore_file(self, folder: Path, top: Path) -> gitignore.IgnoreFile | None:
        file = folder / ".gitignore"
        self._note(file)
        if folder not in self._ignore_files:
            text = self._read(file)
            base = folder.relative_to(top).parts
            self._ignore_files[folder] = None if text is None else gitignore.parse(text, base)
        return self._ignore_files[folder]

    def _build_named(
        self, folder: Path, files: frozenset[str], folders: frozenset[str]
    ) -> frozenset[Path]:
        """The files a build configuration in ``folder`` says the build writes."""
        for name in ("pyproject.toml", "setup.cfg"):
            if name in files:
                self._note(folder / name)
        if folder not in self._named:
            named: list[str] = []
            if "pyproject.toml" in files:
                text = self._read(folder / "pyproject.toml")
                if text is not None:
                    named += _pyproject_named(text, has_src="src" in folders)
            if "setup.cfg" in files:
                text = self._read(folder / "setup.cfg")
                if text is not None:
                    named += _setup_cfg_named(text)
            self._named[folder] = frozenset(
                Path(os.path.normpath(folder / entry)) for entry in named if entry
            )
        return self._named[folder]


def _table(document: object, *keys: str) -> dict[str, object]:
    for key in keys:
        document = document.get(key) if isinstance(document, dict) else None
    return document if isinstance(document, dict) else {}


def _strings(table: dict[str, object], *keys: str) -> list[str]:
    return [value for key in keys if isinstance(value := table.get(key), str)]


def _pyproject_named(text: str, *, has_src: bool) -> list[str]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    named = _strings(_table(document, "tool", "setuptools_scm"), "write_to", "version_file")
    hatch = _table(document, "tool", "hatch")
    named += _strings(_table(hatch, "build", "hooks", "vcs"), "version-file")
    for target in _table(hatch, "build", "targets").values():
        named += _strings(_table(target, "hooks", "vcs"), "version-file")
    named += _strings(_table(hatch, "version", "raw-options"), "write_to", "version_file")
    pdm = _strings(_table(document, "tool", "pdm", "version"), "write_to")
    named += pdm + ([f"src/{entry}" for entry in pdm] if has_src else [])
    named += _strings(
        _table(document, "tool", "versioneer"), "versionfile_source", "versionfile_build"
    )
    return named


def _setup_cfg_named(text: str) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    if not parser.has_section("versioneer"):
        return []
    return [
        value.strip()
        for key in ("versionfile_source", "versionfile_build")
        if (value := parser.get("versioneer", key, fallback=None))
    ]
