"""The module summaries store (``.eventlint_cache/module-summaries.json``) is sealed as the
results cache is: a store planted in the checkout cannot hide a stale import, and the store a
run writes is trusted by the next one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import read_sealed, run_cli, write

from eventlint import __version__
from eventlint.cache_folder import machine_secret, seal
from eventlint.project import store as store_module
from eventlint.project.store import SummaryStore

STORE = Path(".eventlint_cache") / "module-summaries.json"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "src" / "shop" / "__init__.py", "")
    write(tmp_path / "src" / "shop" / "orders.py", "def place_order() -> None: ...\n")
    # cancel_order is gone from shop.orders: EVT302.
    write(tmp_path / "tests" / "test_orders.py", "from shop.orders import cancel_order\n")
    return tmp_path


def _codes(project: Path) -> list[tuple[str, int, str]]:
    result = run_cli("--output-format", "json", ".", cwd=project)
    assert result.returncode in (0, 1), result.stderr
    return sorted(
        (Path(item["path"]).name, item["line"], item["code"]) for item in json.loads(result.stdout)
    )


def _drop_results(project: Path) -> None:
    """Remove the results entries, so the next run lints and asks the summaries store."""
    for entry in (project / ".eventlint_cache").glob("*.json"):
        if entry.name != STORE.name:
            entry.unlink()


def _forged(project: Path, mac: str | None) -> str:
    """What a commit could put in the cache folder: a store saying ``shop.orders`` defines
    ``cancel_order``, for the file as it is now (its identity and content digest)."""
    store = SummaryStore(None)
    orders = project / "src" / "shop" / "orders.py"
    read = store.read(orders)
    summary = read.summary.to_json()
    assert isinstance(summary, dict)
    summary["defined"] = [*summary["defined"], "cancel_order"]
    identity = os.stat(orders)
    document = {
        "version": __version__,
        "format": store_module._FORMAT,
        "modules": {
            str(orders.resolve()): [
                [identity.st_size, identity.st_mtime_ns, identity.st_ctime_ns, identity.st_ino],
                read.digest,
                summary,
            ]
        },
        "facts": {},
    }
    payload = json.dumps(document)
    path = project / STORE
    path.parent.mkdir(exist_ok=True)
    if mac is None:  # the old, unsealed shape
        path.write_text(payload, encoding="utf-8")
    else:
        path.write_text(json.dumps({"entry": payload, "mac": mac}), encoding="utf-8")
    return payload


def test_the_forgery_would_hide_the_finding_if_it_were_sealed_here(project: Path) -> None:
    """The control: the forged store is one this machine would trust had it sealed it."""
    assert ("test_orders.py", 1, "EVT302") in _codes(project)
    _drop_results(project)
    payload = _forged(project, None)
    secret = machine_secret()
    assert secret is not None
    (project / STORE).write_text(
        json.dumps({"entry": payload, "mac": seal(payload.encode("utf-8"), secret)}),
        encoding="utf-8",
    )
    assert ("test_orders.py", 1, "EVT302") not in _codes(project)


@pytest.mark.parametrize("mac", [None, "0" * 64, "not a mac"])
def test_a_planted_summaries_store_does_not_hide_a_stale_import(
    project: Path, mac: str | None
) -> None:
    assert ("test_orders.py", 1, "EVT302") in _codes(project)
    _drop_results(project)
    _forged(project, mac)
    assert ("test_orders.py", 1, "EVT302") in _codes(project)
    # The store was rewritten with this machine's seal, and says what the module defines.
    data = read_sealed(project / STORE)
    orders = str((project / "src" / "shop" / "orders.py").resolve())
    assert data["modules"][orders][2]["defined"] == ["place_order"]


def test_a_planted_store_from_a_fresh_project_is_never_trusted(project: Path) -> None:
    """Planted before eventlint ever ran here (the committed cache folder of a fresh clone)."""
    _forged(project, "0" * 64)
    assert ("test_orders.py", 1, "EVT302") in _codes(project)


def test_the_store_a_run_writes_is_reused_by_the_next(project: Path) -> None:
    assert ("test_orders.py", 1, "EVT302") in _codes(project)
    path = project / STORE
    written = path.read_bytes()
    assert machine_secret() is not None
    orders = (project / "src" / "shop" / "orders.py").resolve()
    # A store opened as the next run opens it serves the summary from the file: a module
    # summarised again would be news to write back.
    store = SummaryStore(path)
    read = store.read(orders)
    assert read.summary.defined == frozenset({"place_order"})
    assert not store.has_news()
    # A second CLI run (results dropped, so it lints) leaves the store byte for byte as it
    # was: nothing was summarised again, so nothing new was written.
    _drop_results(project)
    assert ("test_orders.py", 1, "EVT302") in _codes(project)
    assert path.read_bytes() == written


def test_without_a_secret_the_store_is_neither_read_nor_written(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert ("test_orders.py", 1, "EVT302") in _codes(project)
    _drop_results(project)
    (project / STORE).unlink()
    # A cache home that cannot be written (a file where the folder should be): no secret.
    blocked = tmp_path_factory.mktemp("home") / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(blocked), "HOME": str(blocked)}
    result = run_cli("--output-format", "json", ".", cwd=project, env=env)
    assert result.returncode == 1, result.stderr
    assert [item["code"] for item in json.loads(result.stdout)] == ["EVT302"]
    assert not (project / STORE).exists()
