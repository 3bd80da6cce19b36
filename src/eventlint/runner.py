"""Runs the engine over files for the CLI: read, check or fix, write back safely."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from eventlint import sourcefile
from eventlint.discovery import SourcePath
from eventlint.engine import Engine, syntax_error_finding
from eventlint.finding import Finding


@dataclass
class FileResult:
    display: str
    findings: list[Finding] = field(default_factory=list)
    fixed: int = 0
    diff: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Mode:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False  # compute fixes, print them, write nothing


def run_file(engine: Engine, source: SourcePath, mode: Mode) -> FileResult:
    result = FileResult(source.display)
    try:
        data = sourcefile.read(source.path)
    except sourcefile.SourceError as error:
        result.warnings.append(f"{source.display}: {error}; skipped")
        return result
    selection = engine.select(source.path)
    # Most files contain none of the words any rule looks for: skip them before decoding.
    if not selection.rules or not selection.may_fire(data):
        return result
    try:
        decoded = sourcefile.decode(data)
    except sourcefile.SourceError as error:
        if selection.report_syntax_errors:
            result.findings.append(syntax_error_finding(source.display, str(error)))
        return result
    if not (mode.fix or mode.diff):
        result.findings = engine.lint_text(decoded.text, source.path, source.display)
        return result
    outcome = engine.fix_text(
        decoded.text, source.path, source.display, unsafe=mode.unsafe_fixes
    )
    result.findings = outcome.findings
    if outcome.refused:
        result.warnings.append(f"{source.display}: {outcome.refused}")
    if outcome.text == decoded.text:
        return result
    try:
        new_data = decoded.encode(outcome.text)
    except UnicodeEncodeError:
        result.warnings.append(
            f"{source.display}: the fixed code cannot be encoded as {decoded.encoding}; "
            "not written"
        )
        result.findings = engine.lint_text(decoded.text, source.path, source.display)
        return result
    result.fixed = outcome.applied
    if mode.diff:
        result.diff = "".join(
            difflib.unified_diff(
                decoded.text.splitlines(keepends=True),
                outcome.text.splitlines(keepends=True),
                fromfile=f"a/{source.display}",
                tofile=f"b/{source.display}",
            )
        )
        # Nothing is written, so what the diff would fix is still there.
        result.findings = engine.lint_text(decoded.text, source.path, source.display)
        return result
    try:
        sourcefile.write_atomically(source.path, new_data)
    except OSError as error:
        result.warnings.append(f"{source.display}: cannot write the fix: {error}")
        result.fixed = 0
        result.findings = engine.lint_text(decoded.text, source.path, source.display)
    return result


def run_files(engine: Engine, sources: Iterable[SourcePath], mode: Mode) -> list[FileResult]:
    return [run_file(engine, source, mode) for source in sources]
