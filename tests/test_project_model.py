"""The project model: facts about other files found wherever the project keeps them, the
project listed once per run, and cached results keyed on exactly what they read."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest
from fixture_cases import FIXTURES
from helpers import read_sealed, run_cli, write

from eventlint.config import ConfigResolver
from eventlint.discovery import discover
from eventlint.project import Worked
from eventlint.project.inventory import FileInventory
from eventlint.project.linted_file import LintedFile
from eventlint.project.readers import summarise
from eventlint.project.summaries import KafkaSummary
from eventlint.rules import known_codes
from eventlint.runner import PARALLEL_THRESHOLD, EngineSettings, Mode, run_files

WORKSPACE = FIXTURES / "event_ids" / "workspace"
EXPECTED = {
    ("services/orders/app/dedup.py", 8, "EVT101"),
    ("services/orders/app/keys.py", 9, "EVT101"),
    ("services/orders/app/keys.py", 9, "EVT102"),
    # The library's ID functions, and the calls of its tests that choose what is hashed (the
    # tests passing rich messages to functions that pick their fields draw nothing).
    ("libs/events/src/events/hashing.py", 13, "EVT101"),
    ("libs/events/src/events/hashing.py", 26, "EVT102"),
    ("services/orders/tests/test_keys_chosen_by_callers.py", 11, "EVT101"),
    ("services/orders/tests/test_keys_chosen_by_callers.py", 17, "EVT104"),
    ("services/orders/tests/test_keys_chosen_by_callers.py", 22, "EVT102"),
}


def _findings(result: object) -> set[tuple[str, int, str]]:
    stdout = getattr(result, "stdout", "")
    return {(item["path"], item["line"], item["code"]) for item in json.loads(stdout)}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The workspace fixture alone in a repository of its own, with no eventlint config."""
    root = tmp_path / "repo"
    shutil.copytree(WORKSPACE, root, ignore=shutil.ignore_patterns("*.fixed.py", "*.findings.txt"))
    (root / ".git").mkdir()
    return root


def test_a_service_hashing_a_library_model_is_judged_with_zero_config(workspace: Path) -> None:
    result = run_cli("--no-cache", "--output-format", "json", ".", cwd=workspace)
    assert _findings(result) == EXPECTED, result.stderr


def test_and_with_src_globs(workspace: Path) -> None:
    write(workspace / "pyproject.toml", '[tool.eventlint]\nsrc = ["libs/*/src", "services/*"]\n')
    result = run_cli("--no-cache", "--output-format", "json", ".", cwd=workspace)
    assert _findings(result) == EXPECTED, result.stderr


def test_and_from_inside_the_service(workspace: Path) -> None:
    """pre-commit passes changed files, from anywhere: the project is found from the file."""
    result = run_cli(
        "--no-cache",
        "--output-format",
        "json",
        "app/keys.py",
        cwd=workspace / "services" / "orders",
    )
    assert {(line, code) for _, line, code in _findings(result)} == {
        (9, "EVT101"),
        (9, "EVT102"),
    }


def test_editing_the_library_model_changes_the_cached_findings(workspace: Path) -> None:
    first = run_cli("--output-format", "json", ".", cwd=workspace)
    assert _findings(first) == EXPECTED
    models = workspace / "libs" / "events" / "src" / "events" / "models.py"
    models.write_text(models.read_text().replace("    customer_email: str\n", ""))
    second = run_cli("--output-format", "json", ".", cwd=workspace)
    assert _findings(second) == EXPECTED - {("services/orders/app/keys.py", 9, "EVT102")}


def test_a_cache_entry_records_what_it_read(workspace: Path) -> None:
    run_cli("--output-format", "json", ".", cwd=workspace)
    keys = str((workspace / "services" / "orders" / "app" / "keys.py").resolve())
    entries = [
        read_sealed(path)
        for path in (workspace / ".eventlint_cache").glob("*.json")
        if path.name != "module-summaries.json"
    ]
    models = str(workspace / "libs" / "events" / "src" / "events" / "models.py")
    read = [entry["dependencies"] for entry in entries if f"file:{models}" in entry["dependencies"]]
    assert read, f"no entry depends on {models} (keys.py is {keys})"
    # A file that reads nothing else depends on nothing.
    assert any(entry["dependencies"] == {} for entry in entries)


def test_the_project_is_listed_once_per_run(workspace: Path) -> None:
    """Discovery, the module index, the raise index and the cache share one set of folder
    listings: no folder is listed twice, and every folder of the project is listed."""
    os.chdir(workspace)
    settings = EngineSettings(cache=True)
    resolver = ConfigResolver(known_codes())
    engine = settings.engine(resolver)
    listings = engine.projects.listings
    walks_before = listings.scans
    sources = list(discover(["."], resolver, listings))
    results = run_files(settings, resolver, sources, Mode(), jobs=1, engine=engine)
    assert {finding.code for result in results for finding in result.findings} == {
        code for _, _, code in EXPECTED
    }
    project = engine.project_for(workspace / "services" / "orders" / "app" / "keys.py")
    project.index_fingerprint("production")  # the whole project, as the cache may ask
    folders = FileInventory(workspace, listings).folders()
    assert listings.scans - walks_before == len(listings.known) >= len(folders)
    # A second project object over the same listings lists nothing again.
    before = listings.scans
    assert FileInventory(workspace, listings).folders() == folders
    assert listings.scans == before


# -- regression tests of the reliability issue (#13: stale results in a monorepo) ----------


def test_a_monorepo_library_edit_recomputes_a_cached_stale_import(tmp_path: Path) -> None:
    """A test in services/svc imports libs/core/src/corepkg/mod.py; the cached "All checks
    passed!" stayed after mod.py lost the name (the hash covered the sub-project only)."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / "libs" / "core" / "pyproject.toml", "[project]\nname = 'core'\n")
    mod = write(tmp_path / "libs" / "core" / "src" / "corepkg" / "mod.py", "def helper(): ...\n")
    write(tmp_path / "libs" / "core" / "src" / "corepkg" / "__init__.py", "")
    write(tmp_path / "services" / "svc" / "pyproject.toml", "[project]\nname = 'svc'\n")
    write(tmp_path / "services" / "svc" / "tests" / "test_a.py", "from corepkg.mod import helper\n")
    service = tmp_path / "services" / "svc"
    assert run_cli(".", cwd=service).stdout == "All checks passed!\n"
    mod.write_text("def renamed(): ...\n")
    after = run_cli("--output-format", "json", ".", cwd=service)
    assert [item["code"] for item in json.loads(after.stdout)] == ["EVT302"]


def test_an_import_root_outside_the_project_is_a_dependency(tmp_path: Path) -> None:
    write(tmp_path / "app" / "pyproject.toml", '[tool.eventlint]\nsrc = ["../lib"]\n')
    write(tmp_path / "app" / "tests" / "test_a.py", "from shared.mod import helper\n")
    mod = write(tmp_path / "lib" / "shared" / "mod.py", "def helper(): ...\n")
    write(tmp_path / "lib" / "shared" / "__init__.py", "")
    app = tmp_path / "app"
    assert run_cli(".", cwd=app).stdout == "All checks passed!\n"
    mod.write_text("def other(): ...\n")
    after = run_cli("--output-format", "json", ".", cwd=app)
    assert [item["code"] for item in json.loads(after.stdout)] == ["EVT302"]


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path) -> None:
    """``touch -r``: same size, same mtime. The inode change time still moves, and the
    store keys on it."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    mod = write(tmp_path / "shop" / "orders.py", "def place_order(): ...\n")
    write(tmp_path / "shop" / "__init__.py", "")
    write(tmp_path / "tests" / "test_a.py", "from shop.orders import place_order\n")
    assert run_cli(".", cwd=tmp_path).stdout == "All checks passed!\n"
    before = mod.stat()
    mod.write_text("def place_xrder(): ...\n")  # same length
    os.utime(mod, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert mod.stat().st_size == before.st_size and mod.stat().st_mtime_ns == before.st_mtime_ns
    after = run_cli("--output-format", "json", ".", cwd=tmp_path)
    assert [item["code"] for item in json.loads(after.stdout)] == ["EVT302"]


def test_a_new_module_clears_a_cached_missing_module(tmp_path: Path) -> None:
    """A "does not exist" answer depends on the folder listing it came from."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "shop" / "__init__.py", "")
    write(tmp_path / "tests" / "test_a.py", "from shop.orders import place_order\n")
    first = run_cli("--output-format", "json", ".", cwd=tmp_path)
    assert [item["code"] for item in json.loads(first.stdout)] == ["EVT301"]
    write(tmp_path / "shop" / "orders.py", textwrap.dedent("def place_order(): ...\n"))
    assert run_cli(".", cwd=tmp_path).stdout == "All checks passed!\n"


def test_a_sub_project_with_a_broken_config_does_not_stop_linting_its_neighbour(
    tmp_path: Path,
) -> None:
    """Linting one file read every nested pyproject.toml through the project model: a broken
    config in an unrelated sub-project ended the run with its error. It now stays out of the
    model, and still fails a run that lints its own files."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / "app" / "keys.py", "import hashlib\n\ndef event_id(e):\n"
          "    return hashlib.sha256(e.email.encode()).hexdigest()\n")  # fmt: skip
    write(tmp_path / "other" / "pyproject.toml", "[tool.eventlint]\nselect = 12\n")
    write(tmp_path / "other" / "x.py", "X = 1\n")
    mine = run_cli("--no-cache", "--output-format", "json", "app/keys.py", cwd=tmp_path)
    assert mine.returncode == 1, mine.stderr
    assert {f["code"] for f in json.loads(mine.stdout)} == {"EVT102"}
    theirs = run_cli("--no-cache", "other/x.py", cwd=tmp_path)
    assert theirs.returncode == 2
    assert "other/pyproject.toml" in theirs.stderr and "select" in theirs.stderr


# -- the linted file's own facts, and what the parent hands to pool workers ---------------


@pytest.mark.parametrize(
    "path",
    sorted(FIXTURES.rglob("*.py")),
    ids=lambda path: str(path.relative_to(FIXTURES)),
)
def test_the_linted_files_own_facts_read_in_parts_match_its_whole_summary(path: Path) -> None:
    """The Kafka rules ask for the file's readiness helpers and fixtures, EVT1 for its hash
    helpers: each is read alone (only when the bytes can hold it), and must say what the
    whole summary says."""
    text = path.read_text(encoding="utf-8")
    whole = summarise(text, raises=False)
    assert LintedFile(text).kafka == whole.kafka
    assert LintedFile(text).hash_helpers == whole.hash_helpers
    assert LintedFile(text).imports == whole.imports
    both = LintedFile(text)
    assert both.summary == whole and both.kafka == whole.kafka


def test_an_unparsable_file_has_no_facts_of_its_own() -> None:
    broken = LintedFile("import hashlib\ndef fixture(:\n    consumer.list_topics()\n")
    assert broken.kafka == KafkaSummary()
    assert broken.hash_helpers == {} and broken.imports == {}
    assert broken.summary.names_unknown


def test_a_worker_takes_the_hash_helpers_the_parent_found(workspace: Path) -> None:
    """Finding them reads every production module: the parent does it once for the run."""
    resolver = ConfigResolver(known_codes())
    keys = workspace / "services" / "orders" / "app" / "keys.py"
    parent = EngineSettings(cache=False).engine(resolver)
    found = parent.project_for(keys).hash_helper_names
    assert "fingerprint_of" in found and "digest_of" not in found
    worked = parent.projects.worked()
    worker = EngineSettings(cache=False).engine(resolver, worked=worked)
    assert worker.project_for(keys).hash_helper_names == found
    # What the worker is handed is what it uses: a name the project does not define stays.
    root = next(iter(worked))
    told = EngineSettings(cache=False).engine(
        resolver, worked={root: Worked(hash_helper_names=frozenset({"digest_of"}))}
    )
    assert told.project_for(keys).hash_helper_names == {"digest_of"}


def test_pool_workers_find_what_one_process_finds(workspace: Path) -> None:
    """Enough files for the pool: the findings through the library's hash helper (a file
    without hashlib, linted only because it calls one) are the same with two workers."""
    filler = "import hashlib\n\n\ndef checksum(data: bytes) -> str:\n"
    filler += "    return hashlib.sha256(data).hexdigest()\n"
    for index in range(2 * PARALLEL_THRESHOLD):
        write(workspace / "services" / "orders" / "app" / f"filler_{index}.py", filler)
    pooled = run_cli("--no-cache", "--jobs", "2", "--output-format", "json", ".", cwd=workspace)
    assert _findings(pooled) == EXPECTED, pooled.stderr


def test_a_raise_of_a_module_constant_reads_its_text_unless_a_parameter_hides_it() -> None:
    summary = summarise(
        b'LIMIT = "the payment is above the daily limit"\n'
        b"TWICE = 'a'\nTWICE = 'b'\n\n"
        b"def limit():\n    raise ValueError(LIMIT)\n\n"
        b"def hidden(LIMIT):\n    raise ValueError(LIMIT)\n\n"
        b"def local():\n    LIMIT = 'local text'\n    raise ValueError(LIMIT)\n\n"
        b"def ambiguous():\n    raise ValueError(TWICE)\n"
    )
    messages = {site.line: site.message for site in summary.raises}
    assert messages == {
        6: ("the payment is above the daily limit",),
        9: None,  # the parameter, not the constant
        13: ("local text",),  # the function's own assignment wins
        16: None,  # assigned twice at module level: which one is unknown
    }


def test_the_linted_file_reads_the_rules_tree_and_frees_it_without_the_cyclic_gc(
    tmp_path: Path,
) -> None:
    """The file's own facts come from the context's tree (not a second parse), and reading
    them ties no cycle: a file's tree is freed by reference counting when its lint is done,
    not left for the cyclic collector (on sympy the cycle cost 44 MiB of peak and 1.9 s)."""
    import gc
    import weakref

    from eventlint.engine import Engine

    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    path = write(tmp_path / "src" / "shop" / "ids.py", "import hashlib\n\n\nclass Key:\n    pass\n")
    engine = Engine(ConfigResolver(known_codes()))
    context = engine.context(path.read_text(encoding="utf-8"), path, "src/shop/ids.py")
    tree = context.parse()
    assert "Key" in context.project.own.summary.defined
    assert context.project.own._tree is tree  # the same tree, not parsed again
    collected = weakref.ref(context)
    gc.disable()
    try:
        del context
        assert collected() is None
    finally:
        gc.enable()
