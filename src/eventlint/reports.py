"""From what was found to a :class:`~eventlint.finding.Finding`: a rule's report (positioned
from its ``ast`` node or span), or the engine's own findings (EVT001/EVT002), each with the
fingerprint that baselines and the ecosystem reviews key on (the code and the flagged text,
whitespace-normalised, so that it survives line shifts)."""

from __future__ import annotations

import hashlib

from eventlint.finding import Finding
from eventlint.rules.base import FileContext, Report


def engine_finding(
    code: str, display: str, message: str, line: int = 1, column: int = 1
) -> Finding:
    return Finding(
        code=code,
        message=message,
        path=display,
        line=line,
        column=column,
        end_line=line,
        end_column=column,
    )


def fingerprint(code: str, lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    """A hash of the code and the source text between ``start`` and ``end`` (1-based lines,
    0-based columns), whitespace-normalised."""
    (line, column), (end_line, end_column) = start, end
    chunk = lines[line - 1 : end_line]
    if chunk:
        chunk[-1] = chunk[-1][:end_column] if end_line > line else chunk[-1][column:end_column]
        if end_line > line:
            chunk[0] = chunk[0][column:]
    text = " ".join(" ".join(chunk).split())
    return hashlib.sha256(f"{code}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()[:20]


def finding_of(context: FileContext, report: Report, lines: list[str]) -> Finding:
    """The finding a rule's report makes, positioned as flake8 and ruff report it."""
    if report.node is not None:
        where = context.position(report.node)
        line, column = where.start.line, where.start.column
        end_line, end_column = where.end.line, where.end.column
    else:
        assert report.span is not None
        line, column, end_line, end_column = report.span
    return Finding(
        code=report.code,
        message=report.message,
        path=context.path,
        line=line,
        column=column + 1,
        end_line=end_line,
        end_column=end_column + 1,
        fix=report.fix,
        fingerprint=fingerprint(report.code, lines, (line, column), (end_line, end_column)),
        reference=report.reference,
    )
