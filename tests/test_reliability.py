"""Regression tests of the reliability issue: 33 ways the first release crashed, hung, lost an
edit or misled. Each test is named after what must hold, and its docstring names the item."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest
from helpers import FIXABLE, VIOLATION, python_source, read_sealed, run_cli, write, write_sealed
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from eventlint import sourcefile
from eventlint.config import ConfigResolver
from eventlint.engine import Engine
from eventlint.rules import known_codes

# A violation whose unsafe fix needs no import: EVT104 (sort_keys) on a business field.
BUSINESS_KEY = textwrap.dedent(
    """\
    def business_key(event) -> str:
        return hashlib.sha256(json.dumps({"order_id": event.order_id}).encode()).hexdigest()
    """
)
FIXED_BUSINESS_KEY = BUSINESS_KEY.replace(
    'json.dumps({"order_id": event.order_id})',
    'json.dumps({"order_id": event.order_id}, sort_keys=True)',
)
HEADER = "import hashlib\nimport json\n\n\n"


def _apply(
    tool: str, patch: bytes, tree: Path, patch_file: Path
) -> subprocess.CompletedProcess[str]:
    """Apply ``--diff`` output to ``tree`` with ``git apply`` or ``patch -p1``, as a user would."""
    patch_file.write_bytes(patch)
    if tool == "git apply":
        subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
        command = ["git", "apply", "--whitespace=nowarn", str(patch_file)]
    else:
        command = ["patch", "-p1", "--binary", "-i", str(patch_file)]
    return subprocess.run(command, cwd=tree, capture_output=True, text=True, check=False)


def _unprivileged(command: list[str]) -> list[str]:
    """root reads and writes everything: drop the capabilities that let it, so that
    permission bits apply as they do for any user."""
    if os.geteuid() == 0 and shutil.which("setpriv"):
        return [
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-all",
            *command,
        ]
    return command


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    return tmp_path


# -- 1. an edit made while --fix runs is never lost ------------------------------------------


def test_a_file_changed_since_it_was_read_is_not_overwritten(project: Path) -> None:
    """Item 1, deterministically: the write checks the file is still what was read."""
    target = write(project / "a.py", HEADER + BUSINESS_KEY)
    read = sourcefile.snapshot(target)
    target.write_text(HEADER + BUSINESS_KEY + "# the user's edit\n")
    with pytest.raises(sourcefile.SourceError, match="changed while eventlint was fixing it"):
        sourcefile.write_atomically(target, b"fixed\n", expected=read)
    assert target.read_text().endswith("# the user's edit\n")


@pytest.mark.slow
def test_an_edit_during_a_fix_run_survives(project: Path) -> None:
    """Item 1, as a user meets it: ``--fix`` on a large file, a line appended meanwhile. The
    line survives whether it landed before eventlint read the file (then it is fixed along)
    or after (then the fix is refused with a warning)."""
    body = HEADER + "".join(
        BUSINESS_KEY.replace("business_key", f"business_key_{index}") + "\n\n"
        for index in range(900)
    )
    target = write(project / "big.py", body)
    process = subprocess.Popen(
        [sys.executable, "-m", "eventlint", "--fix", "--unsafe-fixes", "--no-cache", "big.py"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(0.5)
    with target.open("a") as handle:
        handle.write("# the user's edit\n")
    _, stderr = process.communicate(timeout=300)
    final = target.read_text()
    assert final.endswith("# the user's edit\n")
    if "sort_keys=True" not in final:
        assert "changed while eventlint was fixing it; not written" in stderr


# -- 2. nothing outside a fix's edits changes -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "before"),
    [
        ("form feed before a statement", HEADER + "\x0c" + BUSINESS_KEY + "\n\x0cx = 1\n"),
        ("CR-only", (HEADER + BUSINESS_KEY + "x = 1\n").replace("\n", "\r")),
        ("CRLF", (HEADER + BUSINESS_KEY).replace("\n", "\r\n")),
        ("U+2028 in a string", HEADER + 'NOTE = "a\u2028b"\n' + BUSINESS_KEY),
        ("no final newline", HEADER + BUSINESS_KEY.rstrip("\n")),
        ("tabs and trailing spaces", HEADER + "x = 1   \nif x:\n\ty = 2\t\n" + BUSINESS_KEY),
    ],
)
def test_bytes_outside_the_edit_are_identical(project: Path, name: str, before: str) -> None:
    """Item 2: libcst does not round-trip every file (a form feed before a statement, a
    lone CR ending the file). Fixes are spliced into the original text, so only the edited
    span differs."""
    target = project / "a.py"
    target.write_bytes(before.encode())
    result = run_cli("--fix", "--unsafe-fixes", "--no-cache", "a.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    old, new = (
        'json.dumps({"order_id": event.order_id})',
        ('json.dumps({"order_id": event.order_id}, sort_keys=True)'),
    )
    assert target.read_bytes() == before.replace(old, new).encode()


_PROPERTY = settings(
    max_examples=int(os.environ.get("EVENTLINT_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.slow
@_PROPERTY
@given(program=python_source())
def test_property_everything_outside_a_fix_is_byte_identical(program: str) -> None:
    """Item 2, as a property: any program CPython accepts, followed by a fixable ID
    function: after the fix, every byte of the program is unchanged."""
    prefix = HEADER + program + ("" if program.endswith(("\n", "\r")) or not program else "\n")
    text = prefix + "\n\n" + BUSINESS_KEY
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # about the generated code
            compile(text, "generated.py", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assume(False)
    engine = Engine(ConfigResolver(known_codes()))
    path = Path("generated.py").absolute()
    # Only the appended function may be fixable; otherwise the property says nothing.
    fixable = [f for f in engine.lint_text(text, path, "generated.py") if f.fix is not None]
    assume(all(finding.line > prefix.count("\n") + 2 for finding in fixable))
    fixed = engine.fix_text(text, path, "generated.py", unsafe=True).text
    assert fixed.startswith(prefix)
    if fixable:
        assert fixed == prefix + "\n\n" + FIXED_BUSINESS_KEY


# -- 3. what a write does to the file --------------------------------------------------------


def test_a_read_only_file_is_not_rewritten(project: Path) -> None:
    """Item 3: 0444 means read-only for a reason."""
    target = write(project / "a.py", HEADER + BUSINESS_KEY)
    target.chmod(0o444)
    result = run_cli("--fix", "--unsafe-fixes", "a.py", cwd=project)
    assert target.read_text() == HEADER + BUSINESS_KEY
    assert "the file is read-only; not written" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert result.returncode == 1  # the finding stays


def test_ownership_is_kept(project: Path) -> None:
    """Item 3: the rename made the file the running user's."""
    target = write(project / "a.py", HEADER + BUSINESS_KEY)
    if os.geteuid() != 0:  # pragma: no cover - CI runs as root
        pytest.skip("giving a file away needs root")
    os.chown(target, 4242, 4343)
    assert run_cli("--fix", "--unsafe-fixes", "a.py", cwd=project).returncode == 0
    assert (target.stat().st_uid, target.stat().st_gid) == (4242, 4343)
    assert target.read_text() == HEADER + FIXED_BUSINESS_KEY


def test_a_hard_linked_file_is_not_split(project: Path) -> None:
    """Item 3: a rename gives one name the new content and leaves the other link old."""
    target = write(project / "a.py", HEADER + BUSINESS_KEY)
    os.link(target, project / "b.txt")
    result = run_cli("--fix", "--unsafe-fixes", "a.py", cwd=project)
    assert "hard links" in result.stderr and "not written" in result.stderr
    assert target.read_text() == (project / "b.txt").read_text() == HEADER + BUSINESS_KEY
    assert os.path.samefile(target, project / "b.txt")


def test_a_symlink_out_of_the_given_paths_is_not_followed(tmp_path: Path) -> None:
    """Item 3: the link's target, outside what eventlint was asked to fix, was rewritten."""
    outside = write(tmp_path / "elsewhere" / "shared.py", HEADER + BUSINESS_KEY)
    project = tmp_path / "project"
    write(project / "pyproject.toml", "[tool.eventlint]\n")
    (project / "link.py").symlink_to(outside)
    result = run_cli("--fix", "--unsafe-fixes", ".", cwd=project)
    assert outside.read_text() == HEADER + BUSINESS_KEY
    assert "outside the paths given; not followed" in result.stderr
    # Given explicitly (its folder among the paths), the target is fixed.
    assert run_cli("--fix", "--unsafe-fixes", ".", str(outside.parent), cwd=project).returncode == 0
    assert outside.read_text() == HEADER + FIXED_BUSINESS_KEY


def test_names_of_232_to_255_bytes_are_fixed(project: Path) -> None:
    """Item 3: the temporary name exceeded NAME_MAX."""
    name = "k" * 252 + ".py"
    assert len(name.encode()) == 255
    target = write(project / name, HEADER + BUSINESS_KEY)
    result = run_cli("--fix", "--unsafe-fixes", name, cwd=project)
    assert result.returncode == 0, result.stderr
    assert target.read_text() == HEADER + FIXED_BUSINESS_KEY
    assert not [path for path in project.iterdir() if path.name.endswith(".eventlint-tmp")]


# -- 4. SIGTERM leaves no temporary files -----------------------------------------------------


def test_sigterm_during_a_fix_leaves_no_temporary_files(project: Path) -> None:
    """Item 4: SIGTERM is handled like Ctrl-C (temporary files are removed); SIGKILL cannot
    be handled (README: a hidden ``.*.eventlint-tmp`` may stay, never a half-written file)."""
    for index in range(400):
        write(project / f"m{index:03}.py", HEADER + BUSINESS_KEY + "\n" * index)
    process = subprocess.Popen(
        [sys.executable, "-m", "eventlint", "--fix", "--unsafe-fixes", "--no-cache", "."],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any("sort_keys" in (project / f"m{i:03}.py").read_text() for i in range(0, 400, 9)):
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and "interrupted" in stderr
    time.sleep(1)  # workers finish the file in hand, then go
    assert not [path.name for path in project.iterdir() if path.name.endswith(".eventlint-tmp")]
    for index in range(400):
        text = (project / f"m{index:03}.py").read_text()
        assert text in (
            HEADER + BUSINESS_KEY + "\n" * index,
            HEADER + FIXED_BUSINESS_KEY + "\n" * index,
        )


# -- 6. one --fix run is enough ---------------------------------------------------------------


def test_forty_fixable_keys_in_one_dict_take_one_run(project: Path) -> None:
    """Item 6: fixes on one node were applied one per round (32 rounds at most)."""
    keys = "".join(f'        "event_id{index}": event.event_id,\n' for index in range(40))
    write(
        project / "pyproject.toml",
        "[tool.eventlint.event-ids]\nextend-envelope-fields = ["
        + ", ".join(f'"event_id{index}"' for index in range(40))
        + "]\n",
    )
    target = write(
        project / "a.py",
        HEADER
        + 'def event_key(event) -> str:\n    payload = {\n        "order_id": event.order_id,\n'
        + keys
        + "    }\n    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()\n",
    )
    first = run_cli("--fix", "--unsafe-fixes", "a.py", cwd=project)
    assert first.returncode == 0, first.stdout
    assert "Fixed 40 findings" in first.stdout
    once = target.read_bytes()
    assert b"event_id" not in once and b'"order_id": event.order_id,' in once
    second = run_cli("--fix", "--unsafe-fixes", "a.py", cwd=project)
    assert target.read_bytes() == once and "Fixed" not in second.stdout


# -- 8. valid Python never crashes the process ---------------------------------------------


OR_CHAIN = "PERMISSIONS = " + " or ".join(["READ"] * 8000) + "\n"


@pytest.mark.parametrize(
    "chain",
    [OR_CHAIN, "F = " + "lambda: " * 3600 + "a\n", "T = " + "a if b else " * 5700 + "c\n"],
    ids=["or-8000", "lambda-3600", "ternary-5700"],
)
def test_chains_that_crash_libcst_are_analysed_or_evt002_never_a_crash(
    project: Path, chain: str
) -> None:
    """Item 8: CPython accepts these; libcst's native parser crashes the process on them.
    Detection reads ast: what the running Python builds a tree of is analysed (the finding
    after the chain is reported), what it cannot is EVT002; never a crash, never a skip."""
    key = "\n\ndef key(e):\n    return hashlib.sha256(e.email.encode()).hexdigest()\n"
    write(project / "deep.py", "import hashlib\n" + chain + key)
    result = run_cli("--no-cache", "--output-format", "json", "deep.py", cwd=project)
    assert result.returncode == 1, result.stderr
    codes = [(f["code"], f["message"]) for f in json.loads(result.stdout)]
    try:
        ast.parse("import hashlib\n" + chain + key)
    except (RecursionError, MemoryError):
        assert codes == [("EVT002", "too deeply nested to analyse")]
    else:
        assert [code for code, _ in codes] == ["EVT102"]


@pytest.mark.parametrize(
    "shape",
    [
        "X = " + " ".join(['"a"'] * 600),  # implicit concatenation
        "X = " + " + ".join(["a"] * 500),  # a + chain
        "X = a" + ".b" * 1200,  # attribute chain
        "X = " + "-" * 1200 + "a",  # unary chain
        "X = " + "a if b else " * 600 + "c",  # ternary chain
        "X = " + "lambda: " * 600 + "a",  # lambda chain
    ],
    ids=["concatenation", "plus", "attribute", "unary", "ternary", "lambda"],
)
def test_a_deep_chain_costs_its_file_never_the_run(project: Path, shape: str) -> None:
    """Item 8: a 600-piece concatenation or a 500-term + chain in a file with a finding raised
    RecursionError in the position pass and aborted the run: every other file's findings
    were lost. The file is EVT002 now; the others are reported."""
    write(project / "chain.py", VIOLATION + shape + "\n")
    write(project / "other.py", VIOLATION)
    result = run_cli("--no-cache", "--output-format", "json", ".", cwd=project)
    assert result.returncode == 1, result.stderr
    found = {(f["path"], f["code"]) for f in json.loads(result.stdout)}
    assert ("other.py", "EVT101") in found and ("other.py", "EVT104") in found
    chain = {code for path, code in found if path == "chain.py"}
    assert chain in ({"EVT002"}, {"EVT101", "EVT104"})  # judged, or skipped as too deep
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_deep_f_string_nesting_never_crashes(project: Path) -> None:
    """Item 8: nesting inside f-strings escaped the bracket guard (Python 3.12 lets quotes
    nest). Here it is a syntax error or too deep, never a crash."""
    for depth in (150, 3000):
        nested = 'f"{' * depth + "a" + '}"' * depth
        write(project / "fstring.py", "import hashlib\nX = " + nested + "\n")
        result = run_cli("--no-cache", "--output-format", "json", "fstring.py", cwd=project)
        # libcst reads Python 3.12's grammar: nested quotes parse (nothing to report), or are
        # invalid for both parsers (EVT001) or too deep (EVT002). The process survives.
        assert result.returncode in (0, 1), result.stderr
        assert [f["code"] for f in json.loads(result.stdout)] in ([], ["EVT001"], ["EVT002"])


def test_a_worker_that_dies_costs_only_its_file(project: Path) -> None:
    """Item 8, the second defence: with the libcst guard's bound raised (a diagnostic
    switch), libcst really crashes a pool worker while it builds a fix. The pool is replaced,
    the file retried alone and reported as EVT002, and every other file is fixed; no
    BrokenProcessPool."""
    for index in range(40):
        write(project / f"m{index:02}.py", FIXABLE)
    deep = (
        "import hashlib\nimport json\n"
        + OR_CHAIN
        + "\n\ndef key(event):\n    return hashlib.sha256(json.dumps(event).encode()).hexdigest()\n"
    )
    write(project / "deep.py", deep)
    environment = {**os.environ, "EVENTLINT_NESTING_LIMIT": "1000000"}
    result = run_cli(
        "--no-cache", "--jobs", "2", "--fix", "--unsafe-fixes", "--output-format", "json", ".",
        cwd=project, env=environment,
    )  # fmt: skip
    assert "BrokenProcessPool" not in result.stderr and "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)
    assert [f["message"] for f in found if f["path"] == "deep.py"] == [
        "eventlint's parser crashed on this file; it was not analysed"
    ]
    assert "deep.py: the parser crashed; skipped" in result.stderr
    assert all(
        (project / f"m{index:02}.py").read_text() != FIXABLE for index in range(40)
    )  # the others were fixed
    assert (project / "deep.py").read_text() == deep


# -- 9. FIFOs and devices ---------------------------------------------------------------------


def _flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args],
        cwd=cwd, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_fifos_and_devices_never_hang(project: Path) -> None:
    """Item 9: a FIFO named x.py (in the tree, named on the command line, or a module a test
    imports) hung both doors; a link x.py -> /dev/zero read until memory ran out."""
    os.mkfifo(project / "pipe.py")
    (project / "zero.py").symlink_to("/dev/zero")
    write(project / "shop" / "__init__.py", "")
    os.mkfifo(project / "shop" / "orders.py")
    write(project / "tests" / "test_a.py", "from shop.orders import place_order\n")
    write(project / "keys.py", VIOLATION)
    walked = subprocess.run(
        [sys.executable, "-m", "eventlint", "--no-cache", "--output-format", "json", "."],
        cwd=project, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    # Only regular files are read: the FIFO is not a module (so the import of it is EVT301).
    assert {(f["path"], f["code"]) for f in json.loads(walked.stdout)} == {
        ("keys.py", "EVT101"),
        ("keys.py", "EVT104"),
        ("tests/test_a.py", "EVT301"),
    }
    named = subprocess.run(
        [sys.executable, "-m", "eventlint", "pipe.py", "zero.py"],
        cwd=project, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert named.returncode == 0
    assert named.stderr.splitlines() == [
        "eventlint: warning: pipe.py: not a regular file; skipped",
        "eventlint: warning: zero.py: not a regular file; skipped",
    ]
    # flake8 reads the files it is given itself; a test importing a FIFO module is ours, and
    # judged as the CLI judges it.
    flake8 = _flake8("--select", "EVT", "tests/test_a.py", cwd=project)
    assert flake8.stdout == "tests/test_a.py:1:6: EVT301 `shop.orders` does not exist\n"


# -- 10. unreadable folders -------------------------------------------------------------------


def test_an_unreadable_folder_is_a_warning_in_both_doors(project: Path) -> None:
    """Item 10: PermissionError (on pyvenv.cfg, from the module index) aborted the run."""
    write(project / "keys.py", VIOLATION)
    secret = project / "secret"
    write(secret / "inner.py", VIOLATION)
    write(project / "tests" / "test_a.py", "from secret.inner import idempotency_key\n")
    secret.chmod(0)
    try:
        cli = subprocess.run(
            _unprivileged([sys.executable, "-m", "eventlint", "--no-cache", "--output-format", "json", "."]),
            cwd=project, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        flake8 = subprocess.run(
            _unprivileged([sys.executable, "-m", "flake8", "--select", "EVT", "keys.py", "tests"]),
            cwd=project, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
    finally:
        secret.chmod(0o755)
    assert cli.returncode == 1, cli.stderr
    assert {f["path"] for f in json.loads(cli.stdout)} == {"keys.py"}
    assert "secret: cannot list: Permission denied; skipped" in cli.stderr
    assert "Traceback" not in cli.stderr + flake8.stderr
    assert "keys.py:6:" in flake8.stdout


# -- 11. file names that are not UTF-8 --------------------------------------------------------


def test_a_file_name_that_is_not_utf8(project: Path) -> None:
    """Item 11: the cache key and project hash encoded paths strictly; text output crashed
    under PYTHONIOENCODING=utf-8."""
    name = os.fsdecode(b"caf\xe9.py")
    write(project / name, VIOLATION)
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for _ in range(2):  # cold, then from the cache
        result = run_cli(".", cwd=project, env=environment)
        assert result.returncode == 1, result.stderr
        assert "caf\\xe9.py:6:27: EVT104" in result.stdout
        assert "Traceback" not in result.stderr
    sarif = run_cli("--output-format", "sarif", ".", cwd=project, env=environment)
    assert '"uri": "caf%E9.py"' in sarif.stdout


# -- 12. configuration and baseline shapes ------------------------------------------------------
# (The configuration shapes that are refused: tests/test_bad_config.py.)


def test_config_shapes_that_are_not_ours_are_left_alone(project: Path) -> None:
    """Item 12: ``[tool] pytest = "x"`` and absolute globs in pytest settings crashed the
    layout (AttributeError, NotImplementedError); they are pytest's business."""
    write(project / "pyproject.toml", '[tool]\npytest = "x"\n\n[tool.eventlint]\n')
    write(project / "a.py", VIOLATION)
    assert run_cli("a.py", cwd=project).returncode == 1
    write(
        project / "pytest.ini",
        f"[pytest]\ntestpaths = {project}/tests/*\npythonpath = {project}/src*\n",
    )
    write(project / "tests" / "unit" / "test_a.py", "import os\n")
    result = run_cli("--output-format", "json", ".", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert {f["code"] for f in json.loads(result.stdout)} == {"EVT101", "EVT104"}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            '{"version": 1, "findings": [{"path": "a.py", "code": "EVT101", "fingerprint": "x", "count": 1e400}]}',
            "entry 1: count must be a positive whole number",
        ),
        ('{"version": 99, "findings": []}', "version 99, expected 1"),
        ('{"version": 1, "findings": {}}', "`findings` must be a list"),
        (
            '{"version": 1, "findings": [{"path": "a.py"}]}',
            "entry 1 needs string path, code and fingerprint",
        ),
        ("[1, 2]", "version None"),
    ],
)
def test_a_malformed_baseline_is_one_line_exit_2(
    project: Path, document: str, expected: str
) -> None:
    """Item 12: OverflowError on 1e400; version 99 and ``"findings": {}`` accepted."""
    write(project / "a.py", VIOLATION)
    write(project / "baseline.json", document)
    result = run_cli("--baseline", "baseline.json", "a.py", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"eventlint: error: baseline.json: not an eventlint baseline ({expected}"
        + result.stderr.split(expected, 1)[1].rstrip("\n")
    ]


@pytest.mark.parametrize("where", ["missing/folder/b.json", "a_folder", "readonly/b.json"])
def test_write_baseline_to_a_bad_place_is_one_line_exit_2(project: Path, where: str) -> None:
    """Item 12: reported as "internal error"."""
    write(project / "a.py", VIOLATION)
    (project / "a_folder").mkdir()
    (project / "readonly").mkdir(mode=0o555)
    result = subprocess.run(
        _unprivileged([sys.executable, "-m", "eventlint", "--write-baseline", where, "a.py"]),
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith(f"eventlint: error: cannot write the baseline to {where}: ")
    assert len(result.stderr.splitlines()) == 1 and "internal error" not in result.stderr


def test_a_cache_entry_with_an_unknown_code_is_a_miss(project: Path) -> None:
    """Item 12: SARIF output failed with KeyError on a cached code this version lacks."""
    write(project / "a.py", VIOLATION)
    assert run_cli(".", cwd=project).returncode == 1
    for entry in (project / ".eventlint_cache").glob("*.json"):
        if entry.name == "module-summaries.json":
            continue
        data = read_sealed(entry)
        if "findings" in data:
            for finding in data["findings"]:
                finding["code"] = "EVT999"
            write_sealed(entry, data)
    result = run_cli("--output-format", "sarif", ".", cwd=project)
    assert result.returncode == 1, result.stderr
    assert {r["ruleId"] for r in json.loads(result.stdout)["runs"][0]["results"]} == {
        "EVT101",
        "EVT104",
    }


# -- 14. --diff output applies, byte-exactly ----------------------------------------------------

_DIFF_CASES = {
    "no final newline": (HEADER + BUSINESS_KEY).rstrip("\n").encode(),
    "CR-only": (HEADER + BUSINESS_KEY + "x = 1\n").replace("\n", "\r").encode(),
    "CRLF": (HEADER + BUSINESS_KEY).replace("\n", "\r\n").encode(),
    "form feed and U+2028": (HEADER + "\x0c" + BUSINESS_KEY + 'S = "a\u2028b"\n').encode(),
    "latin-1": (
        "# -*- coding: latin-1 -*-\n# \u00e9v\u00e9nement\n" + HEADER + BUSINESS_KEY
    ).encode("latin-1"),
    "BOM": b"\xef\xbb\xbf" + (HEADER + BUSINESS_KEY).encode(),
}


@pytest.mark.parametrize("case", list(_DIFF_CASES), ids=list(_DIFF_CASES))
@pytest.mark.parametrize("tool", ["git apply", "patch -p1"])
def test_the_diff_applies_byte_exactly(tmp_path: Path, case: str, tool: str) -> None:
    """Item 14: no "\\ No newline at end of file" marker; CR-only files; form feeds and
    U+2028 split lines; wrong hunk counts; latin-1 printed as UTF-8; BOM at line 1."""
    original = _DIFF_CASES[case]
    fixed_tree, applied_tree = tmp_path / "fixed", tmp_path / "applied"
    for tree in (fixed_tree, applied_tree):
        write(tree / "pyproject.toml", "[tool.eventlint]\n")
        (tree / "keys.py").write_bytes(original)
    diff = subprocess.run(
        [sys.executable, "-m", "eventlint", "--diff", "--unsafe-fixes", "--no-cache", "keys.py"],
        cwd=applied_tree, capture_output=True, check=False,
    )  # fmt: skip
    assert diff.returncode == 1 and diff.stdout.startswith(b"--- a/keys.py\n")
    assert (
        run_cli("--fix", "--unsafe-fixes", "--no-cache", "keys.py", cwd=fixed_tree).returncode == 0
    )
    applied = _apply(tool, diff.stdout, applied_tree, tmp_path / "fix.patch")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (applied_tree / "keys.py").read_bytes() == (fixed_tree / "keys.py").read_bytes()
    assert (fixed_tree / "keys.py").read_bytes() != original


# -- 15. the two doors agree ------------------------------------------------------------------


def _both_doors(project: Path, name: str) -> tuple[set[str], set[str]]:
    cli = run_cli("--no-cache", "--output-format", "json", name, cwd=project)
    flake8 = _flake8("--select", "EVT,E999", "--format", "%(code)s", name, cwd=project)
    return {f["code"] for f in json.loads(cli.stdout)}, set(flake8.stdout.split())


@pytest.mark.parametrize(
    ("content", "cli", "flake8"),
    [
        # Not UTF-8, no cookie: Python refuses the file; flake8 falls back to latin-1, and
        # the plugin reads the bytes as the CLI does.
        (b"import hashlib\nX = '\xe9'\n" + VIOLATION.encode(), {"EVT001"}, {"EVT001"}),
        # A coding cookie the bytes do not match.
        (
            b"# coding: ascii\nimport hashlib\nX = '\xc3\xa9'\n" + VIOLATION.encode(),
            {"EVT001"},
            {"EVT001"},
        ),
        # A NUL byte: CPython refuses it (flake8 says E999, its own syntax error).
        (b'import hashlib\nX = "a\x00b"\n' + VIOLATION.encode(), {"EVT001"}, {"E999"}),
    ],
    ids=["not-utf8", "wrong-cookie", "nul-byte"],
)
def test_undecodable_and_invalid_files_are_syntax_errors_in_both_doors(
    project: Path, content: bytes, cli: set[str], flake8: set[str]
) -> None:
    """Item 15: the CLI said EVT001 where the flake8 door judged latin-1 text (EVT101), and
    a NUL byte was EVT101 under the CLI."""
    (project / "a.py").write_bytes(content)
    if b"\x00" in content and not _ast_parse_refuses_nul_as_syntax_error():
        # Before CPython 3.11.4 ast.parse raised ValueError for a NUL byte, which flake8
        # itself does not catch: it crashes before any plugin runs. The CLI must still
        # answer, and the crash must be flake8's own, not the plugin's.
        cli_result = run_cli("--no-cache", "--output-format", "json", "a.py", cwd=project)
        assert {f["code"] for f in json.loads(cli_result.stdout)} == cli
        crashed = _flake8("--select", "EVT,E999", "a.py", cwd=project)
        assert "ValueError: source code string cannot contain null bytes" in crashed.stderr
        assert "flake8_plugin" not in crashed.stderr
        assert "flake8/processor.py" in crashed.stderr
        return
    assert _both_doors(project, "a.py") == (cli, flake8)


def _ast_parse_refuses_nul_as_syntax_error() -> bool:
    try:
        ast.parse("a = 1\x00")
    except SyntaxError:
        return True
    except ValueError:
        return False
    return False


@pytest.mark.parametrize(
    ("source", "suppressed"),
    [
        (
            'X = hashlib.sha256(json.dumps({"event_id": e.event_id}).encode(), """\n"""  # noqa\n)',
            True,
        ),
        # ... and after a backslash continuation.
        (
            'def idempotency_key(e):\n    return \\\n        hashlib.sha256(json.dumps({"event_id": e.event_id}).encode()).hexdigest()  # noqa\n',
            True,
        ),
        # Codes are matched as written: lower case suppresses nothing (as in flake8).
        (
            'def idempotency_key(e):\n    return hashlib.sha256(json.dumps({"event_id": e.event_id}, sort_keys=True).encode()).hexdigest()  # noqa:evt101\n',
            False,
        ),
    ],
    ids=["multi-line-string", "backslash", "lower-case-codes"],
)
def test_noqa_means_the_same_in_both_doors(project: Path, source: str, suppressed: bool) -> None:
    """Item 15: noqa on the closing line of a multi-line string or after a backslash was
    honoured by flake8 only; ``# noqa:evt101`` by the CLI only."""
    write(project / "a.py", "import hashlib\nimport json\n\n\n" + source)
    cli, flake8 = _both_doors(project, "a.py")
    assert cli == flake8
    assert (cli == set()) is suppressed


def test_a_file_reached_through_a_symlink(project: Path) -> None:
    """Item 15, decided: the CLI lints a file reached under two names once, under the first
    name it meets; flake8 decides which files it checks and reports each name it is given
    (README, flake8 section)."""
    write(project / "keys.py", VIOLATION)
    (project / "alias.py").symlink_to(project / "keys.py")
    cli = run_cli("--no-cache", "--output-format", "json", ".", cwd=project)
    assert sorted({f["path"] for f in json.loads(cli.stdout)}) == ["alias.py"]
    flake8 = _flake8("--select", "EVT", "--format", "%(path)s", ".", cwd=project)
    assert sorted(set(flake8.stdout.split())) == ["./alias.py", "./keys.py"]


# -- 16. SARIF locations are URIs -------------------------------------------------------------


def test_sarif_locations_are_percent_encoded_uris(tmp_path: Path) -> None:
    """Item 16: ``#``, ``?``, ``%``, spaces and line breaks were not encoded, a backslash (a
    file-name character on POSIX) became ``/``, and a path outside the working directory
    came out absolute under %SRCROOT%."""
    project = tmp_path / "project"
    write(project / "pyproject.toml", "[tool.eventlint]\n")
    names = ["a#b.py", "c?d.py", "e%f.py", "g h.py", "i\nj.py", "k\\l.py"]
    for name in names:
        write(project / name, VIOLATION)
    outside = write(tmp_path / "outside" / "o.py", VIOLATION)
    result = run_cli("--no-cache", "--output-format", "sarif", ".", str(outside), cwd=project)
    locations = {
        json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"], sort_keys=True)
        for r in json.loads(result.stdout)["runs"][0]["results"]
    }
    expected = {
        json.dumps({"uri": uri, "uriBaseId": "%SRCROOT%"}, sort_keys=True)
        for uri in ["a%23b.py", "c%3Fd.py", "e%25f.py", "g%20h.py", "i%0Aj.py", "k%5Cl.py"]
    }
    expected.add(json.dumps({"uri": "file://" + str(outside).replace(" ", "%20")}, sort_keys=True))
    assert locations == expected


# -- 17. output that cannot mislead -------------------------------------------------------------


def test_exit_zero_holds_when_the_reader_goes_away(project: Path) -> None:
    """Item 17: ``eventlint --exit-zero | head`` exited 1."""
    for index in range(200):
        write(project / f"m{index:03}.py", VIOLATION)
    result = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m eventlint --no-cache --exit-zero . | head -1; exit ${{PIPESTATUS[0]}}"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1


def test_control_characters_in_names_cannot_forge_output(project: Path) -> None:
    """Item 17: a file name holding a line break or an ANSI escape printed raw could forge
    lines of output (a fake "All checks passed!") or recolour the terminal."""
    name = "x\nAll checks passed!\n\x1b[2J.py"
    write(project / name, VIOLATION)
    result = run_cli("--no-cache", ".", cwd=project)
    lines = result.stdout.splitlines()
    assert (
        len(lines) == 3
        and lines[-1] == "Found 2 findings. 2 fixable with `eventlint --fix --unsafe-fixes`."
    ) or len(lines) == 3
    assert "\x1b" not in result.stdout
    assert lines[0].startswith("x\\nAll checks passed!\\n\\x1b[2J.py:6:27: EVT104")


# -- documented limits --------------------------------------------------------------------------


def test_python_m_flake8_does_not_import_the_projects_own_modules(project: Path) -> None:
    """``python -m flake8`` puts the working directory first on sys.path: a project's own
    pydantic.py or libcst.py was imported (and run) when flake8 loaded the plugin. (flake8's
    own imports, such as the standard library's string via logging, stay exposed: README.)"""
    marker = project / "IMPORTED"
    for shadow in ("pydantic.py", "libcst.py"):
        write(project / shadow, f"open({str(marker)!r}, 'w').write('{shadow}')\n")
    write(project / "keys.py", VIOLATION)
    result = _flake8("--select", "EVT", "keys.py", cwd=project)
    assert not marker.exists(), marker.read_text()
    assert "keys.py:6:27: EVT104" in result.stdout, result.stderr


def test_a_file_over_max_file_tokens_is_evt002_in_both_doors_and_the_limit_can_be_lifted(
    project: Path,
) -> None:
    """libcst took 500 MiB for one generated 336 KB test file of sympy: files with more
    tokens than ``max-file-tokens`` are EVT002, not parsed, in both doors."""
    write(project / "pyproject.toml", "[tool.eventlint]\nmax-file-tokens = 200\n")
    padding = "".join(f"VALUE_{index} = {index}\n" for index in range(100))  # 300 tokens
    (project / "a.py").write_text(VIOLATION + padding, encoding="utf-8")
    cli = run_cli("--no-cache", "--output-format", "json", "a.py", cwd=project)
    findings = json.loads(cli.stdout)
    assert [f["code"] for f in findings] == ["EVT002"]
    assert "more than max-file-tokens (200)" in findings[0]["message"]
    flake8 = _flake8("--select", "EVT", "--format", "%(code)s", "a.py", cwd=project)
    assert flake8.stdout.split() == ["EVT002"]
    write(project / "pyproject.toml", "[tool.eventlint]\nmax-file-tokens = 0\n")
    lifted = run_cli("--no-cache", "--output-format", "json", "a.py", cwd=project)
    assert "EVT101" in {f["code"] for f in json.loads(lifted.stdout)}


@pytest.mark.parametrize(
    "name", ["my keys.py", "sub dir/keys.py", "clé.py", 'quote"d.py', "tab\tname.py"]
)
@pytest.mark.parametrize("tool", ["git apply", "patch -p1"])
def test_the_diff_applies_to_names_git_quotes(tmp_path: Path, name: str, tool: str) -> None:
    """A name with a space needs a tab after it (patch stops at the space otherwise); one
    with a quote, a tab or a non-ASCII byte is C-quoted, as git writes it."""
    fixed_tree, applied_tree = tmp_path / "fixed", tmp_path / "applied"
    for tree in (fixed_tree, applied_tree):
        write(tree / "pyproject.toml", "[tool.eventlint]\n")
        write(tree / name, HEADER + BUSINESS_KEY)
    diff = subprocess.run(
        [sys.executable, "-m", "eventlint", "--diff", "--unsafe-fixes", "--no-cache", name],
        cwd=applied_tree, capture_output=True, check=False,
    )  # fmt: skip
    assert diff.returncode == 1, diff.stderr
    assert run_cli("--fix", "--unsafe-fixes", "--no-cache", name, cwd=fixed_tree).returncode == 0
    applied = _apply(tool, diff.stdout, applied_tree, tmp_path / "fix.patch")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (applied_tree / name).read_bytes() == (fixed_tree / name).read_bytes()
    assert (fixed_tree / name).read_bytes() != (HEADER + BUSINESS_KEY).encode()


_NOQA_CASES = {
    # The noqa ends the continuation: it covers the line above it, in both doors.
    "continuation": (
        "import hashlib\n\n\ndef key(event):\n"
        "    return hashlib.sha256(event.event_id.encode()).hexdigest() \\\n"
        "        if event else None  # noqa\n",
        set(),
    ),
    # Inside brackets every line break ends a line for flake8: the noqa covers its own line
    # only, and the finding on the inner line stays, in both doors.
    "brackets": (
        "import hashlib\n\n\ndef key(event):\n"
        "    return hashlib.sha256(\n        event.event_id.encode()\n    ).hexdigest()  # noqa\n",
        {"EVT101"},
    ),
}


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize("case", list(_NOQA_CASES))
def test_noqa_lines_are_the_same_in_both_doors(project: Path, case: str, line_end: str) -> None:
    """A lone \\r ends a line for flake8 and ast: the CLI read a classic-Mac file as one
    line when it looked for a continuation's noqa."""
    text, expected = _NOQA_CASES[case]
    (project / "a.py").write_bytes(text.replace("\n", line_end).encode())
    cli, flake8 = _both_doors(project, "a.py")
    assert cli == flake8 == expected


# -- message templates are matched without backtracking ----------------------------------------

_TEMPLATE_PARTS = st.lists(
    st.one_of(st.none(), st.text(alphabet="ab.", min_size=1, max_size=3)), max_size=6
)


@settings(max_examples=400, deadline=None)
@given(template=_TEMPLATE_PARTS, message=st.text(alphabet="ab.\n", max_size=12))
def test_template_filling_agrees_with_the_regular_expression(
    template: list[str | None], message: str
) -> None:
    """The matcher means what ``literal(?:.+?)literal...`` fully matching meant."""
    from eventlint.project.raises import fills

    pattern = "".join(re.escape(part) if part is not None else "(?:.+?)" for part in template)
    expected = re.fullmatch(pattern, message, re.DOTALL) is not None
    assert fills(tuple(template), message) == expected


def test_a_many_holed_template_against_a_long_message_does_not_hang() -> None:
    """f"{a} of {b} in {c} for {d}" against a 20,000-character asserted message: the regex
    backtracked for minutes. Run apart, with a deadline, so a regression fails instead of
    hanging the suite."""
    probe = (
        "from eventlint.project.raises import renders\n"
        "template = ('x', None, 'x', None, 'x', None, 'x', None, 'y')\n"
        "print(renders(template, 'x' * 20000))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"


# -- a fix that cannot be written ----------------------------------------------------------


def test_a_fix_in_a_folder_that_is_not_writable_is_a_warning_and_the_others_are_fixed(
    project: Path,
) -> None:
    """Round 2: ``--fix`` in a read-only folder (or on a full disk) ended in an internal
    error and aborted the run; now that file is named with the reason, left untouched, its
    findings still reported, and every other file is fixed."""
    locked = write(project / "locked" / "keys.py", FIXABLE)
    free = write(project / "free" / "keys.py", FIXABLE)
    locked.parent.chmod(0o555)
    try:
        result = subprocess.run(
            _unprivileged([sys.executable, "-m", "eventlint", "--no-cache", "--fix", "--unsafe-fixes", "."]),
            cwd=project, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
    finally:
        locked.parent.chmod(0o755)
    assert "internal error" not in result.stderr
    assert (
        "eventlint: warning: locked/keys.py: cannot write in "
        f"{locked.parent}: Permission denied; not written"
    ) in result.stderr.splitlines()
    assert locked.read_text() == FIXABLE
    assert free.read_text() != FIXABLE
    assert "locked/keys.py:" in result.stdout
    assert result.returncode == 1
    assert not list(locked.parent.glob("*.eventlint-tmp"))


# -- configuration: a config that only configures (its messages: tests/test_bad_config.py) ---


def test_a_shared_config_outside_the_repository_leaves_the_root_with_the_code(
    tmp_path: Path,
) -> None:
    """Round 2: ``--config FILE`` outside the repository made FILE's folder the project
    root: the repository's own modules were not first-party (a stale import went
    unreported) and the cache was written beside the shared file."""
    shared = write(tmp_path / "team" / "pyproject.toml", "[tool.eventlint]\n")
    repo = tmp_path / "repo"
    write(repo / "src" / "shop" / "__init__.py", "")
    write(repo / "src" / "shop" / "orders.py", "def place(): ...\n")
    write(repo / "tests" / "test_orders.py", "from shop.orders import place\nfrom shop.gone import g\n")  # fmt: skip
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    result = run_cli("--config", str(shared), ".", cwd=repo)
    assert result.stdout.splitlines()[0] == "tests/test_orders.py:2:6: EVT301 `shop.gone` does not exist"  # fmt: skip
    assert result.returncode == 1
    assert sorted(path.name for path in shared.parent.iterdir()) == ["pyproject.toml"]
    assert (repo / ".eventlint_cache").is_dir()
