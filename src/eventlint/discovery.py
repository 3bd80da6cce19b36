"""Which files to lint: the Python files under the given paths, minus excluded ones."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from eventlint.config import ConfigError, ConfigResolver, Settings

# Not Python, but read for what they say about the tests (EVT304's testpaths).
CONFIG_FILE_NAMES = frozenset({"pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"})


@dataclass(frozen=True)
class SourcePath:
    path: Path  # what the OS opens
    display: str  # how the user refers to it: relative to the working directory when inside it


def display_path(path: str) -> str:
    normal = os.path.normpath(path)
    if os.path.isabs(normal):
        relative = os.path.relpath(normal)
        if not relative.startswith(".."):
            return relative
    return normal


def check_paths_exist(paths: list[str]) -> None:
    for path in paths:
        if not os.path.lexists(path):
            raise ConfigError(f"path does not exist: {path}")


def discover(
    paths: list[str], resolver: ConfigResolver, *, force_exclude: bool = False
) -> Iterator[SourcePath]:
    """Yield files in a stable order. Files named explicitly are always linted (as with
    ruff) unless ``force_exclude`` is set, which pre-commit hooks use."""
    seen: set[str] = set()
    for argument in paths:
        root = Path(argument)
        if not root.is_dir():
            if force_exclude and resolver.for_path(root).is_excluded(root, with_ancestors=True):
                continue
            yield from _once(SourcePath(root, display_path(argument)), seen)
            continue
        for directory, subdirectories, files in os.walk(root, followlinks=False):
            here = Path(directory)
            settings = resolver.for_directory(here)
            # Prune in place so os.walk never enters excluded folders or virtualenvs.
            subdirectories[:] = sorted(
                name
                for name in subdirectories
                if not settings.is_excluded(here / name)
                and not (here / name / "pyvenv.cfg").is_file()
            )
            for name in sorted(files):
                file = here / name
                wanted = name.endswith(".py") or name in CONFIG_FILE_NAMES
                if wanted and not settings.is_excluded(file):
                    yield from _once(SourcePath(file, display_path(str(file))), seen)


def project_folders(
    settings: Settings, root: Path | None = None
) -> Iterator[tuple[Path, list[str]]]:
    """Each folder of a project (under ``root``, by default ``settings.root``) with the names
    of its files, in a stable order, skipping excluded folders and virtualenvs."""
    for directory, subdirectories, files in os.walk(root or settings.root, followlinks=False):
        here = Path(directory)
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not settings.is_excluded(here / name) and not (here / name / "pyvenv.cfg").is_file()
        )
        yield here, sorted(files)


def project_files(
    settings: Settings, suffixes: tuple[str, ...] = (".py",), names: frozenset[str] = frozenset()
) -> Iterator[Path]:
    """Every Python file of a project (under ``settings.root``), in a stable order, skipping
    excluded files and folders and virtualenvs: what a rule that reads the rest of the
    project may look at. ``suffixes`` and ``names`` widen what counts."""
    for here, files in project_folders(settings):
        for name in files:
            wanted = name.endswith(suffixes) or name in names
            if wanted and not settings.is_excluded(here / name):
                yield here / name


def _once(source: SourcePath, seen: set[str]) -> Iterator[SourcePath]:
    key = os.path.realpath(source.path)
    if key not in seen:
        seen.add(key)
        yield source
