"""EVT202: a whole message used as the ``match=`` pattern."""

from __future__ import annotations

from eventlint.rules.base import FileContext, Rule
from eventlint.rules.error_assertions._caught_errors import analysis_for
from eventlint.rules.error_assertions._match_patterns import literal_pattern, reads_as_sentence
from eventlint.rules.error_assertions._prechecks import may_match_patterns


class WholeMessageMatch(Rule):
    """``pytest.raises(match=...)`` or ``assertRaisesRegex`` is given a whole message.

    ``match=`` exists to check a *fragment*: the part of the message that identifies the
    error. A whole sentence there breaks on every rewording, exactly like an equality check.
    Match a short, stable fragment, or compare the error code.

    Flags a pattern that is, in full, the message of a ``raise`` in the project's own code
    (found statically, anywhere in the repository: a test of one package may exercise
    another), when the pattern reads as a sentence (at least ``min-words`` words, default 7,
    or ``min-length`` characters, default 40, of three words or more). The message may be a
    literal or a template the pattern renders in full (``f"Only {n} units of {sku} left"``
    and ``match="Only 3 units of sku-1 left"``), a format string kept in a name
    (``MESSAGE.format(sku)``), or the whole message an exception class's ``__init__`` builds
    around what it is given (``raise ColumnError(column)``), trailing punctuation and
    whitespace aside;
    ``assert x, "message"`` is a raise site, and so is a string literal that is exactly the
    message in a C, C++, Cython or Rust extension source of the project that raises errors.

    Silent, because the pattern is not the project's whole message or pinning it is the test's
    point:

    - a pattern that is only part of the project's message (the rendered value of an
      f-string whose message has more text, or the argument of an exception whose
      ``__init__`` wraps it in more text);
    - a pattern that matches none of the project's raise sites: messages of the standard
      library or of another library (which the project cannot reword, and often has no code
      for), or messages built at runtime beyond reading;
    - a short message, or one long token: the whole message is then the natural fragment;
    - a pattern with regex constructs (``.*``, ``\\d``, ``[a-z]``, ``(a|b)``, anchors): a
      deliberate regex. Raw strings are judged like others, their escapes undone;
    - a string the test module itself hands to the code (assigned to a fake, passed,
      returned, raised or set as ``side_effect``): the test checks its own data passes
      through (a variable used only to check results is an expected value, not data).

    Test files only. No fix: which fragment is stable is the author's call.

    Incorrect::

        import pytest

        from orders.errors import OrderError
        from orders.stock import reserve


        def test_out_of_stock():
            with pytest.raises(OrderError, match="Only 3 units of sku-1 left in the warehouse"):
                reserve("sku-1", 5)

        # file: src/orders/errors.py
        class OrderError(Exception):
            pass

        # file: src/orders/stock.py
        from orders.errors import OrderError


        def reserve(sku, quantity):
            available = 3
            raise OrderError(f"Only {available} units of {sku} left in the warehouse")

    Correct::

        import pytest

        from orders.errors import OrderError
        from orders.stock import reserve


        def test_out_of_stock():
            with pytest.raises(OrderError, match="units of sku-1 left"):
                reserve("sku-1", 5)
    """

    code = "EVT202"
    name = "whole-message-match"
    summary = "A whole error message used as the match= pattern in a test"
    test_files_only = True
    triggers = ("raises", "assertRaisesRegex")

    @classmethod
    def precheck(cls, context: FileContext) -> bool:
        return may_match_patterns(context)

    def check(self) -> None:
        analysis = analysis_for(self.context)
        options = self.context.settings.config.error_assertions
        for pattern in analysis.patterns:
            text = literal_pattern(pattern.pattern, self.context.source_of(pattern.pattern))
            if text is None or text in analysis.built_literals:
                continue
            if not reads_as_sentence(text, options.min_words, options.min_length):
                continue
            sites = [site for site in self.context.project.raises.rendering(text) if not site.wraps]
            if not sites:
                continue
            self.report(
                pattern.pattern,
                "the pattern is the whole message the project raises; match a short, stable "
                "fragment or compare the error code",
            )
