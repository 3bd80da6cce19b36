"""EVT202: a whole message used as the ``match=`` pattern."""

from __future__ import annotations

from eventlint.rules.base import Rule
from eventlint.rules.error_assertions.caught import analysis_for
from eventlint.rules.error_assertions.patterns import is_raw, pattern_text, uses_regex_idioms, words


class WholeMessageMatch(Rule):
    """``pytest.raises(match=...)`` or ``assertRaisesRegex`` is given a whole message.

    ``match=`` exists to check a *fragment*: the part of the message that identifies the
    error. A whole sentence there breaks on every rewording, exactly like an equality check.
    Match a short, stable fragment, or compare the error code.

    Flags a literal pattern that uses no regex construct and reads as a full sentence (at least
    ``min-words`` words, default 5, or ``min-length`` characters, default 40), or that equals a
    message the project raises (found statically). A long pattern that the project's code
    contains only inside longer strings (``f"not a valid regular expression: {error}"``) is
    a fragment already and is not flagged. A pattern with regex constructs (``.*``,
    ``\\d``, ``[a-z]``, ``(a|b)``, anchors) is taken as a deliberate regex and left alone, as
    are raw strings. Test files only. No fix: which fragment is stable is the author's call.

    Incorrect::

        with pytest.raises(OrderError, match="Only 3 units of sku-1 left in the warehouse"):
            reserve("sku-1", 5)

    Correct::

        with pytest.raises(OrderError, match="units of sku-1 left"):
            reserve("sku-1", 5)
    """

    code = "EVT202"
    name = "whole-message-match"
    summary = "A whole error message used as the match= pattern in a test"
    test_files_only = True
    triggers = ("raises", "assertRaisesRegex")

    def check(self) -> None:
        analysis = analysis_for(self.context)
        options = self.context.settings.config.error_assertions
        for pattern in analysis.patterns:
            text = pattern_text(pattern.pattern)
            if text is None or is_raw(pattern.pattern) or uses_regex_idioms(text):
                continue
            if text in analysis.built_literals:
                continue
            raises = self.context.project.raises
            raised = bool(raises.sites(text))
            long = words(text) >= options.min_words or len(text) >= options.min_length
            if not raised and (not long or raises.only_inside_longer_strings(text)):
                continue
            why = "the whole message the project raises" if raised else "a whole sentence"
            self.report(
                pattern.pattern,
                f"the pattern is {why}; match a short, stable fragment or compare the error code",
            )
