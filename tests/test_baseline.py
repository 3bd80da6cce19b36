"""Baselines: write, suppress, survive unrelated edits, report only what is new, list stale."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import VIOLATION, run_cli, write

TWO_KEYS = VIOLATION + (
    "\n\ndef dedup_key(event) -> str:\n"
    '    return hashlib.sha256(json.dumps({"event_id": event.event_id}).encode()).hexdigest()\n'
)


def _project(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "src" / "keys.py", TWO_KEYS)
    return tmp_path


def test_round_trip(tmp_path: Path) -> None:
    project = _project(tmp_path)
    written = run_cli("--write-baseline", "baseline.json", cwd=project)
    assert written.returncode == 0, written.stderr
    assert "Wrote 4 findings (2 entries)" in written.stdout  # two identical pairs: counts of 2
    document = json.loads((project / "baseline.json").read_text())
    assert [entry["count"] for entry in document["findings"]] == [2, 2]
    assert run_cli("--baseline", "baseline.json", cwd=project).returncode == 0

    # Unrelated edits move the code: still suppressed.
    source = project / "src" / "keys.py"
    source.write_text('"""Keys."""\n\n\n' + source.read_text())
    assert run_cli("--baseline", "baseline.json", cwd=project).returncode == 0

    # A new finding is reported alone.
    source.write_text(
        source.read_text()
        + (
            "\n\ndef order_key(event) -> str:\n"
            "    return hashlib.sha256(event.customer_email.encode()).hexdigest()\n"
        )
    )
    result = run_cli("--baseline", "baseline.json", "--output-format", "json", cwd=project)
    assert result.returncode == 1
    assert [f["code"] for f in json.loads(result.stdout)] == ["EVT102"]

    # A third copy of a recorded finding is new too: counts are kept.
    source.write_text(
        source.read_text()
        + (
            "\n\ndef third_key(event) -> str:\n"
            '    return hashlib.sha256(json.dumps({"event_id": event.event_id}).encode()).hexdigest()\n'
        )
    )
    codes = [
        f["code"]
        for f in json.loads(
            run_cli("--baseline", "baseline.json", "--output-format", "json", cwd=project).stdout
        )
    ]
    assert sorted(codes) == ["EVT101", "EVT102", "EVT104"]


def test_stale_entries_are_listed_and_dropped_by_rewriting(tmp_path: Path) -> None:
    project = _project(tmp_path)
    run_cli("--write-baseline", "baseline.json", cwd=project)
    write(project / "src" / "keys.py", VIOLATION)  # one pair fixed by hand
    result = run_cli("--baseline", "baseline.json", "--show-stale-baseline", cwd=project)
    assert result.returncode == 0
    stale = [line for line in result.stderr.splitlines() if "stale baseline entry" in line]
    assert len(stale) == 2 and all("src/keys.py" in line for line in stale)
    run_cli("--write-baseline", "baseline.json", cwd=project)
    entries = json.loads((project / "baseline.json").read_text())["findings"]
    assert [entry["count"] for entry in entries] == [1, 1]


def test_baseline_file_is_stable_and_sorted(tmp_path: Path) -> None:
    project = _project(tmp_path)
    run_cli("--write-baseline", "baseline.json", cwd=project)
    first = (project / "baseline.json").read_bytes()
    (project / "baseline.json").unlink()
    # From another working directory, the same baseline file gets the same content.
    again = run_cli("--write-baseline", "../baseline.json", ".", cwd=project / "src")
    assert again.returncode == 0, again.stderr
    assert (project / "baseline.json").read_bytes() == first
    entries = json.loads(first)["findings"]
    assert entries == sorted(entries, key=lambda e: (e["path"], e["code"], e["fingerprint"]))
    assert entries[0]["path"] == "src/keys.py"


def test_bad_baseline_is_exit_2(tmp_path: Path) -> None:
    project = _project(tmp_path)
    missing = run_cli("--baseline", "nope.json", cwd=project)
    assert missing.returncode == 2 and "baseline not found: nope.json" in missing.stderr
    write(project / "bad.json", "[]")
    bad = run_cli("--baseline", "bad.json", cwd=project)
    assert bad.returncode == 2 and "not an eventlint baseline" in bad.stderr
    assert run_cli("--show-stale-baseline", cwd=project).returncode == 2


def test_a_checkout_reached_through_a_symlinked_folder_keeps_its_baseline(
    tmp_path: Path,
) -> None:
    """Written under one name of the folder, applied under another: the same entries (a shell
    in a symlinked checkout, macOS's /var -> /private/var)."""
    project = _project(tmp_path / "real")
    alias = tmp_path / "alias"
    alias.symlink_to(project, target_is_directory=True)
    assert run_cli("--write-baseline", "baseline.json", cwd=project).returncode == 0
    # The working directory is the real folder (what getcwd() says inside a symlinked one),
    # the baseline is named through the link.
    through_alias = run_cli("--baseline", str(alias / "baseline.json"), cwd=project)
    assert through_alias.returncode == 0, through_alias.stdout
    written = run_cli("--write-baseline", str(alias / "other.json"), cwd=project)
    assert written.returncode == 0
    assert run_cli("--baseline", "other.json", cwd=project).returncode == 0
    assert json.loads((project / "other.json").read_text()) == json.loads(
        (project / "baseline.json").read_text()
    )
