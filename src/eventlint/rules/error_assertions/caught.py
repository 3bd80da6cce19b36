"""Shared analysis of the EVT2xx rules: which values are caught errors, and what tests do
with their messages.

A value is a caught error only by where it comes from: ``pytest.raises(...) as info``
(``info.value``), ``self.assertRaises(...) as cm`` (``cm.exception``), ``except ... as err``,
or a local alias of one of those. A variable that merely has a short name like ``e`` is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

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


@dataclass(eq=False)
class CaughtError:
    source: str  # "pytest.raises", "assertRaises" or "except"
    exception_type: cst.BaseExpression | None


@dataclass(frozen=True, eq=False)
class MessageUse:
    """An error's message as a test reads it: ``str(info.value)``, ``err.args[0]``, ..."""

    error: CaughtError
    error_expr: cst.BaseExpression  # ``info.value`` as written
    form: str  # "str", "args[0]", "args" or the attribute path ("message", "detail.message")
    node: cst.BaseExpression


@dataclass(frozen=True, eq=False)
class StringLiteral:
    node: cst.BaseExpression
    text: str  # the string's value (an f-string: its source)
    is_tuple: bool = False


@dataclass(eq=False)
class MessageComparison:
    """``message == literal`` (an assert or ``assertEqual``)."""

    node: cst.CSTNode  # what is reported: the comparison or the assertEqual call
    message: MessageUse
    literal: StringLiteral
    operator: str  # "==" or "in"
    statement: cst.SimpleStatementLine | None  # the statement, when it holds nothing else
    removable: bool  # the statement's block has other statements
    function: cst.FunctionDef | None


@dataclass(frozen=True, eq=False)
class MatchPattern:
    """``pytest.raises(E, match=...)`` or ``assertRaisesRegex(E, ...)``."""

    call: cst.Call
    pattern: cst.BaseExpression
    exception_type: cst.BaseExpression | None


@dataclass(frozen=True, eq=False)
class PendingComparison:
    """Two sides compared in an assertion, before it is known whether one is a caught
    error's message (aliases may be assigned after their use)."""

    node: cst.CSTNode  # the comparison, or the assertEqual/assertIn call
    first: cst.BaseExpression
    second: cst.BaseExpression
    operator: str  # "==" or "in"
    statement: cst.SimpleStatementLine | None  # the statement, when it holds nothing else
    removable: bool  # the statement's block has other statements


@dataclass(eq=False)
class _Function:
    node: cst.FunctionDef | None
    contexts: dict[str, CaughtError] = field(default_factory=dict)
    excepts: dict[str, CaughtError] = field(default_factory=dict)
    aliases: dict[str, cst.BaseExpression] = field(default_factory=dict)
    pending: list[PendingComparison] = field(default_factory=list)
    code_checks: list[cst.BaseExpression] = field(default_factory=list)


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


def literal_of(node: cst.BaseExpression) -> StringLiteral | None:
    value = string_value(node)
    if value is not None:
        return StringLiteral(node, value)
    if isinstance(node, cst.FormattedString):
        return StringLiteral(node, cst.Module([]).code_for_node(node))
    if isinstance(node, cst.Tuple) and len(node.elements) == 1:
        inner = string_value(node.elements[0].value)
        if inner is not None:
            return StringLiteral(node, inner, is_tuple=True)
    return None


class _Collector:
    def __init__(
        self,
        imports: ImportMap,
        message_attributes: tuple[str, ...],
        code_attributes: tuple[str, ...],
    ) -> None:
        self.imports = imports
        self.message_attributes = message_attributes
        self.code_attributes = code_attributes
        self.functions: list[_Function] = [_Function(node=None)]
        self.stack: list[_Function] = [self.functions[0]]
        self.blocks: list[int] = []  # statement counts of the enclosing blocks
        self.statement: cst.SimpleStatementLine | None = None
        self.patterns: list[MatchPattern] = []
        self.built: set[str] = set()
        # Only assertions are judged: ``if "x" in str(err):`` branches, it does not assert.
        self.asserting = 0

    # ---- walking -------------------------------------------------------------------------

    # Only these node types matter; everything else is passed over with one dict lookup.
    _INTERESTING = frozenset(
        {
            cst.FunctionDef, cst.IndentedBlock, cst.Module, cst.SimpleStatementLine,
            cst.WithItem, cst.ExceptHandler, cst.Assign, cst.Raise, cst.Call, cst.Comparison,
            cst.Assert,
        }
    )  # fmt: skip

    def enter(self, node: cst.CSTNode) -> bool:
        if type(node) not in self._INTERESTING:
            return True
        function = self.stack[-1]
        if isinstance(node, cst.FunctionDef):
            new = _Function(node=node)
            self.functions.append(new)
            self.stack.append(new)
        elif isinstance(node, (cst.IndentedBlock, cst.Module)):
            self.blocks.append(len(node.body))
        elif isinstance(node, cst.SimpleStatementLine):
            self.statement = node if len(node.body) == 1 else None
        elif isinstance(node, cst.WithItem):
            self._with_item(node, function)
        elif isinstance(node, cst.ExceptHandler):
            if node.name is not None and isinstance(node.name.name, cst.Name):
                function.excepts[node.name.name.value] = CaughtError("except", node.type)
        elif isinstance(node, cst.Assign):
            self._assign(node, function)
        elif isinstance(node, cst.Raise):
            self._remember_literals(node.exc)
        elif isinstance(node, cst.Call):
            self._call(node, function)
        elif isinstance(node, cst.Assert):
            self.asserting += 1
        elif isinstance(node, cst.Comparison) and self.asserting:
            self._comparison(node, function)
        return True

    def leave(self, node: cst.CSTNode) -> None:
        if type(node) not in self._INTERESTING:
            return
        if isinstance(node, cst.FunctionDef):
            self.stack.pop()
        elif isinstance(node, (cst.IndentedBlock, cst.Module)):
            self.blocks.pop()
        elif isinstance(node, cst.SimpleStatementLine):
            self.statement = None
        elif isinstance(node, cst.Assert):
            self.asserting -= 1

    def _statement_for(self, node: cst.CSTNode) -> tuple[cst.SimpleStatementLine | None, bool]:
        """The statement line holding ``node`` when it holds nothing else."""
        line = self.statement
        if line is None:
            return None, False
        small = line.body[0]
        if (isinstance(small, cst.Assert) and small.test is node) or (
            isinstance(small, cst.Expr) and small.value is node
        ):
            return line, bool(self.blocks) and self.blocks[-1] > 1
        return None, False

    def _with_item(self, node: cst.WithItem, function: _Function) -> None:
        if node.asname is None or not isinstance(node.asname.name, cst.Name):
            return
        item = node.item
        if not isinstance(item, cst.Call):
            return
        name = node.asname.name.value
        first = item.args[0].value if item.args and item.args[0].keyword is None else None
        if _is_raises(self.imports.qualify(item.func)):
            function.contexts[name] = CaughtError("pytest.raises", first)
        elif isinstance(item.func, cst.Attribute) and item.func.attr.value in _ASSERT_RAISES:
            function.contexts[name] = CaughtError("assertRaises", first)

    def _assign(self, node: cst.Assign, function: _Function) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                function.aliases[target.target.value] = node.value
            elif (
                isinstance(target.target, cst.Attribute)
                and target.target.attr.value == "side_effect"
            ):
                self._remember_literals(node.value)

    def _call(self, node: cst.Call, function: _Function) -> None:
        name = dotted_name(node.func) or ""
        if name.split(".")[-1].endswith(_EXCEPTION_SUFFIXES):
            self._remember_literals(node)
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "side_effect":
                self._remember_literals(arg.value)
        qualified = self.imports.qualify(node.func)
        func = node.func
        if _is_raises(qualified):
            exception = node.args[0].value if node.args and node.args[0].keyword is None else None
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == "match":
                    self.patterns.append(MatchPattern(node, arg.value, exception))
        elif isinstance(func, cst.Attribute) and func.attr.value in _ASSERT_RAISES_REGEX:
            positional = [arg for arg in node.args if arg.keyword is None]
            pattern = next(
                (
                    arg.value
                    for arg in node.args
                    if arg.keyword and arg.keyword.value == "expected_regex"
                ),
                positional[1].value if len(positional) > 1 else None,
            )
            if pattern is not None:
                exception = positional[0].value if positional else None
                self.patterns.append(MatchPattern(node, pattern, exception))
        elif isinstance(func, cst.Attribute) and func.attr.value in _ASSERT_EQUAL | _ASSERT_IN:
            values = [arg.value for arg in node.args if arg.keyword is None]
            if len(values) >= 2:
                operator = "==" if func.attr.value in _ASSERT_EQUAL else "in"
                statement, removable = self._statement_for(node)
                function.pending.append(
                    PendingComparison(node, values[0], values[1], operator, statement, removable)
                )

    def _comparison(self, node: cst.Comparison, function: _Function) -> None:
        if len(node.comparisons) != 1:
            return
        target = node.comparisons[0]
        if isinstance(target.operator, cst.Equal):
            operator = "=="
        elif isinstance(target.operator, cst.In):
            operator = "in"
        else:
            return
        statement, removable = self._statement_for(node)
        function.pending.append(
            PendingComparison(node, node.left, target.comparator, operator, statement, removable)
        )

    def _remember_literals(self, node: cst.CSTNode | None) -> None:
        if node is None:
            return
        for inner in descendants(node):
            if isinstance(inner, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                literal = literal_of(inner)
                if literal is not None:
                    self.built.add(literal.text)

    # ---- judging, after the walk (aliases may be assigned after use) ----------------------

    def error_of(
        self, expr: cst.BaseExpression, function: _Function, depth: int = 0
    ) -> CaughtError | None:
        if depth > 8:
            return None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            holder = function.contexts.get(expr.value.value)
            if holder is not None:
                wanted = "value" if holder.source == "pytest.raises" else "exception"
                if expr.attr.value == wanted:
                    return holder
            return None
        if isinstance(expr, cst.Name):
            if expr.value in function.excepts:
                return function.excepts[expr.value]
            alias = function.aliases.get(expr.value)
            if alias is not None:
                return self.error_of(alias, function, depth + 1)
        return None

    def message_of(self, expr: cst.BaseExpression, function: _Function) -> MessageUse | None:
        if isinstance(expr, cst.Call) and self.imports.qualify(expr.func) == "builtins.repr":
            # ``repr(err)`` is the class name around the message: a message read too.
            if len(expr.args) == 1:
                error = self.error_of(expr.args[0].value, function)
                if error is not None:
                    return MessageUse(error, expr.args[0].value, "repr", expr)
            return None
        if isinstance(expr, cst.Call) and self.imports.qualify(expr.func) == "builtins.str":
            if len(expr.args) == 1:
                error = self.error_of(expr.args[0].value, function)
                if error is not None:
                    return MessageUse(error, expr.args[0].value, "str", expr)
            return None
        if isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Attribute):
            index = expr.slice[0].slice if len(expr.slice) == 1 else None
            if (
                expr.value.attr.value == "args"
                and isinstance(index, cst.Index)
                and isinstance(index.value, cst.Integer)
                and index.value.value == "0"
            ):
                error = self.error_of(expr.value.value, function)
                if error is not None:
                    return MessageUse(error, expr.value.value, "args[0]", expr)
            return None
        if isinstance(expr, cst.Attribute):
            if expr.attr.value == "args":
                error = self.error_of(expr.value, function)
                return MessageUse(error, expr.value, "args", expr) if error else None
            if expr.attr.value in self.message_attributes:
                error = self.error_of(expr.value, function)
                if error is not None:
                    return MessageUse(error, expr.value, expr.attr.value, expr)
                if isinstance(expr.value, cst.Attribute):  # err.error_detail.message
                    error = self.error_of(expr.value.value, function)
                    if error is not None:
                        form = f"{expr.value.attr.value}.{expr.attr.value}"
                        return MessageUse(error, expr.value.value, form, expr)
        return None

    def code_check(self, expr: cst.BaseExpression, function: _Function) -> CaughtError | None:
        """The error whose code ``expr`` reads: ``err.error_code``, ``err.code.value``..."""
        while isinstance(expr, cst.Attribute):
            if expr.attr.value in self.code_attributes:
                found = self.error_of(expr.value, function)
                if found is not None:
                    return found
            expr = expr.value
        return None


def analyse(context: FileContext) -> ErrorAssertionAnalysis:
    module = context.module
    imports = context.imports
    options = context.settings.config.error_assertions
    collector = _Collector(imports, options.message_attributes, options.code_attributes)
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
                literal = literal_of(literal_side)
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
    judged: list[cst.CSTNode] = [comparison.literal.node for comparison in comparisons]
    judged += [pattern.pattern for pattern in collector.patterns]
    # The given strings only matter against something judged: most test modules compare no
    # message, and skip the second walk.
    given = _given_literals(module, judged) if judged else set()
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


def _given_literals(module: cst.Module, judged: list[cst.CSTNode]) -> set[str]:
    """Every string the module holds outside what it expects, and outside docstrings: data
    the test gives the code under test (assigned, passed, returned, raised, set as
    ``side_effect``), whatever it does with it.

    Expected values are not given: the comparisons and patterns being judged, other
    comparisons, arguments of ``assert*`` calls (``self.assertRaisesMessage(E, msg)``,
    ``mock.assert_called_with(...)``), ``match=`` patterns, and variables used only there
    (``msg = "..."`` then ``assertRaisesMessage(E, msg)``). One walk over the module."""
    finder = _GivenFinder({id(node) for node in judged})
    walk(module, finder.enter, finder.leave)
    return finder.given()


class _GivenFinder:
    def __init__(self, judged: set[int]) -> None:
        self._expected_roots = set(judged)  # nodes whose subtree holds expected values
        self._depth = 0  # how many expected regions the walk is inside
        self._targets: set[int] = set()  # names being assigned, not used
        self._uses: dict[str, list[bool]] = {}  # name -> whether each use is expected
        self._found: list[tuple[str, str | None]] = []  # (text, the name it is assigned to)
        self._assigned: dict[int, str] = {}  # string node -> the name it is assigned to

    def enter(self, node: cst.CSTNode) -> bool:
        if id(node) in self._expected_roots:
            self._depth += 1
        if isinstance(node, cst.Comparison):
            self._expected_roots.add(id(node.left))
            self._expected_roots.update(id(target.comparator) for target in node.comparisons)
        elif isinstance(node, cst.Call):
            expectation = _is_expectation(node.func)
            for arg in node.args:
                if expectation or (arg.keyword is not None and arg.keyword.value == "match"):
                    self._expected_roots.add(id(arg.value))
        elif isinstance(node, (cst.Module, cst.IndentedBlock)) and node.body:
            first = node.body[0]
            if isinstance(first, cst.SimpleStatementLine) and isinstance(first.body[0], cst.Expr):
                self._expected_roots.add(id(first.body[0].value))  # a docstring
        elif isinstance(node, cst.Assign):
            self._targets.update(id(target.target) for target in node.targets)
            if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                self._assigned[id(node.value)] = node.targets[0].target.value
        elif isinstance(node, cst.Name) and id(node) not in self._targets:
            self._uses.setdefault(node.value, []).append(self._depth > 0)
        if self._depth == 0 and isinstance(
            node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)
        ):
            literal = literal_of(node)
            if literal is not None:
                self._found.append((literal.text, self._assigned.get(id(node))))
            # The parts of an implicit concatenation are not literals of their own.
            return not isinstance(node, cst.ConcatenatedString)
        return True

    def leave(self, node: cst.CSTNode) -> None:
        if id(node) in self._expected_roots:
            self._depth -= 1

    def given(self) -> set[str]:
        return {
            text
            for text, name in self._found
            if name is None or not self._uses.get(name) or not all(self._uses[name])
        }


def _is_expectation(func: cst.BaseExpression) -> bool:
    """``self.assertEqual``, ``mock.assert_called_with``, an ``assert_message(...)`` helper."""
    name = (
        func.attr.value
        if isinstance(func, cst.Attribute)
        else (func.value if isinstance(func, cst.Name) else "")
    )
    return name.startswith("assert")


def analysis_for(context: FileContext) -> ErrorAssertionAnalysis:
    return context.analysis(ErrorAssertionAnalysis, analyse)


# The test files these rules look at mention at least one of these.
TRIGGERS: tuple[str, ...] = ("raises", "assertRaises", "except")
