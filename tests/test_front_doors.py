"""The real flake8 and the real pre-commit, in subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import VIOLATION, run_cli, write
from snippets import blocks_containing

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def _flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_flake8_and_cli_agree_on_the_example_project() -> None:
    flake8 = _flake8(
        "--select", "EVT", "--format", "%(path)s:%(row)d:%(col)d:%(code)s", "examples", cwd=REPO
    )
    assert flake8.returncode == 1, flake8.stderr
    cli = run_cli("--output-format", "json", "examples", cwd=REPO)
    ours = {f"{f['path']}:{f['line']}:{f['column']}:{f['code']}" for f in json.loads(cli.stdout)}
    theirs = {line.removeprefix("./") for line in flake8.stdout.splitlines()}
    # flake8 hands plugins Python files only: the Makefile's stale test path is the CLI's.
    assert ours - theirs == {"examples/order_service/Makefile:4:9:EVT305"}
    assert theirs < ours
    assert {line.rsplit(":", 1)[1] for line in theirs} == {
        "EVT101", "EVT102", "EVT103", "EVT104", "EVT105", "EVT201", "EVT202", "EVT203",
        "EVT301", "EVT302", "EVT303", "EVT401", "EVT404", "EVT501",
    }  # fmt: skip


@pytest.mark.slow
def test_flake8_noqa_and_plugin_config(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.eventlint]\nignore = ["EVT104"]\n')
    write(tmp_path / "a.py", VIOLATION)
    result = _flake8("--select", "EVT", "a.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "EVT101" in result.stdout and "EVT104" not in result.stdout
    write(tmp_path / "a.py", VIOLATION.replace("hexdigest()\n", "hexdigest()  # noqa: EVT101\n"))
    assert _flake8("--select", "EVT", "a.py", cwd=tmp_path).returncode == 0


@pytest.mark.slow
def test_flake8_bad_config_is_one_finding_not_a_hang(tmp_path: Path) -> None:
    """Regression (reliability #7): the plugin raised SystemExit inside flake8's worker pool,
    and flake8 (default --jobs, enough files to use the pool) waited forever."""
    write(tmp_path / "pyproject.toml", '[tool.eventlint]\nignor = ["EVT104"]\n')
    for index in range(60):
        write(tmp_path / f"m{index:02}.py", VIOLATION)
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "EVT", "."],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    reports = [line for line in result.stdout.splitlines() if "EVT000" in line]
    assert 1 <= len(reports) <= (os.cpu_count() or 1)  # once per flake8 process
    assert "unknown key 'ignor' in [tool.eventlint] (did you mean 'ignore'?)" in reports[0]
    assert "EVT101" not in result.stdout  # nothing is checked under a bad configuration
    assert "Traceback" not in result.stderr


def test_example_fix_round_trip(tmp_path: Path) -> None:
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    first = run_cli("--fix", "--unsafe-fixes", "--output-format", "json", ".", cwd=copy)
    remaining = {f["code"] for f in json.loads(first.stdout)}
    # The unfixable ones.
    assert remaining == {"EVT102", "EVT103", "EVT105", "EVT202", "EVT302", "EVT404", "EVT501"}
    fixed = (copy / "order_service" / "src" / "orders" / "idempotency.py").read_text()
    assert "json.dumps(payload, sort_keys=True)" in fixed
    assert 'exclude={"event_id", "produced_at", "trace_id"}' in fixed
    tests = (copy / "order_service" / "tests" / "test_stock.py").read_text()
    assert "assert info.value.error_code == ErrorCode.OUT_OF_STOCK" in tests
    # The structured error's `reason` comparison too (its class keeps the message there).
    assert "info.value.reason ==" not in tests and tests.count("ErrorCode.OUT_OF_STOCK") == 2
    assert "from orders.errors import ErrorCode, OrderError" in tests
    assert 'match=re.escape("must be > 0 (got -1)")' in tests and "import re\n" in tests
    moved = (copy / "order_service" / "tests" / "test_reservations.py").read_text()
    assert "from orders.stock import reserve" in moved  # EVT301, safe
    assert '@mock.patch("orders.stock.reserve")' in moved  # EVT303, unsafe
    consumer = (copy / "order_service" / "src" / "orders" / "consumer.py").read_text()
    # EVT401, configured fix; the import joins the existing one, in isort's order.
    assert "from orders.kafka import BROKERS, wait_for_topics" in consumer
    readiness = consumer.index('    await wait_for_topics(consumer, ["orders"])\n')
    assert consumer.index("await consumer.start()") < readiness
    assert readiness < consumer.index('consumer.subscribe(["orders"])')
    makefile = (copy / "order_service" / "Makefile").read_text()
    assert "\tpytest tests/test_stock.py tests/test_idempotency.py\n" in makefile  # EVT305, safe
    snapshot = {p: p.read_bytes() for p in copy.rglob("*.py")}
    run_cli("--fix", "--unsafe-fixes", ".", cwd=copy)
    assert {p: p.read_bytes() for p in copy.rglob("*.py")} == snapshot


@pytest.mark.slow
def test_pre_commit_hook_fails_naming_the_code(tmp_path: Path) -> None:
    repo = tmp_path / "user-repo"
    write(repo / "keys.py", VIOLATION)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@example.invalid", "-c", "user.name=t", "add", ".")
    env_home = tmp_path / "pre-commit-home"
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "eventlint", "--all-files"],
        cwd=repo, capture_output=True, text=True, check=False,
        env={**_env(), "PRE_COMMIT_HOME": str(env_home)},
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "eventlint" in output and "Failed" in output
    assert "keys.py:6:39: EVT101" in output


_HOSTED = "https://github.com/<owner>/eventlint"


@pytest.mark.slow
def test_the_readme_pre_commit_configurations_run_as_written(tmp_path: Path) -> None:
    """The README's two pre-commit configurations, pasted into a project with a finding, with
    ``<owner>``'s repository a clone of this one (its path, so git fetches nothing; pip still
    gets eventlint's dependencies from the index): the hooks repository pinned the way the
    README says (``pre-commit autoupdate --freeze`` writes the SHA that ``git ls-remote ...
    HEAD`` prints), and the local hook whose ``git+`` dependency names the same commit."""
    clone = tmp_path / "eventlint"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True, capture_output=True)
    head = subprocess.run(
        ["git", "ls-remote", str(clone), "HEAD"], check=True, capture_output=True, text=True
    ).stdout.split()[0]
    assert len(head) == 40, head
    (hosted,) = blocks_containing("README.md", f"repo: {_HOSTED}")
    (local,) = blocks_containing("README.md", "repo: local")
    repo = tmp_path / "user-repo"
    write(repo / "keys.py", VIOLATION)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    env = {**_env(), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def pre_commit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args],
            cwd=repo, capture_output=True, text=True, check=False, env=env,
        )  # fmt: skip

    config = repo / ".pre-commit-config.yaml"
    config.write_text(hosted.text.replace(_HOSTED, str(clone)), encoding="utf-8")
    updated = pre_commit("autoupdate", "--freeze")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    pinned = config.read_text(encoding="utf-8")
    assert f"    rev: {head}   # " in pinned and "<" not in pinned, pinned
    for written in (pinned, local.text.replace(_HOSTED, clone.as_uri()).replace("<sha>", head)):
        config.write_text(written, encoding="utf-8")
        assert "<" not in written, written
        result = pre_commit("run", "--all-files")
        output = result.stdout + result.stderr
        assert result.returncode == 1, written + output
        assert "- hook id: eventlint\n" in output and "keys.py:6:39: EVT101" in output, output


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


@pytest.mark.slow
def test_flake8_judges_the_buffer_on_stdin_not_the_saved_file(tmp_path: Path) -> None:
    """An editor sends the buffer on stdin under the file's name: the findings are the
    buffer's. The plugin used to read the file saved on disk instead."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    write(tmp_path / "src" / "keys.py", VIOLATION)
    on_disk = _flake8("--select", "EVT", "src/keys.py", cwd=tmp_path)
    assert on_disk.returncode == 1 and "EVT101" in on_disk.stdout
    clean = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "EVT",
         "--stdin-display-name", "src/keys.py", "-"],
        cwd=tmp_path, input="x = 1\n", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert clean.returncode == 0, clean.stdout + clean.stderr
    edited = VIOLATION.replace("def idempotency_key", "\n\ndef idempotency_key")
    moved = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "EVT", "--format", "%(row)d:%(code)s",
         "--stdin-display-name", "src/keys.py", "-"],
        cwd=tmp_path, input=edited, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert moved.returncode == 1
    # The buffer's lines, two below the saved file's.
    saved = _flake8("--select", "EVT", "--format", "%(row)d:%(code)s", "src/keys.py", cwd=tmp_path)
    assert {f"{int(r) + 2}:{c}" for r, c in (x.split(":") for x in saved.stdout.split())} == set(
        moved.stdout.split()
    )


def test_max_file_size_applies_in_both_doors(tmp_path: Path) -> None:
    """The CLI skipped a file over max-file-size with a warning; flake8 linted it anyway."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\nmax-file-size = 200\n")
    write(tmp_path / "big.py", VIOLATION + "# padding\n" * 30)
    write(tmp_path / "small.py", VIOLATION)
    cli = run_cli("--no-cache", "--output-format", "json", ".", cwd=tmp_path)
    flake8 = _flake8("--select", "EVT", "--format", "%(path)s", ".", cwd=tmp_path)
    assert {f["path"] for f in json.loads(cli.stdout)} == {"small.py"}
    assert "big.py" in cli.stderr  # the CLI says so
    assert {line.removeprefix("./") for line in flake8.stdout.split()} == {"small.py"}
