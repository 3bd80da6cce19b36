"""Reading ``match=`` patterns: is this string a regex, or a message with stray metacharacters?"""

from __future__ import annotations

import ast
import io
import re
import tokenize

from eventlint.analysis.scopes import string_value

# Constructs only a regex would contain: when one is present the pattern is meant as a regex.
_REGEX_IDIOMS = re.compile(
    r"""
    \.[*+?]                      # .* .+ .?
    | \\[dDwWsSbBAZ]             # character classes and anchors
    | \[\^?[^\]\s,]+\][*+?]?     # [a-z], [^"], [0-9]+ (no spaces or commas: not a list)
    | [^\\]\{\d+(?:,\d*)?\}      # counted repetition
    | \(\?                       # (?: (?P< (?i)
    | \([^)]*\|[^)]*\)           # (a|b)
    | ^\^ | (?<!\\)\$$           # anchored at the ends
    | [)\]][*+?]                 # a quantified group or class
    """,
    re.VERBOSE,
)
_UNESCAPED_METACHARACTER = re.compile(r"(?<!\\)[.()\[\]?*+{}|^$]")
# Python 3.12 tokenizes an f-string into parts, from FSTRING_START to FSTRING_END.
_FSTRING_START: int | None = getattr(tokenize, "FSTRING_START", None)
_FSTRING_END: int | None = getattr(tokenize, "FSTRING_END", None)


def pattern_text(node: ast.expr) -> str | None:
    """The pattern's value (an f-string: its literal parts), or None if not a literal."""
    value = string_value(node)
    if value is not None:
        return value
    if isinstance(node, ast.JoinedStr):
        return "".join(part for part in map(string_value, node.values) if part is not None)
    return None


def message_sample(node: ast.expr) -> str | None:
    """The message a literal stands for: its value, or, for an f-string, its text with each
    placeholder shown as ``x`` (enough to recognise the project template it mirrors), or as
    ``'x'`` when it is converted with ``!r`` (the quotes a ``repr`` of a string renders,
    which a template may spell as text: ``f"Column '{name}' ..."``)."""
    value = string_value(node)
    if value is not None:
        return value
    if isinstance(node, ast.JoinedStr):
        return "".join(map(_sample_part, node.values))
    if isinstance(node, ast.Tuple) and len(node.elts) == 1:
        return string_value(node.elts[0])
    return None


def _sample_part(part: ast.expr) -> str:
    text = string_value(part)
    if text is not None:
        return text
    return "'x'" if isinstance(part, ast.FormattedValue) and part.conversion == ord("r") else "x"


def literal_pattern(node: ast.expr, source: str) -> str | None:
    """The message a ``match=`` pattern spells out, when it is meant literally: its text (a
    raw string's backslash escapes undone); None for a real regex or a non-literal.
    ``source`` is the pattern's source text."""
    text = message_sample(node)
    if text is None or uses_regex_idioms(text):
        return None
    if is_raw(source):
        text = re.sub(r"\\(.)", r"\1", text)
    return text


def reads_as_sentence(text: str, min_words: int, min_length: int) -> bool:
    """Long enough that pinning it whole is brittle: ``min-words`` words, or ``min-length``
    characters of at least three words (one long token, such as
    ``max_in_flight_requests_per_connection=10``, is not a sentence)."""
    count = words(text)
    return count >= min_words or (len(text) >= min_length and count >= 3)


def is_message(text: str) -> bool:
    """Text that reads as a message (words, not one identifier such as a transaction id)."""
    return words(text) >= 2


def is_raw(source: str) -> bool:
    """Whether a string literal, given as its source text, is raw: any of the strings an
    implicit concatenation is written as has an ``r`` prefix (``ast`` keeps no prefixes)."""
    return any("r" in prefix.lower() for prefix in string_prefixes(source))


def string_prefixes(source: str) -> list[str]:
    """The prefix (``""``, ``"r"``, ``"rb"``, ``"f"``...) of each string literal in the
    source text of one string expression, an implicit concatenation being several."""
    prefixes: list[str] = []
    depth = 0  # inside a 3.12 f-string's replacement fields, strings are not ours
    try:
        # Parenthesised, a concatenation over several lines tokenizes as one expression.
        for token in tokenize.generate_tokens(io.StringIO(f"({source})").readline):
            if token.type == _FSTRING_START:
                if depth == 0:
                    prefixes.append(token.string.rstrip("'\""))
                depth += 1
            elif token.type == _FSTRING_END:
                depth -= 1
            elif token.type == tokenize.STRING and depth == 0:
                prefixes.append(token.string[: _first_quote(token.string)])
    except (tokenize.TokenError, SyntaxError):  # pragma: no cover - parsed source tokenizes
        return prefixes
    return prefixes


def _first_quote(literal: str) -> int:
    return min(index for index in (literal.find("'"), literal.find('"')) if index >= 0)


def uses_regex_idioms(text: str) -> bool:
    return _REGEX_IDIOMS.search(text) is not None


def literal_metacharacters(text: str) -> list[str]:
    """Unescaped metacharacters of a pattern that uses no regex idiom (else: none)."""
    if uses_regex_idioms(text):
        return []
    return sorted(set(_UNESCAPED_METACHARACTER.findall(text)))


def words(text: str) -> int:
    return len(text.split())
