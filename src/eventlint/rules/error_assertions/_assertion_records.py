"""What the EVT2xx analysis records: caught errors, the ways a test reads their messages,
the comparisons and ``match=`` patterns it makes of them."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from eventlint.rules.error_assertions._message_literals import StringLiteral

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(eq=False)
class CaughtError:
    source: str  # "pytest.raises", "assertRaises" or "except"
    exception_type: ast.expr | None


@dataclass(frozen=True, eq=False)
class MessageUse:
    """An error's message as a test reads it: ``str(info.value)``, ``err.args[0]``, ..."""

    error: CaughtError
    error_expr: ast.expr  # ``info.value`` as written (an Attribute or a Name)
    form: str  # "str", "args[0]", "args" or the attribute path ("message", "detail.message")
    node: ast.expr


@dataclass(eq=False)
class MessageComparison:
    """``message == literal`` (an assert or ``assertEqual``)."""

    node: ast.Compare | ast.Call  # what is reported: the comparison or the assertEqual call
    message: MessageUse
    literal: StringLiteral
    operator: str  # "==" or "in"
    statement: ast.Assert | ast.Expr | None  # the statement, when its lines hold nothing else
    removable: bool  # the statement's block has other statements
    function: FunctionNode | None
    disguised: bool = False  # an ``if`` whose other branch fails the test (no fix)


@dataclass(frozen=True, eq=False)
class MatchPattern:
    """``pytest.raises(E, match=...)`` or ``assertRaisesRegex(E, ...)``."""

    call: ast.Call
    pattern: ast.expr
    exception_type: ast.expr | None


@dataclass(frozen=True, eq=False)
class PendingComparison:
    """Two sides compared in an assertion, before it is known whether one is a caught
    error's message (aliases may be assigned after their use)."""

    node: ast.Compare | ast.Call  # the comparison, or the assertEqual/assertIn call
    first: ast.expr
    second: ast.expr
    operator: str  # "==" or "in"
    statement: ast.Assert | ast.Expr | None  # the statement, when its lines hold nothing else
    removable: bool  # the statement's block has other statements
    # ``if str(err) != "...": raise`` (or ``self.fail(...)``): it asserts as surely, but is
    # not an assert statement a fix could rewrite.
    disguised: bool = False
