"""SARIF (validated against the official schema), GitHub annotations, and --jobs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from helpers import FIXABLE, VIOLATION, run_cli, write

from eventlint.finding import Finding
from eventlint.output import github
from eventlint.rules import all_rules
from eventlint.runner import PARALLEL_THRESHOLD

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "src" / "keys.py", VIOLATION)
    return tmp_path


def test_sarif_is_valid_against_the_official_schema(project: Path) -> None:
    result = run_cli("--output-format", "sarif", cwd=project)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    jsonschema.validate(log, SCHEMA)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "eventlint" and driver["version"]
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in all_rules()]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "Incorrect" in rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "note")
    first = run["results"][0]
    assert first["ruleId"] == "EVT104"
    assert driver["rules"][first["ruleIndex"]]["id"] == "EVT104"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "src/keys.py"
    assert location["region"] == {"startLine": 6, "startColumn": 27, "endLine": 6, "endColumn": 67}


def test_sarif_without_findings_is_valid(project: Path) -> None:
    (project / "src" / "keys.py").unlink()
    log = json.loads(run_cli("--output-format", "sarif", cwd=project).stdout)
    jsonschema.validate(log, SCHEMA)
    assert log["runs"][0]["results"] == []


def test_github_annotations(project: Path) -> None:
    result = run_cli("--output-format", "github", cwd=project)
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::error file=src/keys.py,line=6,col=27,endLine=6,endColumn=67,title=EVT104::EVT104 "
        "`json.dumps` without `sort_keys=True` feeds the ID made in `idempotency_key`; "
        "key order would change the ID"
    )
    assert len(lines) == 2 and lines[1].startswith("::error file=src/keys.py,line=6,col=39,")


def test_github_escaping() -> None:
    finding = Finding("EVT101", "50% off,\nnext: line", "a,b:c.py", 1, 2, 3, 4)
    assert github.render([finding]) == (
        "::error file=a%2Cb%3Ac.py,line=1,col=2,endLine=3,endColumn=4,title=EVT101::"
        "EVT101 50%25 off,%0Anext: line"
    )


def test_parallel_output_is_identical_to_serial(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    for index in range(PARALLEL_THRESHOLD * 2):
        write(tmp_path / f"pkg{index % 5}" / f"m{index:03}.py", FIXABLE + "\n" * (index % 3))
    serial = run_cli("--jobs", "1", "--output-format", "json", cwd=tmp_path)
    parallel = run_cli("--jobs", "2", "--output-format", "json", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 1
    assert parallel.stdout == serial.stdout
    assert len(json.loads(serial.stdout)) == PARALLEL_THRESHOLD * 4
    text = run_cli("--jobs", "2", cwd=tmp_path).stdout
    assert "fixable with `eventlint --fix --unsafe-fixes`" in text  # fix info crosses processes
    fixed = run_cli("--jobs", "2", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert fixed.returncode == 0 and f"Fixed {PARALLEL_THRESHOLD * 4} findings." in fixed.stdout


def test_jobs_must_be_positive(project: Path) -> None:
    result = run_cli("--jobs", "0", cwd=project)
    assert result.returncode == 2 and "--jobs" in result.stderr
