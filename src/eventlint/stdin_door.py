"""``eventlint --stdin-filename PATH -``: lint one buffer read from stdin, as ruff does.

An editor hands over the text it shows, which may differ from the file saved at PATH: the
buffer is linted, never the file on disk. PATH says what the buffer is (its configuration,
whether it is a test file, its module for the project model: cross-file facts still come
from the project on disk). With ``--fix`` the fixed text is written to stdout (the buffer
unchanged when nothing applies) and the findings left go to stderr; with ``--diff`` the diff
against the buffer goes to stdout. Nothing is ever written to PATH, and the results cache is
not used (the buffer is not the file the cache knows).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from eventlint import diffs, sourcefile
from eventlint.engine import Engine
from eventlint.errors import ConfigError
from eventlint.file_kinds import PYTHON, kind_of_named
from eventlint.finding import Finding
from eventlint.parsing import SYNTAX_ERROR
from eventlint.reports import engine_finding

DEFAULT_NAME = "stdin.py"


@dataclass
class StdinResult:
    findings: list[Finding] = field(default_factory=list)
    output: bytes | None = None  # what goes to stdout instead of the report: code or a diff
    fixed: int = 0
    warnings: list[str] = field(default_factory=list)


def lint_buffer(
    engine: Engine,
    data: bytes,
    filename: str | None,
    *,
    fix: bool,
    diff: bool,
    unsafe_fixes: bool,
    force_exclude: bool,
) -> StdinResult:
    display = filename or DEFAULT_NAME
    path = Path(os.path.abspath(display))
    kind = kind_of_named(path)
    if kind is None:
        raise ConfigError(f"--stdin-filename {display}: a stub (.pyi) is never linted")
    result = StdinResult()
    settings = engine.resolver.for_path(path)
    if force_exclude and settings.is_excluded(path, with_ancestors=True):
        result.output = data if fix else (b"" if diff else None)
        return result
    try:
        decoded = sourcefile.decode(data)
    except sourcefile.SourceError as error:
        if kind == PYTHON and SYNTAX_ERROR in settings.codes_for(path):
            result.findings.append(engine_finding(SYNTAX_ERROR, display, str(error)))
        result.output = data if fix else (b"" if diff else None)
        return result
    if not (fix or diff):
        result.findings = engine.lint(decoded.text, path, display, kind=kind).findings
        return result
    outcome = engine.fix_text(decoded.text, path, display, unsafe=unsafe_fixes, kind=kind)
    if outcome.refused:
        result.warnings.append(f"{display}: {outcome.refused}")
    new_data = data
    if outcome.text != decoded.text:
        try:
            new_data = decoded.encode(outcome.text)
        except UnicodeEncodeError:
            result.warnings.append(
                f"{display}: the fixed code cannot be encoded as {decoded.encoding}; left unchanged"
            )
    unchanged = new_data == data
    if diff:
        result.output = b"" if unchanged else diffs.unified(data, new_data, display)
        # Nothing is applied: what the diff would fix is still in the buffer.
        result.findings = engine.lint(decoded.text, path, display, kind=kind).findings
        result.fixed = 0 if unchanged else outcome.applied
        return result
    result.output = new_data
    result.fixed = 0 if unchanged else outcome.applied
    result.findings = (
        engine.lint(decoded.text, path, display, kind=kind).findings
        if unchanged
        else outcome.findings
    )
    return result
