"""EVT304: pytest plugin modules and testpaths that do not exist."""

from __future__ import annotations

from eventlint.rules.stale_imports._base import StaleImportRule


class StalePytestPath(StaleImportRule):
    """A ``pytest_plugins`` entry or a ``testpaths`` folder that does not exist.

    In ``conftest.py`` files, each first-party module named in ``pytest_plugins = [...]`` must
    exist: a missing one stops the whole test session. In the pytest config (``pytest.ini``,
    ``[tool.pytest.ini_options]`` in pyproject.toml, ``tox.ini``'s ``[pytest]`` or
    ``setup.cfg``'s ``[tool:pytest]``, whichever pytest itself would read in that folder),
    each ``testpaths`` entry must name an existing folder or file (globs must match
    something): a stale one means tests silently stop being collected.

    The config files are checked by the ``eventlint`` CLI when it walks a folder holding them
    or is given them by name; flake8 only hands plugins Python files, so under flake8 only the
    ``pytest_plugins`` half runs. No fix.

    Incorrect::

        # conftest.py, after tests/fixtures.py moved to tests/support/fixtures.py
        pytest_plugins = ["tests.fixtures"]

    Correct::

        pytest_plugins = ["tests.support.fixtures"]
    """

    code = "EVT304"
    name = "stale-pytest-path"
    summary = "pytest_plugins module or testpaths folder that does not exist"
    triggers = ("pytest_plugins",)
