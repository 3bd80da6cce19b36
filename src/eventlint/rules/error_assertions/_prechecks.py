"""Pre-checks of the EVT2xx rules: whether the caught-error analysis can find anything to
judge in a file, from its text or its statements, before the analysis walks it."""

from __future__ import annotations

import ast
import re

from eventlint import parsing
from eventlint.analysis.walk import descendants
from eventlint.rules.base import FileContext
from eventlint.rules.error_assertions._caught_errors import ASSERT_RAISES_REGEX, catches

# Why they cannot lose a finding (the names are ``_caught_errors``'s). EVT201 and EVT204 report only
# ``comparisons``, and a comparison needs ``message_of`` to find a caught error: ``error_of``
# answers only from a function's ``contexts`` (filled by ``_with_item`` for a ``with`` item ``<call>
# as <name>`` that ``catches`` accepts: ``raises`` or ``assertRaises*``) or ``excepts`` (filled by
# ``_except_handler`` for ``except ... as <name>``); an alias only leads back to those. So a module
# with no such ``with`` item and no such ``except`` has no comparison, and ``may_compare_messages``
# looks for exactly those two (with ``catches`` itself) among the statements alone: ``with`` and
# ``try`` are statements, and no statement hides inside an expression. EVT202 and EVT203 report only
# ``patterns``, which ``_call`` fills only for a call with a keyword argument ``match`` or a call of
# an attribute ``assertRaisesRegex``/``assertRaisesRegexp``. In ASCII source such a keyword is
# written ``match``, then nothing but blanks, comments or line continuations, then an ``=`` that is
# not ``==`` (``_MATCH_KEYWORD`` allows all of those, and matches in strings and comments too), and
# the attribute is written as its name; beyond ASCII, an identifier may be written with other
# characters that NFKC-normalise to it (``ast`` gives the normalised name), so the tree is searched
# instead, with ``_call``'s tests less its ``raises`` one (``_calls_with_patterns``). A file that is
# not analysed at all (it does not parse, or is over ``max-file-tokens``) passes both, so that the
# engine still reports it (EVT001/EVT002) as it did before.
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
                    and catches(item, context.imports) is not None
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
        isinstance(func, ast.Attribute) and func.attr in ASSERT_RAISES_REGEX
    )


# The test files these rules look at mention at least one of these.
TRIGGERS: tuple[str, ...] = ("raises", "assertRaises", "except")
