"""EVT305: stale references to tests in CI, Makefiles, task runners, pre-commit and docs.

The fixture ``fixtures/test_references/moved_tests`` is a project whose tests moved from
``tests/`` to ``tests/unit/``; it is copied into a fresh git repository for each test (a
repository root is where a workflow's commands run).
"""

from __future__ import annotations

import itertools
import json
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from helpers import run_cli, unmeasured_env, write
from hypothesis import given, settings
from hypothesis import strategies as st

from eventlint.config import ConfigResolver
from eventlint.engine import Engine
from eventlint.file_kinds import PYTEST_CONFIG, PYTHON, TEST_REFERENCES
from eventlint.rules import known_codes
from eventlint.rules.test_references import _sources as sources
from eventlint.rules.test_references._arguments import targets
from eventlint.rules.test_references._pre_commit import pattern_lines
from eventlint.rules.test_references._shell import invocations, pytest_arguments, words
from eventlint.rules.test_references._task_tables import pyproject_commands

FIXTURE = Path(__file__).parent / "fixtures" / "test_references" / "moved_tests"

# (file, line, column) of every stale reference, with a piece of its message.
EXPECTED = {
    (".github/workflows/ci.yml", 12, 21): "it is now `tests/unit/test_retry.py`",
    (".github/workflows/ci.yml", 17, 55): "defines no test `TestRetry::test_gone`",
    (".github/workflows/ci.yml", 18, 74): "defines no test `test_removed`",
    (".github/workflows/ci.yml", 21, 21): "it is now `unit/test_codes.py`",
    (".gitlab-ci.yml", 4, 14): "it is now `tests/unit/test_codes.py`",
    (".pre-commit-config.yaml", 6, 23): "it is now `tests/unit/test_codes.py`",
    (".pre-commit-config.yaml", 8, 16): "pattern `^tests/integration/` matches no file",
    ("Makefile", 4, 21): "`unit/missing_module.py` does not exist; closest: `unit/test_codes.py`",
    ("README.md", 3, 13): "it is now `tests/unit/test_retry.py`",
    ("README.md", 7, 10): "it is now `tests/unit/test_codes.py`",
    ("docs/testing.rst", 7, 12): "it is now `tests/unit/test_codes.py`",
    ("justfile", 2, 37): "`tests/e2e` does not exist",
    ("noxfile.py", 6, 28): "it is now `tests/unit/test_codes.py`",
    ("pyproject.toml", 5, 16): "it is now `tests/unit/test_retry.py`",
    ("pyproject.toml", 6, 27): "it is now `tests/unit/test_retry.py`",
    ("pyproject.toml", 11, 23): "`tests/integration` does not exist",
    ("pyproject.toml", 14, 26): "it is now `tests/unit/test_retry.py`",
    ("tox.ini", 6, 12): "it is now `tests/unit/test_retry.py`",
    ("tox.ini", 7, 21): "`--ignore` target `tests/old` does not exist",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("*.fixed.py", "*.findings.txt"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _findings(project: Path, *extra: str) -> dict[tuple[str, int, int], str]:
    result = run_cli(
        "--no-cache", "--select", "EVT305", "--output-format", "json", *extra, ".", cwd=project
    )
    assert result.returncode in (0, 1), result.stderr
    return {
        (finding["path"], finding["line"], finding["column"]): finding["message"]
        for finding in json.loads(result.stdout)
    }


def test_every_stale_reference_is_found_at_its_line_and_column(project: Path) -> None:
    found = _findings(project)
    assert set(found) == set(EXPECTED)
    for where, fragment in EXPECTED.items():
        assert fragment in found[where], (where, found[where])


def test_variables_globs_created_paths_and_examples_stay_silent(project: Path) -> None:
    found = _findings(project)
    lines = {(path, line) for path, line, _ in found}
    # A bare path in prose (`tests/unit/test_gone.py` on line 3) is not a command: not judged.
    assert not any(path == "README.md" and column > 40 for path, _, column in found)
    silent = {
        (".github/workflows/ci.yml", 11),  # a step's name: is not a command
        (".github/workflows/ci.yml", 15),  # mkdir -p tests/generated in the same job
        (".github/workflows/ci.yml", 16),  # ${{ matrix.path }} and a glob
        (".github/workflows/ci.yml", 19),  # exists under the step's working-directory
        (".github/workflows/ci.yml", 23),  # noqa: EVT305
        ("Makefile", 5),  # $(TESTS), and tests/unit exists
        ("noxfile.py", 13),  # after session.chdir(<unknown>)
        ("pyproject.toml", 10),  # TestRetry::test_twice exists
        ("pyproject.toml", 17),  # $TEST_PATH and a glob
        ("tox.ini", 11),  # relative to changedir
        (".pre-commit-config.yaml", 12),  # ^tests/unit/ matches
        (".pre-commit-config.yaml", 16),  # about build/, a folder eventlint does not list
        ("README.md", 10),  # examples: a placeholder name, a folder that does not exist
        ("README.md", 11),
        ("docs/testing.rst", 6),  # the node ID exists
        ("docs/testing.rst", 9),
    }
    assert not silent & lines


def test_the_safe_fix_rewrites_the_unique_moves_and_a_second_run_changes_nothing(
    project: Path,
) -> None:
    fixed = run_cli("--no-cache", "--select", "EVT305", "--fix", ".", cwd=project)
    assert fixed.returncode == 1, fixed.stderr
    assert "Fixed 12 findings" in fixed.stdout
    workflow = (project / ".github/workflows/ci.yml").read_text()
    assert "run: pytest tests/unit/test_retry.py::test_backoff" in workflow
    assert "- run: pytest unit/test_codes.py" in workflow
    pdm = (project / "pyproject.toml").read_text()
    assert 'unit = {cmd = ["pytest", "tests/unit/test_retry.py::test_backoff"]}' in pdm
    assert (
        'session.run("pytest", "tests/unit/test_codes.py", "-q")'
        in (project / "noxfile.py").read_text()
    )
    assert "    pytest tests/unit/test_retry.py {posargs}" in (project / "tox.ini").read_text()
    assert "$ pytest tests/unit/test_codes.py" in (project / "README.md").read_text()
    remaining = _findings(project)
    assert len(remaining) == len(EXPECTED) - 12
    assert not any("it is now" in message for message in remaining.values())
    before = {path: path.read_bytes() for path in project.rglob("*") if path.is_file()}
    run_cli("--no-cache", "--select", "EVT305", "--fix", ".", cwd=project)
    assert {path: path.read_bytes() for path in project.rglob("*") if path.is_file()} == before


def test_a_reference_fixed_by_moving_the_file_back_clears_the_cached_finding(
    project: Path,
) -> None:
    """The finding depends on which files exist elsewhere: the results cache must see a
    file appear."""
    first = run_cli("--select", "EVT305", "justfile", cwd=project)
    assert "tests/e2e" in first.stdout
    write(project / "tests" / "e2e" / "test_flow.py", "def test_flow():\n    assert True\n")
    second = run_cli("--select", "EVT305", "justfile", cwd=project)
    assert "tests/e2e" not in second.stdout and second.returncode == 0


def test_per_file_ignores_suppress_it_where_the_format_has_no_comments(project: Path) -> None:
    write(
        project / "pyproject.toml",
        (project / "pyproject.toml").read_text()
        + '\n[tool.eventlint]\nper-file-ignores = { "*.md" = ["EVT305"] }\n',
    )
    found = _findings(project)
    assert not any(path == "README.md" for path, _, _ in found)
    assert any(path == "docs/testing.rst" for path, _, _ in found)


def test_under_flake8_only_the_noxfile_is_checked(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "EVT305", "."],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.stdout.splitlines() == [
        "./noxfile.py:6:28: EVT305 test path `tests/test_codes.py` does not exist; "
        "it is now `tests/unit/test_codes.py`"
    ]


@pytest.mark.parametrize(
    ("name", "kind", "judged"),
    [
        ("noxfile.py", PYTHON, True),
        ("test_orders.py", PYTHON, False),
        ("conftest.py", PYTHON, False),
        ("tox.ini", PYTEST_CONFIG, True),
        ("pytest.ini", PYTEST_CONFIG, False),
        ("ci.yml", TEST_REFERENCES, True),
    ],
)
def test_only_files_that_can_hold_test_commands_are_selected(
    tmp_path: Path, name: str, kind: str, judged: bool
) -> None:
    """Decided from the name before the file is read: every Python file says "test", and
    one the rule cannot judge must not be read again or sent to a pool worker for it."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    path = write(tmp_path / name, "pytest tests/test_a.py\n")
    engine = Engine(ConfigResolver(known_codes()))
    selected = {rule.code for rule in engine.select(path, kind).rules}
    assert ("EVT305" in selected) is judged, selected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pytest tests/test_a.py -q", ["tests/test_a.py"]),
        ("python -m pytest -x tests/unit::TestA::test_b", ["tests/unit"]),
        ("uv run pytest --ignore=tests/old tests", ["tests/old", "tests"]),
        ("coverage run -m pytest --deselect tests/a.py::test_x", ["tests/a.py"]),
        ("pip install pytest tests/requirements.txt", []),
        ("pytest -k tests/a.py --junitxml tests/out.xml", []),
        ("pytest --pyargs app.tests", []),
        ("pytest $TESTS tests/*.py '${{ matrix.path }}'", []),
        ("echo pytest tests/a.py", []),
        ('pytest "tests/a b.py"', ["tests/a b.py"]),
        ("pytest --some-plugin-option tests/a.py tests/b.py", ["tests/b.py"]),
        ("pytest --ignore=tmp-build --ignore build tests/...", []),
    ],
)
def test_which_arguments_are_judged(command: str, expected: list[str]) -> None:
    judged = [
        target.path
        for invocation in invocations(list(words(command)))
        for target in targets(invocation.arguments)
    ]
    assert judged == expected


def test_a_cd_in_front_of_the_command_moves_its_paths() -> None:
    found = list(invocations(list(words("cd services/orders && pytest tests"))))
    assert [invocation.cd for invocation in found] == ["services/orders"]
    unknown = list(invocations(list(words("cd $WORK && pytest tests"))))
    assert unknown[0].cd is not None and unknown[0].cd != "$WORK"


@pytest.mark.slow
def test_huge_ci_files_and_long_lines_do_not_hang(tmp_path: Path) -> None:
    """Regression: a 20,000-line `run: |` block made the step lookup quadratic (minutes), and
    50,000 findings on one long Makefile line lowered the line once per finding."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    block = "\n".join(f"          pytest tests/x{index}.py" for index in range(20_000))
    write(
        tmp_path / ".github" / "workflows" / "big.yml",
        f"jobs:\n  t:\n    steps:\n      - run: |\n{block}\n        working-directory: sub\n",
    )
    paths = " ".join(f"tests/t{index}.py" for index in range(50_000))
    write(tmp_path / "Makefile", f"test:\n\tpytest {paths}\n")
    # A bound on time, not coverage (these readers are measured elsewhere): measured, the
    # 70,000 findings took three times as long.
    result = subprocess.run(
        [sys.executable, "-m", "eventlint", "--no-cache", "--select", "EVT305", "--output-format",
         "json", "."],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
        env=unmeasured_env(),
    )  # fmt: skip
    findings = json.loads(result.stdout)
    assert len(findings) == 70_000
    assert {finding["path"] for finding in findings} == {".github/workflows/big.yml", "Makefile"}


# -- every reader ends, whatever its text -----------------------------------------------------

_T = TypeVar("_T")


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging) when the body runs longer than ``seconds``."""
    if not hasattr(signal, "setitimer"):  # pragma: no cover - Windows: the bounds still hold
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"a reader ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _bounded(items: Iterable[_T], limit: int) -> list[_T]:
    """At most ``limit`` items: a reader that yields more is looping (and would fill memory)."""
    taken = list(itertools.islice(items, limit + 1))
    assert len(taken) <= limit, f"more than {limit} items from a text of {limit - 1} characters"
    return taken


def _read_everything(text: str) -> None:
    """Every reader of EVT305 over ``text`` (whatever kind of file it is), and the shell words,
    commands and pytest arguments of everything they find, as the rule reads them."""
    limit = len(text) + 1
    segments = [
        segment
        for reader in (
            sources.make_segments(text),
            sources.tox_segments(text),
            sources.markdown_segments(text),
            sources.rst_segments(text),
            sources.yaml_ci_segments(text, github=True),
            sources.yaml_ci_segments(text, github=False),
        )
        for segment in _bounded(reader, limit)
    ]
    spans = [(segment.start, segment.end) for segment in segments]
    spans += _bounded(sources.logical_lines(text), limit)
    spans.append((0, len(text)))
    commands = [list(command) for command in _bounded(pyproject_commands(text), limit)]
    for start, end in spans:
        assert 0 <= start <= end <= len(text)
        items = _bounded(words(text, start, end), limit)
        assert all(start <= item.start <= item.end <= end for item in items), (start, end)
        commands += [list(invocation.arguments) for invocation in invocations(items)]
    for offset, _, pattern in _bounded(pattern_lines(text), limit):
        assert text[offset : offset + len(pattern)] == pattern
    for command in commands:
        begin = pytest_arguments([item.text for item in command]) or 0
        for target in _bounded(targets(command[begin:]), limit):
            assert 0 <= target.start <= target.end <= len(text)


# Pieces that mean something to one reader or another, for random texts that exercise them.
_PIECES = [
    " ", "  ", "\t", "\n", "\r\n", "\r", "\\", "\\\n", "'", '"', "`", "```", "~~~", "#", ";", "|",
    "&&", "||", "&", "(", ")", "$", "${{ x }}", "*", "::", "-", "- ", ":", "=", "[", "]", "{",
    "}", "pytest", "python -m pytest", "cd ", "tests/", "test_a.py", "--ignore", "--deselect=",
    "-k", "run: ", "script:", "  - ", "working-directory: ", "defaults:", "commands =",
    "changedir = ", "[testenv]", "[tool.pdm.scripts]", "cmd = ", "files: ", "exclude: ^tests/",
    ".. code-block:: bash", "$ ", "{toxinidir}", "\u2028", "é",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join) | st.text(max_size=200))
def test_every_reader_ends_on_any_text(text: str) -> None:
    """Regression: a Makefile, README shell block, tox.ini or workflow whose text ended in a
    backslash made every default run loop forever while memory grew (the shell-word reader
    stopped at the backslash without taking it). Every reader takes a character each step."""
    with _time_limit(5):
        _read_everything(text)


@pytest.mark.slow
def test_every_reader_ends_on_every_prefix_of_the_fixture_files() -> None:
    """Each file of the fixture project, cut after each of its characters (a text ending in
    a backslash, an open quote, half a key), read by every reader."""
    files = [path for path in FIXTURE.rglob("*") if path.is_file() and path.suffix != ".py"]
    assert len(files) >= 9
    for path in files:
        text = path.read_text(encoding="utf-8")
        with _time_limit(30):
            for cut in range(len(text) + 1):
                _read_everything(text[:cut])
                _read_everything(text[:cut] + "\\")


@pytest.mark.parametrize("name", ["Makefile", "README.md", "tox.ini", ".github/workflows/ci.yml"])
def test_a_file_ending_in_a_backslash_is_read_to_its_end(tmp_path: Path, name: str) -> None:
    """The run ends, and the reference before the backslash is judged."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    texts = {
        "Makefile": "test:\n\tpytest tests/test_gone.py \\",
        "README.md": "```bash\npytest tests/test_gone.py \\",
        "tox.ini": "[testenv]\ncommands =\n    pytest tests/test_gone.py \\",
        ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: pytest tests/test_gone.py \\",
    }
    write(tmp_path / "tests" / "test_here.py", "def test_here(): ...\n")
    write(tmp_path / name, texts[name])
    result = subprocess.run(
        [sys.executable, "-m", "eventlint", "--no-cache", "--select", "EVT305", "--output-format",
         "json", "."],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    found = [(finding["path"], finding["message"]) for finding in json.loads(result.stdout)]
    assert found == [
        (name, "test path `tests/test_gone.py` does not exist; closest: `tests/test_here.py`")
    ]
