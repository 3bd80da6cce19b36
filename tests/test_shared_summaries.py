"""The pool workers of one run share the module summaries they make: a module one worker
summarised is read by the other from the run's private folder, never parsed again, and a
module edited during the run is summarised afresh."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import run_cli, run_cli_process, write

from eventlint.project.readers import summarise as summarise_source
from eventlint.project.shared_summaries import SharedSummaries
from eventlint.project.store import SummaryStore, identity_of
from eventlint.project.summaries import ModuleSummary


@pytest.fixture
def shared(tmp_path: Path) -> SharedSummaries:
    folder = tmp_path / "shared"
    folder.mkdir()
    return SharedSummaries(folder)


def test_an_entry_is_found_under_its_module_and_identity_only(shared: SharedSummaries) -> None:
    shared.put("src/a.py", (10, 20, 30, 40), "digest-a", {"defined": ["x"]})
    assert shared.get("src/a.py", (10, 20, 30, 40)) == ("digest-a", {"defined": ["x"]})
    # The same module with another identity (edited since) and another module: misses.
    assert shared.get("src/a.py", (11, 20, 30, 40)) is None
    assert shared.get("src/b.py", (10, 20, 30, 40)) is None


def test_an_entry_that_cannot_be_read_whole_is_a_miss(shared: SharedSummaries) -> None:
    shared.put("src/a.py", (1, 2, 3, 4), "digest", {"defined": []})
    (entry,) = shared.folder.glob("*.json")
    entry.write_text('["digest", {"defi', encoding="utf-8")  # cut short
    assert shared.get("src/a.py", (1, 2, 3, 4)) is None
    entry.write_text('[1, {"defined": []}]', encoding="utf-8")  # no digest
    assert shared.get("src/a.py", (1, 2, 3, 4)) is None


def test_writing_leaves_no_temporary_file_and_removing_leaves_no_folder(
    shared: SharedSummaries,
) -> None:
    shared.put("src/a.py", (1, 2, 3, 4), "digest", {"defined": []})
    assert [path.suffix for path in shared.folder.iterdir()] == [".json"]
    shared.remove()
    assert not shared.folder.exists()


def _counting_summaries(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every module the stores summarise from source, in order (the real summariser runs)."""
    made: list[bytes] = []
    real = summarise_source

    def summarise(source: bytes | str, *, raises: bool = True) -> ModuleSummary:
        made.append(source if isinstance(source, bytes) else source.encode())
        return real(source, raises=raises)

    monkeypatch.setattr("eventlint.project.store.summarise", summarise)
    return made


def test_a_second_worker_reads_what_the_first_summarised(
    tmp_path: Path, shared: SharedSummaries, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = write(tmp_path / "orders.py", "def place_order() -> None: ...\n")
    made = _counting_summaries(monkeypatch)
    first = SummaryStore(None, shared=shared).read(module)
    second = SummaryStore(None, shared=shared).read(module)
    assert len(made) == 1
    assert second.summary == first.summary and second.digest == first.digest
    assert "place_order" in second.summary.defined


def test_a_module_edited_during_the_run_is_summarised_again(
    tmp_path: Path, shared: SharedSummaries, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = write(tmp_path / "orders.py", "def place_order() -> None: ...\n")
    made = _counting_summaries(monkeypatch)
    SummaryStore(None, shared=shared).read(module)
    before = identity_of(module)
    write(module, "def cancel_order() -> None: ...\n")
    os.utime(module, ns=(10**18, 10**18))  # whatever the clock's resolution, a new identity
    assert identity_of(module) != before
    later = SummaryStore(None, shared=shared).read(module)
    assert len(made) == 2
    assert "cancel_order" in later.summary.defined
    assert "place_order" not in later.summary.defined


def _project(root: Path, tests: int) -> Path:
    write(root / "pyproject.toml", "[tool.eventlint]\n")
    write(root / "src" / "shop" / "__init__.py", "")
    write(root / "src" / "shop" / "orders.py", "def place_order() -> None: ...\n")
    for number in range(tests):
        # Every other test imports a name shop.orders no longer has: EVT302.
        name = "cancel_order" if number % 2 else "place_order"
        write(root / "tests" / f"test_orders_{number}.py", f"from shop.orders import {name}\n")
    return root


def _findings(result_stdout: str) -> list[tuple[str, int, str]]:
    return sorted(
        (Path(item["path"]).name, item["line"], item["code"]) for item in json.loads(result_stdout)
    )


def test_a_pool_run_finds_what_one_process_finds_and_leaves_no_folder(tmp_path: Path) -> None:
    project = _project(tmp_path / "project", tests=40)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    one = run_cli("--no-cache", "--jobs", "1", "--output-format", "json", ".", cwd=project)
    env = {**os.environ, "TMPDIR": str(temporary)}
    pooled = run_cli_process(
        "--no-cache", "--jobs", "2", "--output-format", "json", ".", cwd=project, env=env
    )
    assert pooled.returncode == one.returncode == 1, pooled.stderr
    assert _findings(pooled.stdout) == _findings(one.stdout)
    assert [code for _, _, code in _findings(one.stdout)] == ["EVT302"] * 20
    assert list(temporary.iterdir()) == []
