from __future__ import annotations

import functools
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

VIOLATION = textwrap.dedent(
    """\
    import hashlib
    import json


    def idempotency_key(event) -> str:
        return hashlib.sha256(json.dumps({"event_id": event.event_id}).encode()).hexdigest()
    """
)

CLEAN = textwrap.dedent(
    """\
    import hashlib


    def idempotency_key(event) -> str:
        return hashlib.sha256(event.order_id.encode()).hexdigest()
    """
)


@functools.cache
def python_source(start: str = "file_input") -> st.SearchStrategy[str]:
    """hypothesmith's valid Python source for a grammar start symbol, made once per process
    for every test drawing from it: building its parser takes seconds."""
    import hypothesmith

    strategy: st.SearchStrategy[str] = hypothesmith.from_grammar(start)
    return strategy


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli_process(
    *args: str, cwd: Path, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command, in a subprocess, as a user runs it: for the tests of the command
    itself (start-up, signals, exit codes as the shell sees them, environment)."""
    return subprocess.run(
        [sys.executable, "-m", "eventlint", *args],
        cwd=cwd, capture_output=True, text=True, check=False, env=env, input=input,
    )  # fmt: skip


def unmeasured_env() -> dict[str, str]:
    """This environment without coverage's start-up variables: for the big robustness runs
    (whole corpora, a run killed part-way) whose code other tests measure. Measuring them
    would only multiply their time, and a killed process writes no coverage data anyway."""
    return {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS")}


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``eventlint ARGS`` run in this process (``cli.main``, the command's own entry, with
    its standard streams captured): the same exit code and output as the subprocess, without
    a new interpreter's start-up per call. A call with its own environment runs in a
    subprocess."""
    if env is not None:
        return run_cli_process(*args, cwd=cwd, env=env)
    from eventlint import cli, paths

    out, err = io.BytesIO(), io.BytesIO()
    streams = sys.stdout, sys.stderr, sys.stdin
    # Kept until their bytes are read: a wrapper that is collected closes its buffer.
    wrappers = (
        io.TextIOWrapper(out, encoding="utf-8", newline=""),
        io.TextIOWrapper(err, encoding="utf-8", newline=""),
        io.TextIOWrapper(io.BytesIO(), encoding="utf-8"),
    )
    sys.stdout, sys.stderr, sys.stdin = wrappers
    previous = os.getcwd()
    # A folder's answers are remembered for one run; each call is a run.
    paths._base_of.cache_clear()
    try:
        os.chdir(cwd)
        try:
            status = cli.main(list(args))
        except SystemExit as exit_:  # argparse: --help, --version, usage errors
            status = exit_.code if isinstance(exit_.code, int) else 2
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os.chdir(previous)
        sys.stdout, sys.stderr, sys.stdin = streams
    result = subprocess.CompletedProcess(
        ["eventlint", *args],
        status,
        out.getvalue().decode("utf-8", "replace"),
        err.getvalue().decode("utf-8", "replace"),
    )
    for wrapper in wrappers:
        wrapper.detach()
    return result


# VIOLATION's EVT101 is reported but not fixed: removing its only key would leave an ID of
# nothing. This one keeps a business field, so both of its findings are fixable.
FIXABLE = VIOLATION.replace(
    '{"event_id": event.event_id}', '{"order_id": event.order_id, "event_id": event.event_id}'
)
FIXED = VIOLATION.replace(
    '{"event_id": event.event_id})', '{"order_id": event.order_id}, sort_keys=True)'
)


def read_sealed(path: Path) -> Any:
    """A cache entry's content (entries are sealed with this user's secret)."""
    return json.loads(json.loads(path.read_text(encoding="utf-8"))["entry"])


def write_sealed(path: Path, data: object) -> None:
    """Rewrite a cache entry as eventlint would, sealed with this user's secret: a test that
    doctors an entry this way proves a hit by the doctored content coming back."""
    from eventlint.cache_folder import machine_secret, seal

    secret = machine_secret()
    assert secret is not None
    payload = json.dumps(data)
    path.write_text(
        json.dumps({"entry": payload, "mac": seal(payload.encode("utf-8"), secret)}),
        encoding="utf-8",
    )
