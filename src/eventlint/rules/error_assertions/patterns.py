"""Reading ``match=`` patterns: is this string a regex, or a message with stray metacharacters?"""

from __future__ import annotations

import re

import libcst as cst

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


def pattern_text(node: cst.BaseExpression) -> str | None:
    """The pattern's value (an f-string: its literal parts), or None if not a literal."""
    value = string_value(node)
    if value is not None:
        return value
    if isinstance(node, cst.FormattedString):
        return "".join(
            part.value for part in node.parts if isinstance(part, cst.FormattedStringText)
        )
    return None


def message_sample(node: cst.BaseExpression) -> str | None:
    """The message a literal stands for: its value, or, for an f-string, its text with each
    placeholder shown as ``x`` (enough to recognise the project template it mirrors)."""
    value = string_value(node)
    if value is not None:
        return value
    if isinstance(node, cst.FormattedString):
        return "".join(
            part.value if isinstance(part, cst.FormattedStringText) else "x" for part in node.parts
        )
    if isinstance(node, cst.Tuple) and len(node.elements) == 1:
        return string_value(node.elements[0].value)
    return None


def literal_pattern(node: cst.BaseExpression) -> str | None:
    """The message a ``match=`` pattern spells out, when it is meant literally: its text (a
    raw string's backslash escapes undone); None for a real regex or a non-literal."""
    text = message_sample(node)
    if text is None or uses_regex_idioms(text):
        return None
    if is_raw(node):
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


def is_raw(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.SimpleString):
        return "r" in node.prefix.lower()
    if isinstance(node, cst.FormattedString):
        return "r" in node.start.lower()
    if isinstance(node, cst.ConcatenatedString):
        return is_raw(node.left) or is_raw(node.right)
    return False


def uses_regex_idioms(text: str) -> bool:
    return _REGEX_IDIOMS.search(text) is not None


def literal_metacharacters(text: str) -> list[str]:
    """Unescaped metacharacters of a pattern that uses no regex idiom (else: none)."""
    if uses_regex_idioms(text):
        return []
    return sorted(set(_UNESCAPED_METACHARACTER.findall(text)))


def words(text: str) -> int:
    return len(text.split())
