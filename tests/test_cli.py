"""The command-line contract: output formats, exit codes, selection and errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import CLEAN, FIXABLE, FIXED, VIOLATION, run_cli, write

from eventlint import __version__
from eventlint.cli import main


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "src" / "app" / "keys.py", FIXABLE)
    write(tmp_path / "src" / "app" / "clean.py", CLEAN)
    return tmp_path


def test_reports_findings_and_exits_1(project: Path) -> None:
    result = run_cli(cwd=project)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("src/app/keys.py:6:")
    # Sorted by position: the json.dumps call (column 27) before the key (column 67).
    assert lines[0].startswith("src/app/keys.py:6:27: EVT104 ")
    assert lines[1].startswith("src/app/keys.py:6:67: EVT101 ")
    assert "Found 2 findings." in lines[-1]
    assert result.stderr == ""


def test_clean_project_exits_0(project: Path) -> None:
    (project / "src" / "app" / "keys.py").unlink()
    result = run_cli(".", cwd=project)
    assert result.returncode == 0
    assert "All checks passed!" in result.stdout


def test_exit_zero(project: Path) -> None:
    assert run_cli("--exit-zero", cwd=project).returncode == 0


def test_json_output_has_exactly_the_documented_shape(project: Path) -> None:
    result = run_cli("--output-format", "json", cwd=project)
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert [f["code"] for f in findings] == ["EVT104", "EVT101"]
    first = findings[1]
    assert set(first) == {
        "code", "message", "path", "line", "column", "end_line", "end_column", "fix",
    }  # fmt: skip
    assert first["path"] == "src/app/keys.py"
    assert (first["line"], first["column"]) == (6, 67)
    assert (first["end_line"], first["end_column"]) == (6, 77)  # the key `"event_id"`
    assert first["fix"] == {"applicability": "unsafe"}


def test_json_path_is_relative_to_the_working_directory(project: Path) -> None:
    absolute = str(project / "src" / "app" / "keys.py")
    result = run_cli("--output-format", "json", absolute, cwd=project / "src")
    assert {f["path"] for f in json.loads(result.stdout)} == {"app/keys.py"}


def test_statistics(project: Path) -> None:
    # Both fixes are unsafe: `[-]` (fixable with --unsafe-fixes), not `[*]` as if safe.
    result = run_cli("--statistics", cwd=project)
    assert "1  EVT101  [-] envelope-metadata-in-event-id" in result.stdout
    assert "1  EVT104  [-] unsorted-json-in-event-id" in result.stdout


def test_select_ignore_and_extend_select(project: Path) -> None:
    only_104 = run_cli("--select", "EVT104", "--output-format", "json", cwd=project)
    assert [f["code"] for f in json.loads(only_104.stdout)] == ["EVT104"]
    ignored = run_cli("--ignore", "EVT10", cwd=project)
    assert ignored.returncode == 0
    more_specific_select_wins = run_cli(
        "--ignore", "EVT1", "--extend-select", "EVT101", "--output-format", "json", cwd=project
    )
    assert [f["code"] for f in json.loads(more_specific_select_wins.stdout)] == ["EVT101"]


def test_fix_applies_only_safe_fixes_by_default(project: Path) -> None:
    target = project / "src" / "app" / "keys.py"
    result = run_cli("--fix", cwd=project)
    assert result.returncode == 1  # both fixes are unsafe: nothing changed, findings remain
    assert target.read_text() == FIXABLE
    assert "2 fixable with `eventlint --fix --unsafe-fixes`" in result.stdout


def test_unsafe_fix_then_nothing_left(project: Path) -> None:
    target = project / "src" / "app" / "keys.py"
    result = run_cli("--fix", "--unsafe-fixes", cwd=project)
    assert result.returncode == 0, result.stdout
    assert "Fixed 2 findings." in result.stdout
    assert target.read_text() == FIXED
    again = run_cli("--fix", "--unsafe-fixes", cwd=project)
    assert again.returncode == 0 and "Fixed" not in again.stdout


def test_diff_prints_and_writes_nothing(project: Path) -> None:
    target = project / "src" / "app" / "keys.py"
    result = run_cli("--diff", "--unsafe-fixes", cwd=project)
    assert result.returncode == 1
    assert "--- a/src/app/keys.py" in result.stdout
    assert (
        '+    return hashlib.sha256(json.dumps({"order_id": event.order_id}, sort_keys=True)'
        in result.stdout
    )
    assert target.read_text() == FIXABLE
    target.write_text(CLEAN)
    assert run_cli("--diff", cwd=project).returncode == 0


def test_unsafe_fixes_alone_is_a_usage_error(project: Path) -> None:
    result = run_cli("--unsafe-fixes", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip() == "eventlint: error: --unsafe-fixes needs --fix or --diff"


def test_missing_path_exits_2_with_one_line(project: Path) -> None:
    result = run_cli("nope/", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["eventlint: error: path does not exist: nope/"]
    assert result.stdout == ""


def test_unknown_option_exits_2_with_one_line(project: Path) -> None:
    result = run_cli("--frobnicate", cwd=project)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "--frobnicate" in result.stderr


def test_unknown_code_on_the_command_line(project: Path) -> None:
    result = run_cli("--select", "EVT109", cwd=project)
    assert result.returncode == 2
    assert "unknown rule code 'EVT109'" in result.stderr
    assert "(did you mean 'EVT10" in result.stderr


def test_rules_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "EVT101  on   envelope-metadata-in-event-id" in listing
    assert main(["rule", "evt104"]) == 0
    doc = capsys.readouterr().out
    assert doc.startswith("## EVT104: ")
    assert "**Incorrect:**" in doc and "**Correct:**" in doc
    assert main(["rule", "EVT999"]) == 2
    assert "unknown rule code 'EVT999'" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"eventlint {__version__}"


def test_no_colour_when_not_a_terminal_or_no_color(project: Path) -> None:
    assert "\033[" not in run_cli(cwd=project).stdout
    env = dict(os.environ, NO_COLOR="1")
    assert "\033[" not in run_cli(cwd=project, env=env).stdout


def test_colour_on_a_terminal(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventlint.output import text

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert text.use_colour(Terminal())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not text.use_colour(Terminal())  # type: ignore[arg-type]


def test_fixable_marker_in_text_output(project: Path) -> None:
    assert "[*]" not in run_cli(cwd=project).stdout.splitlines()[0]
    marked = run_cli("--diff", "--unsafe-fixes", "--output-format", "json", cwd=project)
    assert marked.returncode == 1


def test_internal_errors_are_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from eventlint import runner

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.chdir(project)
    monkeypatch.delenv("EVENTLINT_DEBUG", raising=False)
    monkeypatch.setattr(runner, "run_files", explode)
    assert main(["."]) == 2
    err = capsys.readouterr().err
    assert err.startswith("eventlint: internal error: RuntimeError: boom")
    assert len(err.splitlines()) == 1


def test_discovery_skips_virtualenvs_and_default_excludes(project: Path) -> None:
    write(project / "env" / "pyvenv.cfg", "home = /usr\n")
    write(project / "env" / "lib" / "bad.py", VIOLATION)
    write(project / "build" / "bad.py", VIOLATION)
    write(project / "node_modules" / "x" / "bad.py", VIOLATION)
    result = run_cli("--output-format", "json", cwd=project)
    assert {f["path"] for f in json.loads(result.stdout)} == {"src/app/keys.py"}


def test_extend_exclude_and_force_exclude(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.eventlint]\nextend-exclude = ["src/app"]\n')
    assert run_cli(cwd=project).returncode == 0
    # Named explicitly, it is linted (as with ruff) unless --force-exclude is given.
    assert run_cli("src/app/keys.py", cwd=project).returncode == 1
    assert run_cli("--force-exclude", "src/app/keys.py", cwd=project).returncode == 0


def test_directory_named_like_a_python_file_and_symlink_loop(project: Path) -> None:
    (project / "weird.py").mkdir()
    write(project / "weird.py" / "inner.py", VIOLATION)
    os.symlink(project, project / "src" / "loop")
    result = run_cli("--output-format", "json", cwd=project)
    assert result.returncode == 1
    paths = {f["path"] for f in json.loads(result.stdout)}
    assert paths == {"src/app/keys.py", "weird.py/inner.py"}


def test_stubs_are_never_linted_found_or_named(tmp_path: Path) -> None:
    """One rule for what is linted: a .pyi was skipped when walking but linted when named
    (pre-commit names stubs too)."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "pkg" / "keys.pyi", VIOLATION)
    walked = run_cli("--no-cache", ".", cwd=tmp_path)
    named = run_cli("--no-cache", "pkg/keys.pyi", cwd=tmp_path)
    assert walked.returncode == named.returncode == 0
    assert named.stdout == walked.stdout and named.stderr == walked.stderr == ""


# ---- the habits of ruff users ----------------------------------------------------------------


def test_check_is_the_lint_command_as_in_ruff(project: Path) -> None:
    plain = run_cli("--no-cache", "--output-format", "json", ".", cwd=project)
    checked = run_cli("check", "--no-cache", "--output-format", "json", ".", cwd=project)
    assert checked.returncode == plain.returncode == 1
    assert checked.stdout == plain.stdout


def test_repeated_select_and_extend_ignore_add_up(project: Path) -> None:
    def codes(*args: str) -> set[str]:
        result = run_cli("--no-cache", "--output-format", "json", *args, ".", cwd=project)
        return {finding["code"] for finding in json.loads(result.stdout)}

    everything = codes()
    assert {"EVT101", "EVT104"} <= everything
    assert codes("--select", "EVT101", "--select", "EVT104") == {"EVT101", "EVT104"}
    assert codes("--extend-ignore", "EVT101") == everything - {"EVT101"}
    assert codes("--ignore", "EVT101", "--extend-ignore", "EVT104") == everything - {
        "EVT101",
        "EVT104",
    }


def test_statistics_mark_a_safe_fix_with_a_star(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "Makefile", "test:\n\tpytest tests/unit/test_stock.py\n")
    write(tmp_path / "tests" / "test_stock.py", "def test_x():\n    pass\n")
    result = run_cli("--no-cache", "--statistics", ".", cwd=tmp_path)
    assert "1  EVT305  [*] stale-test-reference" in result.stdout, result.stdout


def test_a_team_config_file_may_be_a_pyproject_fragment(project: Path, tmp_path: Path) -> None:
    shared = tmp_path.parent / f"{tmp_path.name}-team.toml"
    write(shared, '[tool.eventlint]\nignore = ["EVT101"]\n')
    result = run_cli(
        "--no-cache", "--output-format", "json", "--config", str(shared), ".", cwd=project
    )
    assert result.returncode == 1, result.stderr
    assert "EVT101" not in {finding["code"] for finding in json.loads(result.stdout)}


def test_show_fixes_lists_what_was_fixed_per_file(project: Path) -> None:
    result = run_cli("--no-cache", "--fix", "--unsafe-fixes", "--show-fixes", ".", cwd=project)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "Fixed 2 findings:",
        "- src/app/keys.py:",
        "    1 × EVT101 (envelope-metadata-in-event-id)",
        "    1 × EVT104 (unsorted-json-in-event-id)",
        "Fixed 2 findings. No findings remain.",
    ]
    # Without --show-fixes, the summary alone.
    write(project / "src" / "app" / "keys.py", FIXABLE)
    plain = run_cli("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=project)
    assert plain.stdout.splitlines() == ["Fixed 2 findings. No findings remain."]
