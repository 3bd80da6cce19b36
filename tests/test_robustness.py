"""Never crash, never corrupt, never execute (issue: robustness)."""

from __future__ import annotations

import ast
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import textwrap
import time
from pathlib import Path

import pytest
from helpers import FIXABLE, VIOLATION, python_source, run_cli, unmeasured_env, write
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eventlint.config import ConfigResolver
from eventlint.engine import Engine
from eventlint.rules import known_codes

REPO = Path(__file__).resolve().parents[1]
# CI runs a bounded number of examples; `scripts/fuzz.sh` runs many more.
EXAMPLES = int(os.environ.get("EVENTLINT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _engine() -> Engine:
    return Engine(ConfigResolver(known_codes()))


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _check_engine_on(source: str, tmp_path: Path) -> None:
    path = tmp_path / "generated.py"
    engine = _engine()
    engine.lint_text(source, path, "generated.py")
    fixed = engine.fix_text(source, path, "generated.py", unsafe=True).text
    assert _parses(fixed) or not _parses(source)
    assert engine.fix_text(fixed, path, "generated.py", unsafe=True).text == fixed


@pytest.mark.slow
@FUZZ
@given(source=python_source())
def test_engine_never_raises_on_generated_programs(
    source: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Appending the import makes the prefilter let every generated program through.
    text = source if source.endswith("\n") or not source else source + "\n"
    _check_engine_on(text + "import hashlib\n", tmp_path_factory.mktemp("gen"))


_TEMPLATES = [
    "def event_key(e):\n    return hashlib.sha256(json.dumps({{{a}: {b}, 'event_id': e.event_id}}).encode()).hexdigest()\n",
    "def dedup_key(e):\n    raw = f'{{{a}}}:{{e.timestamp}}'\n    return hashlib.md5(raw.encode()).hexdigest()\n",
    "def make_id(e):\n    return uuid.uuid5(uuid.NAMESPACE_DNS, json.dumps({a}, separators={b}))\n",
    "def idempotency_key(e):\n    return hash(({a}, {b}))\n",
    "def event_uuid(e):\n    return uuid.uuid5(NS, e.model_dump_json({a}))\n",
]


@pytest.mark.slow
@FUZZ
@given(
    template=st.sampled_from(_TEMPLATES),
    a=python_source("eval_input").map(str.strip),
    b=python_source("eval_input").map(str.strip),
)
def test_rules_and_fixes_on_generated_id_code(
    template: str, a: str, b: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    body = template.format(a=f"({a})", b=f"({b})")
    source = "import hashlib\nimport json\nimport uuid\nNS = uuid.NAMESPACE_URL\n\n\n" + body
    assume(_parses(source))
    _check_engine_on(source, tmp_path_factory.mktemp("gen"))


def _python_files_of(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.py"))


@pytest.mark.slow
def test_site_packages_corpus_fix_never_crashes_or_corrupts(tmp_path: Path) -> None:
    """Every .py file of this venv's site-packages: fix, re-parse, fix again."""
    corpus = tmp_path / "corpus"
    shutil.copytree(
        sysconfig.get_paths()["purelib"],
        corpus,
        ignore=lambda folder, names: [
            n for n in names if not (n.endswith(".py") or os.path.isdir(os.path.join(folder, n)))
        ],
        symlinks=True,
    )
    write(corpus / "pyproject.toml", "[tool.eventlint]\nexclude = []\n")
    assert _python_files_of(corpus) > 1000
    before = {path: path.read_bytes() for path in corpus.rglob("*.py")}
    # Robustness, not coverage: measuring these two big runs tripled CI's time.
    unmeasured = unmeasured_env()
    first = run_cli("--fix", "--unsafe-fixes", "--exit-zero", ".", cwd=corpus, env=unmeasured)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "internal error" not in first.stderr and "Traceback" not in first.stderr
    changed = [path for path, data in before.items() if path.read_bytes() != data]
    for path in changed:
        assert _parses(path.read_text(encoding="utf-8")) or not _parses(
            before[path].decode("utf-8", "replace")
        ), path
    snapshot = {path: path.read_bytes() for path in corpus.rglob("*.py")}
    second = run_cli("--fix", "--unsafe-fixes", "--exit-zero", ".", cwd=corpus, env=unmeasured)
    assert second.returncode == 0
    assert {path: path.read_bytes() for path in corpus.rglob("*.py")} == snapshot


@pytest.mark.slow
def test_interrupted_fix_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    expected = tmp_path / "expected"
    work = tmp_path / "work"
    for folder in (expected, work):
        write(folder / "pyproject.toml", "[tool.eventlint]\n")
        for index in range(300):
            write(folder / f"m{index:03}.py", FIXABLE + "\n" * index)
    # Robustness, not coverage (the fixes are measured elsewhere): under coverage these 300
    # fixes took most of this test's time, and the killed run writes no coverage data.
    unmeasured = unmeasured_env()
    assert run_cli("--fix", "--unsafe-fixes", ".", cwd=expected, env=unmeasured).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "eventlint", "--fix", "--unsafe-fixes", "."],
        cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=unmeasured,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill it as soon as it has written something
        if any(
            (work / f"m{i:03}.py").read_bytes() != (FIXABLE + "\n" * i).encode()
            for i in range(0, 300, 7)
        ):
            break
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    # Its pool workers must not outlive it.
    deadline = time.monotonic() + 10
    while _processes_in(work) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_in(work) == []
    old = new = 0
    for index in range(300):
        data = (work / f"m{index:03}.py").read_bytes()
        if data == (FIXABLE + "\n" * index).encode():
            old += 1
        else:
            assert data == (expected / f"m{index:03}.py").read_bytes(), index
            new += 1
    assert new > 0
    # A kill between writing the temporary file and the rename can leave that temporary file
    # (hidden, not a .py, so never linted); it can never leave a half-written .py.
    # The cache folder holds what the run learnt before it was killed (written atomically).
    leftovers = [
        p.name
        for p in work.iterdir()
        if p.suffix not in (".py", ".toml") and p.name != ".eventlint_cache"
    ]
    assert all(name.startswith(".m") and name.endswith(".eventlint-tmp") for name in leftovers)


def _processes_in(folder: Path) -> list[int]:
    """Processes (other than this one) whose working directory is ``folder``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if Path(os.readlink(entry / "cwd")) == folder:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_nothing_in_the_linted_project_is_imported_or_executed(tmp_path: Path) -> None:
    marker = tmp_path / "EXECUTED"
    payload = f"open({str(marker)!r}, 'w').write('ran')\n"
    write(
        tmp_path / "pyproject.toml",
        textwrap.dedent("""\
        [tool.eventlint]

        [tool.pytest.ini_options]
        addopts = "-p app.plugin"
        """),
    )
    write(tmp_path / "app" / "__init__.py", payload)
    write(tmp_path / "app" / "plugin.py", payload)
    write(
        tmp_path / "app" / "models.py",
        payload
        + textwrap.dedent("""\
        from pydantic import BaseModel

        class Event(BaseModel):
            event_id: str
            order_id: str
        """),
    )
    write(tmp_path / "tests" / "conftest.py", payload + 'pytest_plugins = ["app.plugin"]\n')
    write(
        tmp_path / "app" / "keys.py",
        textwrap.dedent("""\
        import hashlib

        from app.models import Event


        def event_key(event: Event) -> str:
            return hashlib.sha256(event.model_dump_json().encode()).hexdigest()
        """),
    )
    result = run_cli("--output-format", "json", ".", cwd=tmp_path)
    assert '"EVT101"' in result.stdout  # it read app/models.py to know Event's fields...
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "EVT", "."], cwd=tmp_path,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "EVT101" in flake8.stdout
    assert not marker.exists()  # ...without running a line of it


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.slow
def test_ruff_format_and_lint_are_clean() -> None:
    """The codebase is formatted with ruff and passes its lint (pyproject's [tool.ruff])."""
    for command in (["format", "--check"], ["check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "src", "tests", "benchmarks", "scripts"],
            cwd=REPO, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_eventlint_lints_its_own_source_clean() -> None:
    result = run_cli("src", "tests", cwd=REPO)
    assert result.returncode == 0, result.stdout
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "EVT", "src"], cwd=REPO,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert flake8.returncode == 0, flake8.stdout


def test_file_level_noqa_with_codes(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "a.py", "# eventlint: noqa: EVT104\n" + VIOLATION)
    result = run_cli("--output-format", "json", "a.py", cwd=tmp_path)
    assert '"EVT101"' in result.stdout and '"EVT104"' not in result.stdout


def test_binary_junk_nul_bytes_and_undecodable_files(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    (tmp_path / "junk.py").write_bytes(bytes(range(256)) * 8 + b"hashlib")
    (tmp_path / "nul.py").write_bytes(b"import hashlib\nx = 1\x00\n")
    (tmp_path / "latin.py").write_bytes(b"import hashlib\nx = '\xe9'\n")  # no cookie: invalid UTF-8
    result = run_cli("--output-format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    findings = {(f["path"], f["code"]) for f in __import__("json").loads(result.stdout)}
    assert findings == {("junk.py", "EVT001"), ("nul.py", "EVT001"), ("latin.py", "EVT001")}


def test_files_over_max_file_size_are_skipped_with_a_warning(tmp_path: Path) -> None:
    """libcst's tree costs ~300 times the file's size: a 10 MB file took 3 GB. Such files are
    skipped with one clear line (exit 0: nothing was found), and the limit is configurable."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    blob = "x" * 79 + "\n"
    text = 'DATA = """\n' + blob * 130_000 + '"""\n\n\n' + VIOLATION
    assert len(text) > 10_000_000
    write(tmp_path / "big.py", text)
    result = run_cli("--output-format", "json", "big.py", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == "[]"
    assert result.stderr.splitlines() == [
        "eventlint: warning: big.py: larger than max-file-size "
        f"({len(text):,} > 2,000,000 bytes); skipped"
    ]
    write(tmp_path / "small.py", VIOLATION)
    assert run_cli("small.py", cwd=tmp_path).returncode == 1
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\nmax-file-size = 100\n")
    limited = run_cli("small.py", cwd=tmp_path)
    assert limited.returncode == 0 and "larger than max-file-size" in limited.stderr
