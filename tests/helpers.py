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


# VIOLATION's EVT101 is reported but not fixed: removing its only key would leave an ID of
# nothing. This one keeps a business field, so both of its findings are fixable.
FIXABLE = VIOLATION.replace(
    '{"event_id": event.event_id}', '{"order_id": event.order_id, "event_id": event.event_id}'
)
FIXED = VIOLATION.replace(
    '{"event_id": event.event_id})', '{"order_id": event.order_id}, sort_keys=True)'
)
