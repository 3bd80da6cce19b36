"""EVT304: pytest plugin modules and testpaths that do not exist."""

from __future__ import annotations

from eventlint.file_kinds import PYTEST_CONFIG, PYTHON
from eventlint.rules.base import FileContext
from eventlint.rules.stale_imports._base import StaleImportRule
from eventlint.rules.stale_imports._resolution import resolver_for, uses_of


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
    ``pytest_plugins`` half runs. ``# noqa`` on the entry's line works in the config files too.
    No fix.

    Incorrect::

        # file: tests/conftest.py
        pytest_plugins = ["tests.fixtures"]

        # file: tests/support/fixtures.py
        # moved here from tests/fixtures.py
        import pytest

    Correct::

        # file: tests/conftest.py
        pytest_plugins = ["tests.support.fixtures"]

        # file: tests/support/fixtures.py
        import pytest

    Incorrect (testpaths)::

        # file: pyproject.toml
        [tool.pytest.ini_options]
        testpaths = ["tests/unit"]  # the unit tests moved to tests/

        # file: tests/test_orders.py
        def test_total(): ...

    Correct (testpaths)::

        # file: pyproject.toml
        [tool.pytest.ini_options]
        testpaths = ["tests"]

        # file: tests/test_orders.py
        def test_total(): ...
    """

    code = "EVT304"
    name = "stale-pytest-path"
    summary = "pytest_plugins module or testpaths folder that does not exist"
    triggers = ("pytest_plugins", "testpaths")
    file_kinds = frozenset({PYTHON, PYTEST_CONFIG})

    @classmethod
    def precheck(cls, context: FileContext) -> bool:
        return context.kind != PYTHON or super().precheck(context)

    def check(self) -> None:
        if self.context.kind == PYTEST_CONFIG:
            self._testpaths()
            return
        resolver = resolver_for(self.context)
        for plugin in uses_of(self.context).plugins:
            missing = resolver.missing_part(plugin.module)
            if missing is not None:
                self.report(
                    plugin.string,
                    f"pytest plugin `{plugin.module}` does not exist ({missing.describe()})",
                )

    def _testpaths(self) -> None:
        view = self.context.project
        config = view.pytest_config_of(self.context.absolute_path)
        if config is None:
            return  # not the file pytest reads in its folder: dead config, not ours
        for setting in config.testpaths:
            if view.testpath_exists(config.path.parent, setting.value):
                continue
            self.report_span(
                (setting.line, setting.column, setting.line, setting.column + len(setting.value)),
                f"testpaths entry `{setting.value}` matches no folder or file; "
                "pytest silently collects nothing from it",
            )
