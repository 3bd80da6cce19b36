"""A rule's documented examples are tests (Fixit's VALID/INVALID cases, for eventlint).

Every rule docstring has ``Incorrect::`` and ``Correct::`` blocks. Each block, pasted alone
into a fresh project, must behave as documented: the Incorrect one raises the rule's code,
the Correct one raises nothing of it. A block is one file (``tests/test_example.py`` for a
test-only rule, ``example.py`` otherwise) unless it names its files: a line ``# file: PATH``
starts each file (a module that moved, a Makefile, a pytest config). A rule whose docstring
says "The fix turns the Incorrect example into the Correct one." is fixed too
(``--fix --unsafe-fixes``), and the result must equal the Correct block's first file.
"""

from __future__ import annotations

import inspect
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from eventlint import cli
from eventlint.rules import RuleDocs, all_rules, rules_by_code
from eventlint.rules.base import Rule

_FILE_HEADER = re.compile(r"^# file: (?P<path>\S+)\s*$")
FIX_PROMISE = "The fix turns the Incorrect example into the Correct one."


@dataclass(frozen=True)
class Example:
    label: str  # "Incorrect" or "Correct"
    files: dict[str, str]  # relative path -> text


def examples(rule: type[RuleDocs]) -> list[Example]:
    """The literal blocks of a docstring, in order, split into their files."""
    found: list[Example] = []
    lines = inspect.cleandoc(rule.__doc__ or "").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith(" ") or not line.endswith("::"):
            continue
        label = line[:-2].split()[0]
        block: list[str] = []
        while index < len(lines) and (not lines[index].strip() or lines[index].startswith(" ")):
            block.append(lines[index])
            index += 1
        found.append(Example(label, _files(rule, textwrap.dedent("\n".join(block)).strip("\n"))))
    return found


def _files(rule: type[RuleDocs], text: str) -> dict[str, str]:
    default = "tests/test_example.py" if rule.test_files_only else "example.py"
    files: dict[str, list[str]] = {}
    current = default
    for line in text.splitlines():
        header = _FILE_HEADER.match(line)
        if header:
            current = header["path"]
            files[current] = []
            continue
        files.setdefault(current, []).append(line)
    return {path: "\n".join(body).strip("\n") + "\n" for path, body in files.items()}


def _lay_out(root: Path, rule: type[RuleDocs], example: Example) -> None:
    root.mkdir(parents=True, exist_ok=True)
    options = [f'extend-select = ["{rule.code}"]']
    root.mkdir(parents=True, exist_ok=True)
    if "pyproject.toml" not in example.files:
        (root / "pyproject.toml").write_text(
            "[project]\nname = 'example'\n\n[tool.eventlint]\n" + "\n".join(options) + "\n",
            encoding="utf-8",
        )
    for relative, text in example.files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _codes(root: Path, rule: type[RuleDocs], capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    status = cli.main(
        [str(root), "--no-cache", "--jobs", "1", "--output-format", "json",
         "--extend-select", rule.code]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert status in (0, 1), out
    return [finding["code"] for finding in json.loads(out)]


def _python_rules() -> list[type[RuleDocs]]:
    return [rule for rule in all_rules() if issubclass(rule, Rule)]


@pytest.mark.parametrize("rule", _python_rules(), ids=lambda rule: rule.code)
def test_every_rule_has_an_incorrect_and_a_correct_example(rule: type[RuleDocs]) -> None:
    labels = [example.label for example in examples(rule)]
    assert "Incorrect" in labels, labels
    assert "Correct" in labels, labels


@pytest.mark.parametrize("rule", _python_rules(), ids=lambda rule: rule.code)
def test_incorrect_example_fires_alone(
    rule: type[RuleDocs], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number, example in enumerate(e for e in examples(rule) if e.label == "Incorrect"):
        root = tmp_path / f"incorrect{number}"
        _lay_out(root, rule, example)
        assert rule.code in _codes(root, rule, capsys), example.files


@pytest.mark.parametrize("rule", _python_rules(), ids=lambda rule: rule.code)
def test_correct_example_is_silent(
    rule: type[RuleDocs], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number, example in enumerate(e for e in examples(rule) if e.label == "Correct"):
        root = tmp_path / f"correct{number}"
        _lay_out(root, rule, example)
        assert rule.code not in _codes(root, rule, capsys), example.files


@pytest.mark.parametrize(
    "rule",
    [rule for rule in _python_rules() if FIX_PROMISE in " ".join((rule.__doc__ or "").split())],
    ids=lambda rule: rule.code,
)
def test_fix_turns_incorrect_into_correct(
    rule: type[RuleDocs], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = examples(rule)
    incorrect = next(example for example in found if example.label == "Incorrect")
    correct = next(example for example in found if example.label == "Correct")
    _lay_out(tmp_path, rule, incorrect)
    cli.main(
        [str(tmp_path), "--no-cache", "--jobs", "1", "--fix", "--unsafe-fixes",
         "--extend-select", rule.code]
    )  # fmt: skip
    capsys.readouterr()
    path, expected = next(iter(correct.files.items()))
    assert (tmp_path / path).read_text(encoding="utf-8") == expected


def test_eventlint_rule_prints_the_examples(capsys: pytest.CaptureFixture[str]) -> None:
    rule = rules_by_code()["EVT104"]
    cli.main(["rule", "EVT104"])
    out = capsys.readouterr().out
    incorrect = next(example for example in examples(rule) if example.label == "Incorrect")
    first_line = next(iter(incorrect.files.values())).splitlines()[0]
    assert first_line in out
