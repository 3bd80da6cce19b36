"""EVT201: a test compares a caught error's whole message for equality."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventlint.finding import Applicability, Edit, Fix
from eventlint.project.raises import ErrorCode
from eventlint.rules.base import FileContext, Rule
from eventlint.rules.error_assertions._assertion_records import MessageComparison
from eventlint.rules.error_assertions._caught_errors import ErrorAssertionAnalysis, analysis_for
from eventlint.rules.error_assertions._match_patterns import (
    is_message,
    message_sample,
    reads_as_sentence,
)
from eventlint.rules.error_assertions._prechecks import TRIGGERS, may_compare_messages

if TYPE_CHECKING:
    import libcst as cst

    from eventlint.fixes.tree import FixTree


@dataclass(frozen=True)
class _CodeFix:
    """The fix, and the attribute the error carries its code in."""

    fix: Fix
    attribute: str


def code_attribute(
    rule: Rule, analysis: ErrorAssertionAnalysis, comparison: MessageComparison
) -> str | None:
    info = analysis.error_class(comparison.message.error)
    if info is None:
        return None
    for attribute in rule.context.settings.config.error_assertions.code_attributes:
        if attribute in info.attributes:
            return attribute
    return None


class ExactErrorMessage(Rule):
    """A test compares the whole message of a caught error for equality.

    Every rewording of an error message (a typo fixed, a value added, a translation) then
    breaks tests that were really checking *which* error happened. Services that standardise
    errors (an ``ErrorCode`` enum, exceptions carrying ``error_code``) should compare the code;
    otherwise assert a short, stable fragment.

    Flags ``==`` between a string (or f-string) and the message of a *caught* error:
    ``str(info.value)``, ``repr(info.value)``, ``info.value.args[0]``, ``info.value.args``
    (against a one-string tuple), ``err.message``/``err.msg``/``err.detail``/
    ``err.error_detail.message`` (``message-attributes``), ``err.detail["message"]``, and the
    attribute the error's own class keeps its constructor's message in (``self.error =
    error`` in its ``__init__`` or a base's, read from the project: ``info.value.error``,
    ``str(info.value.error)``; another attribute, ``self.hint = hint``, is not the message),
    in asserts (also parenthesised over
    several lines), in unittest's ``assertEqual``, and in asserts in disguise (an ``if`` on the
    message whose other branch fails the test: ``if err.args == ("..."):`` ... ``else: raise``,
    ``if str(err) != "...": self.fail(...)``; reported without a fix; an ``if`` that only
    branches, failing nothing, is not an assertion), when the string is a message a ``raise``
    of the project produces in full (a literal, a local variable, one of the enclosing
    function for a nested one, or a module constant holding one, or a template it renders,
    such as
    ``f"Only {n} units of {sku} left"`` for "Only 3 units of sku-1 left", a format string
    kept in a name, ``MESSAGE.format(sku)`` or ``MESSAGE % sku``, or the whole message the
    exception class's ``__init__`` builds around what it is given, ``raise
    ColumnError(column)`` with ``super().__init__(f"Column {column} must be ...")``; found
    statically, anywhere in the repository; ``assert x, "message"`` counts, and so does a
    string literal that is exactly the message in a C, C++, Cython or Rust extension source
    of the project that raises errors; trailing punctuation and whitespace aside). A caught error is
    ``info.value`` of ``pytest.raises(...) as info`` (or of a ``raises`` wrapper the project
    re-exports), ``cm.exception`` of ``self.assertRaises(...) as cm``, a name bound by
    ``except ... as err``, or a local alias of one of those; a variable that merely has a
    short name like ``e`` is not.

    It must also be worth changing: the error carries a code (``code-attributes``: compare the
    code instead), or the message reads as a sentence (``min-words`` words, default 7, or
    ``min-length`` characters, default 40, of three words or more: assert a fragment instead).

    Silent, because the string is not the project's wording or pinning it is the point:

    - a short message of an error without a code: the whole message is its own fragment;

    - a string no ``raise`` of the project produces: a message of the standard library or
      another library (the project cannot reword it), or one built beyond reading;
    - a single token (a transaction id or a key carried in ``args[0]`` is not a message);
    - the argument of an exception whose ``__init__`` wraps it in more text (the whole
      message it builds is judged);
    - a string the test module itself hands to the code (assigned to a fake or a variable,
      passed, returned, raised, set as ``side_effect``): the test checks its own data passes
      through. A variable used only to check results (``msg = "..."`` then
      ``assertRaisesMessage(E, msg)`` or ``msg in str(err)``) holds an expected value, not
      data: the same message compared elsewhere is still judged.

    Test files only.

    Fix (unsafe): when the project raises that exact message at exactly one place, and that
    place gives an error code (a keyword such as ``error_code=``/``code=``, or a class-level
    code on the exception class that no ``__init__`` of it or its bases overwrites with
    ``self.error_code = ...``), the comparison becomes a comparison of the code, adding the
    import; when the test already compares the code, the message comparison is removed. The
    error must carry the code in an attribute named as the keyword (``code-attributes``).
    The fix turns the Incorrect example into the Correct one.

    Incorrect::

        import pytest

        from orders.errors import OrderError
        from orders.stock import reserve


        def test_out_of_stock():
            with pytest.raises(OrderError) as info:
                reserve("sku-1", 5)
            assert str(info.value) == "Not enough units left in stock"

        # file: src/orders/errors.py
        import enum


        class ErrorCode(enum.Enum):
            OUT_OF_STOCK = "out_of_stock"


        class OrderError(Exception):
            def __init__(self, message, error_code):
                super().__init__(message)
                self.error_code = error_code

        # file: src/orders/stock.py
        from orders.errors import ErrorCode, OrderError


        def reserve(sku, quantity):
            raise OrderError("Not enough units left in stock", error_code=ErrorCode.OUT_OF_STOCK)

    Correct::

        import pytest

        from orders.errors import ErrorCode, OrderError
        from orders.stock import reserve


        def test_out_of_stock():
            with pytest.raises(OrderError) as info:
                reserve("sku-1", 5)
            assert info.value.error_code == ErrorCode.OUT_OF_STOCK
    """

    code = "EVT201"
    name = "exact-error-message"
    summary = "Exact equality on a caught error's message in a test"
    test_files_only = True
    fix_availability = "unsafe"
    triggers = TRIGGERS

    @classmethod
    def precheck(cls, context: FileContext) -> bool:
        return may_compare_messages(context)

    def check(self) -> None:
        analysis = analysis_for(self.context)
        options = self.context.settings.config.error_assertions
        for comparison in analysis.comparisons:
            if comparison.operator != "==" or comparison.literal.text in analysis.built_literals:
                continue
            if not self._pins_a_project_message(comparison):
                continue
            attribute = code_attribute(self, analysis, comparison)
            sample = message_sample(comparison.literal.node) or ""
            if attribute is None and not reads_as_sentence(
                sample, options.min_words, options.min_length
            ):
                continue  # a short message without a code: the whole of it is the fragment
            fix = self._fix(analysis, comparison, options.code_attributes)
            if fix is not None and attribute is None:
                attribute = fix.attribute
            source_of = self.context.source_of
            instead = (
                f"compare `{source_of(comparison.message.error_expr)}.{attribute}` instead"
                if attribute
                else "assert a short, stable fragment instead"
            )
            read = source_of(comparison.message.node)
            self.report(
                comparison.node,
                f"test pins the whole message of the caught error (`{read}`); {instead}",
                fix.fix if fix else None,
            )

    def _pins_a_project_message(self, comparison: MessageComparison) -> bool:
        """The compared string is a message (words, not one identifier) that a ``raise`` of
        the project produces in full, as a literal or a rendered template."""
        sample = message_sample(comparison.literal.node)
        if sample is None or not is_message(sample):
            return False
        sites = self.context.project.raises.rendering(sample)
        return any(not site.wraps for site in sites)

    def _fix(
        self,
        analysis: ErrorAssertionAnalysis,
        comparison: MessageComparison,
        code_attributes: tuple[str, ...],
    ) -> _CodeFix | None:
        if comparison.disguised:
            return None  # an ``if`` that fails the test: rewriting its test inverts nothing safely
        # A whole-args tuple, a nested attribute or an f-string have no single raised message.
        form = comparison.message.form
        if form == "args" or "." in form or isinstance(comparison.literal.node, ast.JoinedStr):
            return None
        raises = self.context.project.raises
        sites = raises.sites(comparison.literal.text)
        if len(sites) != 1 or sites[0].wraps:
            return None
        code = raises.error_code(sites[0], code_attributes)
        if code is None:
            return None
        already = (id(comparison.function), id(comparison.message.error)) in analysis.codes_checked
        if already:
            if comparison.statement is None or not comparison.removable:
                return None
            edit = Edit(comparison.statement, "SimpleStatementLine", _remove)
            return _CodeFix(Fix(Applicability.UNSAFE, (edit,)), code.attribute)
        imports = (code.requires,) if code.requires else ()
        return _CodeFix(
            Fix(Applicability.UNSAFE, (_code_comparison(comparison, code),), imports),
            code.attribute,
        )


def _remove(statement: cst.SimpleStatementLine, tree: FixTree) -> cst.RemovalSentinel:
    import libcst as cst

    return cst.RemoveFromParent()


def _code_comparison(comparison: MessageComparison, code: ErrorCode) -> Edit:
    """``<error>.<code attribute> == <the code>`` in place of the message comparison."""
    error_expr = comparison.message.error_expr  # a Name or an Attribute
    node = comparison.node

    def error_code(tree: FixTree) -> cst.Attribute:
        import libcst as cst

        kind: type[cst.BaseExpression] = (
            cst.Name if isinstance(error_expr, ast.Name) else cst.Attribute
        )
        return cst.Attribute(value=tree.typed(error_expr, kind), attr=cst.Name(code.attribute))

    if isinstance(node, ast.Compare):

        def compare_code(original: cst.Comparison, tree: FixTree) -> cst.Comparison:
            import libcst as cst

            target = original.comparisons[0]
            return original.with_changes(
                left=error_code(tree),
                comparisons=[target.with_changes(comparator=cst.parse_expression(code.expression))],
            )

        return Edit(node, "Comparison", compare_code)

    first = node.args[0]
    message_first = (first.value if isinstance(first, ast.Starred) else first) is (
        comparison.message.node
    )

    def assert_code(original: cst.Call, tree: FixTree) -> cst.Call:
        import libcst as cst

        args = list(original.args)
        positional = [index for index, arg in enumerate(args) if arg.keyword is None]
        first, second = positional[0], positional[1]
        expected = cst.parse_expression(code.expression)
        actual = error_code(tree)
        args[first] = args[first].with_changes(value=actual if message_first else expected)
        args[second] = args[second].with_changes(value=expected if message_first else actual)
        return original.with_changes(args=args)

    return Edit(node, "Call", assert_code)
