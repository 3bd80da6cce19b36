"""``eventlint --add-noqa``: a ``# noqa: CODE`` for every finding that would be reported.

The comment goes where it suppresses the finding (see ``suppression``): at the end of the
last physical line of the finding's noqa line (after a multi-line string or a backslash
continuation, never inside a string), merged into the ``# noqa: X`` already there
(``# noqa: X, EVT201``). A bare ``# noqa`` already suppresses everything. Only the inserted
text changes: line endings, encoding and every other byte stay, and files are written as
``--fix`` writes them (``sourcefile.write_atomically``). Python files only: in the other
formats eventlint reads, a ``#`` is not always a comment (``per-file-ignores`` there).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eventlint import parsing, sourcefile
from eventlint.discovery import SourcePath
from eventlint.engine import Engine
from eventlint.file_kinds import PYTHON
from eventlint.finding import Finding
from eventlint.noqa_comments import NoqaLayout, layout
from eventlint.reports import fingerprint
from eventlint.suppression import LINE_NOQA

_LINE_BREAK = re.compile(r"\r\n?|\n")
# The engine's own codes: a ``# noqa`` on their *physical* line suppresses them.
_PHYSICAL_LINE_CODES = frozenset({parsing.NOT_ANALYSABLE})


@dataclass
class Added:
    """What ``--add-noqa`` did to the files."""

    directives: int = 0
    warnings: list[str] = field(default_factory=list)
    left: int = 0  # findings no comment could be added for


def insert(text: str, findings: Sequence[Finding]) -> tuple[str, int, list[Finding]]:
    """The text with the comments added, how many lines got one, and the findings that could
    not get one (the text does not tokenize, or a ``# noqa`` in a string owns the line)."""
    found = layout(text)
    if found is None:
        return text, 0, list(findings)
    wanted: dict[int, set[str]] = {}
    refused: list[Finding] = []
    for finding in findings:
        target = _target(found, finding)
        if target is None:
            refused.append(finding)
        else:
            wanted.setdefault(target, set()).add(finding.code)
    edits: list[tuple[int, str]] = []
    for line, codes in wanted.items():
        comment = found.comments.get(line)
        listed = ", ".join(sorted(codes))
        if comment is not None:
            # Merged after its last code: ``# noqa: E501`` becomes ``# noqa: E501, EVT201``.
            edits.append((comment.directive_end, f", {listed}" if comment.codes else f": {listed}"))
        else:
            content_end = found.line_end(line)
            start = found.starts[line - 1]
            while content_end > start and text[content_end - 1] in " \t\f":
                content_end -= 1
            edits.append((content_end, f"  # noqa: {listed}"))
    for offset, inserted in sorted(edits, reverse=True):
        text = text[:offset] + inserted + text[offset:]
    return text, len(edits), refused


def _target(found: NoqaLayout, finding: Finding) -> int | None:
    """The line whose end takes the comment for ``finding``, or None when none can."""
    if finding.code in _PHYSICAL_LINE_CODES:
        first, last = found.group(finding.line)
        return finding.line if last == finding.line else None
    if finding.code == parsing.SYNTAX_ERROR:
        return None  # the text does not parse: where a comment may go is not known
    first, last = found.group(finding.line)
    comment = found.comments.get(last)
    if comment is not None:
        return last if comment.effective else None
    joined = "\n".join(_LINE_BREAK.split(found.text)[first - 1 : last])
    # A ``# noqa`` inside a string of this line is the one flake8's semantics apply.
    return None if LINE_NOQA.search(joined) else last


def add_to_files(
    engine: Engine,
    sources: Sequence[SourcePath],
    findings: Sequence[Finding],
    within: Sequence[Path] | None,
) -> Added:
    """Add the comments for ``findings`` (as reported: after noqa, ignores and baseline)."""
    by_display: dict[str, list[Finding]] = {}
    for finding in findings:
        by_display.setdefault(finding.path, []).append(finding)
    added = Added()
    for source in sources:
        mine = by_display.pop(source.display, [])
        if not mine:
            continue
        if source.kind != PYTHON:
            added.left += len(mine)
            added.warnings.append(
                f"{source.display}: --add-noqa edits Python files only; "
                f"{len(mine)} finding(s) left (use per-file-ignores)"
            )
            continue
        _add_to_file(engine, source, mine, within, added)
    added.left += sum(len(rest) for rest in by_display.values())
    return added


def _add_to_file(
    engine: Engine,
    source: SourcePath,
    findings: list[Finding],
    within: Sequence[Path] | None,
    added: Added,
) -> None:
    limit = engine.resolver.for_path(source.path).config.max_file_size
    try:
        read = sourcefile.snapshot(source.path, limit)
        decoded = sourcefile.decode(read.data)
    except sourcefile.SourceError as error:
        added.left += len(findings)
        added.warnings.append(f"{source.display}: {error}; no noqa added")
        return
    lines = _LINE_BREAK.split(decoded.text)
    if any(_moved(finding, lines) for finding in findings):
        added.left += len(findings)
        added.warnings.append(f"{source.display}: changed during the run; no noqa added")
        return
    new_text, count, refused = insert(decoded.text, findings)
    for finding in refused:
        added.warnings.append(
            f"{finding.path}:{finding.line}: no `# noqa` can suppress {finding.code} here"
        )
    added.left += len(refused)
    if not count:
        return
    if isinstance(parsing.parse(new_text), parsing.ParseFailure) and not isinstance(
        parsing.parse(decoded.text), parsing.ParseFailure
    ):
        added.left += len(findings) - len(refused)
        added.warnings.append(f"{source.display}: adding noqa comments broke the code; not written")
        return
    intended = {(finding.code, finding.line) for finding in findings} - {
        (finding.code, finding.line) for finding in refused
    }
    still = [
        finding
        for finding in engine.lint_text(new_text, source.path, source.display)
        if (finding.code, finding.line) in intended
    ]
    for finding in still:
        added.warnings.append(f"{finding.path}:{finding.line}: {finding.code} is still reported")
    added.left += len(still)
    try:
        sourcefile.write_atomically(
            source.path, decoded.encode(new_text), expected=read, within=within
        )
    except (sourcefile.SourceError, UnicodeEncodeError) as error:
        added.left += len(findings) - len(refused)
        added.warnings.append(f"{source.display}: {error}")
        return
    added.directives += count


def _moved(finding: Finding, lines: list[str]) -> bool:
    """Whether the file no longer holds the finding's source text where it was found."""
    if not finding.fingerprint:
        return False
    start, end = (finding.line, finding.column - 1), (finding.end_line, finding.end_column - 1)
    return fingerprint(finding.code, lines, start, end) != finding.fingerprint


__all__ = ["Added", "add_to_files", "insert"]
