from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

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


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command, in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "eventlint", *args],
        cwd=cwd, capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
