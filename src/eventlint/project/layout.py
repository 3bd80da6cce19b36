"""Where a project's absolute imports are found: its import roots, and its pytest config.

Roots are ``src`` in ``[tool.eventlint]`` when set (globs in eventlint's dialect inside the
project; an entry reaching outside it, such as ``../lib``, is taken as written or globbed
with Python's ``glob``). Otherwise they are discovered:

- the project root and its ``src/``;
- every sub-project under it (a folder with its own pyproject.toml/setup.cfg/setup.py, as in
  monorepos: ``libs/<lib>/src/<pkg>`` beside ``services/<svc>/...``): its ``src/`` folder if
  it has one, otherwise the folder itself (what an editable install puts on ``sys.path``);
- the folders that ``pythonpath`` names in the pytest config of the project root and of each
  sub-project;
- the folders that ``testpaths`` names, as *weak* roots: pytest collects from them but does not
  put them on ``sys.path``. A ``testpaths`` folder that is itself a package (it holds
  ``__init__.py``) is not a root at all: pytest's default import mode puts the folder above
  the package on ``sys.path``, so ``tests/fastapi/`` is ``tests.fastapi``, never ``fastapi``.

Each file also sees its own base folder, the first folder above it without ``__init__.py``
(what pytest's default ``prepend`` import mode puts first on ``sys.path``). That root is the
file's alone: a helper named ``kafka.py`` beside some tests shadows the kafka package for those
tests only.
"""

from __future__ import annotations

import configparser
import glob
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventlint import globs, paths, sourcefile
from eventlint.config import Settings
from eventlint.project.inventory import FileInventory

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib


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
    # Roots that only ``testpaths`` names: a package found only there loses to an installed
    # one of that name.
    weak_roots: frozenset[Path]


def build_layout(settings: Settings, inventory: FileInventory) -> ProjectLayout:
    root = inventory.root
    sub_projects = inventory.sub_projects(paths.PROJECT_MARKERS)
    configs = [
        config
        for folder in (root, *sub_projects)
        if (config := read_pytest_config(folder)) is not None
    ]
    weak: list[Path] = []
    roots: list[Path]
    if settings.config.src is not None:
        roots = [
            candidate
            for entry in settings.config.src
            for candidate in expand_src(settings.root, entry, inventory)
        ]
    else:
        roots = [root, root / "src"]
        for project in sub_projects:
            source = project / "src"
            roots.append(source if "src" in inventory.listing(project).folders else project)
        for config in configs:
            for setting in config.pythonpath:
                roots.append(config.path.parent / setting.value)
        for config in configs:
            for setting in config.testpaths:
                weak += [
                    folder
                    for folder in expand_testpaths(config.path.parent, setting.value)
                    if not paths.is_regular_file(folder / "__init__.py")
                ]
    strong = {Path(os.path.abspath(candidate)) for candidate in roots}
    unique: list[Path] = []
    for candidate in (*roots, *weak):
        normal = Path(os.path.abspath(candidate))
        if normal not in unique and os.path.isdir(normal):
            unique.append(normal)
    return ProjectLayout(
        root=root,
        roots=tuple(unique),
        weak_roots=frozenset(folder for folder in unique if folder not in strong),
    )


def expand_src(base: Path, entry: str, inventory: FileInventory) -> list[Path]:
    """An entry of ``src``: eventlint's glob dialect over the project's folders, or, for an
    entry outside the project, the path as written (Python's ``glob`` when it has magic)."""
    if not globs.has_magic(entry):
        return [base / entry]
    target = Path(os.path.abspath(base / entry))
    if not inventory.contains(target.parent) or ".." in Path(entry).parts:
        return sorted(Path(found) for found in glob.glob(str(base / entry)) if os.path.isdir(found))
    return [
        folder
        for folder in inventory.folders()
        if inventory.contains(folder) and globs.matches(entry, _relative(folder, base))
    ]


def expand_testpaths(base: Path, entry: str) -> list[Path]:
    """A ``testpaths`` entry as pytest reads it: globbed (recursively), relative to the config
    file's folder; absolute entries stay absolute."""
    if not globs.has_magic(entry):
        return [base / entry]
    return sorted(Path(found) for found in glob.glob(os.path.join(base, entry), recursive=True))


def _relative(folder: Path, base: Path) -> str:
    try:
        return folder.relative_to(base).as_posix()
    except ValueError:
        return folder.as_posix()


_PYTEST_CONFIG_FILES = (
    ("pytest.ini", "pytest"),
    ("pyproject.toml", None),
    ("tox.ini", "pytest"),
    ("setup.cfg", "tool:pytest"),
)
PYTEST_CONFIG_NAMES = frozenset(name for name, _ in _PYTEST_CONFIG_FILES)


def read_pytest_config(folder: Path) -> PytestConfig | None:
    """The config pytest would read in ``folder``: pytest.ini, then pyproject.toml's
    ``[tool.pytest.ini_options]``, then tox.ini's ``[pytest]``, then setup.cfg's
    ``[tool:pytest]``. Unreadable or invalid files are skipped: they are another tool's to
    report."""
    for name, section in _PYTEST_CONFIG_FILES:
        path = folder / name
        if not paths.is_regular_file(path):
            continue
        try:
            text = sourcefile.read(path).decode("utf-8")
        except (sourcefile.SourceError, UnicodeDecodeError):
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
    options: object = document
    for key in ("tool", "pytest", "ini_options"):
        # ``tool = "x"`` or ``[tool] pytest = "x"``: not a pytest config, and not ours to judge.
        options = options.get(key) if isinstance(options, dict) else None
    return options if isinstance(options, dict) else None


def _ini_options(text: str, section: str) -> dict[str, Any] | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    if not parser.has_section(section):
        return None
    try:
        return dict(parser.items(section))
    except configparser.Error:  # pragma: no cover - interpolation is off; kept as a guard
        return None


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
