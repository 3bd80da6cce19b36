"""Long whole-sentence messages compared exactly (issue 25): the message a raise produces
when its text is a format string kept in a name, or when the exception class's ``__init__``
builds it; short messages stay silent under the documented policy."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from helpers import write

from eventlint.config import ConfigResolver
from eventlint.engine import Engine
from eventlint.project.raises import anchor_words
from eventlint.project.readers import summarise
from eventlint.rules import known_codes
from eventlint.rules.error_assertions._match_patterns import message_sample


def test_a_format_string_kept_in_a_name_is_the_raise_template() -> None:
    summary = summarise(
        b'MESSAGE = "Column {} must not be negative"\n'
        b'PERCENT = "Column %s must not be blank"\n'
        b"TWICE = '{} a'\nTWICE = '{} b'\n\n"
        b"def constant(name):\n    raise ValueError(MESSAGE.format(name))\n\n"
        b"def percent(name):\n    raise ValueError(PERCENT % name)\n\n"
        b"def local(name):\n    text = 'Row {} is empty'\n    raise ValueError(text.format(name))\n\n"
        b"def ambiguous(name):\n    raise ValueError(TWICE.format(name))\n\n"
        b"def hidden(MESSAGE):\n    raise ValueError(MESSAGE.format(1))\n\n"
        b"def not_text(name):\n    raise ValueError(NUMBER % name)\n"
    )
    messages = {site.line: site.message for site in summary.raises}
    assert messages == {
        7: ("Column ", None, " must not be negative"),
        10: ("Column ", None, " must not be blank"),
        14: ("Row ", None, " is empty"),
        17: None,  # assigned twice: which text is unknown
        20: None,  # the parameter, not the constant
        23: None,  # a name the module never assigns
    }


_ERRORS = """
class ColumnError(ValueError):
    def __init__(self, column):
        super().__init__(f"Column '{column}' must be a positive number for every row in the table")


class MissingColumn(KeyError):
    def __init__(self, column):
        super().__init__(f"No column {column}")


class RowError(ValueError):
    def __init__(self, row, reason):
        super().__init__(f"Row {row} was rejected: {reason}")
"""

_CHECKS = """
from pkg.errors import ColumnError, MissingColumn, RowError


def positive(column):
    raise ColumnError(column)


def present(column):
    raise MissingColumn(column)


def row(number):
    raise RowError(number, "the amount must be a positive number of cents")
"""


def _findings(tmp_path: Path, test_body: str) -> list[tuple[int, str]]:
    write(tmp_path / "pyproject.toml", '[project]\nname = "pkg"\nversion = "0"\n')
    write(tmp_path / "src" / "pkg" / "__init__.py", "")
    # The module defining the classes raises nothing: they are found by what they build.
    write(tmp_path / "src" / "pkg" / "errors.py", _ERRORS)
    write(tmp_path / "src" / "pkg" / "checks.py", _CHECKS)
    head = "import pytest\n\nfrom pkg.checks import positive, present, row\n\n\n"
    test = write(tmp_path / "tests" / "test_checks.py", head + textwrap.dedent(test_body))
    engine = Engine(ConfigResolver(known_codes()))
    found = engine.lint_text(test.read_text(encoding="utf-8"), test, "tests/test_checks.py")
    return [(finding.line, finding.code) for finding in found]


@pytest.mark.parametrize(
    "read",
    ["str(info.value)", "info.value.args[0]"],
)
def test_the_whole_message_an_exception_class_builds_is_pinned(tmp_path: Path, read: str) -> None:
    body = f"""
        def test_positive():
            with pytest.raises(ValueError) as info:
                positive("amount")
            assert {read} == "Column 'amount' must be a positive number for every row in the table"
    """
    assert _findings(tmp_path, body) == [(10, "EVT201")]


def test_the_whole_message_an_exception_class_builds_as_a_pattern(tmp_path: Path) -> None:
    body = """
        def test_row():
            with pytest.raises(ValueError, match="Row 3 was rejected: the amount must be a positive number of cents"):
                row(3)
    """
    assert _findings(tmp_path, body) == [(8, "EVT202")]


@pytest.mark.parametrize(
    "body",
    [
        # Only the argument the class wraps: a fragment of the message, as documented.
        """
        def test_reason():
            with pytest.raises(ValueError) as info:
                row(3)
            assert info.value.args[0] == "the amount must be a positive number of cents"
        """,
        # A short message of an error without a code: its own fragment.
        """
        def test_present():
            with pytest.raises(KeyError) as info:
                present("amount")
            assert info.value.args[0] == "No column amount"
        """,
        # Not what the class builds: another sentence.
        """
        def test_positive():
            with pytest.raises(ValueError) as info:
                positive("amount")
            assert str(info.value) == "Column 'amount' must be a positive number in each table"
        """,
    ],
    ids=["wrapped-argument", "short-built-message", "other-sentence"],
)
def test_what_stays_silent(tmp_path: Path, body: str) -> None:
    assert _findings(tmp_path, body) == []


def test_anchor_words_prefer_prose_to_rendered_values() -> None:
    # The rendered identifier's parts are the longest words; the template holds none of them.
    message = "Column reconciliation_disbursement_remittance must be a positive number"
    assert anchor_words(message) == ["positive", "Column", "number"]
    # Quoted values and dotted names are values too (after the prose words, longest first);
    # a sentence's last word is prose.
    assert anchor_words("Bad host 'localhost' in brokers.yaml: unreachable.") == [
        "unreachable",
        "host",
        "localhost",
    ]
    # With no prose word, the value's words are all there is.
    assert anchor_words("max_in_flight_requests") == ["requests", "flight"]


def test_a_repr_placeholder_is_sampled_with_its_quotes() -> None:
    node = ast.parse('f"Column {column!r} must be {rule} here"', mode="eval").body
    assert message_sample(node) == "Column 'x' must be x here"


def test_a_nested_function_reads_what_the_enclosing_one_assigns_once() -> None:
    summary = summarise(
        b"def check(name):\n"
        b'    message = f"Column {name} must be a positive number"\n'
        b"    twice = 'a'\n    twice = 'b'\n\n"
        b"    def fail():\n        raise ValueError(message)\n\n"
        b"    def ambiguous():\n        raise ValueError(twice)\n\n"
        b"    def parameter(name):\n        raise ValueError(name)\n\n"
        b"class Holder:\n    TEXT = 'class level text'\n\n"
        b"    def method(self):\n        raise ValueError(TEXT)\n"
    )
    messages = {site.line: site.message for site in summary.raises}
    assert messages == {
        7: ("Column ", None, " must be a positive number"),
        10: None,  # assigned twice in the enclosing function
        13: None,  # its own parameter
        19: None,  # a class body's names are not a method's
    }
