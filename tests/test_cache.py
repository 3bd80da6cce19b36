"""The results cache: served when nothing changed, recomputed when anything that matters did.

A hit is made visible by doctoring the stored entry: if the doctored message comes back, the
result was served from the cache; if the real one does, it was recomputed.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from helpers import FIXABLE, read_sealed, run_cli, write, write_sealed

import eventlint.cache
from eventlint.cli import main

DOCTORED = "SERVED FROM CACHE"


def _entries(project: Path) -> list[Path]:
    entries = [
        p
        for p in (project / ".eventlint_cache").glob("*.json")
        if p.name != "module-summaries.json"
    ]
    assert entries
    return entries


def _doctor(project: Path) -> None:
    for entry in _entries(project):
        data = read_sealed(entry)
        for finding in data["findings"]:
            finding["message"] = DOCTORED
        write_sealed(entry, data)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(
        tmp_path / "app" / "models.py",
        textwrap.dedent("""\
        from pydantic import BaseModel

        class Event(BaseModel):
            order_id: str
        """),
    )
    write(
        tmp_path / "app" / "keys.py",
        textwrap.dedent("""\
        import hashlib

        from app.models import Event


        def event_key(event: Event) -> str:
            return hashlib.sha256(event.model_dump_json().encode()).hexdigest()
        """),
    )
    write(tmp_path / "app" / "other.py", FIXABLE)
    return tmp_path


def test_unchanged_files_are_served_from_the_cache(project: Path) -> None:
    first = run_cli(cwd=project)
    assert first.returncode == 1 and DOCTORED not in first.stdout
    assert (project / ".eventlint_cache" / ".gitignore").read_text().strip().endswith("*")
    _doctor(project)
    assert DOCTORED in run_cli(cwd=project).stdout


def test_editing_a_file_recomputes_it(project: Path) -> None:
    run_cli(cwd=project)
    _doctor(project)
    other = project / "app" / "other.py"
    other.write_text(other.read_text() + "\n# edited\n")
    output = run_cli(cwd=project).stdout
    assert "envelope field `event_id`" in output and DOCTORED not in output


def test_changing_the_config_recomputes(project: Path) -> None:
    run_cli(cwd=project)
    _doctor(project)
    write(project / "pyproject.toml", '[tool.eventlint]\nignore = ["EVT104"]\n')
    output = run_cli(cwd=project).stdout
    assert DOCTORED not in output and "EVT104" not in output and "EVT101" in output


def test_editing_a_model_another_file_reads_recomputes_that_file(project: Path) -> None:
    assert run_cli(cwd=project).stdout.count("EVT101") == 1  # other.py only: Event is clean
    _doctor(project)
    models = project / "app" / "models.py"
    models.write_text(models.read_text() + "    event_id: str\n")
    output = run_cli(cwd=project).stdout
    assert "`model_dump_json()` of `Event` hashes its envelope field `event_id`" in output


def test_upgrading_eventlint_recomputes(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    assert main(["--jobs", "1"]) == 1
    _doctor(project)
    capsys.readouterr()
    assert main(["--jobs", "1"]) == 1
    assert DOCTORED in capsys.readouterr().out  # same version: served
    monkeypatch.setattr(eventlint.cache, "__version__", "99.0.0")
    assert main(["--jobs", "1"]) == 1
    assert DOCTORED not in capsys.readouterr().out


def test_corrupt_or_foreign_entries_are_ignored(project: Path) -> None:
    run_cli(cwd=project)
    for entry in (project / ".eventlint_cache").glob("*.json"):
        entry.write_text("{not json")
    result = run_cli(cwd=project)
    assert result.returncode == 1 and "EVT101" in result.stdout and result.stderr == ""


def test_no_cache_and_cache_dir(project: Path, tmp_path: Path) -> None:
    assert run_cli("--no-cache", cwd=project).returncode == 1
    assert not (project / ".eventlint_cache").exists()
    elsewhere = tmp_path / "elsewhere"
    assert run_cli("--cache-dir", str(elsewhere), cwd=project).returncode == 1
    assert list(elsewhere.glob("*.json")) and not (project / ".eventlint_cache").exists()


def test_fix_mode_never_uses_stale_cache(project: Path) -> None:
    run_cli(cwd=project)
    _doctor(project)
    fixed = run_cli("--fix", "--unsafe-fixes", cwd=project)
    assert DOCTORED not in fixed.stdout and "Fixed 2 findings." in fixed.stdout
    assert run_cli(cwd=project).returncode == 0  # the fixed file's new content is a miss


UNFIXABLE = """\
import hashlib
from datetime import datetime


def order_key(order_id: str) -> str:
    return hashlib.sha256(f"{order_id}{datetime.now()}".encode()).hexdigest()
"""


def test_a_fix_run_takes_from_the_cache_what_it_has_no_fix_to_apply_in(project: Path) -> None:
    """A file whose cached findings carry no fix the run may apply is not linted again by
    ``--fix``: pre-commit's fix hook on an unchanged tree is as cheap as a check."""
    write(project / "app" / "ids.py", UNFIXABLE)  # EVT103, no fix
    run_cli(cwd=project)
    _doctor(project)
    fixed = run_cli("--fix", "--unsafe-fixes", cwd=project)
    assert "Fixed 2 findings." in fixed.stdout  # other.py: linted afresh, its fixes applied
    assert fixed.stdout.count(DOCTORED) == 1  # ids.py: served, its EVT103 still reported


def test_a_fix_run_leaves_the_cache_warm(project: Path) -> None:
    """What a fix run learnt (the fixed file's remaining findings, a file it could not fix)
    is cached under the content it leaves, so the next run lints nothing again."""
    write(project / "app" / "ids.py", UNFIXABLE)
    fixed = run_cli("--fix", "--unsafe-fixes", "--no-cache", cwd=project)
    assert "Fixed 2 findings." in fixed.stdout
    assert not (project / ".eventlint_cache").exists()  # --no-cache: nothing written
    (project / "app" / "other.py").write_text(FIXABLE)
    assert "Fixed 2 findings." in run_cli("--fix", "--unsafe-fixes", cwd=project).stdout
    for entry in _entries(project):  # a finding in every entry: a hit shows, even a clean one
        data = read_sealed(entry)
        data["findings"] = [
            {"code": "EVT103", "message": DOCTORED, "position": [1, 1, 1, 2]}
            | {"fix": None, "fingerprint": ""}
        ]
        write_sealed(entry, data)
    again = run_cli(cwd=project).stdout
    assert "app/other.py:1:1: EVT103 " + DOCTORED in again  # fixed, then cached as fixed
    assert "app/ids.py:1:1: EVT103 " + DOCTORED in again  # nothing to fix, cached


def _planted(project: Path) -> None:
    """What a commit could put in the cache folder: entries that say "no findings"."""
    for entry in (project / ".eventlint_cache").glob("*.json"):
        if entry.name == "module-summaries.json":
            continue
        data = read_sealed(entry)
        data["findings"] = []
        payload = json.dumps(data)
        # Sealed with some other secret, or not at all: the planter does not have ours.
        entry.write_text(json.dumps({"entry": payload, "mac": "0" * 64}))


def test_a_planted_cache_entry_is_never_trusted(project: Path) -> None:
    """A cache folder committed to the repository (or planted by a pull request) must not
    hide findings in CI: only entries sealed with this user's secret are served."""
    assert run_cli(cwd=project).returncode == 1
    _planted(project)
    result = run_cli(cwd=project)
    assert result.returncode == 1 and "EVT101" in result.stdout
    # ... and the entries are ours again (rewritten, sealed), so the next run is served.
    _doctor(project)
    assert DOCTORED in run_cli(cwd=project).stdout


def test_a_fresh_machine_trusts_nothing_it_finds(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's (or CI's fresh) secret: the same entries are misses."""
    assert run_cli(cwd=project).returncode == 1
    _doctor(project)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    output = run_cli(cwd=project, env=dict(__import__("os").environ)).stdout
    assert DOCTORED not in output and "EVT101" in output


def test_fifos_symlinks_and_huge_files_in_the_cache_folder_are_misses(project: Path) -> None:
    import os

    assert run_cli(cwd=project).returncode == 1
    entries = [
        p
        for p in (project / ".eventlint_cache").glob("*.json")
        if p.name != "module-summaries.json"
    ]
    assert len(entries) >= 2
    for kind in ("fifo", "symlink", "huge"):
        for entry in entries:
            entry.unlink()
            if kind == "fifo":
                os.mkfifo(entry)
            elif kind == "symlink":
                entry.symlink_to("/dev/zero")
            else:
                with entry.open("wb") as file:
                    file.truncate(64 * 2**20)
        result = run_cli("--jobs", "1", cwd=project)
        assert result.returncode == 1 and "EVT101" in result.stdout, kind
