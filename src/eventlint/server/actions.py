"""Code actions: what the editor offers for the findings under the cursor, and for the file.

For each finding in the requested range: its fix, when it has one that applies alone
(``quickfix``; an unsafe one says so in its title and is never the preferred action), and
"suppress with ``# noqa: EVTxxx``" (added to, or merged into, the ``# noqa`` comment of the
line that covers the finding). For the file: ``source.fixAll.eventlint``, every *safe* fix at
once, as ``eventlint --fix`` applies them. Edits replace only the runs of lines that change.
Everything here runs in the lint thread (see ``linting``).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types

from eventlint.file_kinds import PYTHON
from eventlint.finding import Applicability, Finding
from eventlint.server.diagnostics import diagnostic
from eventlint.server.linting import Buffer, Linter
from eventlint.server.positions import LineIndex, line_edits

FIX_ALL = "source.fixAll.eventlint"
QUICKFIX = types.CodeActionKind.QuickFix.value
# Formats whose comments cannot sit at the end of a line: suppressed per file instead.
_NO_LINE_COMMENTS = (".md", ".rst")
_NOQA_CODES = re.compile(r"#\s*noqa:\s?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*)", re.I)


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether the client asked for actions of ``kind`` (``only`` narrows by prefix:
    ``source`` and ``source.fixAll`` both ask for ``source.fixAll.eventlint``)."""
    if only is None:
        return True
    return any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def code_actions(
    linter: Linter,
    buffer: Buffer,
    requested: types.Range,
    only: Sequence[str] | None,
    encoding: str,
    *,
    lazy: bool = False,
) -> list[types.CodeAction]:
    """The actions for ``requested``. ``lazy`` (the editor resolves actions' edits with
    ``codeAction/resolve``): the fixes are listed without their edits, which are made only
    for the action the user picks (:func:`resolve`); a suppression's edit is cheap and comes
    with it."""
    index = LineIndex(buffer.text, encoding)
    actions: list[types.CodeAction] = []
    findings = linter.lint(buffer)
    if wanted(QUICKFIX, only):
        span = index.span(requested)
        for number, finding in enumerate(findings):
            found = index.finding_span(finding)
            if found.start <= span.end and span.start <= found.end:
                to_resolve = _Data.of_buffer(buffer, fix=number) if lazy else None
                actions += finding_actions(linter, buffer, finding, index, to_resolve)
    if wanted(FIX_ALL, only) and any(
        finding.fix is not None and finding.fix.applicability is Applicability.SAFE
        for finding in findings
    ):
        action = types.CodeAction(title="eventlint: fix all safe fixes", kind=FIX_ALL)
        if lazy:
            action.data = _Data.of_buffer(buffer, fix_all=True).as_json()
            actions.append(action)
        else:
            fixed = linter.fix_all_safe(buffer)
            if fixed != buffer.text:
                action.edit = _edit(buffer, index, fixed)
                actions.append(action)
    return actions


@dataclass(frozen=True)
class _Data:
    """What a lazy action carries to :func:`resolve`: its document and version, and which
    fix (the finding's number in the buffer's findings, or every safe fix)."""

    uri: str
    version: int | None
    fix: int | None = None
    fix_all: bool = False

    @classmethod
    def of_buffer(cls, buffer: Buffer, *, fix: int | None = None, fix_all: bool = False) -> _Data:
        return cls(buffer.uri, buffer.version, fix, fix_all)

    def as_json(self) -> dict[str, object]:
        return {"uri": self.uri, "version": self.version, "fix": self.fix, "fixAll": self.fix_all}

    @classmethod
    def of(cls, data: object) -> _Data | None:
        if not isinstance(data, dict):
            return None
        uri, version, fix = data.get("uri"), data.get("version"), data.get("fix")
        if (
            not isinstance(uri, str)
            or not (version is None or isinstance(version, int))
            or not (fix is None or isinstance(fix, int))
        ):
            return None
        return cls(uri, version, fix, data.get("fixAll") is True)


def data_uri(action: types.CodeAction) -> str | None:
    """The document a lazy action of ours belongs to, or None (not ours, or malformed)."""
    data = _Data.of(action.data)
    return data.uri if data is not None else None


def resolve(
    linter: Linter, buffer: Buffer, action: types.CodeAction, encoding: str
) -> types.CodeAction:
    """The lazy ``action`` with its edit; without one when the document is no longer at the
    action's version or the fix cannot be applied to it (the editor then applies nothing)."""
    data = _Data.of(action.data)
    if data is None or data.uri != buffer.uri or data.version != buffer.version:
        return action
    index = LineIndex(buffer.text, encoding)
    fixed: str | None = None
    if data.fix_all:
        fixed = linter.fix_all_safe(buffer)
    elif data.fix is not None:
        findings = linter.lint(buffer)
        if 0 <= data.fix < len(findings):
            fixed = linter.fix_finding(buffer, findings[data.fix])
    if fixed is not None and fixed != buffer.text:
        action.edit = _edit(buffer, index, fixed)
    return action


def finding_actions(
    linter: Linter,
    buffer: Buffer,
    finding: Finding,
    index: LineIndex,
    to_resolve: _Data | None = None,
) -> list[types.CodeAction]:
    shown = diagnostic(finding, index)
    actions: list[types.CodeAction] = []
    if finding.fix is not None:
        safe = finding.fix.applicability is Applicability.SAFE
        label = "safe fix" if safe else "unsafe fix: review the change, it may alter behaviour"
        action = types.CodeAction(
            title=f"eventlint: fix {finding.code} ({label})",
            kind=QUICKFIX,
            diagnostics=[shown],
            is_preferred=safe,
        )
        if to_resolve is not None:
            action.data = to_resolve.as_json()
            actions.append(action)
        else:
            fixed = linter.fix_finding(buffer, finding)
            if fixed is not None:
                action.edit = _edit(buffer, index, fixed)
                actions.append(action)
    suppressed = noqa_text(buffer, finding)
    if suppressed is not None:
        actions.append(
            types.CodeAction(
                title=f"eventlint: suppress {finding.code} with # noqa: {finding.code}",
                kind=QUICKFIX,
                diagnostics=[shown],
                edit=_edit(buffer, index, suppressed),
            )
        )
    return actions


def noqa_text(buffer: Buffer, finding: Finding) -> str | None:
    """The buffer with ``# noqa: CODE`` on the line that covers the finding (for Python the
    last line of its logical line: after a multi-line string or a backslash continuation);
    None where the format has no end-of-line comments."""
    if buffer.kind != PYTHON and buffer.path.name.endswith(_NO_LINE_COMMENTS):
        return None
    index = LineIndex(buffer.text)
    last = len(index.starts) - 1
    line = min(max(finding.line - 1, 0), last)
    if buffer.kind == PYTHON:
        line = min(_logical_line_end(buffer.text, line + 1) - 1, last)
    start, end = index.starts[line], index.line_end(line)
    content = buffer.text[start:end]
    match = _NOQA_CODES.search(content)
    if match is not None:
        codes = [code for code in re.split(r"[,\s]+", match.group("codes")) if code]
        if finding.code in codes:
            return None
        merged = f"# noqa: {', '.join([*codes, finding.code])}"
        content = content[: match.start()] + merged + content[match.end() :]
    else:
        stripped = content.rstrip()
        content = f"{stripped}  # noqa: {finding.code}" if stripped else f"# noqa: {finding.code}"
    return buffer.text[:start] + content + buffer.text[end:]


def _logical_line_end(text: str, line: int) -> int:
    """The last physical line (1-based) of the logical line holding ``line``, as flake8
    groups them for ``# noqa`` (see ``suppression.NoqaLines``); ``line`` itself when the
    text does not tokenize."""
    first = last = None
    try:
        readline = io.StringIO(text, newline=None).readline
        for token in tokenize.generate_tokens(readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first = token.start[0] if first is None else min(first, token.start[0])
            last = token.end[0] if last is None else max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                if first <= line <= last:
                    return last
                first = last = None
    except (tokenize.TokenError, SyntaxError):
        return line
    return line


def _edit(buffer: Buffer, index: LineIndex, new: str) -> types.WorkspaceEdit:
    """The edits that turn the buffer into ``new``, one per run of changed lines (LSP
    applies them all against the buffer as it is)."""
    edits = [
        types.TextEdit(range=index.range(span), new_text=text)
        for span, text in line_edits(buffer.text, new)
    ]
    return types.WorkspaceEdit(changes={buffer.uri: edits})


__all__ = ["FIX_ALL", "code_actions", "data_uri", "noqa_text", "resolve", "wanted"]
