"""``eventlint --stdin-filename PATH -``: the buffer an editor hands over is linted (never the
file saved at PATH), as PATH's configuration and project say, and ``--fix``/``--diff`` answer
on stdout. Real processes: stdin is the boundary under test."""

from __future__ import annotations

from pathlib import Path

from helpers import run_cli_process, write

UNSORTED = (
    "import hashlib\nimport json\n\n\n"
    "def event_key(payload: dict) -> str:\n"
    "    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()\n"
)
SORTED = UNSORTED.replace("json.dumps(payload)", "json.dumps(payload, sort_keys=True)")


def _project(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", '[project]\nname = "shop"\n\n[tool.eventlint]\n')
    return tmp_path


def test_the_buffer_is_linted_not_the_file_on_disk(tmp_path: Path) -> None:
    root = _project(tmp_path)
    write(root / "keys.py", UNSORTED)  # saved with a finding
    clean = run_cli_process("--stdin-filename", "keys.py", "-", cwd=root, input="x = 1\n")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "All checks passed!" in clean.stdout
    write(root / "keys.py", "x = 1\n")  # saved clean, the buffer has the finding
    found = run_cli_process("--stdin-filename", "keys.py", "-", cwd=root, input=UNSORTED)
    assert found.returncode == 1
    assert found.stdout.startswith("keys.py:6:27: EVT104 ")


def test_the_path_decides_configuration_and_test_only_rules(tmp_path: Path) -> None:
    root = _project(tmp_path)
    write(
        root / "src" / "shop" / "stock.py",
        'def reserve(n):\n    raise ValueError("there are not enough units left in the stock")\n',
    )
    write(root / "src" / "shop" / "__init__.py", "")
    buffer = (
        "import pytest\n\nfrom shop.stock import reserve\n\n\n"
        "def test_reserve():\n"
        "    with pytest.raises(ValueError) as info:\n"
        "        reserve(5)\n"
        '    assert str(info.value) == "there are not enough units left in the stock"\n'
    )
    as_test = run_cli_process(
        "--stdin-filename", "tests/test_stock.py", "-", cwd=root, input=buffer
    )
    assert as_test.returncode == 1 and "EVT201" in as_test.stdout, as_test.stderr
    # The same text as production code: EVT201 judges test files only.
    as_code = run_cli_process("--stdin-filename", "src/shop/checks.py", "-", cwd=root, input=buffer)
    assert as_code.returncode == 0, as_code.stdout
    # And the configuration of that path: a per-file ignore.
    write(
        root / "pyproject.toml",
        '[project]\nname = "shop"\n\n[tool.eventlint]\n'
        'per-file-ignores = { "tests/*" = ["EVT201"] }\n',
    )
    ignored = run_cli_process(
        "--stdin-filename", "tests/test_stock.py", "-", cwd=root, input=buffer
    )
    assert ignored.returncode == 0, ignored.stdout


def test_fix_writes_the_fixed_buffer_to_stdout_and_leaves_the_file(tmp_path: Path) -> None:
    root = _project(tmp_path)
    write(root / "keys.py", "x = 1\n")
    result = run_cli_process(
        "--fix", "--unsafe-fixes", "--stdin-filename", "keys.py", "-", cwd=root, input=UNSORTED
    )
    assert result.stdout == SORTED
    assert result.stderr == "Fixed 1 finding. No findings remain.\n"
    assert result.returncode == 0
    assert (root / "keys.py").read_text() == "x = 1\n"
    # Nothing to fix: the buffer comes back as it was, the finding reported on stderr.
    safe_only = run_cli_process(
        "--fix", "--stdin-filename", "keys.py", "-", cwd=root, input=UNSORTED
    )
    assert safe_only.stdout == UNSORTED
    assert "EVT104" in safe_only.stderr and safe_only.returncode == 1


def test_diff_prints_the_change_against_the_buffer(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = run_cli_process(
        "--diff", "--unsafe-fixes", "--stdin-filename", "keys.py", "-", cwd=root, input=UNSORTED
    )
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/keys.py\n+++ b/keys.py\n")
    assert "+    return hashlib.sha256(json.dumps(payload, sort_keys=True)" in result.stdout
    assert not (root / "keys.py").exists()


def test_stdin_is_linted_alone(tmp_path: Path) -> None:
    root = _project(tmp_path)
    result = run_cli_process("--stdin-filename", "a.py", "-", "src", cwd=root, input="x = 1\n")
    assert result.returncode == 2
    assert result.stderr == "eventlint: error: stdin (-) is linted alone: give no other path\n"
    baseline = run_cli_process(
        "--baseline", "b.json", "--stdin-filename", "a.py", "-", cwd=root, input="x = 1\n"
    )
    assert baseline.returncode == 2 and "need files, not stdin" in baseline.stderr
