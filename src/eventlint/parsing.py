"""Parsing with libcst, guarded so that no input can crash the process.

libcst's native parser overflows the C stack (a segmentation fault or an abort, which no
``except`` can catch) on structures nested a few thousand deep: brackets, and also long
chains that CPython accepts, such as ``a or a or ...`` with 7,000 operands, ``+`` chains,
attribute and call chains, unary and ternary chains. Two guards run before libcst sees a file:

- brackets nested deeper than CPython allows (200) make the file invalid Python: ``ast``
  (which fails cleanly) gives the error;
- when one statement holds enough chain-forming tokens to build such a chain at all
  (``_CHAIN_TOKEN_BUDGET``), ``ast`` parses the file and the nesting libcst would build is
  measured iteratively (a ``BoolOp`` of *n* values is *n* levels deep for libcst), skipping
  statements too short to reach the bound; beyond ``MAX_NESTING`` libcst is not called and
  the file is reported as too deeply nested to analyse (EVT002, not EVT001: the file is
  valid Python).

Both guards are cheap text scans on ordinary files; the ``ast`` pass runs only for files that
may really hold a deep chain. If a crafted file still slipped past them, the process pool's
crash isolation is the second defence (``runner``).

Below the bound, libcst's own code generation can still hit Python's recursion limit; the
engine catches that and reports EVT002 too. A file CPython accepts but libcst rejects is
EVT002 as well: valid code is never reported as a parse error.
"""

from __future__ import annotations

import ast
import os
import re
import warnings
from dataclasses import dataclass

import libcst as cst

# CPython's parser limit (MAXLEVEL in Parser/tokenizer.c).
_MAX_VALID_NESTING = 200
# libcst's native parser crashes the process from about 7,000 chained operators; its code
# generation raises RecursionError (caught) from about 1,000. Past this estimate, do not parse.
MAX_NESTING = 2000
# A statement with fewer chain-forming tokens than this cannot build a chain deep enough to crash
# libcst: no ``ast`` pass. Measured (libcst 1.9, one token per level): lambda chains crash
# from about 3,500 levels, ternaries from 5,600, attribute chains from 5,900, the rest from
# 6,300 to 8,200. Shallower chains only raise RecursionError, which is caught.
_CHAIN_TOKEN_BUDGET = 2000
# Implicit string concatenation is not among them: a long one makes libcst raise (caught),
# it does not crash it.
_CHAIN_TOKENS = (
    " or ", " and ", "not ", "+", "-", "*", "/", "|", "&", "^", "%", "@", "<", ">", "~",
    ".", "(", "[", " if ", "lambda", "await ", "yield",
)  # fmt: skip

SYNTAX_ERROR = "EVT001"
NOT_ANALYSABLE = "EVT002"
TOO_DEEP = "too deeply nested to analyse"

# Strings and comments, so that brackets inside them are not counted. Approximate on purpose:
# a miscount only sends the file through the ``ast`` check below, which is authoritative.
_STRINGS_AND_COMMENTS = re.compile(
    r"""(?:[rRbBuUfF]{0,2})(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")|\#[^\n]*"""
)
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")


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
    message = str(error.message).removeprefix("parser error: ").splitlines()[0]
    # Valid for CPython but not for libcst (syntax newer than the installed libcst).
    return ParseFailure(
        f"valid Python that libcst cannot parse: {message}",
        error.editor_line,
        error.editor_column,
        NOT_ANALYSABLE,
    )


def nesting_limit() -> int:
    """``MAX_NESTING``, or ``EVENTLINT_NESTING_LIMIT`` when set: a diagnostic switch (raising
    it lets libcst see files that may crash it; the process pool then isolates the crash)."""
    try:
        return int(os.environ.get("EVENTLINT_NESTING_LIMIT", MAX_NESTING))
    except ValueError:
        return MAX_NESTING


def nests_deeper_than(tree: ast.AST, text: str, limit: int) -> bool:
    """Whether libcst's tree of this code would nest more than ``limit`` levels, measured
    without recursion.

    Every level of nesting takes at least one byte of source (``-x``, ``a.b``, ``a+b``; a
    ``BoolOp`` of *n* values, *n* levels deep for libcst, takes at least four per value), so a
    statement or expression narrower than the levels left cannot reach the limit and is not
    walked: on ordinary files only the few very long statements are."""
    data = text.encode("utf-8", "surrogatepass")
    # A lone \r is a line end for some readers and not others: measure such a file fully.
    line_starts = None if _LONE_CR.search(data) else _line_starts(data)
    # (node, depth, whether its position can be trusted)
    stack: list[tuple[ast.AST, int, bool]] = [(tree, 0, line_starts is not None)]
    while stack:
        node, depth, positioned = stack.pop()
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1  # binary for libcst, flat for ast
        if depth > limit:
            return True
        width = _width(node, line_starts) if positioned and line_starts else None
        # Twice the width plus a margin: wrappers without text of their own (an expression
        # statement, a keyword, a load context) add a level here and there.
        if width is not None and depth + 2 * width + 8 <= limit:
            continue
        # Positions inside f-strings have been wrong in some Python versions: not used there.
        inner = positioned and not isinstance(node, ast.JoinedStr)
        stack.extend((child, depth + 1, inner) for child in ast.iter_child_nodes(node))
    return False


def _line_starts(data: bytes) -> list[int]:
    """Byte offsets of each line's start (index 0 is line 1), as ``ast`` counts lines."""
    starts = [0]
    for match in _LINE_END.finditer(data):
        starts.append(match.end())
    return starts


# ast's positions are UTF-8 byte offsets on lines.
_LINE_END = re.compile(rb"\n")
_LONE_CR = re.compile(rb"\r(?!\n)")


def _width(node: ast.AST, line_starts: list[int]) -> int | None:
    """The node's extent in bytes of source; None when ast gives no position."""
    if not isinstance(node, (ast.stmt, ast.expr)):
        return None
    end_line, end_column = node.end_lineno, node.end_col_offset
    if end_line is None or end_column is None or end_line > len(line_starts):
        return None
    start = line_starts[node.lineno - 1] + node.col_offset
    width = line_starts[end_line - 1] + end_column - start
    return width if width > 0 else None


def _chain_tokens(text: str, stop_at: int) -> int:
    """How many chain-forming tokens ``text`` holds, counting no further than ``stop_at``."""
    total = 0
    for token in _CHAIN_TOKENS:
        total += text.count(token)
        if total >= stop_at:
            break
    return total


def _may_chain_too_deep(text: str) -> bool:
    """Whether one statement may hold enough chain-forming tokens to crash libcst.

    A chain lives in one logical line (a statement, with its bracketed continuations), so
    tokens are counted per logical line, not per file: a long file of ordinary statements
    needs no ``ast`` pass. Logical lines are found from brackets and backslashes outside
    strings and comments; tokens are counted on the raw text, strings included (an f-string
    holds expressions). Brackets that do not balance make the answer yes."""
    if _chain_tokens(text, _CHAIN_TOKEN_BUDGET) < _CHAIN_TOKEN_BUDGET:
        return False
    # Strings and comments blanked to spaces: offsets still match ``text``.
    code = _STRINGS_AND_COMMENTS.sub(_blanked, text)
    depth = start = offset = 0
    # Only \n ends a line here: ``str.splitlines`` also splits at a form feed, which Python
    # reads as whitespace inside a statement.
    for line in code.split("\n"):
        offset += len(line) + 1
        depth += sum(line.count(char) for char in "([{") - sum(line.count(c) for c in ")]}")
        if depth < 0:
            return True
        if depth > 0 or line.rstrip("\r\n").endswith("\\"):
            continue
        # Every token is at least a character long: a short logical line is not counted.
        if (
            offset - start >= _CHAIN_TOKEN_BUDGET
            and _chain_tokens(text[start:offset], _CHAIN_TOKEN_BUDGET) >= _CHAIN_TOKEN_BUDGET
        ):
            return True
        start = offset
    return depth > 0


def _blanked(match: re.Match[str]) -> str:
    # Newlines inside a string go too: a line break in a triple-quoted f-string does not end
    # the statement around it.
    return " " * len(match.group())


# A rough token: a string literal or a comment (one token each, however long), a word, or one
# character of punctuation. Within a few percent of Python's tokenizer on real files, at C
# speed.
_TOKEN = re.compile(
    r"""[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"|#[^\n]*|\w+|[^\w\s]"
)
# What libcst's tree costs per token: 2 to 4 KiB on ordinary code (measured on the largest
# modules of django, sqlalchemy and sympy), up to 7 KiB on deeply nested expressions.
_BYTES_PER_TOKEN = 3072


def estimated_tokens(text: str) -> int:
    return sum(1 for _ in _TOKEN.finditer(text))


def too_large(text: str, max_tokens: int) -> ParseFailure | None:
    """EVT002 for a file whose libcst tree would not fit the memory budget ``max_tokens``
    stands for (0: no limit). Counted only when the text could be that long."""
    if max_tokens <= 0 or len(text) <= max_tokens:
        return None
    count = estimated_tokens(text)
    if count <= max_tokens:
        return None
    mebibytes = count * _BYTES_PER_TOKEN // 2**20
    return ParseFailure(
        f"too large to analyse: about {count:,} tokens, more than max-file-tokens "
        f"({max_tokens:,}); parsing it would take about {mebibytes:,} MiB",
        1,
        1,
        NOT_ANALYSABLE,
    )


def parse(text: str) -> cst.Module | ParseFailure:
    if "\x00" in text:
        # CPython refuses it; libcst would parse it.
        return ParseFailure("syntax error: source code cannot contain null bytes", 1, 1)
    if _may_nest_too_deep(text) or _may_chain_too_deep(text):
        try:
            tree = parse_ast(text)
        except SyntaxError as error:
            return ParseFailure(
                f"syntax error: {error.msg}", error.lineno or 1, (error.offset or 0) or 1
            )
        except (RecursionError, MemoryError, ValueError):
            return ParseFailure(TOO_DEEP, 1, 1, NOT_ANALYSABLE)
        if nests_deeper_than(tree, text, nesting_limit()):
            return ParseFailure(TOO_DEEP, 1, 1, NOT_ANALYSABLE)
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return _explain(text, error)
    except (RecursionError, MemoryError):
        return ParseFailure(TOO_DEEP, 1, 1, NOT_ANALYSABLE)
    except Exception as error:  # libcst raises a few other types on odd input
        return ParseFailure(f"cannot parse: {error}".splitlines()[0], 1, 1)
