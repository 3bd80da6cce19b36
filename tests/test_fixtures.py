"""Every fixture case through the engine (as the CLI runs it) and through the real flake8."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_cases import FIXTURES, Case, cases

from eventlint.config import ConfigResolver
from eventlint.engine import Engine
from eventlint.finding import Finding
from eventlint.rules import known_codes

CASES = cases()
# Codes no fixture can show, and the test that shows each instead.
ELSEWHERE = {
    "EVT000": "test_front_doors.py::test_flake8_bad_config_is_one_finding_not_a_hang",
    # The CLI only (flake8 owns noqa), so a fixture, also run under flake8, cannot show it.
    "EVT003": "test_unused_noqa.py::test_unused_codes_are_reported_at_the_comment_naming_them",
}


# One engine for every case, as one `eventlint tests/fixtures` run lints them all: its project
# model (the tree's modules, read from disk) is built once, and each linted text's own facts
# are read from that text, as they are mid-fix. A case with options gets a root of its own.
_ENGINE = Engine(ConfigResolver(known_codes()))


def _engine() -> Engine:
    return _ENGINE


@pytest.fixture
def located(case: Case, tmp_path: Path) -> Path:
    """Where the case is linted: in place, or in a project of its own with its options."""
    return case.place_in(tmp_path) if case.options() else case.path


def _lint(case: Case, path: Path) -> list[Finding]:
    return _engine().lint_text(path.read_text(encoding="utf-8"), path, case.id)


def _snapshot(findings: list[Finding]) -> str:
    return "".join(f"{f.line}:{f.column} {f.code} {f.message}\n" for f in findings)


def test_there_are_fixtures_for_every_rule() -> None:
    expected_codes = {code for case in CASES for _, code in case.expected()}
    assert set(known_codes()) - set(ELSEWHERE) <= expected_codes


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_findings_match_expectations(
    case: Case, located: Path, request: pytest.FixtureRequest
) -> None:
    findings = _lint(case, located)
    assert sorted((finding.line, finding.code) for finding in findings) == case.expected()
    snapshot = _snapshot(findings)
    if request.config.getoption("--regen-fixtures"):
        if snapshot:
            case.snapshot.write_text(snapshot, encoding="utf-8")
        elif case.snapshot.exists():
            case.snapshot.unlink()
    # Columns and messages too: the snapshot pins every finding in full.
    expected = case.snapshot.read_text(encoding="utf-8") if case.snapshot.exists() else ""
    assert snapshot == expected


@pytest.fixture(scope="session")
def flake8_findings() -> dict[str, list[tuple[int, int, str]]]:
    """One real ``flake8`` run over all fixtures; E999 is flake8's own syntax error."""
    return _flake8(FIXTURES, ".")


def _flake8(cwd: Path, target: str) -> dict[str, list[tuple[int, int, str]]]:
    completed = subprocess.run(
        [
            sys.executable, "-m", "flake8", "--select", "EVT,E999", "--isolated",
            "--format", "%(path)s|%(row)d|%(col)d|%(code)s|%(text)s", target,
        ],
        cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode in (0, 1), completed.stderr
    results: dict[str, list[tuple[int, int, str]]] = {}
    for line in completed.stdout.splitlines():
        path, row, col, code, _ = line.split("|", 4)
        results.setdefault(Path(path).as_posix().removeprefix("./"), []).append(
            (int(row), int(col), code)
        )
    return results


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_flake8_reports_the_same(
    case: Case,
    located: Path,
    tmp_path: Path,
    flake8_findings: dict[str, list[tuple[int, int, str]]],
) -> None:
    ours = sorted((f.line, f.column, f.code) for f in _lint(case, located))
    if case.options():
        theirs = sorted(_flake8(tmp_path, case.id).get(case.id, []))
    else:
        theirs = sorted(flake8_findings.get(case.id, []))
    if any(code == "E999" for *_, code in theirs):
        # flake8 runs no plugin on a file it cannot parse; it reports E999 where we say EVT001.
        ours = [(line, 0, "syntax") for line, _, code in ours if code == "EVT001"]
        theirs = [(line, 0, "syntax") for line, _, code in theirs if code == "E999"]
    assert ours == theirs


def _fix(case: Case, path: Path, text: str, *, unsafe: bool) -> str:
    return _engine().fix_text(text, path, case.id, unsafe=unsafe).text


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_fixes_match_expectations(
    case: Case, located: Path, request: pytest.FixtureRequest
) -> None:
    original = case.text()
    safe = _fix(case, located, original, unsafe=False)
    unsafe = _fix(case, located, original, unsafe=True)
    if request.config.getoption("--regen-fixtures"):
        for result, target in ((safe, case.safe_fixed), (unsafe, case.unsafe_fixed)):
            baseline = original if target == case.safe_fixed else safe
            if result != baseline:
                target.write_text(result, encoding="utf-8")
            elif target.exists():
                target.unlink()
    expected_safe = (
        case.safe_fixed.read_text(encoding="utf-8") if case.safe_fixed.exists() else original
    )
    expected_unsafe = (
        case.unsafe_fixed.read_text(encoding="utf-8") if case.unsafe_fixed.exists() else safe
    )
    assert safe == expected_safe
    assert unsafe == expected_unsafe
    # Fixing is idempotent: a second run changes nothing.
    assert _fix(case, located, unsafe, unsafe=True) == unsafe
    assert _fix(case, located, safe, unsafe=False) == safe


@pytest.mark.parametrize(
    "case", [case for case in CASES if case.unsafe_fixed.exists()], ids=lambda case: case.id
)
def test_fixed_files_keep_only_unfixable_findings(case: Case, located: Path) -> None:
    text = case.unsafe_fixed.read_text(encoding="utf-8")
    remaining = _engine().lint_text(text, located, case.id)
    assert all(finding.fix is None for finding in remaining)


def test_expect_markers_use_known_codes() -> None:
    for case in CASES:
        for _, code in case.expected():
            assert re.fullmatch(r"EVT\d{3}", code) and code in known_codes(), (case.id, code)


def test_every_snapshot_belongs_to_a_case() -> None:
    snapshots = set(FIXTURES.rglob("*.findings.txt"))
    assert snapshots == {case.snapshot for case in CASES if case.snapshot.exists()}
