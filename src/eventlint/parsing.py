"""Parsing with libcst, guarded so that no input can crash the process.

libcst's native parser overflows the C stack (a segmentation fault, which no ``except`` can catch)
on brackets nested about a thousand deep. CPython itself refuses more than 200, so any file whose
brackets nest deeper than that is not valid Python: we let ``ast`` (which fails cleanly) give the
error instead of handing the file to libcst.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

import libcst as cst

# CPython's parser limit (MAXLEVEL in Parser/tokenizer.c).
_MAX_VALID_NESTING = 200

# Strings and comments, so that brackets inside them are not counted. Approximate on purpose:
# a miscount only sends the file through the ``ast`` check below, which is authoritative.
_STRINGS_AND_COMMENTS = re.compile(
    r"""(?:[rRbBuUfF]{0,2})(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")|\#[^\n]*"""
)
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")


@dataclass(frozen=True)
class ParseFailure:
    """Why a file could not be parsed, with a 1-based position."""

    message: str
    line: int
    column: int


def parse_ast(source: str | bytes) -> ast.Module:
    """``ast.parse`` without the SyntaxWarnings (``"\\d"``, ``1(2)``) it prints about the code
    it reads: eventlint's output is its findings. Raises what ``ast.parse`` raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)


def _max_nesting(text: str) -> int:
    depth = deepest = 0
    for char in _STRINGS_AND_COMMENTS.sub("", text):
        if char in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
    return deepest


def _may_nest_too_deep(text: str) -> bool:
    # Cheap first: a file with few brackets cannot nest deeply.
    if text.count("(") + text.count("[") + text.count("{") <= _MAX_VALID_NESTING:
        return False
    return _max_nesting(text) > _MAX_VALID_NESTING


def _explain(text: str, error: cst.ParserSyntaxError) -> ParseFailure:
    """CPython's message and position are clearer than libcst's: use them when it agrees."""
    try:
        parse_ast(text)
    except SyntaxError as cpython:
        return ParseFailure(
            f"syntax error: {cpython.msg}", cpython.lineno or 1, cpython.offset or 1
        )
    except (RecursionError, MemoryError, ValueError):
        pass
    message = str(error.message).removeprefix("parser error: ")
    # Valid for CPython but not for libcst (syntax newer than the installed libcst).
    return ParseFailure(
        f"libcst cannot parse this file: {message}", error.editor_line, error.editor_column
    )


def parse(text: str) -> cst.Module | ParseFailure:
    if _may_nest_too_deep(text):
        try:
            parse_ast(text)
        except SyntaxError as error:
            return ParseFailure(
                f"syntax error: {error.msg}", error.lineno or 1, (error.offset or 0) or 1
            )
        except (RecursionError, MemoryError, ValueError):
            return ParseFailure("too deeply nested to analyse", 1, 1)
        # ast accepted it, so the real nesting is within CPython's limit and safe for libcst.
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return _explain(text, error)
    except RecursionError:
        return ParseFailure("too deeply nested to analyse", 1, 1)
    except Exception as error:  # libcst raises a few other types on odd input
        return ParseFailure(f"cannot parse: {error}".splitlines()[0], 1, 1)
