"""``eventlint --add-noqa``: a ``# noqa`` where it suppresses each reported finding."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from helpers import VIOLATION, run_cli, write

PROJECT = '[project]\nname = "x"\n'

# Findings on a plain line with a noqa of another tool, in a bracketed call over several
# lines, after a multi-line string, and at the start of a backslash continuation.
SHAPES = textwrap.dedent(
    '''\
    import hashlib
    import json


    def event_key(payload):
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()  # noqa: E501


    def other_id(payload):
        return hashlib.sha256(
            json.dumps(payload).encode()
        ).hexdigest()


    def third_id(payload):
        return hashlib.sha256(json.dumps(payload).encode() + b"""
    text here
    """).hexdigest()  # trailing words


    def fourth_id(payload):
        return hashlib.sha256(json.dumps(payload).encode() + \\
            b"x").hexdigest()
    '''
)

ADDED = (
    SHAPES.replace("# noqa: E501", "# noqa: E501, EVT104")
    .replace("json.dumps(payload).encode()\n", "json.dumps(payload).encode()  # noqa: EVT104\n")
    .replace("# trailing words", "# trailing words  # noqa: EVT104")
    .replace('b"x").hexdigest()', 'b"x").hexdigest()  # noqa: EVT104')
)


def _project(tmp_path: Path, text: str, name: str = "svc.py") -> Path:
    write(tmp_path / "pyproject.toml", PROJECT)
    write(tmp_path / name, text)
    return tmp_path


def _codes(root: Path, *args: str) -> list[tuple[str, int]]:
    result = run_cli(".", "--no-cache", "--output-format", "json", *args, cwd=root)
    return [(f["code"], f["line"]) for f in json.loads(result.stdout)]


def test_comments_go_where_they_suppress(tmp_path: Path) -> None:
    root = _project(tmp_path, SHAPES)
    assert len(_codes(root)) == 4
    result = run_cli(".", "--no-cache", "--add-noqa", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Added 4 noqa directives." in result.stderr
    assert (root / "svc.py").read_text(encoding="utf-8") == ADDED
    assert _codes(root) == []


def test_a_second_run_adds_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path, SHAPES)
    run_cli(".", "--no-cache", "--add-noqa", cwd=root)
    before = (root / "svc.py").stat()
    again = run_cli(".", "--add-noqa", cwd=root)
    assert again.returncode == 0 and "Added" not in again.stderr, again.stderr
    assert (root / "svc.py").read_text(encoding="utf-8") == ADDED
    assert (root / "svc.py").stat().st_mtime_ns == before.st_mtime_ns  # not rewritten


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_bytes_line_endings_and_encoding_are_kept(tmp_path: Path, newline: str) -> None:
    # Python finds a coding cookie only at \n line ends: CR-only files are UTF-8 here.
    encoding = "utf-8" if newline == "\r" else "latin-1"
    text = f"# -*- coding: {encoding} -*-\n# café\n" + VIOLATION
    data = text.replace("\n", newline).encode(encoding)
    root = _project(tmp_path, "")
    (root / "svc.py").write_bytes(data)
    os.chmod(root / "svc.py", 0o640)
    result = run_cli(".", "--no-cache", "--add-noqa", cwd=root)
    assert "Added 1 noqa directive." in result.stderr
    expected = data.replace(
        b".hexdigest()" + newline.encode(),
        b".hexdigest()  # noqa: EVT101, EVT104" + newline.encode(),
    )
    assert (root / "svc.py").read_bytes() == expected
    assert (root / "svc.py").stat().st_mode & 0o777 == 0o640
    assert _codes(root) == []


def test_a_noqa_inside_a_string_owns_the_line_so_none_is_added(tmp_path: Path) -> None:
    text = VIOLATION.replace(".hexdigest()\n", '.hexdigest() + """\n# noqa: E501\n"""\n')
    root = _project(tmp_path, text)
    result = run_cli(".", "--no-cache", "--add-noqa", cwd=root)
    assert result.returncode == 1
    assert "svc.py:6: no `# noqa` can suppress EVT101 here" in result.stderr
    assert (root / "svc.py").read_text(encoding="utf-8") == text


def test_a_bom_and_a_missing_final_newline_are_kept(tmp_path: Path) -> None:
    root = _project(tmp_path, "")
    data = b"\xef\xbb\xbf" + VIOLATION.rstrip("\n").encode()
    (root / "svc.py").write_bytes(data)
    run_cli(".", "--no-cache", "--add-noqa", cwd=root)
    assert (root / "svc.py").read_bytes() == data + b"  # noqa: EVT101, EVT104"


def test_only_reported_findings_get_one(tmp_path: Path) -> None:
    root = _project(tmp_path, VIOLATION)
    write(root / "b.py", VIOLATION)
    run_cli(".", "--no-cache", "--write-baseline", "base.json", cwd=root)
    write(root / "c.py", VIOLATION)
    result = run_cli(".", "--no-cache", "--add-noqa", "--baseline", "base.json", cwd=root)
    assert "Added 1 noqa directive." in result.stderr
    assert (root / "svc.py").read_text(encoding="utf-8") == VIOLATION
    assert "# noqa: EVT101, EVT104" in (root / "c.py").read_text(encoding="utf-8")
    run_cli(".", "--no-cache", "--add-noqa", "--ignore", "EVT101", cwd=root)
    assert "# noqa: EVT104\n" in (root / "svc.py").read_text(encoding="utf-8")


def test_a_bare_noqa_needs_nothing_and_an_existing_code_list_grows(tmp_path: Path) -> None:
    bare = VIOLATION.replace(".hexdigest()\n", ".hexdigest()  # noqa\n")
    root = _project(tmp_path, bare)
    write(root / "b.py", VIOLATION.replace(".hexdigest()\n", ".hexdigest()  # NOQA:EVT101\n"))
    run_cli(".", "--no-cache", "--add-noqa", cwd=root)
    assert (root / "svc.py").read_text(encoding="utf-8") == bare
    assert "# NOQA:EVT101, EVT104\n" in (root / "b.py").read_text(encoding="utf-8")
    assert _codes(root) == []


def test_it_refuses_fix_diff_and_stdin(tmp_path: Path) -> None:
    root = _project(tmp_path, VIOLATION)
    for extra in (["--fix"], ["--diff"], ["--stdin-filename", "svc.py", "-"]):
        result = run_cli(*extra, "--add-noqa", *(["."] if "-" not in extra else []), cwd=root)
        assert result.returncode == 2, extra
        assert result.stderr.startswith("eventlint: error: --add-noqa cannot be combined")
        assert "Traceback" not in result.stderr
    assert (root / "svc.py").read_text(encoding="utf-8") == VIOLATION


def test_a_read_only_file_is_a_warning_and_exit_1(tmp_path: Path) -> None:
    root = _project(tmp_path, VIOLATION)
    os.chmod(root / "svc.py", 0o444)
    result = run_cli(".", "--no-cache", "--add-noqa", cwd=root)
    assert result.returncode == 1
    assert "read-only" in result.stderr and "Added" not in result.stderr


def test_other_formats_are_left_with_a_warning(tmp_path: Path) -> None:
    root = _project(tmp_path, "")
    (root / "svc.py").unlink()
    write(root / "Makefile", "test:\n\tpytest tests/test_gone.py\n")
    write(root / "tests" / "test_here.py", "def test_x():\n    pass\n")
    result = run_cli(".", "--no-cache", "--add-noqa", cwd=root)
    assert result.returncode == 1
    assert "Makefile: --add-noqa edits Python files only" in result.stderr
    assert (root / "Makefile").read_text(encoding="utf-8") == "test:\n\tpytest tests/test_gone.py\n"


def test_it_is_in_the_help() -> None:
    from eventlint.cli import build_parser

    text = build_parser().format_help()
    assert "--add-noqa" in text and "--watch" in text
