"""Where a project's absolute imports are found: its import roots, and its pytest config.

Roots are ``src`` in ``[tool.eventlint]`` when set. Otherwise they are discovered:

- the project root (and its ``src/``): the folder of the ``[tool.eventlint]`` config, or,
  without one, the VCS root above the file, or else the topmost folder with a
  pyproject.toml/setup.cfg/setup.py;
- every sub-project under it (a folder with its own pyproject.toml/setup.cfg/setup.py, as in
  monorepos: ``libs/<lib>/src/<pkg>`` beside ``services/<svc>/...``): its ``src/`` folder if
  it has one, otherwise the folder itself (what an editable install puts on ``sys.path``);
- the folders that ``pythonpath`` and ``testpaths`` name in the pytest config of the project
  root and of each sub-project (a package found only in a ``testpaths`` folder, which pytest
  collects from but does not put on ``sys.path``, loses to an installed one of that name).

Each file also sees its own base folder, the first folder above it without ``__init__.py``
(what pytest's default ``prepend`` import mode puts first on ``sys.path``). That root is the
file's alone: a helper named ``kafka.py`` beside some tests shadows the kafka package for those
tests only.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from eventlint.config import Settings
from eventlint.discovery import project_folders

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py")
_VCS_MARKERS = (".git", ".hg", ".svn")
MODULE_SUFFIXES = (".py", ".pyi", ".so", ".pyd", ".pyx")


@dataclass(frozen=True)
class PytestSetting:
    """One entry of ``testpaths`` or ``pythonpath``, with the line it is written on."""

    value: str
    line: int
    column: int  # 0-based


@dataclass(frozen=True)
class PytestConfig:
    """The pytest configuration a folder holds (the first file pytest itself would use)."""

    path: Path
    lines: tuple[str, ...]  # the file's text, for noqa comments on its entries
    testpaths: tuple[PytestSetting, ...]
    pythonpath: tuple[PytestSetting, ...]


@dataclass(frozen=True)
class ProjectLayout:
    root: Path
    roots: tuple[Path, ...]
    # Roots that only ``testpaths`` names: pytest collects from them but does not put them on
    # sys.path, so a package found only there loses to an installed one of that name.
    weak_roots: frozenset[Path]
    module_files: tuple[Path, ...]  # every .py/.pyi/extension file under the root, sorted


def project_root(settings: Settings, file: Path) -> Path:
    if settings.config_path is not None:
        return settings.root
    topmost: Path | None = None
    for folder in Path(os.path.abspath(file)).parents:
        if any((folder / marker).exists() for marker in _VCS_MARKERS):
            return folder
        if any((folder / marker).is_file() for marker in PROJECT_MARKERS):
            topmost = folder
    # A folder inside a package is never where imports start.
    return topmost or base_folder(settings.root / "__init__.py")


def base_folder(file: Path) -> Path:
    """The first folder above ``file`` that is not a regular package."""
    return _base_of(os.path.dirname(os.path.abspath(file)))


@lru_cache(maxsize=4096)
def _base_of(directory: str) -> Path:
    # Asked for every test file, and its siblings share the answer.
    folder = Path(directory)
    while (folder / "__init__.py").is_file() or (folder / "__init__.pyi").is_file():
        folder = folder.parent
    return folder


def build_layout(settings: Settings, root: Path) -> ProjectLayout:
    sub_projects: list[Path] = []
    module_files: list[Path] = []
    for here, files in project_folders(settings, root):
        if here != root and any(marker in files for marker in PROJECT_MARKERS):
            sub_projects.append(here)
        module_files += [
            here / name
            for name in sorted(files)
            if name.endswith(MODULE_SUFFIXES) and not settings.is_excluded(here / name)
        ]
    configs = [
        config
        for folder in (root, *sub_projects)
        if (config := read_pytest_config(folder)) is not None
    ]
    weak: list[Path] = []
    if settings.config.src is not None:
        roots = [candidate for entry in settings.config.src for candidate in _expand(root, entry)]
    else:
        roots = [root, root / "src"]
        for project in sub_projects:
            roots.append(project / "src" if (project / "src").is_dir() else project)
        for config in configs:
            for setting in config.pythonpath:
                roots += _expand(config.path.parent, setting.value)
        for config in configs:
            for setting in config.testpaths:
                weak += _expand(config.path.parent, setting.value)
    strong = {Path(os.path.abspath(candidate)) for candidate in roots}
    roots += weak
    unique: list[Path] = []
    for candidate in roots:
        candidate = Path(os.path.abspath(candidate))
        if candidate.is_dir() and candidate not in unique:
            unique.append(candidate)
    return ProjectLayout(
        root=root,
        roots=tuple(unique),
        weak_roots=frozenset(root for root in unique if root not in strong),
        module_files=tuple(module_files),
    )


def _expand(base: Path, entry: str) -> list[Path]:
    if any(char in entry for char in "*?["):
        return sorted(path for path in base.glob(entry) if path.is_dir())
    return [base / entry]


def read_pytest_config(folder: Path) -> PytestConfig | None:
    """The config pytest would read in ``folder``: pytest.ini, then pyproject.toml's
    ``[tool.pytest.ini_options]``, then tox.ini's ``[pytest]``, then setup.cfg's
    ``[tool:pytest]``. Unreadable or invalid files are skipped: they are another tool's to
    report."""
    candidates = (
        ("pytest.ini", "pytest"),
        ("pyproject.toml", None),
        ("tox.ini", "pytest"),
        ("setup.cfg", "tool:pytest"),
    )
    for name, section in candidates:
        path = folder / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        options = _toml_options(text) if section is None else _ini_options(text, section)
        if options is None:
            continue
        return PytestConfig(
            path=path,
            lines=tuple(text.splitlines()),
            testpaths=_located(text, "testpaths", options.get("testpaths")),
            pythonpath=_located(text, "pythonpath", options.get("pythonpath")),
        )
    return None


def _toml_options(text: str) -> dict[str, Any] | None:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    options = document.get("tool", {}).get("pytest", {}).get("ini_options")
    return options if isinstance(options, dict) else None


def _ini_options(text: str, section: str) -> dict[str, Any] | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    if not parser.has_section(section):
        return None
    return dict(parser.items(section))


def _located(text: str, key: str, value: object) -> tuple[PytestSetting, ...]:
    if isinstance(value, str):
        entries = value.split()
    elif isinstance(value, list):
        entries = [item for item in value if isinstance(item, str)]
    else:
        return ()
    lines = text.splitlines()
    key_line = next(
        (number for number, line in enumerate(lines) if re.match(rf"\s*{key}\s*[=:]", line)), 0
    )
    located: list[PytestSetting] = []
    for entry in entries:
        pattern = re.compile(rf"(?:^|[\s\"'=,\[])({re.escape(entry)})(?:$|[\s\"',\]])")
        line, column = key_line + 1, 0
        for number in range(key_line, len(lines)):
            match = pattern.search(lines[number])
            if match:
                line, column = number + 1, match.start(1)
                break
        located.append(PytestSetting(entry, line, column))
    return tuple(located)
