"""Latency of ``eventlint server`` as an editor sees it, on one generated test file.

    python benchmarks/lsp_latency.py [--lines 2000] [--repeat 3]

Writes a temporary project: pyproject.toml with ``[tool.eventlint]``, a production module
(src/orders/stock.py: raises with whole-sentence messages and error codes) and
tests/test_orders.py, ``--lines`` lines of pytest tests in blocks of seven, four of which
assert on whole messages (``pytest.raises(..., match="...")``, ``assert str(exc.value) ==
"..."``, a ``match=`` with regex metacharacters: EVT201, EVT202, EVT203), the rest plain
code. Then starts the real server (``python -m eventlint server``) over stdio and speaks LSP
to it as an editor does, with a minimal JSON-RPC client (Content-Length framing; one reader
thread timestamps each message as it is read). Wall milliseconds, from writing a message to
reading its answer:

- spawn -> initialize result, and didOpen -> the first publishDiagnostics for that URI and
  version: a fresh server each time (``--repeat`` servers);
- keystroke: a one-character didChange (incremental or full, as the server's sync kind
  says) -> the publishDiagnostics for the new version; ``--repeat`` consecutive keystrokes
  in the last of those servers, each answered before the next is typed;
- codeAction over a finding's range (no ``only``, as an editor asks for the light bulb)
  -> its response, ``--repeat`` times in that server; the client takes every edit with the
  list (as Emacs' eglot does), and a third run is an editor that resolves edits when an
  action is picked (VS Code, Neovim: ``codeAction/resolve``), timing the list and then the
  resolve of the fix;

once with the server's own debounce (``DEBOUNCE_SECONDS`` in eventlint.server.app, 300 ms,
applied to didChange only: a didOpen is linted at once) and once with debounce 0. The server
has no option or environment variable for the debounce; the module constant is read when a
change arrives, so the second server is started through a wrapper that sets it, then starts
as the command does (``_SERVE_WITH_DEBOUNCE``). For reference, the same buffer linted in a
fresh process by the server's ``Linter`` (first lint, then the text with one line added). Publications for a
version other than the document's latest when they arrive are listed after the table. Not a
test: numbers depend on the machine, and wall time on a busy one is noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

JSON = dict[str, Any]
PUBLISH = "textDocument/publishDiagnostics"
TIMEOUT = 120.0  # seconds to wait for any one answer
EDITED = "# Quantities below are illustrative; the benchmark types here: "

# `eventlint server` with another debounce: the constant is looked up on every didChange.
# The rest is the command's own start (`python -m eventlint server`: the working directory
# off sys.path, the collector tuned in cli.main), so that only the debounce differs.
_SERVE_WITH_DEBOUNCE = """
import sys
del sys.path[0]
from eventlint import cli
from eventlint.server import app
app.DEBOUNCE_SECONDS = float(sys.argv[1])
raise SystemExit(cli.main(["server"]))
"""

# The server's Linter on the buffer, in a fresh process: the first lint (the project model
# is built then) and the next.
_LINT = """
import json, sys, time
from pathlib import Path
from eventlint.file_kinds import PYTHON
from eventlint.server.linting import Buffer, Linter
path = Path(sys.argv[1]).resolve()
text = path.read_text(encoding="utf-8")
linter = Linter()
times = []
# The second text differs by one comment line: the Linter keeps the lint of a text it saw.
for version, typed in enumerate(("", "# typed\\n"), start=1):
    buffer = Buffer(path.as_uri(), path, text + typed, version, PYTHON)
    start = time.perf_counter()
    count = len(linter.lint(buffer))
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"first": times[0], "next": times[1], "count": count}))
"""

PYPROJECT = '[project]\nname = "orders"\n\n[tool.eventlint]\n'
PRODUCTION = '''\
"""Orders: stock, amounts and shipping (the benchmark's production module)."""

from __future__ import annotations

import enum


class ErrorCode(enum.Enum):
    BAD_QUANTITY = "bad_quantity"
    UNKNOWN_SKU = "unknown_sku"
    OUT_OF_STOCK = "out_of_stock"


class OrderError(Exception):
    def __init__(self, message: str, error_code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.error_code = error_code


CATALOGUE = {"sku-1": 3, "sku-2": 0, "sku-3": 12}
COUNTRIES = frozenset({"FR", "DE", "NL"})


def reserve(sku: str, quantity: int) -> int:
    if quantity <= 0:
        raise OrderError(
            "The quantity to reserve must be a positive whole number",
            error_code=ErrorCode.BAD_QUANTITY,
        )
    if sku not in CATALOGUE:
        raise OrderError(
            f"The product {sku} is not in the catalogue of this shop",
            error_code=ErrorCode.UNKNOWN_SKU,
        )
    available = CATALOGUE[sku]
    if quantity > available:
        raise OrderError(
            f"Only {available} units of {sku} left in the warehouse",
            error_code=ErrorCode.OUT_OF_STOCK,
        )
    return available - quantity


def parse_amount(text: str) -> int:
    if "." in text:
        raise ValueError(f"Invalid amount (got {text}): amounts are whole cents")
    return int(text)


def ship(order_id: str, country: str) -> str:
    if country not in COUNTRIES:
        raise OrderError(f"Orders cannot be shipped to {country} from this warehouse yet")
    return f"{order_id}:{country}"
'''
TEST_HEADER = '''\
"""Tests of orders (generated by benchmarks/lsp_latency.py)."""

from __future__ import annotations

import pytest

from orders.stock import OrderError, parse_amount, reserve, ship
'''
# One block of tests; {i} makes the names unique. Four findings (EVT202, EVT201 with a fix,
# EVT203, EVT201 without one) among plain tests and helpers.
TEST_BLOCK = """\


def test_reserve_rejects_zero_quantity_{i}() -> None:
    with pytest.raises(OrderError, match="The quantity to reserve must be a positive whole number"):
        reserve("sku-1", 0)


def test_reserve_out_of_stock_{i}() -> None:
    with pytest.raises(OrderError) as exc:
        reserve("sku-1", {over})
    assert str(exc.value) == "Only 3 units of sku-1 left in the warehouse"


def test_parse_amount_rejects_cents_{i}() -> None:
    with pytest.raises(ValueError, match="Invalid amount (got 3.50)"):
        parse_amount("3.50")


def test_reserve_leaves_stock_{i}() -> None:
    remaining = reserve("sku-3", {quantity})
    assert remaining == {remaining}
    assert remaining >= 0


def test_unknown_sku_{i}() -> None:
    with pytest.raises(OrderError, match="not in the catalogue"):
        reserve("sku-{unknown}", 1)


def test_ship_abroad_{i}() -> None:
    with pytest.raises(OrderError) as exc:
        ship("order-{i}", "US")
    assert exc.value.error_code is None
    assert str(exc.value) == "Orders cannot be shipped to US from this warehouse yet"


def _order_lines_{i}(count: int) -> list[tuple[str, int]]:
    lines = []
    for number in range(count):
        sku = f"sku-{{number % 3 + 1}}"
        lines.append((sku, number + 1))
    return lines


@pytest.mark.parametrize("count", [1, 2, 3])
def test_order_lines_{i}(count: int) -> None:
    lines = _order_lines_{i}(count)
    assert len(lines) == count
    assert all(quantity > 0 for _, quantity in lines)
    assert ship("order-{i}", "FR") == "order-{i}:FR"
"""


def test_module(lines: int) -> str:
    """About ``lines`` lines (exactly, unless fewer than one block): blocks of tests, the
    line the keystrokes edit in the middle, constants to make up the count."""
    blocks: list[str] = []
    total = TEST_HEADER.count("\n") + 2  # the edited line and the blank line before it
    i = 0
    while True:
        quantity = i % 10 + 1
        block = TEST_BLOCK.format(
            i=i, over=i % 5 + 4, quantity=quantity, remaining=12 - quantity, unknown=i + 100
        )
        if blocks and total + block.count("\n") > lines:
            break
        blocks.append(block)
        total += block.count("\n")
        i += 1
    middle = len(blocks) // 2
    text = TEST_HEADER + "".join(blocks[:middle]) + f"\n{EDITED}\n" + "".join(blocks[middle:])
    missing = lines - total
    blank = "\n" * min(missing, 2)
    return text + blank + "".join(f"SAMPLE_QUANTITY_{k} = {k}\n" for k in range(missing - 2))


def write_project(root: Path, lines: int) -> Path:
    (root / "src" / "orders").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "src" / "orders" / "__init__.py").write_text("", encoding="utf-8")
    (root / "src" / "orders" / "stock.py").write_text(PRODUCTION, encoding="utf-8")
    test = root / "tests" / "test_orders.py"
    test.write_text(test_module(lines), encoding="utf-8")
    return test


@dataclass
class Published:
    when: float
    version: int | None
    count: int
    latest: int  # the document's latest version sent when this arrived


class Client:
    """An editor's side of LSP over the server's stdin/stdout, one message at a time."""

    def __init__(self, command: Sequence[str], cwd: Path, log: IO[bytes]) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log
        )
        self.inbox: queue.Queue[tuple[float, JSON | None]] = queue.Queue()
        self.ids = 0
        self.latest = 0  # the version of the last didOpen/didChange sent
        self.published: list[Published] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = -1
            while True:
                header = stream.readline()
                if not header:
                    self.inbox.put((time.perf_counter(), None))
                    return
                if not header.strip():
                    break
                name, _, value = header.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = stream.read(length)
            self.inbox.put((time.perf_counter(), json.loads(body)))

    def send(self, message: JSON) -> float:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        sent = time.perf_counter()
        stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        stdin.flush()
        return sent

    def notify(self, method: str, params: JSON) -> float:
        return self.send({"method": method, "params": params})

    def request(self, method: str, params: JSON | None) -> tuple[int, float]:
        self.ids += 1
        return self.ids, self.send({"id": self.ids, "method": method, "params": params})

    def _next(self, timeout: float) -> tuple[float, JSON]:
        """The next message and when it was read, handled: a request of the server is
        answered (null), a publication recorded."""
        when, message = self.inbox.get(timeout=max(0.0, timeout))
        if message is None:
            self.inbox.put((when, None))  # for any later call too
            raise RuntimeError(f"the server exited (code {self.process.wait()})")
        if "method" in message and "id" in message:
            self.send({"id": message["id"], "result": None})
        if message.get("method") == PUBLISH:
            params = message["params"]
            self.published.append(
                Published(when, params.get("version"), len(params["diagnostics"]), self.latest)
            )
        return when, message

    def wait(self, wanted: Callable[[JSON], bool]) -> tuple[float, JSON]:
        """The first message ``wanted`` accepts, and when it was read."""
        deadline = time.perf_counter() + TIMEOUT
        while True:
            try:
                when, message = self._next(deadline - time.perf_counter())
            except queue.Empty:
                raise TimeoutError(f"no answer from the server in {TIMEOUT:.0f} s") from None
            if wanted(message):
                return when, message

    def drain(self, seconds: float) -> None:
        """Handle what the server sends in the next ``seconds``."""
        deadline = time.perf_counter() + seconds
        while True:
            try:
                self._next(deadline - time.perf_counter())
            except queue.Empty:
                return

    def response(self, request: int) -> tuple[float, Any]:
        when, message = self.wait(lambda m: m.get("id") == request and "method" not in m)
        if "error" in message:
            raise RuntimeError(f"the server answered with an error: {message['error']}")
        return when, message.get("result")

    def diagnostics(self, uri: str, version: int) -> tuple[float, list[JSON]]:
        when, message = self.wait(
            lambda m: (
                m.get("method") == PUBLISH
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            )
        )
        found: list[JSON] = message["params"]["diagnostics"]
        return when, found

    def close(self) -> None:
        try:
            request, _ = self.request("shutdown", None)
            self.response(request)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except (OSError, RuntimeError, TimeoutError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


CAPABILITIES: JSON = {
    "general": {"positionEncodings": ["utf-16"]},
    "workspace": {"workspaceFolders": True, "configuration": False},
    "textDocument": {
        "synchronization": {"dynamicRegistration": False, "didSave": True},
        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
        "codeAction": {
            "codeActionLiteralSupport": {
                "codeActionKind": {"valueSet": ["quickfix", "source", "source.fixAll"]}
            },
            "isPreferredSupport": True,
        },
    },
}


@dataclass
class Figures:
    """One server configuration's samples, in milliseconds, with what was counted."""

    initialize: list[float] = field(default_factory=list)
    opened: list[float] = field(default_factory=list)
    keystroke: list[float] = field(default_factory=list)
    action: list[float] = field(default_factory=list)
    opened_counts: list[int] = field(default_factory=list)
    keystroke_counts: list[int] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    resolved: list[float] = field(default_factory=list)  # codeAction/resolve of the fix
    action_code: str = "-"
    sync: str = "?"
    notes: list[str] = field(default_factory=list)


def _sync_kind(result: JSON) -> int:
    sync = result.get("capabilities", {}).get("textDocumentSync", 0)
    kind = sync.get("change", 0) if isinstance(sync, dict) else sync
    return int(kind)


# An editor that asks for a code action's edit when the user picks it (VS Code, Neovim).
RESOLVING: JSON = {
    **CAPABILITIES,
    "textDocument": {
        **CAPABILITIES["textDocument"],
        "codeAction": {
            **CAPABILITIES["textDocument"]["codeAction"],
            "dataSupport": True,
            "resolveSupport": {"properties": ["edit"]},
        },
    },
}


def session(
    command: Sequence[str],
    project: Path,
    test: Path,
    repeat: int,
    log: IO[bytes],
    *,
    capabilities: JSON = CAPABILITIES,
) -> Figures:
    figures = Figures()
    uri = test.resolve().as_uri()
    text = test.read_text(encoding="utf-8")
    edited_line = text.splitlines().index(EDITED)
    for attempt in range(repeat):
        client = Client(command, project, log)
        try:
            request, _ = client.request(
                "initialize",
                {
                    "processId": os.getpid(),
                    "rootUri": project.as_uri(),
                    "workspaceFolders": [{"uri": project.as_uri(), "name": "orders"}],
                    "capabilities": capabilities,
                },
            )
            answered, result = client.response(request)
            figures.initialize.append((answered - client.started) * 1000)
            kind = _sync_kind(result)
            figures.sync = {1: "full", 2: "incremental"}.get(kind, f"none ({kind})")
            client.notify("initialized", {})
            client.latest = 1
            opened = client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
            )
            when, found = client.diagnostics(uri, 1)
            figures.opened.append((when - opened) * 1000)
            figures.opened_counts.append(len(found))
            if attempt == repeat - 1:
                found = _keystrokes(
                    client, figures, uri=uri, text=text, line=edited_line, kind=kind, repeat=repeat
                )
                _code_actions(client, figures, uri, found, repeat)
            client.drain(0.1)  # anything else the server publishes is seen and checked
        except TimeoutError as error:
            figures.notes.append(f"server {attempt + 1}: {error}")
        finally:
            _check(client, figures, attempt)
            client.close()
    return figures


def _keystrokes(
    client: Client,
    figures: Figures,
    *,
    uri: str,
    text: str,
    line: int,
    kind: int,
    repeat: int,
) -> list[JSON]:
    """One character typed at the end of the edited line, ``repeat`` times; each waited for."""
    lines = text.splitlines(keepends=True)
    found: list[JSON] = []
    for version in range(2, repeat + 2):
        column = len(lines[line].rstrip("\n"))
        lines[line] = lines[line][:column] + "x" + lines[line][column:]
        if kind == 2:
            at = {"line": line, "character": column}
            change: JSON = {"range": {"start": at, "end": at}, "text": "x"}
        else:
            change = {"text": "".join(lines)}
        client.latest = version
        typed = client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        when, found = client.diagnostics(uri, version)
        figures.keystroke.append((when - typed) * 1000)
        figures.keystroke_counts.append(len(found))
    return found


def _code_actions(
    client: Client, figures: Figures, uri: str, found: list[JSON], repeat: int
) -> None:
    """The light bulb over one finding near the middle of the file, ``repeat`` times."""
    if not found:
        return
    ordered = sorted(found, key=lambda d: (d["range"]["start"]["line"], d["code"]))
    chosen = ordered[len(ordered) // 2]
    figures.action_code = str(chosen["code"])
    for _ in range(repeat):
        request, asked = client.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": chosen["range"],
                "context": {"diagnostics": [chosen], "triggerKind": 1},
            },
        )
        when, actions = client.response(request)
        figures.action.append((when - asked) * 1000)
        figures.actions.append(len(actions or []))
        # A resolving editor gets the fix without its edit: picking it asks for the edit.
        lazy = [
            action
            for action in actions or []
            if "edit" not in action and str(action.get("title", "")).startswith("eventlint: fix")
        ]
        if lazy:
            request, asked = client.request("codeAction/resolve", lazy[0])
            when, resolved = client.response(request)
            if resolved and "edit" in resolved:
                figures.resolved.append((when - asked) * 1000)
            else:
                figures.notes.append("codeAction/resolve answered without an edit")


def _check(client: Client, figures: Figures, attempt: int) -> None:
    """Notes on publications for a version the document no longer had, or repeated ones."""
    seen: set[int | None] = set()
    for published in client.published:
        if published.version != published.latest:
            figures.notes.append(
                f"server {attempt + 1}: diagnostics for version {published.version} "
                f"arrived when the document was at version {published.latest}"
            )
        elif published.version in seen:
            figures.notes.append(
                f"server {attempt + 1}: version {published.version} published again"
            )
        seen.add(published.version)
    if len(seen) < client.latest:
        figures.notes.append(
            f"server {attempt + 1}: {client.latest - len(seen)} version(s) never published "
            f"(sent up to {client.latest}, published {sorted(v for v in seen if v)})"
        )


def in_process(project: Path, test: Path, repeat: int) -> tuple[list[float], list[float], int]:
    first: list[float] = []
    following: list[float] = []
    count = -1
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _LINT, str(test)],
            cwd=project, check=True, capture_output=True, text=True,
        )  # fmt: skip
        result = json.loads(out.stdout)
        first.append(result["first"])
        following.append(result["next"])
        count = result["count"]
    return first, following, count


def _row(name: str, debounce: str, samples: list[float], count: str) -> str:
    if not samples:
        return f"{name:<40} {debounce:>8} {'-':>8} {'-':>8} {'-':>8} {count:>11}"
    return (
        f"{name:<40} {debounce:>8} {statistics.median(samples):>8.1f} "
        f"{min(samples):>8.1f} {max(samples):>8.1f} {count:>11}"
    )


def _counts(counts: list[int]) -> str:
    if not counts:
        return "-"
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}-{high}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=2000, help="test file length (2000)")
    parser.add_argument("--repeat", type=int, default=3, help="samples of each figure (3)")
    options = parser.parse_args(argv)
    repeat = max(1, options.repeat)
    from eventlint.server.app import DEBOUNCE_SECONDS  # the server's own (needs pygls)

    python = sys.executable
    default = f"{DEBOUNCE_SECONDS * 1000:.0f} ms"
    configurations = {
        default: [python, "-m", "eventlint", "server"],
        "0 ms": [python, "-c", _SERVE_WITH_DEBOUNCE, "0"],
    }
    with tempfile.TemporaryDirectory(prefix="eventlint-lsp-latency-") as work:
        project = Path(work).resolve()
        test = write_project(project, options.lines)
        line_count = test.read_text(encoding="utf-8").count("\n")
        log_path = project / "server.log"
        results: dict[str, Figures] = {}
        with log_path.open("wb") as log:
            for debounce, command in configurations.items():
                results[debounce] = session(command, project, test, repeat, log)
            resolving = session(
                configurations[default], project, test, repeat, log, capabilities=RESOLVING
            )
        first, following, lint_count = in_process(project, test, repeat)
        server_log = log_path.read_text(encoding="utf-8", errors="replace")

    sync = results[default].sync
    print(
        f"eventlint server latency: tests/test_orders.py, {line_count} lines; sync {sync}; "
        f"{repeat} sample(s) each; cores: {os.cpu_count()}\n"
    )
    header = f"{'measurement (wall ms)':<40} {'debounce':>8} {'median':>8} {'min':>8} {'max':>8} {'diagnostics':>11}"
    print(header)
    print("-" * len(header))
    for debounce, figures in results.items():
        print(_row("spawn -> initialize result", debounce, figures.initialize, "-"))
        print(
            _row(
                "didOpen -> first diagnostics", debounce, figures.opened,
                _counts(figures.opened_counts),
            )
        )  # fmt: skip
        print(
            _row(
                "keystroke (didChange) -> diagnostics", debounce, figures.keystroke,
                _counts(figures.keystroke_counts),
            )
        )  # fmt: skip
        actions = f"codeAction {figures.action_code} -> {_counts(figures.actions)} actions"
        print(_row(actions, debounce, figures.action, "-"))
    listed = f"codeAction, resolving editor -> {_counts(resolving.actions)}"
    print(_row(listed, default, resolving.action, "-"))
    print(_row("codeAction/resolve -> the fix's edit", default, resolving.resolved, "-"))
    print(_row("Linter.lint in process: first", "-", first, str(lint_count)))
    print(_row("Linter.lint in process: after an edit", "-", following, str(lint_count)))
    notes = [note for figures in (*results.values(), resolving) for note in figures.notes]
    print("\nserver behaviour: " + ("; ".join(notes) if notes else "nothing unexpected seen"))
    if "Traceback" in server_log:
        print("\nthe server wrote a traceback on stderr:\n" + server_log[-4000:])
    complete = all(len(f.opened) == repeat and len(f.keystroke) == repeat for f in results.values())
    return 0 if complete else 1


if __name__ == "__main__":
    raise SystemExit(main())
