"""Shared analysis of the EVT2xx rules: which values are caught errors, and what tests do
with their messages.

A value is a caught error only by where it comes from: ``pytest.raises(...) as info``
(``info.value``), ``self.assertRaises(...) as cm`` (``cm.exception``), ``except ... as err``,
or a local alias of one of those. A variable that merely has a short name like ``e`` is not.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eventlint import parsing
from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.scopes import string_value
from eventlint.analysis.walk import descendants, walk
from eventlint.project import ClassInfo
from eventlint.rules.base import FileContext

_ASSERT_RAISES = frozenset({"assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})
_ASSERT_RAISES_REGEX = frozenset({"assertRaisesRegex", "assertRaisesRegexp"})
_ASSERT_EQUAL = frozenset({"assertEqual", "assertEquals"})
_ASSERT_IN = frozenset({"assertIn"})
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Exc", "Failure", "Warning", "Fault")
# What may follow a statement on its last line and leave it alone there: a comment. (Not a
# semicolon: removing the statement would leave the semicolon behind, and the file broken.)
_END_OF_STATEMENT = re.compile(r"[ \t\f]*(?:#.*)?")

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
SourceOf = Callable[[ast.AST], str]


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


@dataclass(frozen=True, eq=False)
class StringLiteral:
    node: ast.expr
    text: str  # the string's value (an f-string: its source)
    is_tuple: bool = False


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


@dataclass(eq=False)
class _Function:
    node: FunctionNode | None
    contexts: dict[str, CaughtError] = field(default_factory=dict)
    excepts: dict[str, CaughtError] = field(default_factory=dict)
    aliases: dict[str, ast.expr] = field(default_factory=dict)
    pending: list[PendingComparison] = field(default_factory=list)


@dataclass
class ErrorAssertionAnalysis:
    imports: ImportMap
    comparisons: list[MessageComparison]
    patterns: list[MatchPattern]
    # Strings the test module itself hands to the code (assigned, passed, returned, raised,
    # set as side_effect...): comparing a message to one checks pass-through, not wording.
    built_literals: set[str]
    # (function, error) pairs whose code the test already compares.
    codes_checked: set[tuple[int, int]]
    context: FileContext

    def error_class(self, error: CaughtError) -> ClassInfo | None:
        if error.exception_type is None:
            return None
        name = dotted_name(error.exception_type)
        return self.context.project.resolve_class(name) if name is not None else None


def literal_of(node: ast.expr, source_of: SourceOf) -> StringLiteral | None:
    """A string literal (implicit concatenation included), an f-string (its text is its
    source) or a one-string tuple (``("message",)``, what ``err.args`` is compared to)."""
    value = string_value(node)
    if value is not None:
        return StringLiteral(node, value)
    if isinstance(node, ast.JoinedStr):
        return StringLiteral(node, source_of(node))
    if isinstance(node, ast.Tuple) and len(node.elts) == 1:
        inner = string_value(node.elts[0])
        if inner is not None:
            return StringLiteral(node, inner, is_tuple=True)
    return None


def _unstarred(node: ast.expr) -> ast.expr:
    """A ``*args`` argument stands for its value."""
    return node.value if isinstance(node, ast.Starred) else node


def _catches(item: ast.withitem, imports: ImportMap) -> tuple[str, str, ast.Call] | None:
    """For ``with <call> as <name>`` that binds a caught error: what catches it
    ("pytest.raises", or a ``raises`` wrapper; "assertRaises" for ``assertRaises*``), the
    name and the call. None for any other item."""
    call = item.context_expr
    target = item.optional_vars
    if not isinstance(target, ast.Name) or not isinstance(call, ast.Call):
        return None
    if _is_raises(imports.qualify(call.func)):
        return "pytest.raises", target.id, call
    if isinstance(call.func, ast.Attribute) and call.func.attr in _ASSERT_RAISES:
        return "assertRaises", target.id, call
    return None


def _first_positional(call: ast.Call) -> ast.expr | None:
    """The first argument, when it is positional (``raises(E, ...)``, not
    ``raises(match=..., *types)``)."""
    if not call.args:
        return None
    first = call.args[0]
    if call.keywords:
        keyword = call.keywords[0]
        if (keyword.lineno, keyword.col_offset) < (first.lineno, first.col_offset):
            return None
    return _unstarred(first)


def _sole_argument(call: ast.Call) -> ast.expr | None:
    """The value of a call's only argument (positional or keyword), or None."""
    if len(call.args) + len(call.keywords) != 1:
        return None
    return _unstarred(call.args[0]) if call.args else call.keywords[0].value


# The statement lists of compound statements (an ``elif`` is an ``If`` in its ``orelse``).
_BLOCKS = (
    ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.AsyncFor,
    ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try, ast.TryStar, ast.ExceptHandler,
    ast.match_case,
)  # fmt: skip
_BLOCK_FIELDS = ("body", "orelse", "finalbody")


class _Collector:
    def __init__(
        self,
        context: FileContext,
        imports: ImportMap,
        message_attributes: tuple[str, ...],
        code_attributes: tuple[str, ...],
    ) -> None:
        self.context = context
        self.imports = imports
        self.message_attributes = message_attributes
        self.code_attributes = code_attributes
        self.functions: list[_Function] = [_Function(node=None)]
        self.stack: list[_Function] = [self.functions[0]]
        # The size of the block each assert and expression statement is in.
        self.block_sizes: dict[int, int] = {}
        self.statement: ast.Assert | ast.Expr | None = None
        self.patterns: list[MatchPattern] = []
        self.built: set[str] = set()
        # Only assertions are judged: ``if "x" in str(err):`` branches, it does not assert.
        self.asserting = 0
        handlers: dict[type[ast.AST], Callable[[_Collector, Any], None]] = {
            ast.withitem: _Collector._with_item,
            ast.ExceptHandler: _Collector._except_handler,
            ast.Assign: _Collector._assign,
            ast.Raise: _Collector._raise,
            ast.Call: _Collector._call,
            ast.Assert: _Collector._assert,
            ast.Expr: _Collector._expression_statement,
            ast.Compare: _Collector._comparison,
            ast.FunctionDef: _Collector._function,
            ast.AsyncFunctionDef: _Collector._function,
        }
        self._handlers = handlers

    # ---- walking -------------------------------------------------------------------------

    def enter(self, node: ast.AST) -> bool:
        # Only some node types matter; everything else is passed over with one dict lookup.
        kind = type(node)
        handler = self._handlers.get(kind)
        if handler is not None:
            handler(self, node)
        if kind in _BLOCKS:
            self._block(node)
        return True

    def leave(self, node: ast.AST) -> None:
        kind = type(node)
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            self.stack.pop()
        elif kind is ast.Assert:
            self.asserting -= 1
            self.statement = None
        elif kind is ast.Expr:
            self.statement = None

    def _block(self, node: ast.AST) -> None:
        for name in _BLOCK_FIELDS:
            statements = getattr(node, name, None)
            if not isinstance(statements, list):
                continue
            for statement in statements:
                if isinstance(statement, (ast.Assert, ast.Expr)):
                    self.block_sizes[id(statement)] = len(statements)

    def _function(self, node: FunctionNode) -> None:
        new = _Function(node=node)
        self.functions.append(new)
        self.stack.append(new)

    def _assert(self, node: ast.Assert) -> None:
        self.asserting += 1
        self.statement = node

    def _expression_statement(self, node: ast.Expr) -> None:
        self.statement = node

    def _statement_for(self, node: ast.expr) -> tuple[ast.Assert | ast.Expr | None, bool]:
        """The statement that is ``node`` (asserted, or a call on its own) when its lines hold
        nothing else, and whether its block has other statements."""
        statement = self.statement
        if statement is None:
            return None, False
        if isinstance(statement, ast.Assert):
            if statement.test is not node:
                return None, False
        elif statement.value is not node:
            return None, False
        if not self._alone_on_its_lines(statement):
            return None, False
        return statement, self.block_sizes.get(id(statement), 0) > 1

    def _alone_on_its_lines(self, statement: ast.stmt) -> bool:
        """Nothing before it on its first line (``x = 1;``, ``if c:``), nothing but a
        comment after it on its last."""
        where = self.context.position(statement)
        lines = self.context.lines
        before = lines[where.start.line - 1][: where.start.column]
        after = lines[where.end.line - 1][where.end.column :]
        return not before.strip(" \t\f") and _END_OF_STATEMENT.fullmatch(after) is not None

    def _with_item(self, node: ast.withitem) -> None:
        caught = _catches(node, self.imports)
        if caught is not None:
            source, name, call = caught
            self.stack[-1].contexts[name] = CaughtError(source, _first_positional(call))

    def _except_handler(self, node: ast.ExceptHandler) -> None:
        if node.name is not None:
            self.stack[-1].excepts[node.name] = CaughtError("except", node.type)

    def _assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.stack[-1].aliases[target.id] = node.value
            elif isinstance(target, ast.Attribute) and target.attr == "side_effect":
                self._remember_literals(node.value)

    def _raise(self, node: ast.Raise) -> None:
        self._remember_literals(node.exc)

    def _call(self, node: ast.Call) -> None:
        name = dotted_name(node.func) or ""
        if name.split(".")[-1].endswith(_EXCEPTION_SUFFIXES):
            self._remember_literals(node)
        for keyword in node.keywords:
            if keyword.arg == "side_effect":
                self._remember_literals(keyword.value)
        func = node.func
        if _is_raises(self.imports.qualify(func)):
            exception = _first_positional(node)
            for keyword in node.keywords:
                if keyword.arg == "match":
                    self.patterns.append(MatchPattern(node, keyword.value, exception))
        elif isinstance(func, ast.Attribute) and func.attr in _ASSERT_RAISES_REGEX:
            positional = [_unstarred(arg) for arg in node.args]
            pattern = next(
                (keyword.value for keyword in node.keywords if keyword.arg == "expected_regex"),
                positional[1] if len(positional) > 1 else None,
            )
            if pattern is not None:
                exception = positional[0] if positional else None
                self.patterns.append(MatchPattern(node, pattern, exception))
        elif isinstance(func, ast.Attribute) and func.attr in _ASSERT_EQUAL | _ASSERT_IN:
            values = [_unstarred(arg) for arg in node.args]
            if len(values) >= 2:
                operator = "==" if func.attr in _ASSERT_EQUAL else "in"
                statement, removable = self._statement_for(node)
                self.stack[-1].pending.append(
                    PendingComparison(node, values[0], values[1], operator, statement, removable)
                )

    def _comparison(self, node: ast.Compare) -> None:
        if not self.asserting or len(node.ops) != 1:
            return
        if isinstance(node.ops[0], ast.Eq):
            operator = "=="
        elif isinstance(node.ops[0], ast.In):
            operator = "in"
        else:
            return
        statement, removable = self._statement_for(node)
        self.stack[-1].pending.append(
            PendingComparison(node, node.left, node.comparators[0], operator, statement, removable)
        )

    def _remember_literals(self, node: ast.AST | None) -> None:
        if node is not None:
            self.built.update(literal_texts(node, self.context.source_of))

    # ---- judging, after the walk (aliases may be assigned after use) ----------------------

    def error_of(self, expr: ast.expr, function: _Function, depth: int = 0) -> CaughtError | None:
        if depth > 8:
            return None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            holder = function.contexts.get(expr.value.id)
            if holder is not None:
                wanted = "value" if holder.source == "pytest.raises" else "exception"
                if expr.attr == wanted:
                    return holder
            return None
        if isinstance(expr, ast.Name):
            if expr.id in function.excepts:
                return function.excepts[expr.id]
            alias = function.aliases.get(expr.id)
            if alias is not None:
                return self.error_of(alias, function, depth + 1)
        return None

    def message_of(self, expr: ast.expr, function: _Function) -> MessageUse | None:
        if isinstance(expr, ast.Call):
            called = self.imports.qualify(expr.func)
            # ``repr(err)`` is the class name around the message: a message read too.
            if called in ("builtins.repr", "builtins.str"):
                argument = _sole_argument(expr)
                error = self.error_of(argument, function) if argument is not None else None
                if argument is None or error is None:
                    return None
                return MessageUse(error, argument, called.removeprefix("builtins."), expr)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Attribute):
            index = expr.slice
            if (
                expr.value.attr == "args"
                and isinstance(index, ast.Constant)
                and type(index.value) is int
                and index.value == 0
            ):
                error = self.error_of(expr.value.value, function)
                if error is not None:
                    return MessageUse(error, expr.value.value, "args[0]", expr)
            return None
        if isinstance(expr, ast.Attribute):
            if expr.attr == "args":
                error = self.error_of(expr.value, function)
                return MessageUse(error, expr.value, "args", expr) if error else None
            if expr.attr in self.message_attributes:
                error = self.error_of(expr.value, function)
                if error is not None:
                    return MessageUse(error, expr.value, expr.attr, expr)
                if isinstance(expr.value, ast.Attribute):  # err.error_detail.message
                    error = self.error_of(expr.value.value, function)
                    if error is not None:
                        form = f"{expr.value.attr}.{expr.attr}"
                        return MessageUse(error, expr.value.value, form, expr)
        return None

    def code_check(self, expr: ast.expr, function: _Function) -> CaughtError | None:
        """The error whose code ``expr`` reads: ``err.error_code``, ``err.code.value``..."""
        while isinstance(expr, ast.Attribute):
            if expr.attr in self.code_attributes:
                found = self.error_of(expr.value, function)
                if found is not None:
                    return found
            expr = expr.value
        return None


def literal_texts(node: ast.AST, source_of: SourceOf) -> list[str]:
    """The text of every string literal in ``node``'s subtree (an f-string's literal parts
    and format specification are part of it, not literals of their own)."""
    found: list[str] = []
    parts: set[int] = set()
    for inner in descendants(node):  # a parent comes before its children
        if isinstance(inner, ast.JoinedStr):
            if id(inner) not in parts:
                found.append(source_of(inner))
            parts.update(id(part) for part in _parts_of(inner))
        elif id(inner) not in parts:
            value = string_value(inner)
            if value is not None:
                found.append(value)
    return found


def _parts_of(node: ast.JoinedStr) -> list[ast.AST]:
    """The literal text and format specifications an f-string is made of."""
    parts: list[ast.AST] = []
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            if value.format_spec is not None:
                parts.append(value.format_spec)
        else:
            parts.append(value)
    return parts


def analyse(context: FileContext) -> ErrorAssertionAnalysis:
    module = context.module
    imports = context.imports
    options = context.settings.config.error_assertions
    collector = _Collector(context, imports, options.message_attributes, options.code_attributes)
    walk(module, collector.enter, collector.leave)
    comparisons: list[MessageComparison] = []
    codes_checked: set[tuple[int, int]] = set()
    for function in collector.functions:
        for pending in function.pending:
            first, second, operator = pending.first, pending.second, pending.operator
            for side in (first, second):
                checked = collector.code_check(side, function)
                if checked is not None:
                    codes_checked.add((id(function.node), id(checked)))
            for message_side, literal_side in ((first, second), (second, first)):
                if operator == "in" and message_side is first:
                    continue  # ``"fragment" in str(err)``: the literal is on the left
                message = collector.message_of(message_side, function)
                literal = literal_of(literal_side, context.source_of)
                if message is None or literal is None:
                    continue
                if literal.is_tuple != (message.form == "args"):
                    continue
                comparisons.append(
                    MessageComparison(
                        node=pending.node,
                        message=message,
                        literal=literal,
                        operator=operator,
                        statement=pending.statement,
                        removable=pending.removable,
                        function=function.node,
                    )
                )
                break
    judged: list[ast.expr] = [comparison.literal.node for comparison in comparisons]
    judged += [pattern.pattern for pattern in collector.patterns]
    # The given strings only matter against something judged: most test modules compare no
    # message, and skip the second walk.
    given = _given_literals(context, judged) if judged else set()
    return ErrorAssertionAnalysis(
        imports=imports,
        comparisons=comparisons,
        patterns=collector.patterns,
        built_literals=collector.built | given,
        codes_checked=codes_checked,
        context=context,
    )


def _is_raises(qualified: str | None) -> bool:
    """``pytest.raises``, or a wrapper of it the project re-exports (``mypkg.testing.raises``)."""
    return qualified is not None and (qualified == "raises" or qualified.endswith(".raises"))


def _given_literals(context: FileContext, judged: list[ast.expr]) -> set[str]:
    """Every string the module holds outside what it expects, and outside docstrings: data
    the test gives the code under test (assigned, passed, returned, raised, set as
    ``side_effect``), whatever it does with it.

    Expected values are not given: the comparisons and patterns being judged, other
    comparisons, arguments of ``assert*`` calls (``self.assertRaisesMessage(E, msg)``,
    ``mock.assert_called_with(...)``), ``match=`` patterns, and variables used only there
    (``msg = "..."`` then ``assertRaisesMessage(E, msg)``). A name counts as used wherever
    it is written, as a variable or otherwise (``self.MESSAGE``, ``f(msg=...)``, a parameter,
    an import). One walk over the module."""
    finder = _GivenFinder({id(node) for node in judged}, context)
    walk(context.module, finder.enter, finder.leave)
    return finder.given()


def _identifiers(node: Any) -> list[str]:
    """The identifiers a node writes other than as an ``ast.Name``."""
    kind = type(node)
    if kind is ast.Attribute:
        return [node.attr]
    if kind is ast.keyword or kind is ast.arg:
        return [node.arg] if node.arg else []
    if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler):
        return [node.name] if node.name else []
    if kind is ast.alias:
        return [*node.name.split("."), *([node.asname] if node.asname else [])]
    if kind is ast.ImportFrom:
        return node.module.split(".") if node.module else []
    if kind is ast.Global or kind is ast.Nonlocal:
        return list(node.names)
    if kind is ast.MatchAs or kind is ast.MatchStar:
        return [node.name] if node.name else []
    if kind is ast.MatchMapping:
        return [node.rest] if node.rest else []
    if kind is ast.MatchClass:
        return list(node.kwd_attrs)
    return []


_WRITES_IDENTIFIERS = frozenset(
    {
        ast.Attribute, ast.keyword, ast.arg, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
        ast.ExceptHandler, ast.alias, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.MatchAs,
        ast.MatchStar, ast.MatchMapping, ast.MatchClass,
    }
)  # fmt: skip


class _GivenFinder:
    def __init__(self, judged: set[int], context: FileContext) -> None:
        self._context = context
        self._expected_roots = set(judged)  # nodes whose subtree holds expected values
        self._depth = 0  # how many expected regions the walk is inside
        self._targets: set[int] = set()  # names being assigned, not used
        self._uses: dict[str, list[bool]] = {}  # name -> whether each use is expected
        self._found: list[tuple[str, str | None]] = []  # (text, the name it is assigned to)
        self._assigned: dict[int, str] = {}  # string node -> the name it is assigned to
        self._parts: set[int] = set()  # an f-string's literal parts: not literals themselves

    def enter(self, node: ast.AST) -> bool:
        if id(node) in self._expected_roots:
            self._depth += 1
        kind = type(node)
        if kind in _WRITES_IDENTIFIERS:
            for name in _identifiers(node):
                self._uses.setdefault(name, []).append(self._depth > 0)
        if kind in _BLOCKS:
            self._docstrings(node)
        if isinstance(node, ast.Compare):
            self._expected_roots.add(id(node.left))
            self._expected_roots.update(id(comparator) for comparator in node.comparators)
        elif isinstance(node, ast.Call):
            expectation = _is_expectation(node.func)
            for arg in node.args:
                if expectation:
                    self._expected_roots.add(id(arg))
            for keyword in node.keywords:
                if expectation or keyword.arg == "match":
                    self._expected_roots.add(id(keyword.value))
        elif isinstance(node, ast.Assign):
            self._targets.update(id(target) for target in node.targets)
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self._assigned[id(node.value)] = node.targets[0].id
        elif isinstance(node, ast.Name) and id(node) not in self._targets:
            self._uses.setdefault(node.id, []).append(self._depth > 0)
        elif isinstance(node, ast.JoinedStr):
            if self._depth == 0 and id(node) not in self._parts:
                self._found.append((self._context.source_of(node), self._assigned.get(id(node))))
            self._parts.update(id(part) for part in _parts_of(node))
        elif self._depth == 0 and id(node) not in self._parts:
            value = string_value(node)
            if value is not None:
                self._found.append((value, self._assigned.get(id(node))))
        return True

    def _docstrings(self, node: ast.AST) -> None:
        """The expression a block starts with is its docstring (whatever it is), unless the
        block is the rest of its header's line (``if x: f("...")``)."""
        for name in _BLOCK_FIELDS:
            statements = getattr(node, name, None)
            if not isinstance(statements, list) or not statements:
                continue
            first = statements[0]
            if isinstance(first, ast.Expr) and (
                isinstance(node, ast.Module) or not self._after_its_header(first)
            ):
                self._expected_roots.add(id(first.value))

    def _after_its_header(self, statement: ast.stmt) -> bool:
        where = self._context.position(statement)
        return bool(self._context.lines[where.start.line - 1][: where.start.column].strip())

    def leave(self, node: ast.AST) -> None:
        if id(node) in self._expected_roots:
            self._depth -= 1

    def given(self) -> set[str]:
        return {
            text
            for text, name in self._found
            if name is None or not self._uses.get(name) or not all(self._uses[name])
        }


def _is_expectation(func: ast.expr) -> bool:
    """``self.assertEqual``, ``mock.assert_called_with``, an ``assert_message(...)`` helper."""
    name = (
        func.attr
        if isinstance(func, ast.Attribute)
        else (func.id if isinstance(func, ast.Name) else "")
    )
    return name.startswith("assert")


def analysis_for(context: FileContext) -> ErrorAssertionAnalysis:
    return context.analysis(ErrorAssertionAnalysis, analyse)


# ---- pre-checks: whether the analysis can find anything to judge --------------------------
#
# Why they cannot lose a finding. EVT201 and EVT204 report only ``comparisons``, and a
# comparison needs ``message_of`` to find a caught error: ``error_of`` answers only from a
# function's ``contexts`` (filled by ``_with_item`` for a ``with`` item ``<call> as <name>``
# that ``_catches`` accepts: ``raises`` or ``assertRaises*``) or ``excepts`` (filled by
# ``_except_handler`` for ``except ... as <name>``); an alias only leads back to those. So a
# module with no such ``with`` item and no such ``except`` has no comparison, and
# ``may_compare_messages`` looks for exactly those two (with ``_catches`` itself) among the
# statements alone: ``with`` and ``try`` are statements, and no statement hides inside an
# expression. EVT202 and EVT203 report only ``patterns``, which ``_call`` fills only for a
# call with a keyword argument ``match`` or a call of an attribute ``assertRaisesRegex``/
# ``assertRaisesRegexp``. In ASCII source such a keyword is written ``match``, then nothing
# but blanks, comments or line continuations, then an ``=`` that is not ``==``
# (``_MATCH_KEYWORD`` allows all of those, and matches in strings and comments too), and the
# attribute is written as its name; beyond ASCII, an identifier may be written with other
# characters that NFKC-normalise to it (``ast`` gives the normalised name), so the tree is
# searched instead, with ``_call``'s tests less its ``raises`` one (``_calls_with_patterns``).
# A file that is not analysed at all (it does not parse, or is over ``max-file-tokens``)
# passes both, so that the engine still reports it (EVT001/EVT002) as it did before.
_MATCH_KEYWORD = re.compile(r"\bmatch(?:\s|\\|#[^\r\n]*)*=(?!=)")


def may_compare_messages(context: FileContext) -> bool:
    """Whether a ``with ... as NAME`` of ``raises``/``assertRaises*`` or an
    ``except ... as NAME`` binds a caught error anywhere: without one, no message compared
    is a caught error's (EVT201, EVT204)."""
    return context.analysis(may_compare_messages, _binds_caught_errors)


def may_match_patterns(context: FileContext) -> bool:
    """Whether a call has a ``match=`` keyword or calls ``assertRaisesRegex``: without one,
    there is no pattern to judge (EVT202, EVT203)."""
    return context.analysis(may_match_patterns, _has_pattern_calls)


def _analysable_tree(context: FileContext) -> ast.Module | None:
    """The tree, or None when the engine reports the file instead of analysing it."""
    if parsing.too_large(context.text, context.settings.config.max_file_tokens):
        return None
    parsed = context.parse()
    return None if isinstance(parsed, parsing.ParseFailure) else parsed


def _binds_caught_errors(context: FileContext) -> bool:
    module = _analysable_tree(context)
    if module is None:
        return True
    statements: list[ast.AST] = [module]
    while statements:
        statement = statements.pop()
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                # The imports (shared by every rule) are read only for ``with <call> as x``.
                if (
                    isinstance(item.optional_vars, ast.Name)
                    and isinstance(item.context_expr, ast.Call)
                    and _catches(item, context.imports) is not None
                ):
                    return True
        elif isinstance(statement, ast.ExceptHandler) and statement.name is not None:
            return True
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(statement, name, None)
            if isinstance(inner, list):
                statements.extend(inner)
    return False


def _has_pattern_calls(context: FileContext) -> bool:
    text = context.text
    if "assertRaisesRegex" in text or ("match" in text and _MATCH_KEYWORD.search(text)):
        return True
    module = _analysable_tree(context)
    if module is None:
        return True
    if text.isascii():
        return False
    return any(
        isinstance(node, ast.Call) and _calls_with_patterns(node) for node in descendants(module)
    )


def _calls_with_patterns(call: ast.Call) -> bool:
    func = call.func
    return any(keyword.arg == "match" for keyword in call.keywords) or (
        isinstance(func, ast.Attribute) and func.attr in _ASSERT_RAISES_REGEX
    )


# The test files these rules look at mention at least one of these.
TRIGGERS: tuple[str, ...] = ("raises", "assertRaises", "except")
