"""``eventlint server``: the Language Server, end to end. Each test starts the real server
(``python -m eventlint server``) and talks to it over stdio with pytest-lsp's client, as an
editor does: the buffer is linted (not the saved file), changes are debounced, code actions
carry fixes and ``# noqa`` edits, fix-all applies only safe fixes, and the configuration is
read again when pyproject.toml changes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest
import pytest_lsp
from helpers import CLEAN, FIXABLE, run_cli, write
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pytest_lsp import (
    ClientServerConfig,
    LanguageClient,
    client_capabilities,
    make_test_lsp_client,
)

from eventlint.docs import rule_anchor
from eventlint.rules import rules_by_code
from eventlint.server.positions import LineIndex, line_edits

PUBLISHED = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
PYPROJECT = '[project]\nname = "inventory"\n\n[tool.eventlint]\n'
EMOJI = (
    "import hashlib\nimport json\n\n\n"
    "def event_key(payload: dict) -> str:\n"
    '    return hashlib.sha256("\U0001f389".encode() + json.dumps(payload).encode()).hexdigest()\n'
)
# A test file with a safe fix (EVT301: the module moved) and an unsafe one (EVT104).
TEST_BUFFER = textwrap.dedent(
    """\
    import hashlib
    import json

    from inventory.levels import StockLevel


    def event_key(payload: dict) -> str:
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


    def test_level():
        assert StockLevel
    """
)


def _recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics (with its version)."""
    client = make_test_lsp_client()
    published: list[types.PublishDiagnosticsParams] = []
    client.published = published  # type: ignore[attr-defined]
    previous = client.protocol.fm.features[PUBLISHED]

    def record(params: types.PublishDiagnosticsParams) -> None:
        published.append(params)
        previous(params)

    client.protocol.fm.features[PUBLISHED] = record
    registered: list[types.Registration] = []
    client.registered = registered  # type: ignore[attr-defined]

    def register(params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    client.feature(types.CLIENT_REGISTER_CAPABILITY)(register)
    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "eventlint", "server"],
    client_factory=_recording_client,
)


@pytest_lsp.fixture(config=SERVER)  # type: ignore[untyped-decorator]  # pytest-lsp is untyped here
async def client(
    lsp_client: LanguageClient, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[None]:
    write(tmp_path / "pyproject.toml", PYPROJECT)
    write(tmp_path / "src" / "inventory" / "__init__.py", "")
    write(tmp_path / "src" / "inventory" / "stock" / "__init__.py", "")
    write(tmp_path / "src" / "inventory" / "stock" / "levels.py", "class StockLevel: ...\n")
    editor = getattr(request, "param", "visual-studio-code")
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(editor),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="inventory")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def _diagnostics(
    client: LanguageClient,
    uri: str,
    ready: Callable[[Sequence[types.Diagnostic]], bool] = lambda found: True,
) -> Sequence[types.Diagnostic]:
    """The diagnostics of ``uri`` once they satisfy ``ready`` (within 10 s)."""

    async def wait() -> Sequence[types.Diagnostic]:
        while uri not in client.diagnostics or not ready(client.diagnostics[uri]):
            await client.wait_for_notification(PUBLISHED)
        return client.diagnostics[uri]

    return await asyncio.wait_for(wait(), timeout=10)


def _open(client: LanguageClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=version, text=text
            )
        )
    )
    return uri


def _change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(diagnostic.code) for diagnostic in diagnostics)


def _apply(text: str, edit: types.WorkspaceEdit, uri: str) -> str:
    """Apply a workspace edit's text edits to ``text`` (ASCII text: columns are offsets)."""
    assert edit.changes is not None and list(edit.changes) == [uri]
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    for change in sorted(edit.changes[uri], key=lambda e: offset(e.range.start), reverse=True):
        start, end = offset(change.range.start), offset(change.range.end)
        text = text[:start] + change.new_text + text[end:]
    return text


async def _actions(
    client: LanguageClient, uri: str, range_: types.Range, only: list[str] | None = None
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=range_,
            context=types.CodeActionContext(diagnostics=[], only=only),
        )
    )
    assert result is not None
    return [action for action in result if isinstance(action, types.CodeAction)]


async def _picked(client: LanguageClient, action: types.CodeAction) -> types.CodeAction:
    """The action as the editor applies it when the user picks it: an editor that resolves
    edits (VS Code, Neovim) asks for the edit then (``codeAction/resolve``); Emacs got it
    with the list."""
    if action.edit is not None:
        assert action.data is None
        return action
    assert action.data is not None
    resolved = await client.code_action_resolve_async(action)
    assert isinstance(resolved, types.CodeAction)
    return resolved


# Editors that resolve a code action's edit when it is picked, and one (Emacs 29's eglot)
# that takes every edit with the list.
BOTH_WAYS = pytest.mark.parametrize("client", ["visual-studio-code", "emacs"], indirect=True)


@pytest.mark.asyncio
async def test_the_buffer_is_linted_and_changes_update_it(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = write(tmp_path / "src" / "inventory" / "ids.py", CLEAN)  # saved clean
    uri = _open(client, path, FIXABLE)
    found = await _diagnostics(client, uri)
    assert _codes(found) == ["EVT101", "EVT104"]
    evt104 = next(diagnostic for diagnostic in found if diagnostic.code == "EVT104")
    # eventlint's 6:27-6:95 (1-based, characters), in the editor's 0-based positions.
    assert evt104.range == types.Range(
        start=types.Position(line=5, character=26), end=types.Position(line=5, character=94)
    )
    assert evt104.severity == types.DiagnosticSeverity.Warning
    assert evt104.source == "eventlint"
    assert "sort_keys=True" in evt104.message
    assert evt104.code_description is not None
    anchor = rule_anchor(rules_by_code()["EVT104"])
    assert evt104.code_description.href.endswith(f"docs/rules.md#{anchor}")
    _change(client, uri, CLEAN, 2)
    assert list(await _diagnostics(client, uri, lambda found: not found)) == []
    _change(client, uri, EMOJI, 3)
    again = await _diagnostics(client, uri, bool)
    assert _codes(again) == ["EVT104"]


@pytest.mark.asyncio
async def test_a_burst_of_changes_is_linted_once_at_its_latest_version(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(client, tmp_path / "src" / "inventory" / "ids.py", CLEAN)
    await _diagnostics(client, uri)
    for version in range(2, 6):  # typed faster than the debounce
        _change(client, uri, FIXABLE if version == 5 else CLEAN + f"# {version}\n", version)
    assert _codes(await _diagnostics(client, uri, bool)) == ["EVT101", "EVT104"]
    await asyncio.sleep(0.6)  # longer than the debounce: nothing else is on its way
    published = [params.version for params in client.published if params.uri == uri]  # type: ignore[attr-defined]
    assert published == [1, 5]


@pytest.mark.parametrize(
    ("client", "column"),
    [("visual-studio-code", 42), ("neovim@v0.11.0", 44), ("emacs", 41)],
    indirect=["client"],
)
@pytest.mark.asyncio
async def test_columns_are_in_the_negotiated_encoding(
    client: LanguageClient, tmp_path: Path, column: int
) -> None:
    # 🎉 is one character, two UTF-16 code units and four UTF-8 bytes: VS Code counts
    # UTF-16, Neovim prefers UTF-8 and Emacs UTF-32.
    uri = _open(client, tmp_path / "src" / "inventory" / "ids.py", EMOJI)
    (found,) = await _diagnostics(client, uri)
    assert found.code == "EVT104"
    assert (found.range.start.line, found.range.start.character) == (5, column)
    assert found.range.end.character == column + len("json.dumps(payload)")


@BOTH_WAYS
@pytest.mark.asyncio
async def test_code_actions_offer_the_fix_labelled_and_a_noqa(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(client, tmp_path / "src" / "inventory" / "ids.py", FIXABLE)
    found = await _diagnostics(client, uri)
    evt104 = next(diagnostic for diagnostic in found if diagnostic.code == "EVT104")
    start = types.Range(start=evt104.range.start, end=evt104.range.start)  # the cursor
    actions = {action.title: action for action in await _actions(client, uri, start)}
    fix_title = "eventlint: fix EVT104 (unsafe fix: review the change, it may alter behaviour)"
    noqa_title = "eventlint: suppress EVT104 with # noqa: EVT104"
    assert fix_title in actions and noqa_title in actions, list(actions)
    fix = await _picked(client, actions[fix_title])
    assert fix.kind == types.CodeActionKind.QuickFix and not fix.is_preferred
    assert fix.edit is not None
    fixed = _apply(FIXABLE, fix.edit, uri)
    assert fixed == FIXABLE.replace(".event_id})", ".event_id}, sort_keys=True)")
    noqa = actions[noqa_title]
    assert noqa.edit is not None
    suppressed = _apply(FIXABLE, noqa.edit, uri)
    lines = FIXABLE.splitlines()
    lines[5] += "  # noqa: EVT104"
    assert suppressed == "\n".join(lines) + "\n"
    # The comment does suppress it (and only it), as the editor sees after applying it.
    _change(client, uri, suppressed, 2)
    assert _codes(await _diagnostics(client, uri, lambda found: len(found) == 1)) == ["EVT101"]
    # A second code on that line joins the same comment.
    evt101 = next(diagnostic for diagnostic in found if diagnostic.code == "EVT101")
    actions = {action.title: action for action in await _actions(client, uri, evt101.range)}
    merged = actions["eventlint: suppress EVT101 with # noqa: EVT101"]
    assert merged.edit is not None
    assert (
        _apply(suppressed, merged.edit, uri)
        .splitlines()[5]
        .endswith(").hexdigest()  # noqa: EVT104, EVT101")
    )


@pytest.mark.asyncio
async def test_a_fix_is_made_when_picked_and_never_for_a_text_changed_since(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = _open(client, tmp_path / "src" / "inventory" / "ids.py", FIXABLE)
    found = await _diagnostics(client, uri)
    evt104 = next(diagnostic for diagnostic in found if diagnostic.code == "EVT104")
    listed = await _actions(client, uri, evt104.range)
    fix = next(action for action in listed if action.title.startswith("eventlint: fix EVT104"))
    # VS Code resolves edits: the list comes without the fix's edit (it costs a libcst
    # parse), the suppression's comes with it.
    assert fix.edit is None and fix.data is not None
    noqa = next(action for action in listed if "# noqa" in action.title)
    assert noqa.edit is not None
    _change(client, uri, FIXABLE + "\n# typed meanwhile\n", 2)
    resolved = await client.code_action_resolve_async(fix)
    assert resolved.edit is None  # the edit would be for a text the editor no longer shows
    # Listed again for the new text, it resolves to the fix of the new text.
    again = next(
        action
        for action in await _actions(client, uri, evt104.range)
        if action.title.startswith("eventlint: fix EVT104")
    )
    picked = await client.code_action_resolve_async(again)
    assert picked.edit is not None
    assert _apply(FIXABLE + "\n# typed meanwhile\n", picked.edit, uri).startswith(
        FIXABLE.replace(".event_id})", ".event_id}, sort_keys=True)")
    )


ERRORS = textwrap.dedent(
    """\
    import enum


    class ErrorCode(enum.Enum):
        OUT_OF_STOCK = "out_of_stock"


    class StockError(Exception):
        def __init__(self, message: str, error_code: ErrorCode | None = None) -> None:
            super().__init__(message)
            self.error_code = error_code


    def reserve(sku: str, quantity: int) -> None:
        if quantity > 3:
            raise StockError("Not enough units left in stock", error_code=ErrorCode.OUT_OF_STOCK)
    """
)
PINS_THE_MESSAGE = textwrap.dedent(
    """\
    import pytest

    from inventory.errors import StockError, reserve


    def test_out_of_stock():
        with pytest.raises(StockError) as info:
            reserve("sku-1", 5)
        assert str(info.value) == "Not enough units left in stock"
    """
)


@pytest.mark.asyncio
async def test_an_exact_message_in_the_buffer_is_fixed_to_compare_the_code(
    client: LanguageClient, tmp_path: Path
) -> None:
    write(tmp_path / "src" / "inventory" / "errors.py", ERRORS)
    # Saved on disk: a test with nothing to say. Only the buffer pins the message.
    test = write(tmp_path / "tests" / "test_reserve.py", "def test_nothing():\n    pass\n")
    uri = _open(client, test, PINS_THE_MESSAGE)
    (found,) = await _diagnostics(client, uri)
    assert (found.code, found.range.start.line) == ("EVT201", 8)
    listed = await _actions(client, uri, found.range, only=["quickfix"])
    fix = next(action for action in listed if action.title.startswith("eventlint: fix EVT201"))
    picked = await _picked(client, fix)
    assert picked.edit is not None
    fixed = _apply(PINS_THE_MESSAGE, picked.edit, uri)
    assert "str(info.value)" not in fixed and "info.value.error_code" in fixed
    compile(fixed, "test_reserve.py", "exec")
    _change(client, uri, fixed, 2)
    assert list(await _diagnostics(client, uri, lambda shown: not shown)) == []


@pytest.mark.asyncio
async def test_a_module_created_on_disk_clears_the_stale_import_in_the_buffer(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = "from inventory.shipping import ship\n\n\ndef test_ship():\n    assert ship\n"
    uri = _open(client, tmp_path / "tests" / "test_shipping.py", text)
    (found,) = await _diagnostics(client, uri)
    assert found.code == "EVT301" and "inventory.shipping" in found.message
    module = write(tmp_path / "src" / "inventory" / "shipping.py", "def ship() -> None: ...\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=module.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    assert list(await _diagnostics(client, uri, lambda shown: not shown)) == []


@BOTH_WAYS
@pytest.mark.asyncio
async def test_fix_all_applies_the_safe_fixes_only(client: LanguageClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "tests" / "test_levels.py", TEST_BUFFER)
    found = await _diagnostics(client, uri)
    assert _codes(found) == ["EVT104", "EVT301"]
    evt301 = next(diagnostic for diagnostic in found if diagnostic.code == "EVT301")
    quick = await _actions(client, uri, evt301.range, only=["quickfix"])
    safe = next(action for action in quick if action.title.startswith("eventlint: fix EVT301"))
    assert safe.title == "eventlint: fix EVT301 (safe fix)" and safe.is_preferred
    assert all(action.kind == types.CodeActionKind.QuickFix for action in quick)
    everything = types.Range(start=types.Position(line=0, character=0), end=evt301.range.start)
    for only in (["source.fixAll.eventlint"], ["source.fixAll"], ["source"]):
        (fix_all,) = await _actions(client, uri, everything, only=only)
        assert fix_all.kind == "source.fixAll.eventlint"
    fix_all = await _picked(client, fix_all)
    assert fix_all.edit is not None
    fixed = _apply(TEST_BUFFER, fix_all.edit, uri)
    # EVT301's import is rewritten; EVT104's unsafe fix (sort_keys=True) is not applied.
    assert fixed == TEST_BUFFER.replace("inventory.levels", "inventory.stock.levels")


@pytest.mark.asyncio
async def test_a_changed_pyproject_is_read_again(client: LanguageClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "src" / "inventory" / "ids.py", FIXABLE)
    assert _codes(await _diagnostics(client, uri)) == ["EVT101", "EVT104"]
    # VS Code watches files for servers that ask: pyproject.toml among them.
    (registration,) = client.registered  # type: ignore[attr-defined]
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = [watcher["globPattern"] for watcher in registration.register_options["watchers"]]
    assert "**/pyproject.toml" in globs
    pyproject = write(tmp_path / "pyproject.toml", PYPROJECT + 'ignore = ["EVT104"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert _codes(await _diagnostics(client, uri, lambda found: len(found) == 1)) == ["EVT101"]
    # An invalid configuration is said once, in a message, and no finding is guessed at.
    write(tmp_path / "pyproject.toml", PYPROJECT + 'selet = ["EVT1"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert list(await _diagnostics(client, uri, lambda found: not found)) == []
    (shown,) = client.messages
    assert shown.type == types.MessageType.Error
    assert shown.message.startswith("eventlint: ") and "selet" in shown.message
    # Saved from the editor: read again.
    write(tmp_path / "pyproject.toml", PYPROJECT)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=pyproject.as_uri())
        )
    )
    assert _codes(await _diagnostics(client, uri, lambda found: len(found) == 2)) == [
        "EVT101",
        "EVT104",
    ]


def test_without_pygls_the_server_names_the_extra(tmp_path: Path) -> None:
    probe = (
        "import sys\nsys.modules['pygls'] = None\n"
        "from eventlint.cli import main\nraise SystemExit(main(['server']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr == (
        "eventlint: error: eventlint server needs the lsp extra: pip install 'eventlint[lsp]'\n"
    )
    assert result.stdout == ""


_PIECES = st.sampled_from(["a", "b", " ", "\n", "\r\n", "\r", "\U0001f389", "é", "\x0c"])
_TEXTS = st.lists(_PIECES, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, _TEXTS)
def test_edits_of_changed_lines_make_the_new_text(old: str, new: str) -> None:
    # The conversions the code actions rely on, directly: the edits of changed lines,
    # applied in the protocol's way (every range against the original text), give `new`;
    # and a position converts back to the offset it came from, in every encoding.
    edits = line_edits(old, new)
    result = old
    for span, text in sorted(edits, key=lambda edit: edit[0].start, reverse=True):
        result = result[: span.start] + text + result[span.end :]
    assert result == new
    for encoding in ("utf-8", "utf-16", "utf-32"):
        index = LineIndex(old, encoding)
        for offset in range(len(old) + 1):
            if old[offset - 1 : offset + 1] != "\r\n" or offset == 0:  # not inside a \r\n
                assert index.offset(index.position(offset)) == offset


def test_the_server_takes_no_options_but_stdio(tmp_path: Path) -> None:
    wrong = run_cli("server", "--port", "2087", cwd=tmp_path)
    assert wrong.returncode == 2
    assert wrong.stderr == (
        "eventlint: error: usage: eventlint server [--stdio]  (a Language Server on stdin/stdout)\n"
    )
    shown = run_cli("server", "--help", cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout.startswith("usage: eventlint server")
