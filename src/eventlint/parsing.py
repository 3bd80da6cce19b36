"""Parsing for detection: CPython's ``ast``, the tree flake8 also parses.

A file the running Python cannot parse is reported, never skipped: invalid Python is EVT001
with CPython's own message and position; valid Python nested beyond what CPython's parser or
Python's recursion limit can hold is EVT002 (``ast.parse`` raises RecursionError or
MemoryError, cleanly). Nothing here loads libcst: it parses only for a fix
(``fixes.libcst_guard``).
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from dataclasses import dataclass

SYNTAX_ERROR = "EVT001"
NOT_ANALYSABLE = "EVT002"
TOO_DEEP = "too deeply nested to analyse"


@dataclass(frozen=True)
class ParseFailure:
    """Why a file could not be parsed, with a 1-based position and the code to report:
    EVT001 for invalid Python, EVT002 for valid Python eventlint cannot analyse."""

    message: str
    line: int
    column: int
    code: str = SYNTAX_ERROR


def parse_ast(source: str | bytes) -> ast.Module:
    """``ast.parse`` without the SyntaxWarnings (``"\\d"``, ``1(2)``) it prints about the code
    it reads: eventlint's output is its findings. Raises what ``ast.parse`` raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)


# A rough token: a string literal or a comment (one token each, however long), a word, or one
# character of punctuation. Within a few percent of Python's tokenizer on real files, at C
# speed.
_TOKEN = re.compile(
    r"""[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"|#[^\n]*|\w+|[^\w\s]"
)


def estimated_tokens(text: str) -> int:
    return sum(1 for _ in _TOKEN.finditer(text))


def too_large(text: str, max_tokens: int) -> ParseFailure | None:
    """EVT002 for a file over the opt-in ``max-file-tokens`` (0, the default: no limit).
    Counted only when the text could be that long."""
    if max_tokens <= 0 or len(text) <= max_tokens:
        return None
    count = estimated_tokens(text)
    if count <= max_tokens:
        return None
    return ParseFailure(
        f"too large to analyse: about {count:,} tokens, more than max-file-tokens ({max_tokens:,})",
        1,
        1,
        NOT_ANALYSABLE,
    )


def parse(text: str) -> ast.Module | ParseFailure:
    """The module's tree, or why there is none."""
    try:
        return parse_ast(text)
    except SyntaxError as error:
        return syntax_failure(error, text)
    except ValueError as error:  # null bytes (older Pythons say so with ValueError)
        return ParseFailure(f"syntax error: {error}".splitlines()[0], 1, 1)
    except (RecursionError, MemoryError):
        return ParseFailure(TOO_DEEP, 1, 1, NOT_ANALYSABLE)


# Syntax newer than the running Python, recognised on the line CPython stopped at: PEP 695's
# type parameters and ``type`` statements (3.12), PEP 701's f-strings (3.12).
_NEWER_SYNTAX = (
    ((3, 12), re.compile(r"^\s*type\s+[A-Za-z_]\w*\s*(\[.*\])?\s*=")),
    ((3, 12), re.compile(r"^\s*(async\s+)?def\s+[A-Za-z_]\w*\s*\[")),
    ((3, 12), re.compile(r"^\s*class\s+[A-Za-z_]\w*\s*\[")),
)


def syntax_failure(error: SyntaxError, text: str = "") -> ParseFailure:
    """EVT001 with CPython's message; when the line holds syntax of a later Python, the
    message says which one it needs (the file is reported, never silently passed)."""
    message = f"syntax error: {error.msg}"
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    needed = _needs_newer_python(error, text)
    if needed is not None:
        message += (
            f" (Python {needed[0]}.{needed[1]} syntax; this is Python {running}: "
            f"run eventlint on {needed[0]}.{needed[1]} or later)"
        )
    elif sys.version_info < (3, 12) and "f-string" in (error.msg or ""):
        message += (
            f" (Python 3.12 accepts more in f-strings; this is Python {running}: if the "
            "file targets 3.12, run eventlint on 3.12 or later)"
        )
    return ParseFailure(message, error.lineno or 1, (error.offset or 0) or 1)


def _needs_newer_python(error: SyntaxError, text: str) -> tuple[int, int] | None:
    line = error.text or ""
    if not line and text and error.lineno:
        lines = text.splitlines()
        line = lines[error.lineno - 1] if error.lineno <= len(lines) else ""
    for version, pattern in _NEWER_SYNTAX:
        if sys.version_info < version and pattern.search(line):
            return version
    return None


__all__ = ["NOT_ANALYSABLE", "SYNTAX_ERROR", "TOO_DEEP", "ParseFailure", "parse", "parse_ast"]
