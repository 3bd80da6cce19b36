"""``eventlint --watch``, end to end: a real process, real file changes, a real Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest
from helpers import write

STALE = "from orders.models import Order\n\n\ndef test_order():\n    assert Order\n"


def _project(root: Path) -> Path:
    write(root / "pyproject.toml", '[project]\nname = "orders"\n')
    write(root / "src" / "orders" / "__init__.py", "")
    write(root / "tests" / "test_orders.py", STALE)
    return root


class _Watcher:
    """``eventlint --watch`` in a subprocess, its output read as it comes."""

    def __init__(self, root: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "eventlint", "--watch", *args],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, sink in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _read(stream: IO[str], sink: list[str]) -> None:
        sink.extend(stream)

    def wait_for(
        self,
        ready: Callable[[str], bool],
        timeout: float = 60,
        poke: Callable[[], object] | None = None,
    ) -> str:
        """Poll the output until ``ready``; ``poke`` (a file change) is repeated meanwhile,
        since a change made before the watcher started is not seen."""
        deadline = time.monotonic() + timeout
        next_poke = time.monotonic()
        while time.monotonic() < deadline:
            text = "".join(self.out)
            if ready(text):
                return text
            if self.process.poll() is not None:
                break
            if poke is not None and time.monotonic() >= next_poke:
                poke()
                next_poke = time.monotonic() + 4
            time.sleep(0.1)
        raise AssertionError(f"no such output: {''.join(self.out)!r} {''.join(self.err)!r}")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


@pytest.mark.slow
def test_a_change_runs_the_check_again_and_ctrl_c_exits_0(tmp_path: Path) -> None:
    root = _project(tmp_path)
    # Only tests/ is named: the project's root is watched (the module appears in src/).
    watcher = _Watcher(root, "tests")
    try:
        first = watcher.wait_for(lambda text: "Found 1 finding" in text)
        assert "Starting linter in watch mode..." in first
        assert "tests/test_orders.py:1:" in first and "EVT301" in first
        # The module the test imports appears: the stale-import finding must go, although
        # the test file itself did not change (the cache keys on what its result read).
        models = root / "src" / "orders" / "models.py"
        second = watcher.wait_for(
            lambda text: "All checks passed!" in text,
            poke=lambda: models.write_text("class Order: ...\n", encoding="utf-8"),
        )
        assert "File change detected..." in second
        assert second.index("File change detected...") < second.index("All checks passed!")
        # A change inside the cache folder starts no run.
        runs = second.count("File change detected...")
        write(root / ".eventlint_cache" / "noise.txt", "x")
        time.sleep(3)
        assert "".join(watcher.out).count("File change detected...") == runs
    finally:
        status = watcher.interrupt()
    assert status == 0, "".join(watcher.err)
    assert "Traceback" not in "".join(watcher.err)


def test_the_project_root_is_watched_not_only_the_paths(tmp_path: Path) -> None:
    from eventlint.watch import watched_paths

    root = _project(tmp_path / "svc")
    loose = tmp_path / "loose"
    loose.mkdir()
    found = watched_paths(
        [str(root / "tests"), str(root / "src" / "orders"), str(loose)],
        lambda path: root if root in (path, *path.parents) else tmp_path,
    )
    assert found == sorted([str(loose), str(root)])


def test_without_watchfiles_it_says_so_and_exits_2(tmp_path: Path) -> None:
    root = _project(tmp_path)
    code = (
        "import sys; sys.modules['watchfiles'] = None\n"  # what a missing package looks like
        "from eventlint.cli import main\nsys.exit(main(['--watch', '.']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": ""},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        "eventlint: error: --watch needs the watchfiles package: pip install 'eventlint[watch]'\n"
    )


def test_watch_refuses_add_noqa_and_stdin(tmp_path: Path) -> None:
    root = _project(tmp_path)
    for extra in (["--add-noqa", "."], ["--stdin-filename", "x.py", "-"]):
        result = subprocess.run(
            [sys.executable, "-m", "eventlint", "--watch", *extra], cwd=root,
            capture_output=True, text=True, check=False, input="",
        )  # fmt: skip
        assert result.returncode == 2, extra
        assert result.stderr.startswith("eventlint: error:") and "Traceback" not in result.stderr


def test_the_screen_is_cleared_on_a_terminal_only(tmp_path: Path) -> None:
    import pty

    from eventlint.watch import _header

    leader, follower = pty.openpty()
    with open(follower, "w", encoding="utf-8", closefd=True) as terminal:
        _header(terminal, "File change detected...")
    shown = os.read(leader, 1000).decode()
    os.close(leader)
    assert shown.startswith("\x1b[2J") and "] File change detected..." in shown
    with (tmp_path / "out.txt").open("w", encoding="utf-8") as plain:
        _header(plain, "File change detected...")
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert text.startswith("[") and "\x1b" not in text
    assert text.endswith("] File change detected...\n")
