"""What kind of file a path is, for discovery and for the rules that judge each kind.

Python files are what most rules read. Rules may also declare other kinds (``file_kinds``):
pytest configuration files for EVT304's ``testpaths`` half. Discovery finds every kind some
enabled rule reads, under the same excludes as Python files.
"""

from __future__ import annotations

from pathlib import Path

PYTHON = "python"
PYTEST_CONFIG = "pytest-config"

PYTEST_CONFIG_NAMES = frozenset({"pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"})


def kind_of(path: Path) -> str | None:
    """The kind of a file found while walking; None for files no rule reads."""
    name = path.name
    if name.endswith(".py"):
        return PYTHON
    if name in PYTEST_CONFIG_NAMES:
        return PYTEST_CONFIG
    return None


def kind_of_named(path: Path) -> str:
    """The kind of a file named on the command line: Python unless it is a known other kind
    (a script without ``.py`` is still Python)."""
    return kind_of(path) or PYTHON
