"""EVT003: ``# noqa: EVTxxx`` codes that suppress nothing (the CLI only; off by default)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import VIOLATION, run_cli, write
from test_rule_examples import FIX_PROMISE, _codes, _lay_out, examples

from eventlint.rules import rules_by_code

RULE = rules_by_code()["EVT003"]
OPT_IN = '[project]\nname = "x"\n\n[tool.eventlint]\nextend-select = ["EVT003"]\n'

UNUSED = textwrap.dedent(
    """\
    import hashlib
    import json


    def order_key(order_id: str) -> str:
        return hashlib.sha256(order_id.encode()).hexdigest()  # noqa: EVT104, E501 why


    def event_key(payload: dict) -> str:
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()  # noqa: EVT104,EVT101


    A = 1  # type: ignore  # noqa: EVT105
        # noqa: EVT101
    B = 2  # noqa: EVT2
    C = 3  # noqa: EVT1 see the ticket
    D = 4  # noqa
    E = 5  # noqa: EVT999, EVT003
    F = 6  # noqa: EVT999
    """
)


def _findings(root: Path, *args: str) -> list[dict[str, object]]:
    result = run_cli(str(root), "--no-cache", "--output-format", "json", *args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def _project(tmp_path: Path, text: str, config: str = OPT_IN) -> Path:
    write(tmp_path / "pyproject.toml", config)
    write(tmp_path / "svc.py", text)
    return tmp_path


def test_unused_codes_are_reported_at_the_comment_naming_them(tmp_path: Path) -> None:
    root = _project(tmp_path, UNUSED)
    found = [
        (f["line"], f["column"], f["message"]) for f in _findings(root) if f["code"] == "EVT003"
    ]
    assert found == [
        (6, 59, "unused `noqa` directive (unused: EVT104)"),
        # EVT104 is used here (json.dumps without sort_keys); EVT101 is not.
        (10, 70, "unused `noqa` directive (unused: EVT101)"),
        (13, 24, "unused `noqa` directive (unused: EVT105)"),
        (14, 5, "unused `noqa` directive (unused: EVT101)"),
        # EVT2 names EVT204, off by default: not judged. A bare noqa is never judged, nor a
        # comment that lists EVT003 itself.
        (16, 8, "unused `noqa` directive (unused: EVT1)"),
        (19, 8, "unused `noqa` directive (unknown: EVT999)"),
    ]


def test_the_fix_removes_only_the_unused_codes_and_keeps_the_rest(tmp_path: Path) -> None:
    root = _project(tmp_path, UNUSED.replace("\n", "\r\n"))
    result = run_cli(str(root), "--no-cache", "--fix", cwd=root)
    assert result.returncode == 0, result.stdout
    fixed = (root / "svc.py").read_bytes().decode()
    assert fixed == UNUSED.replace("# noqa: EVT104, E501 why", "# noqa: E501 why").replace(
        "# noqa: EVT104,EVT101", "# noqa: EVT104"
    ).replace(
        "A = 1  # type: ignore  # noqa: EVT105\n    # noqa: EVT101\n", "A = 1  # type: ignore\n"
    ).replace("C = 3  # noqa: EVT1 see the ticket", "C = 3  # see the ticket").replace(
        "F = 6  # noqa: EVT999", "F = 6"
    ).replace("\n", "\r\n")
    again = run_cli(str(root), "--no-cache", "--fix", cwd=root)
    assert "Fixed" not in again.stdout and again.returncode == 0
    assert (root / "svc.py").read_bytes().decode() == fixed


def test_off_by_default(tmp_path: Path) -> None:
    root = _project(tmp_path, UNUSED, config='[project]\nname = "x"\n')
    assert not any(f["code"] == "EVT003" for f in _findings(root))
    assert any(f["code"] == "EVT003" for f in _findings(root, "--extend-select", "EVT003"))


def test_a_code_of_a_rule_that_is_off_is_not_judged(tmp_path: Path) -> None:
    text = "import hashlib\n\nKEY = hashlib.sha256(b'x').hexdigest()  # noqa: EVT105\n"
    root = _project(tmp_path, text)
    assert [f["code"] for f in _findings(root)] == ["EVT003"]
    assert _findings(root, "--ignore", "EVT105") == []
    assert _findings(root, "--select", "EVT003") == []
    ignored = OPT_IN + 'per-file-ignores = { "svc.py" = ["EVT1"] }\n'
    assert _findings(_project(tmp_path, text, ignored)) == []
    assert _findings(_project(tmp_path, "# eventlint: noqa: EVT105\n" + text)) == []


def test_a_used_code_is_silent_also_on_a_multi_line_string(tmp_path: Path) -> None:
    text = VIOLATION.replace(
        ".hexdigest()\n", '.hexdigest() + """\nsuffix\n"""  # noqa: EVT101, EVT104\n'
    )
    root = _project(tmp_path, text)
    assert _findings(root) == []


def test_a_noqa_inside_a_string_is_never_judged(tmp_path: Path) -> None:
    text = 'import hashlib\n\nDOC = "# noqa: EVT101"\n'
    assert _findings(_project(tmp_path, text)) == []


def test_the_cache_keeps_it_right(tmp_path: Path) -> None:
    root = _project(tmp_path, UNUSED)
    first = run_cli(str(root), "--output-format", "json", cwd=root)
    second = run_cli(str(root), "--output-format", "json", cwd=root)
    assert json.loads(first.stdout) == json.loads(second.stdout)
    assert any(f["code"] == "EVT003" for f in json.loads(second.stdout))


@pytest.mark.slow
def test_flake8_never_reports_it(tmp_path: Path) -> None:
    root = _project(tmp_path, UNUSED)
    result = subprocess.run(
        # --disable-noqa: flake8 reports what its noqa would hide, EVT003 included if made.
        [sys.executable, "-m", "flake8", "--select", "EVT", "--disable-noqa", "svc.py"],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "EVT104" in result.stdout, result.stdout + result.stderr
    assert "EVT003" not in result.stdout


def test_the_engine_under_flake8_semantics_never_reports_it(tmp_path: Path) -> None:
    from eventlint.config import ConfigResolver
    from eventlint.engine import Engine
    from eventlint.rules import known_codes

    root = _project(tmp_path, UNUSED)
    engine = Engine(ConfigResolver(known_codes()))
    findings = engine.lint_text(UNUSED, root / "svc.py", "svc.py", honour_noqa=False)
    assert findings and "EVT003" not in {finding.code for finding in findings}


# The rule's documented examples, as tests/test_rule_examples.py tests those of the rules
# with a check of their own (EVT003 is judged by the engine, like EVT001).


def test_incorrect_example_fires_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    incorrect = [example for example in examples(RULE) if example.label == "Incorrect"]
    assert incorrect
    for number, example in enumerate(incorrect):
        root = tmp_path / f"incorrect{number}"
        _lay_out(root, RULE, example)
        assert "EVT003" in _codes(root, RULE, capsys), example.files


def test_correct_example_is_silent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    correct = [example for example in examples(RULE) if example.label == "Correct"]
    assert correct
    for number, example in enumerate(correct):
        root = tmp_path / f"correct{number}"
        _lay_out(root, RULE, example)
        assert "EVT003" not in _codes(root, RULE, capsys), example.files


def test_fix_turns_incorrect_into_correct(tmp_path: Path) -> None:
    assert FIX_PROMISE in " ".join((RULE.__doc__ or "").split())
    found = examples(RULE)
    incorrect = next(example for example in found if example.label == "Incorrect")
    correct = next(example for example in found if example.label == "Correct")
    _lay_out(tmp_path, RULE, incorrect)
    run_cli(str(tmp_path), "--no-cache", "--fix", "--extend-select", "EVT003", cwd=tmp_path)
    path, expected = next(iter(correct.files.items()))
    assert (tmp_path / path).read_text(encoding="utf-8") == expected


def test_a_cached_result_follows_the_other_files_it_read(tmp_path: Path) -> None:
    """The noqa was needed while the patched name was missing; once it is defined, the
    cached result (keyed on what the rules read) is not reused and the comment is reported."""
    write(tmp_path / "pyproject.toml", OPT_IN)
    write(tmp_path / "src" / "orders" / "__init__.py", "")
    write(tmp_path / "src" / "orders" / "notify.py", "def other(): ...\n")
    test = (
        "from unittest import mock\n\n\n"
        '@mock.patch("orders.notify.send_email")  # noqa: EVT303\n'
        "def test_x(send_email):\n    assert send_email\n"
    )
    write(tmp_path / "tests" / "test_orders.py", test)

    def codes() -> list[str]:
        result = run_cli(".", "--output-format", "json", cwd=tmp_path)
        return [finding["code"] for finding in json.loads(result.stdout)]

    assert codes() == []
    assert _findings(tmp_path, "--extend-ignore", "EVT003") == []  # EVT303 is suppressed
    write(tmp_path / "src" / "orders" / "notify.py", "def send_email(): ...\n")
    assert codes() == ["EVT003"]


def test_codes_of_rules_that_read_noqa_comments_are_not_judged(tmp_path: Path) -> None:
    """EVT301 and EVT302 leave alone an import with any noqa: removing an EVT301 that looks
    unused would make EVT301 fire."""
    write(tmp_path / "src" / "orders" / "__init__.py", "")
    test = "from orders.models import Order  # noqa: EVT301, EVT302\n"
    root = _project(tmp_path, "")
    write(root / "tests" / "test_orders.py", test)
    assert _findings(root) == []
    write(root / "tests" / "test_orders.py", test.replace("  # noqa: EVT301, EVT302", ""))
    assert [f["code"] for f in _findings(root)] == ["EVT301"]


def test_codes_of_the_parser_findings_are_not_judged(tmp_path: Path) -> None:
    """EVT001/EVT002 depend on the running Python (3.12 syntax is EVT001 on 3.11 only)."""
    text = "import hashlib\n\nKEY = 1  # noqa: EVT001\nOTHER = 2  # noqa: EVT002, EVT104\n"
    found = _findings(_project(tmp_path, text))
    assert [(f["line"], f["message"]) for f in found] == [
        (4, "unused `noqa` directive (unused: EVT104)")
    ]
