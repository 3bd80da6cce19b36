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

from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.walk import walk
from eventlint.project import ClassInfo
from eventlint.rules.base import FileContext
from eventlint.rules.error_assertions._assertion_records import (
    CaughtError,
    FunctionNode,
    MatchPattern,
    MessageComparison,
    MessageUse,
    PendingComparison,
)
from eventlint.rules.error_assertions._failing_branches import fails_the_test
from eventlint.rules.error_assertions._message_literals import (
    BLOCK_FIELDS,
    BLOCKS,
    given_literals,
    literal_of,
    literal_texts,
)

_ASSERT_RAISES = frozenset({"assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})
ASSERT_RAISES_REGEX = frozenset({"assertRaisesRegex", "assertRaisesRegexp"})
_ASSERT_EQUAL = frozenset({"assertEqual", "assertEquals"})
_ASSERT_IN = frozenset({"assertIn"})
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Exc", "Failure", "Warning", "Fault")
# What may follow a statement on its last line and leave it alone there: a comment. (Not a
# semicolon: removing the statement would leave the semicolon behind, and the file broken.)
_END_OF_STATEMENT = re.compile(r"[ \t\f]*(?:#.*)?")


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


def _unstarred(node: ast.expr) -> ast.expr:
    """A ``*args`` argument stands for its value."""
    return node.value if isinstance(node, ast.Starred) else node


def catches(item: ast.withitem, imports: ImportMap) -> tuple[str, str, ast.Call] | None:
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
        self._learned_attributes: dict[int, frozenset[str]] = {}
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
            ast.If: _Collector._if_that_fails,
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
        if kind in BLOCKS:
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
        for name in BLOCK_FIELDS:
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
        caught = catches(node, self.imports)
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
        elif isinstance(func, ast.Attribute) and func.attr in ASSERT_RAISES_REGEX:
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

    def _if_that_fails(self, node: ast.If) -> None:
        """``if e.args == ("..."): pass / else: raise`` or ``if str(e) != "...":
        self.fail(...)``: the branch that does not fail the test pins the message."""
        test = node.test
        if not isinstance(test, ast.Compare) or len(test.ops) != 1:
            return
        op = test.ops[0]
        if isinstance(op, (ast.Eq, ast.In)) and fails_the_test(node.orelse):
            operator = "==" if isinstance(op, ast.Eq) else "in"
        elif isinstance(op, (ast.NotEq, ast.NotIn)) and fails_the_test(node.body):
            operator = "==" if isinstance(op, ast.NotEq) else "in"
        else:
            return
        self.stack[-1].pending.append(
            PendingComparison(
                test, test.left, test.comparators[0], operator, None, False, disguised=True
            )
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
                if argument is not None and error is None and isinstance(argument, ast.Attribute):
                    # ``str(err.error)``: the text of the attribute holding the message.
                    held = self.message_of(argument, function)
                    return (
                        None
                        if held is None
                        else MessageUse(held.error, held.error_expr, held.form, expr)
                    )
                if argument is None or error is None:
                    return None
                return MessageUse(error, argument, called.removeprefix("builtins."), expr)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Attribute):
            keyed = self._keyed_message(expr, function)
            if keyed is not None:
                return keyed
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
            error = self.error_of(expr.value, function)
            if error is not None and (
                expr.attr in self.message_attributes or expr.attr in self._learned(error)
            ):
                return MessageUse(error, expr.value, expr.attr, expr)
            if expr.attr in self.message_attributes and isinstance(expr.value, ast.Attribute):
                # ``err.error_detail.message``
                error = self.error_of(expr.value.value, function)
                if error is not None:
                    form = f"{expr.value.attr}.{expr.attr}"
                    return MessageUse(error, expr.value.value, form, expr)
        return None

    def _learned(self, error: CaughtError) -> frozenset[str]:
        """The attributes the caught error's own class keeps its constructor's message in
        (``self.detail = message`` in its ``__init__`` or a base's), read from the project."""
        if id(error) not in self._learned_attributes:
            name = dotted_name(error.exception_type) if error.exception_type else None
            info = self.context.project.resolve_class(name) if name else None
            found = frozenset(info.message_attributes) if info is not None else frozenset()
            self._learned_attributes[id(error)] = found
        return self._learned_attributes[id(error)]

    def _keyed_message(self, expr: ast.Subscript, function: _Function) -> MessageUse | None:
        """``err.detail["message"]``: a message key of a message attribute's mapping."""
        holder = expr.value
        assert isinstance(holder, ast.Attribute)
        key = expr.slice
        if not (isinstance(key, ast.Constant) and key.value in self.message_attributes):
            return None
        error = self.error_of(holder.value, function)
        if error is None or not (
            holder.attr in self.message_attributes or holder.attr in self._learned(error)
        ):
            return None
        return MessageUse(error, holder.value, f"{holder.attr}[{key.value!r}]", expr)

    def code_check(self, expr: ast.expr, function: _Function) -> CaughtError | None:
        """The error whose code ``expr`` reads: ``err.error_code``, ``err.code.value``..."""
        while isinstance(expr, ast.Attribute):
            if expr.attr in self.code_attributes:
                found = self.error_of(expr.value, function)
                if found is not None:
                    return found
            expr = expr.value
        return None


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
                        disguised=pending.disguised,
                    )
                )
                break
    judged: list[ast.expr] = [comparison.literal.node for comparison in comparisons]
    judged += [pattern.pattern for pattern in collector.patterns]
    # The given strings only matter against something judged: most test modules compare no
    # message, and skip the second walk.
    given = given_literals(context, judged) if judged else set()
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


def analysis_for(context: FileContext) -> ErrorAssertionAnalysis:
    return context.analysis(ErrorAssertionAnalysis, analyse)
