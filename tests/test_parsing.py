"""Parsing never takes the process down, whatever the input, and never skips a file: what the
running Python parses is analysed (however large or deep), what it cannot is EVT001/EVT002.
libcst parses only for a fix, behind its own guard (``fixes.libcst_guard``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import python_source, run_cli, write
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eventlint import parsing
from eventlint.fixes import libcst_guard


def test_brackets_nested_past_cpythons_limit_are_evt001_not_a_crash(tmp_path: Path) -> None:
    # CPython refuses it (its parser's limit is 200): a syntax error, never a crash.
    write(tmp_path / "deep.py", "import hashlib\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    result = run_cli("--output-format", "json", "deep.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert '"EVT001"' in result.stdout and "too many nested parentheses" in result.stdout


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    text = "import hashlib\n# " + "(" * 300 + "\ns = '" + "[" * 300 + "'\n"
    assert not isinstance(parsing.parse(text), parsing.ParseFailure)


def test_long_operator_chains_are_analysed(tmp_path: Path) -> None:
    """A 2,500-term chain CPython accepts is analysed: the finding beside it is reported (it
    was EVT002, not analysed, while detection parsed with libcst)."""
    chain = " + ".join(["a"] * 2500)
    write(
        tmp_path / "chain.py",
        f"import hashlib\n\nx = {chain}\n\n\ndef key(e):\n"
        "    return hashlib.sha256(e.email.encode()).hexdigest()\n",
    )
    result = run_cli("--no-cache", "--output-format", "json", "chain.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert '"EVT102"' in result.stdout and '"EVT002"' not in result.stdout


def test_a_long_elif_chain_is_analysed_and_its_fix_refused_with_the_reason(
    tmp_path: Path,
) -> None:
    """2,500 branches: ast reads them (its parser stops near 3,000), libcst's would nest them
    2,500 deep, past its guard. The finding is reported; --fix leaves the file alone and says
    why."""
    branches = "".join(f"    elif x == {i}:\n        y = {i}\n" for i in range(2500))
    text = (
        "import hashlib\nimport json\n\n\ndef pick(x):\n    if x == -1:\n        y = 0\n"
        + branches
        + "    return y\n\n\ndef key(event):\n    return hashlib.sha256("
        'json.dumps({"order_id": event.order_id}).encode()).hexdigest()\n'
    )
    path = write(tmp_path / "branches.py", text)
    result = run_cli("--no-cache", "--output-format", "json", "branches.py", cwd=tmp_path)
    assert result.returncode == 1 and '"EVT104"' in result.stdout, result.stderr
    fixed = run_cli("--no-cache", "--fix", "--unsafe-fixes", "branches.py", cwd=tmp_path)
    assert fixed.returncode == 1 and "Traceback" not in fixed.stderr
    assert "cannot be applied" in fixed.stderr + fixed.stdout
    assert path.read_text(encoding="utf-8") == text


def test_an_elif_chain_python_cannot_parse_is_evt002(tmp_path: Path) -> None:
    """9,500 branches: CPython's own parser gives up (MemoryError), so the file is EVT002,
    reported with the reason, and the run goes on."""
    branches = "".join(f"    elif x == {i}:\n        y = {i}\n" for i in range(9500))
    write(
        tmp_path / "huge.py",
        "import hashlib\n\n\ndef pick(x):\n    if x:\n        y = 0\n" + branches,
    )
    write(
        tmp_path / "keys.py",
        "import hashlib\n\n\ndef key(e):\n    return hashlib.sha256(e.email).hexdigest()\n",
    )
    result = run_cli("--no-cache", "--output-format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert '"EVT002"' in result.stdout and '"EVT102"' in result.stdout


@pytest.mark.parametrize(
    "source",
    [
        "type Point = tuple[float, float]\n",
        "def first[T](items: list[T]) -> T:\n    return items[0]\n",
        "class Box[T]:\n    item: T\n",
    ],
    ids=["type-statement", "generic-function", "generic-class"],
)
def test_newer_syntax_is_analysed_or_named_never_silently_passed(
    tmp_path: Path, source: str
) -> None:
    """PEP 695 on a Python before 3.12 said "All checks passed!" (libcst parsed it, nothing
    was judged); flake8 says E999. Now: EVT001 saying which Python the file needs, or, on
    3.12+, analysed like any file."""
    import sys

    write(tmp_path / "new.py", "import hashlib\n\n" + source)
    result = run_cli("--no-cache", "--output-format", "json", "new.py", cwd=tmp_path)
    if sys.version_info >= (3, 12):
        assert result.returncode == 0 and "EVT001" not in result.stdout
    else:
        assert result.returncode == 1
        assert '"EVT001"' in result.stdout and "Python 3.12 syntax" in result.stdout


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


# -- the libcst guard (fixes only) skips what is too narrow to nest deeply --------------------


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


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@given(program=python_source(), limit=st.integers(min_value=0, max_value=40))
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_skipping_narrow_code_never_changes_the_verdict(program: str, limit: int) -> None:
    """The guard skips statements too narrow to reach the limit (a level takes at least a byte
    of source). At small limits every skip is exercised: the verdict must be the full walk's."""
    try:
        tree = parsing.parse_ast(program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assume(False)
        return
    assert libcst_guard.nests_deeper_than(tree, program, limit) == (_full_depth(tree) > limit)


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
    assert libcst_guard.nests_deeper_than(tree, text, 2000)
    assert not libcst_guard.nests_deeper_than(tree, text, _full_depth(tree))


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
    assert libcst_guard._may_chain_too_deep("import hashlib\n" + statement + "\n")


def test_many_ordinary_statements_need_no_ast_pass() -> None:
    """A long file of short statements holds thousands of chain tokens, none in a chain."""
    text = "".join(f"value_{i} = config.get('key_{i}') + offset(1)\n" for i in range(2000))
    assert libcst_guard._chain_tokens(text, 10**9) > 2000
    assert not libcst_guard._may_chain_too_deep(text)
