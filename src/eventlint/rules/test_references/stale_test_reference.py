"""EVT305: test paths and node IDs named outside Python that no longer exist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from eventlint.file_kinds import PYTEST_CONFIG, PYTHON, TEST_REFERENCES, is_workflow
from eventlint.finding import Applicability, Fix, TextEdit
from eventlint.paths import PROJECT_MARKERS, VCS_MARKERS
from eventlint.rules.base import Rule
from eventlint.rules.test_references import _sources as sources
from eventlint.rules.test_references._arguments import Target, targets
from eventlint.rules.test_references._existence import (
    TestNames,
    closest,
    defines,
    read_test_names,
    relative,
)
from eventlint.rules.test_references._nox_sessions import nox_commands
from eventlint.rules.test_references._pre_commit import pattern_lines
from eventlint.rules.test_references._shell import (
    UNKNOWN_CD,
    Invocation,
    Word,
    invocations,
    pytest_arguments,
    words,
)
from eventlint.rules.test_references._task_tables import pyproject_commands

# Placeholder names of docs' examples: never a reference to this project's files.
_PLACEHOLDER = re.compile(r"(?:^|/)(?:test_(?:foo|bar|baz|example|something|module|file|x|y)\b)")


@dataclass(frozen=True)
class _Located:
    """A target with the folders it may be relative to (absolute)."""

    target: Target
    bases: tuple[Path, ...]
    in_docs: bool


class StaleTestReference(Rule):
    """A test path or node ID named in CI, a Makefile, a task runner or the docs that no
    longer exists.

    When tests move (``tests/test_x.py`` to ``tests/unit/test_x.py``), imports are half of
    it: the CI job running ``pytest tests/test_x.py::test_retry``, the Makefile target, the
    tox/nox command, the ``[tool.pdm.scripts]``/``[tool.poe.tasks]``/
    ``[tool.hatch.envs.*.scripts]``/``[tool.taskipy.tasks]`` entry, the pre-commit ``files:``
    pattern and the README keep pointing at the old place. pytest given a missing path fails
    an unrelated build; with ``--ignore``/``--deselect`` the reference silently stops doing
    anything.

    Read: GitHub workflows, ``.gitlab-ci.yml``, Makefiles (``*.mk``), justfiles,
    ``tox.ini`` commands (relative to ``changedir``), ``noxfile.py``'s ``session.run(...)``,
    the task-runner tables of ``pyproject.toml``, ``.pre-commit-config.yaml`` (local hooks'
    ``entry`` and ``files:``/``exclude:`` patterns that mention tests and match no file), and
    Markdown/reST docs (shell code blocks and inline code that run pytest). Judged: the
    paths and ``path::Class::test`` node IDs among pytest's arguments (the module is read
    statically for the test), and the targets of ``--ignore`` and ``--deselect``, relative to
    the file's folder, the step's ``working-directory`` or a ``cd`` in front of the command.

    Not judged, to stay silent when unsure: variables and globs (``$TEST_DIR``,
    ``${{ matrix.path }}``, ``tests/*``), the value of any option (``--junitxml out.xml``), an
    unknown option's next word, ``--pyargs`` modules, paths that another command of the file
    names (``mkdir -p tests/generated``), anything outside the project, a test a class may
    inherit, and in docs a path whose folder does not exist or that reads like an example
    (``tests/test_foo.py``). A bare ``tests/...`` path in prose is not judged either: on
    eventlint's own docs all three were about another folder (the example project's tests),
    another codebase or a file the text asks the reader to create.

    Fix (safe): when the missing file (or the node ID's test) now exists at exactly one place
    in the project, the reference is rewritten to it; otherwise the message names the
    closest candidates. Suppress with ``# noqa: EVT305`` on the line where the format has
    comments (YAML, Makefile, TOML, INI, shell blocks), with ``per-file-ignores`` elsewhere.
    flake8 only hands plugins Python files: under flake8 only ``noxfile.py`` is checked.

    The fix turns the Incorrect example into the Correct one.

    Incorrect::

        # file: .github/workflows/ci.yml
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - run: pytest tests/test_retry.py::test_backoff

        # file: tests/unit/test_retry.py
        # moved here from tests/test_retry.py
        def test_backoff(): ...

    Correct::

        # file: .github/workflows/ci.yml
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - run: pytest tests/unit/test_retry.py::test_backoff

        # file: tests/unit/test_retry.py
        def test_backoff(): ...

    Incorrect (tox.ini)::

        # file: tox.ini
        [testenv]
        commands =
            pytest tests/test_retry.py --deselect tests/test_retry.py::test_slow

        # file: tests/unit/test_retry.py
        def test_backoff(): ...

        def test_slow(): ...

    Correct (tox.ini)::

        # file: tox.ini
        [testenv]
        commands =
            pytest tests/unit/test_retry.py --deselect tests/unit/test_retry.py::test_slow

        # file: tests/unit/test_retry.py
        def test_backoff(): ...

        def test_slow(): ...
    """

    code = "EVT305"
    name = "stale-test-reference"
    summary = (
        "Test path or node ID in CI, a Makefile, a task runner or the docs that does not exist"
    )
    fix_availability = "safe"
    triggers = ("test",)
    reads_project = True
    file_kinds = frozenset({PYTHON, PYTEST_CONFIG, TEST_REFERENCES})

    @classmethod
    def judges_path(cls, path: Path, kind: str) -> bool:
        # Of the Python files only nox's sessions run tests; of the pytest configs only those
        # that can also hold commands (tox's, and task tables in pyproject.toml).
        if kind == PYTHON:
            return path.name == "noxfile.py"
        if kind == PYTEST_CONFIG:
            return path.name in ("tox.ini", "pyproject.toml")
        return True

    def check(self) -> None:
        self._names: dict[Path, TestNames | None] = {}
        self._tests: list[Path] | None = None
        self._hints_left = _MAX_HINTS
        self._segments: list[tuple[sources.Segment, list[Word], list[Invocation]]] | None = None
        folder = self.context.absolute_path.parent
        if is_workflow(self.context.absolute_path):
            folder = folder.parent.parent  # a workflow's commands run at the repository root
        root = self._project_folder(self.context.absolute_path.parent)
        # A moved test is looked for inside the project the file belongs to.
        self._within = root if root in (folder, *folder.parents) else folder
        mentioned = self._mentioned_paths()
        for located in self._located(folder, root):
            self._judge(located, mentioned)

    def _project_folder(self, folder: Path) -> Path:
        """The nearest folder at or above ``folder`` (within the configuration root) that
        holds a project: where a README's ``tests/...`` paths start."""
        root = self.context.settings.root
        for candidate in (folder, *folder.parents):
            if any(self.context.project.exists(candidate / name) for name in _PROJECT_MARKERS):
                return candidate
            if candidate == root:
                break
        return root

    # -- what the file names ---------------------------------------------------------------

    def _located(self, folder: Path, root: Path) -> Iterator[_Located]:
        kind = _source_kind(self.context.absolute_path)
        text = self.context.text
        if kind == PYTHON:
            for argv, cd in self._nox_commands():
                yield from self._from_arguments(argv, (folder / cd,), False)
            return
        if kind == sources.PYPROJECT:
            for argv in pyproject_commands(text):
                start = pytest_arguments([word.text for word in argv])
                if start is not None:
                    yield from self._from_arguments(argv[start:], (folder,), False)
            return
        if kind == sources.PRE_COMMIT:
            for line in pattern_lines(text):
                self._judge_pattern(line, folder)
        in_docs = kind in (sources.MARKDOWN, sources.RESTRUCTURED_TEXT)
        for segment, _, found in self._shell_segments():
            if "\0unknown" in "".join(segment.bases):
                continue
            bases = tuple(
                dict.fromkeys(
                    root if base == sources.ROOT else folder / base for base in segment.bases
                )
            )
            for invocation in found:
                yield from self._from_invocation(invocation, bases, in_docs)

    def _shell_segments(self) -> list[tuple[sources.Segment, list[Word], list[Invocation]]]:
        """The file's shell text, split into words and pytest commands once: both the
        references and the paths other commands create are read from it."""
        if self._segments is None:
            text = self.context.text
            self._segments = []
            for segment in _segments(
                _source_kind(self.context.absolute_path), text, self.context.absolute_path
            ):
                items = list(words(text, segment.start, segment.end))
                self._segments.append((segment, items, list(invocations(items))))
        return self._segments

    def _from_invocation(
        self, invocation: Invocation, bases: tuple[Path, ...], in_docs: bool
    ) -> Iterator[_Located]:
        if invocation.cd == UNKNOWN_CD:
            return
        if invocation.cd is not None:
            if invocation.cd.startswith(("/", "~")):
                return
            bases = tuple(base / invocation.cd for base in bases)
        yield from self._from_arguments(list(invocation.arguments), bases, in_docs)

    def _from_arguments(
        self, argv: list[Word], bases: tuple[Path, ...], in_docs: bool
    ) -> Iterator[_Located]:
        for target in targets(argv):
            yield _Located(target, bases, in_docs)

    def _nox_commands(self) -> Iterator[tuple[list[Word], str]]:
        """``session.run("pytest", "tests/x.py", ...)``: the string arguments, as words."""
        yield from nox_commands(self.context)

    def _mentioned_paths(self) -> frozenset[str]:
        """Every plain word of the file's commands that is not a pytest argument: a path
        created or copied by another step (``mkdir -p tests/generated``)."""
        kind = _source_kind(self.context.absolute_path)
        if kind in (PYTHON, sources.PYPROJECT, sources.MARKDOWN, sources.RESTRUCTURED_TEXT):
            return frozenset()
        found: set[str] = set()
        for _, items, commands in self._shell_segments():
            judged = {id(word) for invocation in commands for word in invocation.arguments}
            found |= {
                word.text.rstrip("/").removeprefix("./")
                for word in items
                if word.plain and id(word) not in judged
            }
        return frozenset(found)

    # -- judging ---------------------------------------------------------------------------

    def _judge(self, located: _Located, mentioned: frozenset[str]) -> None:
        target = located.target
        view = self.context.project
        for base in located.bases:
            path = base / target.path
            if not view.exists(path):
                continue
            if target.node and path.suffix == ".py" and not path.is_dir():
                if defines(self._test_names(path), target.node):
                    return
                self._report_missing_test(located, base, path)
                return
            return
        if _created(target.path, mentioned):
            return
        if located.in_docs and not self._docs_reference(located):
            return
        self._report_missing_path(located)

    def _docs_reference(self, located: _Located) -> bool:
        """Docs name example paths; a missing one is stale only if its folder still exists
        and its name is not a placeholder."""
        target = located.target
        if _PLACEHOLDER.search(target.path) or "/" not in target.path:
            return False
        parent = target.path.rsplit("/", 1)[0]
        return any(self.context.project.exists(base / parent) for base in located.bases)

    def _report_missing_path(self, located: _Located) -> None:
        target = located.target
        view = self.context.project
        name = target.path.rsplit("/", 1)[-1]
        is_file = "." in name
        moved = view.files_named(name) if is_file else view.folders_named(name)
        moved = [path for path in moved if self._within in path.parents]
        if target.node:
            moved = [path for path in moved if defines(self._test_names(path), target.node)]
        what = _describe(target)
        base = located.bases[0]
        if len(moved) == 1 and _fixable(located):
            self._rewrite(located, moved[0], base, f"{what} does not exist; it is now")
            return
        if moved:
            options = [relative(path, base) for path in moved]
            hint = f"; it may be one of {_listed(options[:3])}"
        elif self._hints_left > 0:
            # The closest names cost a comparison with every test file: a file with thousands
            # of missing references gets them for the first few only.
            self._hints_left -= 1
            nearby = closest(target.path, [relative(path, base) for path in self._test_files()])
            hint = f"; closest: {_listed(nearby)}" if nearby else ""
        else:
            hint = ""
        self.report_span(self._span(target), f"{what} does not exist{hint}")

    def _report_missing_test(self, located: _Located, base: Path, path: Path) -> None:
        target = located.target
        view = self.context.project
        holders = [
            candidate
            for candidate in view.project_files()
            if candidate.suffix == ".py"
            and candidate != path
            and self._within in candidate.parents
            and candidate.name.startswith("test")
            and _defines_strictly(self._test_names(candidate), target.node)
        ]
        test = "::".join(target.node)
        message = f"`{target.path}` defines no test `{test}`"
        if len(holders) == 1 and _fixable(located):
            self._rewrite(located, holders[0], base, f"{message}; it is now in")
            return
        if holders:
            message += f"; it is in {_listed([relative(p, base) for p in holders[:3]])}"
        self.report_span(self._span(target), message)

    def _test_files(self) -> list[Path]:
        if self._tests is None:
            self._tests = [
                path
                for path in self.context.project.project_files()
                if path.suffix == ".py" and "test" in path.name and self._within in path.parents
            ]
        return self._tests

    def _rewrite(self, located: _Located, to: Path, base: Path, message: str) -> None:
        """Report the reference with the safe fix that points it at ``to``."""
        target = located.target
        new = relative(to, base)
        self.report_span(
            self._span(target),
            f"{message} `{new}`",
            Fix(Applicability.SAFE, (TextEdit(target.start, target.end, new),)),
        )

    def _judge_pattern(self, line: tuple[int, str, str], folder: Path) -> None:
        """A pre-commit ``files:``/``exclude:`` pattern about tests that matches no file."""
        offset, key, pattern = line
        config = self.context.settings.config
        if any(name.strip("*/") in pattern for name in config.exclude + config.extend_exclude):
            return  # about a folder eventlint does not list: its files are unknown here
        try:
            compiled = re.compile(pattern)
        except re.error:
            return
        for path in self.context.project.project_files():
            if compiled.search(relative(path, folder)):
                return
        start = self._position(offset)
        self.report_span(
            (*start, start[0], start[1] + len(pattern)),
            f"pre-commit `{key}` pattern `{pattern}` matches no file of the project",
        )

    def _test_names(self, path: Path) -> TestNames | None:
        if path not in self._names:
            data = self.context.project.read_text_of(path)
            self._names[path] = None if data is None else read_test_names(data)
        return self._names[path]

    def _span(self, target: Target) -> tuple[int, int, int, int]:
        line, column = self._position(target.start)
        end_line, end_column = self._position(target.end)
        return line, column, end_line, end_column

    def _position(self, offset: int) -> tuple[int, int]:
        starts = self.context.line_starts
        line = _line_index(starts, offset)
        return line + 1, offset - starts[line]


_MAX_HINTS = 20
_PROJECT_MARKERS = PROJECT_MARKERS + VCS_MARKERS


def _line_index(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def _fixable(located: _Located) -> bool:
    """A rewrite is certain when the reference has one base (docs: the project root first)."""
    return len(located.bases) == 1 or located.in_docs


def _defines_strictly(names: TestNames | None, node: tuple[str, ...]) -> bool:
    """Defines the test for certain (an unknown module is no candidate for a fix)."""
    return names is not None and defines(names, node)


def _created(path: str, mentioned: frozenset[str]) -> bool:
    parts = path.split("/")
    return any("/".join(parts[: end + 1]) in mentioned for end in range(len(parts)))


def _describe(target: Target) -> str:
    what = "test path"
    if target.option == "--ignore":
        what = "`--ignore` target"
    elif target.option == "--deselect":
        what = "`--deselect` target"
    return f"{what} `{target.path}`"


def _listed(paths: list[str]) -> str:
    return ", ".join(f"`{path}`" for path in paths)


def _source_kind(path: Path) -> str:
    name = path.name
    if name == "noxfile.py":
        return PYTHON
    if name == "pyproject.toml":
        return sources.PYPROJECT
    if name == "tox.ini":
        return sources.TOX
    if name == ".pre-commit-config.yaml":
        return sources.PRE_COMMIT
    if name.endswith(".md"):
        return sources.MARKDOWN
    if name.endswith(".rst"):
        return sources.RESTRUCTURED_TEXT
    if name == ".gitlab-ci.yml" or is_workflow(path):
        return sources.YAML_CI
    return sources.MAKE


def _segments(kind: str, text: str, path: Path) -> Iterator[sources.Segment]:
    if kind == sources.MAKE:
        return sources.make_segments(text)
    if kind == sources.TOX:
        return sources.tox_segments(text)
    if kind == sources.MARKDOWN:
        return sources.markdown_segments(text)
    if kind == sources.RESTRUCTURED_TEXT:
        return sources.rst_segments(text)
    if kind in (sources.YAML_CI, sources.PRE_COMMIT):
        return sources.yaml_ci_segments(text, github=is_workflow(path))
    return iter(())
