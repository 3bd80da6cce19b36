"""Parsing never takes the process down, whatever the input."""

from __future__ import annotations

from pathlib import Path

from helpers import run_cli, write

from eventlint import parsing


def test_brackets_nested_past_cpythons_limit_are_evt001_not_a_crash(tmp_path: Path) -> None:
    # libcst's native parser segfaults on this; the guard hands it to ast instead.
    write(tmp_path / "deep.py", "import hashlib\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    result = run_cli("--output-format", "json", "deep.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert '"EVT001"' in result.stdout and "too many nested parentheses" in result.stdout


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    text = "import hashlib\n# " + "(" * 300 + "\ns = '" + "[" * 300 + "'\n"
    assert not isinstance(parsing.parse(text), parsing.ParseFailure)


def test_long_operator_chains_are_reported_not_raised(tmp_path: Path) -> None:
    write(tmp_path / "chain.py", "import hashlib\nx = " + " + ".join(["a"] * 5000) + "\n")
    result = run_cli("chain.py", cwd=tmp_path)
    assert result.returncode in (0, 1)
    assert "Traceback" not in result.stderr


def test_deep_indentation(tmp_path: Path) -> None:
    body = "".join(" " * i + "if x:\n" for i in range(150)) + " " * 150 + "pass\n"
    write(tmp_path / "indent.py", "import hashlib\n" + body)
    result = run_cli("--output-format", "json", "indent.py", cwd=tmp_path)
    assert result.returncode == 1 and "too many levels of indentation" in result.stdout


def test_syntax_error_position_comes_from_cpython() -> None:
    failure = parsing.parse("def f(:\n    pass\n")
    assert failure == parsing.ParseFailure("syntax error: invalid syntax", 1, 7)


def test_empty_file_and_form_feeds(tmp_path: Path) -> None:
    write(tmp_path / "empty.py", "")
    write(
        tmp_path / "ff.py",
        "import hashlib\n\x0c\ndef key(e):\n\treturn hashlib.sha256(e.email).hexdigest()\n",
    )
    result = run_cli("--output-format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert '"line": 4' in result.stdout and '"EVT102"' in result.stdout


def test_syntax_warnings_about_linted_code_are_not_printed(tmp_path: Path) -> None:
    # `1(2)` and "\d" make CPython warn while parsing; the user asked for findings only.
    odd = 'import hashlib\nx = 1(2)\npattern = "\\d"\nfrom app import y\n'
    write(tmp_path / "tests" / "test_odd.py", odd)
    write(tmp_path / "app.py", "z = 1\n")
    result = run_cli("--no-cache", ".", cwd=tmp_path)
    assert "SyntaxWarning" not in result.stderr and "DeprecationWarning" not in result.stderr
    assert "EVT302" in result.stdout  # the file was still read
