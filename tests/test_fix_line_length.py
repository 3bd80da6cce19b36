"""Fixes that add text keep the project's line length: the call or import they lengthen is
wrapped as ruff's and black's formatters wrap it (checked against ``ruff format`` itself),
or, where that cannot be done faithfully, the fix is applied unwrapped."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import run_cli, write

from eventlint.fixes.line_length import line_length

FIXTURES = Path(__file__).parent / "fixtures"


def _ruff_keeps(path: Path, length: int) -> bool:
    """Whether ``ruff format`` at this line length leaves the file as it is."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--line-length", str(length),
         "--check", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return result.returncode == 0


def _fixed(project: Path, relative: str, *args: str) -> str:
    result = run_cli("--no-cache", "--fix", "--unsafe-fixes", *args, ".", cwd=project)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "Fixed" in result.stdout, result.stdout
    return (project / relative).read_text(encoding="utf-8")


KEYS = textwrap.dedent("""\
    import hashlib
    import json


    def event_id(payload: dict[str, str]) -> str:
        body = json.dumps({"order_id": payload["order"]})
        return hashlib.sha256(body.encode()).hexdigest()
""")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, 88),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, 100),
        ({"ruff.toml": "line-length = 99\n"}, 99),
        ({".ruff.toml": "[tool.ruff]\nline-length = 98\n"}, 98),
        ({"pyproject.toml": "[tool.black]\nline-length = 79\n"}, 79),
        ({"setup.cfg": "[flake8]\nmax-line-length = 120\n"}, 120),
        ({"tox.ini": "[flake8]\nmax_line_length = 110\n"}, 110),
        ({".flake8": "[flake8]\nmax-line-length = 101\n"}, 101),
        (
            {
                "pyproject.toml": "[tool.black]\nline-length = 79\n",
                "setup.cfg": "[flake8]\nmax-line-length = 120\n",
                "ruff.toml": "line-length = 90\n",
            },
            90,
        ),  # ruff first, then black, then flake8
        (
            {"pyproject.toml": "[tool.ruff\nbroken", "setup.cfg": "[flake8]\nmax-line-length = x"},
            88,
        ),
    ],
)
def test_the_line_length_comes_from_the_formatter_config(
    tmp_path: Path, files: dict[str, str], expected: int
) -> None:
    for name, text in files.items():
        write(tmp_path / name, text)
    assert line_length(tmp_path / "pkg" / "mod.py", tmp_path) == expected


def test_a_nearer_config_wins(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    write(tmp_path / "services" / "billing" / "ruff.toml", "line-length = 72\n")
    assert line_length(tmp_path / "services" / "billing" / "app" / "x.py", tmp_path) == 72
    assert line_length(tmp_path / "services" / "other" / "x.py", tmp_path) == 100


def _keys_project(tmp_path: Path, length: int, source: str = KEYS) -> Path:
    write(tmp_path / "pyproject.toml", f"[tool.eventlint]\n[tool.ruff]\nline-length = {length}\n")
    write(tmp_path / "keys.py", source)
    return tmp_path


def test_an_added_argument_wraps_the_call_onto_one_indented_line(tmp_path: Path) -> None:
    project = _keys_project(tmp_path, 60)
    fixed = _fixed(project, "keys.py")
    assert fixed == KEYS.replace(
        '    body = json.dumps({"order_id": payload["order"]})\n',
        '    body = json.dumps(\n        {"order_id": payload["order"]}, sort_keys=True\n    )\n',
    )
    assert max(len(line) for line in fixed.splitlines()) <= 60
    if _has_ruff():
        assert _ruff_keeps(project / "keys.py", 60)


def test_one_argument_per_line_when_they_do_not_fit_on_one(tmp_path: Path) -> None:
    # The line was 53 long; the arguments alone, indented, would be 54.
    project = _keys_project(tmp_path, 53)
    fixed = _fixed(project, "keys.py")
    assert (
        '    body = json.dumps(\n        {"order_id": payload["order"]},\n'
        "        sort_keys=True,\n    )\n"
    ) in fixed
    if _has_ruff():
        assert _ruff_keeps(project / "keys.py", 53)


def test_a_line_that_still_fits_is_left_on_one_line(tmp_path: Path) -> None:
    project = _keys_project(tmp_path, 88)
    fixed = _fixed(project, "keys.py")
    assert '    body = json.dumps({"order_id": payload["order"]}, sort_keys=True)\n' in fixed


@pytest.mark.parametrize("trailing_comma", [True, False])
def test_an_exploded_call_gets_the_argument_on_its_own_line(
    tmp_path: Path, trailing_comma: bool
) -> None:
    comma = "," if trailing_comma else ""
    source = KEYS.replace(
        '    body = json.dumps({"order_id": payload["order"]})\n',
        f'    body = json.dumps(\n        {{"order_id": payload["order"]}},\n        default=str{comma}\n    )\n',
    )
    project = _keys_project(tmp_path, 88, source)
    fixed = _fixed(project, "keys.py")
    assert (
        '    body = json.dumps(\n        {"order_id": payload["order"]},\n'
        f"        default=str,\n        sort_keys=True{comma}\n    )\n"
    ) in fixed


def test_a_nested_call_is_fixed_but_not_wrapped(tmp_path: Path) -> None:
    """The formatters split the outer call first, then inside its one argument, which is
    still too long: eventlint does not go on splitting (it is not a formatter)."""
    source = KEYS.replace(
        '    body = json.dumps({"order_id": payload["order"]})\n',
        '    body = str(json.dumps({"order_id": payload["order"]}))\n',
    )
    project = _keys_project(tmp_path, 60, source)
    fixed = _fixed(project, "keys.py")
    assert '    body = str(json.dumps({"order_id": payload["order"]}, sort_keys=True))\n' in fixed


def test_a_call_inside_an_f_string_is_fixed_but_not_wrapped(tmp_path: Path) -> None:
    source = KEYS.replace(
        '    body = json.dumps({"order_id": payload["order"]})\n',
        '    body = f"{json.dumps({"order_id": payload["order"]})}"\n'.replace(
            '{"order_id": payload["order"]}', "{'order_id': payload['order']}"
        ),
    )
    project = _keys_project(tmp_path, 60, source)
    result = run_cli("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=project)
    assert result.returncode in (0, 1), result.stderr
    fixed = (project / "keys.py").read_text(encoding="utf-8")
    compile(fixed, "keys.py", "exec")
    assert "sort_keys=True)}" in fixed and fixed.count("\n") == source.count("\n")


def test_a_tab_indented_file_is_fixed_but_not_wrapped(tmp_path: Path) -> None:
    source = KEYS.replace("    ", "\t")
    project = _keys_project(tmp_path, 60, source)
    fixed = _fixed(project, "keys.py")
    assert '\tbody = json.dumps({"order_id": payload["order"]}, sort_keys=True)\n' in fixed


def test_a_line_already_too_long_is_not_the_fixes_to_wrap(tmp_path: Path) -> None:
    project = _keys_project(tmp_path, 40)
    fixed = _fixed(project, "keys.py")
    assert '    body = json.dumps({"order_id": payload["order"]}, sort_keys=True)\n' in fixed


def test_crlf_files_wrap_with_crlf(tmp_path: Path) -> None:
    project = _keys_project(tmp_path, 60)
    (project / "keys.py").write_bytes(KEYS.replace("\n", "\r\n").encode())
    run_cli("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=project)
    data = (project / "keys.py").read_bytes()
    assert b"json.dumps(\r\n        {" in data and b"\n" not in data.replace(b"\r\n", b"")


TEST_MONEY = textwrap.dedent("""\
    import pytest

    from app.money import ErrorTypeWithALongName, parse_amount


    def test_rejects_a_fractional_amount():
        with pytest.raises(ErrorTypeWithALongName, match="Invalid (got 3.50)"):
            parse_amount("3.50")
""")


def test_regex_escape_and_a_moved_import_wrap_as_black_does(tmp_path: Path) -> None:
    """EVT203 wraps a pattern in ``re.escape(...)`` (the enclosing call is wrapped); EVT301
    rewrites an import to a longer module path (the import is split, one name per line)."""
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n[tool.black]\nline-length = 79\n")
    write(tmp_path / "app" / "__init__.py", "")
    write(
        tmp_path / "app" / "moved_money_helpers_long_module.py",
        "class ErrorTypeWithALongName(Exception): ...\n\n\ndef parse_amount(x): ...\n",
    )
    write(tmp_path / "tests" / "test_money.py", TEST_MONEY)
    fixed = _fixed(tmp_path, "tests/test_money.py")
    assert fixed == textwrap.dedent("""\
        import re

        import pytest

        from app.moved_money_helpers_long_module import (
            ErrorTypeWithALongName,
            parse_amount,
        )


        def test_rejects_a_fractional_amount():
            with pytest.raises(
                ErrorTypeWithALongName, match=re.escape("Invalid (got 3.50)")
            ):
                parse_amount("3.50")
    """)
    if _has_ruff():
        assert _ruff_keeps(tmp_path / "tests" / "test_money.py", 79)
    assert run_cli("--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tmp_path).returncode == 0


def test_an_inserted_readiness_call_is_wrapped(tmp_path: Path) -> None:
    """EVT401's inserted line is a new call: wrapped when it is too long."""
    shutil.copytree(FIXTURES / "kafka_consumers" / "readiness_fix", tmp_path / "project")
    project = tmp_path / "project"
    config = project / "pyproject.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\n[tool.ruff]\nline-length = 44\n", encoding="utf-8"
    )
    fixed = _fixed(project, "app/consumers.py")
    assert '    await wait_for_topics(\n        consumer, [ORDERS, "returns"]\n    )\n' in fixed


def _has_ruff() -> bool:
    """ruff (a test dependency) is there to say what its formatter makes of the result."""
    return importlib.util.find_spec("ruff") is not None
