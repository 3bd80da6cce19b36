"""What kind of file a path is, for discovery and for the rules that judge each kind.

Python files are what most rules read. Rules may also declare other kinds (``file_kinds``):
pytest configuration files for EVT304's ``testpaths`` half and EVT305's tox and task-runner
commands; CI workflows, Makefiles, justfiles, the pre-commit config and Markdown/reST docs for
EVT305. Discovery finds every kind, under the same excludes as Python files; the engine hands
each file only to the rules that read its kind.
"""

from __future__ import annotations

from pathlib import Path

PYTHON = "python"
PYTEST_CONFIG = "pytest-config"

TEST_REFERENCES = "test-references"

# How the docs name each kind a rule reads besides Python files.
KIND_DESCRIPTIONS = {
    PYTEST_CONFIG: "pytest.ini, pyproject.toml, tox.ini and setup.cfg",
    TEST_REFERENCES: "CI workflows, Makefiles, justfiles, pre-commit config, Markdown/reST",
}

PYTEST_CONFIG_NAMES = frozenset({"pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"})
TEST_REFERENCE_NAMES = frozenset(
    {
        "Makefile",
        "makefile",
        "GNUmakefile",
        "justfile",
        "Justfile",
        ".justfile",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
    }
)
TEST_REFERENCE_SUFFIXES = (".md", ".rst", ".mk")


def is_workflow(path: Path) -> bool:
    return (
        path.suffix in (".yml", ".yaml")
        and path.parent.name == "workflows"
        and path.parent.parent.name == ".github"
    )


def kind_of(path: Path) -> str | None:
    """The kind of a file found while walking; None for files no rule reads."""
    name = path.name
    if name.endswith(".py"):
        return PYTHON
    if name in PYTEST_CONFIG_NAMES:
        return PYTEST_CONFIG
    if name in TEST_REFERENCE_NAMES or name.endswith(TEST_REFERENCE_SUFFIXES) or is_workflow(path):
        return TEST_REFERENCES
    return None


def kind_of_named(path: Path) -> str | None:
    """The kind of a file named on the command line: Python unless it is a known other kind
    (a script without ``.py`` is still Python). A stub (``.pyi``) is never linted, found or
    named: it holds no code that runs (hashes, assertions, consumers), and pre-commit's
    ``types: [python]`` names stubs too, so it is skipped without a word, as when walking."""
    if path.name.endswith(".pyi"):
        return None
    return kind_of(path) or PYTHON
