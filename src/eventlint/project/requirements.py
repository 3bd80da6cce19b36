"""The libraries a project declares it depends on, read from its ``pyproject.toml`` files.

PEP 621 ``dependencies`` and ``optional-dependencies``, PEP 735 ``dependency-groups`` and
Poetry's ``dependencies``/``dev-dependencies`` tables, of the project and of the sub-projects
its folders hold. Names are import names (distribution names normalised: ``confluent-kafka``
is ``confluent_kafka``); the projects' own names are left out. The module index uses them to
let a declared library win over a same-named folder of the project.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

from eventlint import paths, sourcefile

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def declared_dependencies(folders: Iterable[Path]) -> frozenset[str]:
    """Import names of the libraries the ``pyproject.toml`` files in ``folders`` declare,
    never the projects' own."""
    names: set[str] = set()
    own: set[str] = set()
    for folder in folders:
        document = _toml(folder / "pyproject.toml")
        project = document.get("project")
        if isinstance(project, dict):
            if isinstance(project.get("name"), str):
                own.add(_normal(project["name"]))
            names |= _requirements(project.get("dependencies"))
            extras = project.get("optional-dependencies")
            if isinstance(extras, dict):
                for group in extras.values():
                    names |= _requirements(group)
        groups = document.get("dependency-groups")
        if isinstance(groups, dict):
            for group in groups.values():
                names |= _requirements(group)
        poetry = document.get("tool", {})
        poetry = poetry.get("poetry", {}) if isinstance(poetry, dict) else {}
        if isinstance(poetry, dict):
            for key in ("dependencies", "dev-dependencies"):
                table = poetry.get(key)
                if isinstance(table, dict):
                    names |= {_normal(name) for name in table if name != "python"}
    return frozenset(names - own)


def _toml(path: Path) -> dict[str, object]:
    if not paths.is_regular_file(path):
        return {}
    try:
        document = tomllib.loads(sourcefile.read(path).decode("utf-8"))
    except (sourcefile.SourceError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return document


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _requirements(entries: object) -> set[str]:
    if not isinstance(entries, list):
        return set()
    found: set[str] = set()
    for entry in entries:
        if isinstance(entry, str) and (match := _REQUIREMENT_NAME.match(entry)):
            found.add(_normal(match.group(1)))
    return found
