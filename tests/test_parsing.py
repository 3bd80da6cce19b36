"""Parsing never takes the process down, whatever the input."""

from __future__ import annotations

import ast
from pathlib import Path

import hypothesmith
import pytest
from helpers import run_cli, write
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

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


# -- the nesting measure skips what is too narrow to nest deeply ------------------------------


def _full_depth(tree: ast.AST) -> int:
    """The measure walked over every node, as it was before narrow statements were skipped."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@given(program=hypothesmith.from_grammar(), limit=st.integers(min_value=0, max_value=40))
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_skipping_narrow_code_never_changes_the_verdict(program: str, limit: int) -> None:
    """The guard skips statements too narrow to reach the limit (a level takes at least a byte
    of source). At small limits every skip is exercised: the verdict must be the full walk's."""
    try:
        tree = parsing.parse_ast(program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assume(False)
        return
    assert parsing.nests_deeper_than(tree, program, limit) == (_full_depth(tree) > limit)


@pytest.mark.parametrize(
    "chain",
    [
        " or ".join(["READ"] * 2100),
        "a" + ".b" * 2100,
        "-" * 2100 + "a",
        "f'{" + " + ".join(["a"] * 2100) + "}'",
    ],
    ids=["or", "attribute", "unary", "inside-an-f-string"],
)
def test_a_deep_chain_among_ordinary_code_is_found(chain: str) -> None:
    """A chain past the bound, inside a method of a class among short statements (which are
    skipped), is still measured."""
    text = (
        "import hashlib\n\n\nclass Service:\n    limit = 3\n\n    def handle(self):\n"
        "        x = 1\n        return " + chain + "\n\n\ndef other():\n    return 2\n"
    )
    tree = ast.parse(text)
    assert parsing.nests_deeper_than(tree, text, 2000)
    assert not parsing.nests_deeper_than(tree, text, _full_depth(tree))


@pytest.mark.parametrize(
    "statement",
    [
        "X = (\n" + "".join("    a +\n" for _ in range(2500)) + "    a\n)",  # across lines
        "X = a + \\\n" * 2500 + "a",  # backslash continuations
        'X = f"""{\n' + " + ".join(["a"] * 2500) + '\n}"""',  # inside a multi-line f-string
        "X = a +\x0c" * 2500 + "a",  # a form feed is whitespace, not a line end
    ],
    ids=["bracketed", "backslashes", "f-string", "form-feed"],
)
def test_a_long_statement_is_measured_however_it_is_laid_out(statement: str) -> None:
    """The cheap scan counts chain tokens per statement: a statement spread over many lines
    is still one statement."""
    assert parsing._may_chain_too_deep("import hashlib\n" + statement + "\n")


def test_many_ordinary_statements_need_no_ast_pass() -> None:
    """A long file of short statements holds thousands of chain tokens, none in a chain."""
    text = "".join(f"value_{i} = config.get('key_{i}') + offset(1)\n" for i in range(2000))
    assert parsing._chain_tokens(text, 10**9) > 2000
    assert not parsing._may_chain_too_deep(text)
