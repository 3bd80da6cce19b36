"""EVT204: a substring check on a caught error's message (off by default)."""

from __future__ import annotations

from eventlint.rules.base import FileContext, Rule
from eventlint.rules.error_assertions._caught_errors import analysis_for
from eventlint.rules.error_assertions._prechecks import TRIGGERS, may_compare_messages
from eventlint.rules.error_assertions.exact_message import code_attribute


class SubstringErrorMessage(Rule):
    """A test checks that a fragment occurs in a caught error's message.

    Better than an exact comparison, and often the right thing; still, where the error carries
    a code, comparing the code says what the test means and survives any rewording. Flagged
    only when the caught error's class (resolved in the project) has a code attribute
    (``code-attributes``): without one, a fragment is the right check. Off by default: turn
    it on with ``extend-select = ["EVT204"]``. Same notion of a caught error as EVT201, same
    silence for strings the test module builds its own errors from. Test files only. No fix.

    Incorrect::

        import pytest

        from orders.errors import OrderError
        from orders.stock import reserve


        def test_out_of_stock():
            with pytest.raises(OrderError) as info:
                reserve("sku-1", 5)
            assert "left" in str(info.value)

        # file: src/orders/errors.py
        class OrderError(Exception):
            def __init__(self, message, error_code):
                super().__init__(message)
                self.error_code = error_code

    Correct::

        import pytest

        from orders.errors import ErrorCode, OrderError
        from orders.stock import reserve


        def test_out_of_stock():
            with pytest.raises(OrderError) as info:
                reserve("sku-1", 5)
            assert info.value.error_code == ErrorCode.OUT_OF_STOCK
    """

    code = "EVT204"
    name = "substring-error-message"
    summary = "Substring check on a caught error's message in a test"
    default_enabled = False
    test_files_only = True
    triggers = TRIGGERS

    @classmethod
    def precheck(cls, context: FileContext) -> bool:
        return may_compare_messages(context)

    def check(self) -> None:
        analysis = analysis_for(self.context)
        for comparison in analysis.comparisons:
            if (
                comparison.operator == "in"
                and comparison.literal.text not in analysis.built_literals
                and code_attribute(self, analysis, comparison) is not None
            ):
                self.report(
                    comparison.node,
                    "test checks the text of the caught error's message; compare its "
                    f"`{code_attribute(self, analysis, comparison)}` instead",
                )
