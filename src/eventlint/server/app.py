"""The language server's wiring: the LSP messages eventlint answers, over stdio (pygls).

Diagnostics are published for a document when it is opened, :data:`DEBOUNCE_SECONDS` after
the last change (only the latest version is linted), and when any file is saved. A file
saved or changed on disk (``didSave``, or ``workspace/didChangeWatchedFiles`` for the
watchers registered at start-up: pyproject.toml, Python files, pytest configs) may change the
configuration or the project's facts, so the engine is rebuilt and every open document
linted again. All linting runs in one thread beside the event loop, so the server keeps
reading messages while a large file is linted: a lint or code action that is superseded
(a newer change) or cancelled (``$/cancelRequest``) before it starts is dropped, and a
result for a version that is no longer the document's is never published.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lsprotocol import types
from pygls import uris
from pygls.lsp.server import LanguageServer

from eventlint import __version__
from eventlint.errors import ConfigError
from eventlint.finding import Finding
from eventlint.server.actions import FIX_ALL, code_actions, data_uri, resolve
from eventlint.server.diagnostics import diagnostic
from eventlint.server.linting import Buffer, Linter, kind_of_buffer, path_of
from eventlint.server.positions import UTF16, LineIndex

DEBOUNCE_SECONDS = 0.3
WATCHED = ("**/pyproject.toml", "**/*.py", "**/setup.cfg", "**/tox.ini", "**/pytest.ini")
_T = TypeVar("_T")
logger = logging.getLogger(__name__)


class EventlintServer(LanguageServer):
    """pygls' server with eventlint's state: the linter, its thread and pending lints."""

    def __init__(self) -> None:
        super().__init__("eventlint", __version__)
        self.linter = Linter()
        self.lint_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eventlint-lint")
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.reported: set[str] = set()
        self.rebuilding: asyncio.Task[None] | None = None

    async def in_lint_thread(self, function: Callable[..., _T], *args: Any) -> _T:
        """Run ``function`` in the lint thread. Cancelled before it starts, it never runs."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.lint_thread, functools.partial(function, *args))

    @property
    def resolves_edits(self) -> bool:
        """Whether the editor asks for a code action's edit when the user picks it
        (``codeAction/resolve``): then the list of actions is made without their fixes."""
        text_document = self.client_capabilities.text_document
        code_action = text_document.code_action if text_document else None
        support = code_action.resolve_support if code_action else None
        return support is not None and "edit" in support.properties

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or UTF16)

    def buffer(self, uri: str) -> Buffer | None:
        """A snapshot of the open document, or None: not open, not a file, or no file
        eventlint reads."""
        document = self.workspace.text_documents.get(uri)
        path = path_of(uris.to_fs_path(uri))
        if document is None or path is None:
            return None
        kind = kind_of_buffer(path, document.language_id)
        if kind is None:
            return None
        return Buffer(uri, path, document.source, document.version, kind)

    def is_current(self, buffer: Buffer) -> bool:
        document = self.workspace.text_documents.get(buffer.uri)
        return (
            document is not None
            and document.version == buffer.version
            and document.source == buffer.text
        )

    # -- diagnostics ---------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds, instead of any lint of it still pending."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        task = asyncio.ensure_future(self._publish(uri, delay))
        self.pending[uri] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self.pending.get(uri) is done:
                del self.pending[uri]

        task.add_done_callback(forget)

    async def _publish(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        buffer = self.buffer(uri)
        if buffer is None:
            return
        findings: list[Finding] = []
        try:
            findings = await self.in_lint_thread(self.linter.lint, buffer)
        except ConfigError as error:
            self.report_config_error(error)
        except Exception:
            self.log(types.MessageType.Error, f"linting {uri} failed:\n{traceback.format_exc()}")
            return
        if not self.is_current(buffer):
            return  # the document changed meanwhile: its own lint is on its way
        index = LineIndex(buffer.text, self.encoding)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri,
                version=buffer.version,
                diagnostics=[diagnostic(finding, index) for finding in findings],
            )
        )

    def clear(self, uri: str) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def files_changed(self) -> None:
        """Rebuild the engine (after the lints already running), then lint every open
        document again; changes that come in a burst rebuild once."""
        if self.rebuilding is not None and not self.rebuilding.done():
            self.rebuilding.cancel()
        self.rebuilding = asyncio.ensure_future(self._rebuild())

    async def _rebuild(self) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS / 3)
        await self.in_lint_thread(self.linter.rebuild)
        self.reported.clear()
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    def report_config_error(self, error: ConfigError) -> None:
        """Shown once per distinct error (until the next rebuild), not on every keystroke."""
        message = f"eventlint: {error}"
        if message in self.reported:
            return
        self.reported.add(message)
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Error, message=message)
        )

    def log(self, kind: types.MessageType, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))


def build() -> EventlintServer:
    """The server with its handlers registered."""
    server = EventlintServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: EventlintServer, params: types.InitializedParams) -> None:
        capabilities = ls.client_capabilities.workspace
        watched = capabilities.did_change_watched_files if capabilities else None
        if not (watched and watched.dynamic_registration):
            return  # the client watches nothing for us: only saves are seen
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
        )
        registration = types.Registration(
            id="eventlint-watched-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options,
        )
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception as error:  # the client said no: saves still reload
            ls.log(types.MessageType.Warning, f"file watchers not registered: {error}")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: EventlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: EventlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: EventlintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.files_changed()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: EventlintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.clear(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: EventlintServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        ls.files_changed()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=True
        ),
    )
    async def code_action(
        ls: EventlintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        buffer = ls.buffer(params.text_document.uri)
        if buffer is None:
            return None
        asked = params.context.only
        only = None if asked is None else [_kind_name(kind) for kind in asked]
        lint = functools.partial(code_actions, lazy=ls.resolves_edits)
        try:
            actions = await ls.in_lint_thread(
                lint, ls.linter, buffer, params.range, only, ls.encoding
            )
        except ConfigError as error:
            ls.report_config_error(error)
            return None
        # Edits for a text the editor no longer shows would damage it.
        return actions if ls.is_current(buffer) else None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(
        ls: EventlintServer, action: types.CodeAction
    ) -> types.CodeAction:
        uri = data_uri(action)
        buffer = ls.buffer(uri) if uri is not None else None
        if buffer is None:
            return action
        try:
            resolved = await ls.in_lint_thread(resolve, ls.linter, buffer, action, ls.encoding)
        except ConfigError as error:
            ls.report_config_error(error)
            return action
        if resolved.edit is None:
            ls.log(types.MessageType.Info, f"eventlint: {action.title}: nothing to apply")
        if not ls.is_current(buffer):
            resolved.edit = None  # made for a text the editor no longer shows
        return resolved

    return server


def _kind_name(kind: types.CodeActionKind | str) -> str:
    return kind.value if isinstance(kind, types.CodeActionKind) else kind


def serve() -> int:
    """Answer the client on stdin/stdout until it asks the server to exit."""
    server = build()
    try:
        server.start_io()
    finally:
        server.lint_thread.shutdown(wait=False, cancel_futures=True)
    return 0
