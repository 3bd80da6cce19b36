"""A safe ``--fix`` never leaves a moved module half-updated: a patch target of the module a
test's import moves (EVT301) moves with it (EVT303, at the same level), and what cannot be
moved is named in the summary."""

from __future__ import annotations

import textwrap
from pathlib import Path

from helpers import run_cli, write

TEST = textwrap.dedent("""\
    from unittest import mock

    from app.old import thing


    @mock.patch("app.old.thing")
    def test_thing(patched: mock.Mock) -> None:
        assert thing() == 1
""")


def _project(tmp_path: Path, test: str = TEST) -> Path:
    """``app/old.py`` moved to ``app/new.py``; the test still names the old module."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "new.py", "def thing() -> int:\n    return 1\n")
    write(tmp_path / "tests" / "test_thing.py", test)
    return tmp_path


def test_the_import_and_the_patch_move_together_with_a_safe_fix(tmp_path: Path) -> None:
    project = _project(tmp_path)
    report = run_cli("--no-cache", ".", cwd=project)
    assert "Found 2 findings. [*] 2 fixable with `eventlint --fix`." in report.stdout
    fixed = run_cli("--no-cache", "--fix", ".", cwd=project)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert fixed.stdout == "Fixed 2 findings. No findings remain.\n"
    assert (project / "tests" / "test_thing.py").read_text(encoding="utf-8") == TEST.replace(
        "app.old", "app.new"
    )


def test_without_the_import_the_patch_fix_stays_unsafe(tmp_path: Path) -> None:
    """Nothing in the file proves the module moved: the patch's new home is a guess."""
    test = TEST.replace("from app.old import thing\n", "from app.new import thing\n")
    project = _project(tmp_path, test)
    fixed = run_cli("--no-cache", "--fix", ".", cwd=project)
    assert fixed.returncode == 1
    assert "left unfixed" not in fixed.stdout  # nothing of the module was fixed
    assert (project / "tests" / "test_thing.py").read_text(encoding="utf-8") == test
    assert run_cli("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=project).returncode == 0
    assert '@mock.patch("app.new.thing")' in (project / "tests" / "test_thing.py").read_text(
        encoding="utf-8"
    )


def test_what_a_safe_fix_leaves_of_the_move_is_named(tmp_path: Path) -> None:
    test = TEST.replace(
        '@mock.patch("app.old.thing")\n',
        '@mock.patch("app.old.thing")\n'
        '@mock.patch("app.old.Thing.method")\n'
        '@mock.patch("app.old.other")\n',
    ).replace("patched: mock.Mock", "a: mock.Mock, b: mock.Mock, c: mock.Mock")
    project = _project(tmp_path, test)
    # ``other`` lives somewhere else than the import's names: not the proven move.
    write(project / "app" / "helpers.py", "def other() -> int:\n    return 2\n")
    fixed = run_cli("--no-cache", "--fix", ".", cwd=project)
    assert fixed.returncode == 1
    assert (
        "2 references to app.old left unfixed: "
        "tests/test_thing.py:7:13 EVT303 (no fix: update it by hand), "
        "tests/test_thing.py:8:13 EVT303 (unsafe; use --unsafe-fixes)\n"
    ) in fixed.stdout
    assert fixed.stdout.endswith(
        "Fixed 2 findings. Found 2 findings. 1 fixable with `eventlint --fix --unsafe-fixes`.\n"
    )
    text = (project / "tests" / "test_thing.py").read_text(encoding="utf-8")
    assert "from app.new import thing" in text and '"app.new.thing"' in text
    assert '"app.old.Thing.method"' in text and '"app.old.other"' in text
    # With --unsafe-fixes the patch moves too; the method target has no fix at all.
    again = run_cli("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=project)
    assert "Fixed 1 finding." in again.stdout
    assert '"app.helpers.other"' in (project / "tests" / "test_thing.py").read_text(
        encoding="utf-8"
    )


def test_an_unsafe_patch_fix_without_the_import_fix_is_named(tmp_path: Path) -> None:
    """The import cannot be fixed (its names live in two modules); ``--unsafe-fixes`` moves
    the patch, and the summary says the import is left."""
    test = TEST.replace("from app.old import thing", "from app.old import other, thing")
    project = _project(tmp_path, test)
    write(project / "app" / "helpers.py", "def other() -> int:\n    return 2\n")
    fixed = run_cli("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=project)
    assert fixed.returncode == 1
    assert (
        "1 reference to app.old left unfixed: tests/test_thing.py:3:6 EVT301 "
        "(no fix: update it by hand)\n"
    ) in fixed.stdout


def test_pool_workers_report_what_is_left(tmp_path: Path) -> None:
    """Past 32 files the fixes run in pool workers: the summary still names what is left."""
    test = TEST.replace(
        '@mock.patch("app.old.thing")\n',
        '@mock.patch("app.old.thing")\n@mock.patch("app.old.Thing.method")\n',
    ).replace("patched: mock.Mock", "a: mock.Mock, b: mock.Mock")
    project = _project(tmp_path, test)
    for number in range(40):
        write(project / "tests" / f"test_{number}.py", test)
    fixed = run_cli("--no-cache", "--jobs", "2", "--fix", ".", cwd=project)
    assert fixed.returncode == 1
    left = [line for line in fixed.stdout.splitlines() if "left unfixed" in line]
    assert len(left) == 1 and left[0].startswith("41 references to app.old left unfixed: ")
    assert left[0].count("(no fix: update it by hand)") == 3 and left[0].endswith(" and 38 more")
