"""Parsing with libcst for a fix, guarded so that no input can crash the process.

Detection never parses with libcst (rules read CPython's ``ast``); a fix does, on the one
file it edits. libcst's native parser overflows the C stack (a segmentation fault or an
abort, which no ``except`` can catch) on structures nested a few thousand deep: brackets,
and also long chains that CPython accepts, such as ``a or a or ...`` with 7,000 operands,
``+`` chains, attribute and call chains, unary and ternary chains, long ``elif`` chains.
So before libcst sees a file:

- when one statement holds enough chain-forming tokens to build such a chain at all
  (``_CHAIN_TOKEN_BUDGET``), the nesting libcst would build is measured on the ``ast`` tree
  iteratively (a ``BoolOp`` of *n* values is *n* levels deep for libcst), skipping statements
  too short to reach the bound; beyond ``MAX_NESTING`` libcst is not called and the fix is
  not offered for that file (its findings are still reported).

Below the bound, libcst's own code generation can still hit Python's recursion limit: that is
caught too, and the file's fixes are refused with the reason.
"""

from __future__ import annotations

import ast
import os
import re

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

# Strings and comments, so that brackets inside them are not counted. Approximate on purpose:
# a miscount only sends the file through the ``ast`` check below, which is authoritative.
_STRINGS_AND_COMMENTS = re.compile(
    r"""(?:[rRbBuUfF]{0,2})(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")|\#[^\n]*"""
)
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")


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


def too_deep_for_libcst(text: str, tree: ast.Module) -> bool:
    """Whether libcst's tree of ``text`` (parsed by ``ast`` as ``tree``) may nest deeply
    enough to crash its native parser."""
    # An ``elif`` chain is one nested ``If`` per branch for libcst too, over many lines.
    elifs = text.count("elif ") >= _CHAIN_TOKEN_BUDGET // 4
    if not (elifs or _may_nest_too_deep(text) or _may_chain_too_deep(text)):
        return False
    return nests_deeper_than(tree, text, nesting_limit())
