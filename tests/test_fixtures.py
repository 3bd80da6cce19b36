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


def _engine() -> Engine:
    return Engine(ConfigResolver(known_codes()))


def _lint(case: Case) -> list[Finding]:
    text = case.path.read_text(encoding="utf-8")
    return _engine().lint_text(text, case.path, str(case.path))


# Codes no fixture can show, and the test that shows each instead.
ELSEWHERE = {"EVT000": "test_front_doors.py::test_flake8_bad_config_is_one_finding_not_a_hang"}


def test_there_are_fixtures_for_every_rule() -> None:
    expected_codes = {code for case in CASES for _, code in case.expected()}
    assert set(known_codes()) - set(ELSEWHERE) <= expected_codes


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_findings_match_expectations(case: Case) -> None:
    found = sorted((finding.line, finding.code) for finding in _lint(case))
    assert found == case.expected()


@pytest.fixture(scope="session")
def flake8_findings() -> dict[str, list[tuple[int, int, str]]]:
    """One real ``flake8`` run over all fixtures; E999 is flake8's own syntax error."""
    completed = subprocess.run(
        [
            sys.executable, "-m", "flake8", "--select", "EVT,E999", "--isolated",
            "--format", "%(path)s|%(row)d|%(col)d|%(code)s|%(text)s", ".",
        ],
        cwd=FIXTURES, capture_output=True, text=True, check=False,
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
    case: Case, flake8_findings: dict[str, list[tuple[int, int, str]]]
) -> None:
    ours = sorted((f.line, f.column, f.code) for f in _lint(case))
    theirs = sorted(flake8_findings.get(case.id, []))
    if any(code == "E999" for *_, code in theirs):
        # flake8 runs no plugin on a file it cannot parse; it reports E999 where we say EVT001.
        ours = [(line, 0, "syntax") for line, _, code in ours if code == "EVT001"]
        theirs = [(line, 0, "syntax") for line, _, code in theirs if code == "E999"]
    assert ours == theirs


def _fix(case: Case, text: str, *, unsafe: bool) -> str:
    return _engine().fix_text(text, case.path, str(case.path), unsafe=unsafe).text


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_fixes_match_expectations(case: Case, request: pytest.FixtureRequest) -> None:
    original = case.path.read_text(encoding="utf-8")
    safe = _fix(case, original, unsafe=False)
    unsafe = _fix(case, original, unsafe=True)
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
    assert _fix(case, unsafe, unsafe=True) == unsafe
    assert _fix(case, safe, unsafe=False) == safe


@pytest.mark.parametrize(
    "case", [case for case in CASES if case.unsafe_fixed.exists()], ids=lambda case: case.id
)
def test_fixed_files_keep_only_unfixable_findings(case: Case) -> None:
    text = case.unsafe_fixed.read_text(encoding="utf-8")
    remaining = _engine().lint_text(text, case.path, str(case.path))
    assert all(finding.fix is None for finding in remaining)


def test_expect_markers_use_known_codes() -> None:
    for case in CASES:
        for _, code in case.expected():
            assert re.fullmatch(r"EVT\d{3}", code) and code in known_codes(), (case.id, code)
