"""The EVT2xx pre-checks: they skip files with nothing to judge, and lose no finding."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from fixture_cases import FIXTURES, Case, cases
from helpers import write

from eventlint.config import ConfigResolver
from eventlint.engine import Engine
from eventlint.rules import known_codes, rules_by_code
from eventlint.rules.base import Rule
from eventlint.rules.error_assertions._prechecks import (
    may_compare_messages,
    may_match_patterns,
)

CODES = ("EVT201", "EVT202", "EVT203", "EVT204")
CASES = [case for case in cases() if case.id.startswith("error_assertions/")]


def _lint(path: Path) -> list[tuple[int, int, str, str]]:
    engine = Engine(ConfigResolver(known_codes()))
    text = path.read_text(encoding="utf-8")
    findings = engine.lint_text(text, path, path.name)
    return [(finding.line, finding.column, finding.code, finding.message) for finding in findings]


def _without_prechecks(monkeypatch: pytest.MonkeyPatch) -> None:
    for code in CODES:
        rule = rules_by_code()[code]
        assert issubclass(rule, Rule)
        monkeypatch.setattr(rule, "precheck", classmethod(lambda cls, context: True))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_the_prechecks_lose_no_finding(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = case.place_in(tmp_path) if case.options() else case.path
    checked = _lint(path)
    _without_prechecks(monkeypatch)
    assert _lint(path) == checked


_PROJECT = '[tool.eventlint]\nextend-select = ["EVT204"]\n'


@pytest.mark.parametrize(
    "source",
    [
        # Between a keyword and its `=`: blanks, comments, line continuations.
        'with pytest.raises(ValueError, match  # why\n        = "Bad amount (3.50)"):\n    pass',
        'with pytest.raises(ValueError, match \\\n        ="Bad amount (3.50)"):\n    pass',
        # Beyond ASCII an identifier may be spelled with characters that NFKC-normalise to it.
        'with pytest.raises(ValueError, \uff4d\uff41\uff54\uff43\uff48="Bad amount (3.50)"):\n    pass',
        'with self.assertRaisesRegexp(ValueError, "Bad amount (3.50)"):\n    pass',
    ],
    ids=["comment", "continuation", "nfkc", "assertRaisesRegexp"],
)
def test_every_spelling_of_a_pattern_passes(source: str, tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", _PROJECT)
    body = textwrap.indent(source, "    ")
    path = write(
        tmp_path / "tests" / "test_x.py", f"import pytest\n\n\ndef test_x(self):\n{body}\n"
    )
    assert [code for _, _, code, _ in _lint(path)] == ["EVT203"]


def test_a_file_with_nothing_to_judge_is_not_analysed(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", _PROJECT)
    text = textwrap.dedent(
        """\
        import pytest


        def test_no_caught_error_bound():
            with pytest.raises(ValueError):
                int("x")
            with open(__file__) as handle:
                assert str(handle.read()) == "the whole message that is not an error's"
        """
    )
    path = write(tmp_path / "tests" / "test_x.py", text)
    engine = Engine(ConfigResolver(known_codes()))
    context = engine.context(text, path, "test_x.py")
    assert not may_compare_messages(context)
    assert not may_match_patterns(context)


def test_a_file_that_does_not_parse_is_still_reported(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", _PROJECT)
    path = write(
        tmp_path / "tests" / "test_x.py", "import pytest\n\ndef test_x(:\n    pytest.raises\n"
    )
    assert [code for _, _, code, _ in _lint(path)] == ["EVT001"]


def test_a_statement_sharing_its_line_with_a_semicolon_is_not_removed(tmp_path: Path) -> None:
    """Removing ``assert <message> == "...";`` would leave the semicolon: the file would not
    parse, and none of its fixes would be applied."""
    project = tmp_path / "codes_project"
    shutil.copytree(FIXTURES / "error_assertions" / "codes_project", project)
    text = textwrap.dedent(
        """\
        import pytest

        from shop.errors import ShopError
        from shop.orders import reserve


        def test_out_of_stock():
            with pytest.raises(ShopError) as info:
                reserve("sku-1", 5)
            assert str(info.value) == "Not enough units left in stock"


        def test_unknown_sku():
            with pytest.raises(ShopError) as info:
                reserve("sku-0", 1)
            assert info.value.error_code.value == "unknown_sku"
            assert str(info.value) == "Unknown SKU requested";  # the semicolon stays
        """
    )
    path = write(project / "tests" / "test_semicolon.py", text)
    outcome = Engine(ConfigResolver(known_codes())).fix_text(
        text, path, "test_semicolon.py", unsafe=True
    )
    assert outcome.refused is None
    assert "assert info.value.error_code == ErrorCode.OUT_OF_STOCK\n" in outcome.text
    assert 'assert str(info.value) == "Unknown SKU requested";' in outcome.text
