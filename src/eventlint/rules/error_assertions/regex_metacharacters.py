"""EVT203: regex metacharacters meant literally in a ``match=`` pattern."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from eventlint.analysis.bindings import module_reference
from eventlint.finding import Applicability, Edit, Fix
from eventlint.rules.base import FileContext, Rule
from eventlint.rules.error_assertions._caught_errors import analysis_for
from eventlint.rules.error_assertions._match_patterns import (
    is_raw,
    literal_metacharacters,
    pattern_text,
)
from eventlint.rules.error_assertions._prechecks import may_match_patterns

if TYPE_CHECKING:
    import libcst as cst

    from eventlint.fixes.tree import FixTree


class RegexMetacharactersInMatch(Rule):
    """A ``match=`` pattern contains regex metacharacters that it means literally.

    ``pytest.raises(match=...)`` and ``assertRaisesRegex`` search with a *regular expression*.
    In ``match="Invalid amount (got 3.50)"`` the parentheses are a group and the dot matches
    any character, so the pattern does not match the message it spells out, or matches
    messages it should not. Escape it with ``re.escape(...)``.

    Flags a non-raw string or f-string pattern containing unescaped ``. ( ) [ ] ? * + { } |
    ^ $`` when it uses no regex construct: a pattern with ``.*``, ``\\d``, ``[a-z]``,
    ``(a|b)``, ``{2}``, a quantified group or anchors at its ends is a deliberate regex and is
    left alone, as are raw strings (ruff's RUF043 flags any unescaped metacharacter; this is
    stricter about what counts as meant literally). Test files only.

    Fix (unsafe, because the pattern's meaning changes): wrap the string in ``re.escape(...)``,
    adding ``import re`` in the standard-library imports. Where ``re`` already names something
    else (``import regex as re``, a pytest fixture or parameter called ``re``), the module is
    imported under a free name (``import re as re_``); an existing ``import re`` is reused.
    Not offered for a pattern that already contains a backslash. The fix turns the Incorrect
    example into the Correct one.

    Incorrect::

        import pytest

        from payments import parse_amount


        def test_rejects_a_fractional_amount():
            with pytest.raises(ValueError, match="Invalid amount (got 3.50)"):
                parse_amount("3.50")

    Correct::

        import re

        import pytest

        from payments import parse_amount


        def test_rejects_a_fractional_amount():
            with pytest.raises(ValueError, match=re.escape("Invalid amount (got 3.50)")):
                parse_amount("3.50")
    """

    code = "EVT203"
    name = "regex-metacharacters-in-match"
    summary = "Unescaped regex metacharacters meant literally in a match= pattern"
    test_files_only = True
    fix_availability = "unsafe"
    triggers = ("raises", "assertRaisesRegex")

    @classmethod
    def precheck(cls, context: FileContext) -> bool:
        return may_match_patterns(context)

    def check(self) -> None:
        for pattern in analysis_for(self.context).patterns:
            text = pattern_text(pattern.pattern)
            if text is None or is_raw(self.context.source_of(pattern.pattern)):
                continue
            found = literal_metacharacters(text)
            if not found:
                continue
            fix = None
            if "\\" not in text:
                name, request = module_reference(
                    self.context.module, self.context.imports, pattern.pattern, "re"
                )
                fix = Fix(
                    Applicability.UNSAFE,
                    (Edit(pattern.pattern, "BaseString", _escaped_by(name)),),
                    (request,) if request is not None else (),
                )
            shown = " ".join(f"`{char}`" for char in found)
            self.report(
                pattern.pattern,
                f"the pattern is a regex, and its {shown} look meant literally; "
                "wrap it in `re.escape(...)`",
                fix,
            )


def _escaped_by(name: str) -> Callable[[cst.BaseString, FixTree], cst.Call]:
    """The builder of ``<name>.escape(<the pattern>)``."""

    def build(pattern: cst.BaseString, tree: FixTree) -> cst.Call:
        import libcst as cst

        return cst.Call(
            func=cst.Attribute(value=cst.Name(name), attr=cst.Name("escape")),
            args=[cst.Arg(value=pattern)],
        )

    return build
