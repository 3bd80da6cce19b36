"""A bad configuration, in ``pyproject.toml`` or given with ``--config``: one line naming the
file and the problem (with a suggestion where one fits), exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import VIOLATION, run_cli, write

from eventlint.config import ConfigError, ConfigResolver
from eventlint.rules import known_codes


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    return tmp_path


def _resolver() -> ConfigResolver:
    return ConfigResolver(known_codes())


# -- the resolver: what is wrong, and where ------------------------------------------------


def test_unknown_key_names_file_key_and_suggestion(tmp_path: Path) -> None:
    config = write(tmp_path / "pyproject.toml", '[tool.eventlint]\nselet = ["EVT1"]\n')
    with pytest.raises(ConfigError) as error:
        _resolver().for_path(tmp_path / "a.py")
    # The wording is the feature under test here (file, key, suggestion): pinned on purpose.
    assert str(error.value) == (  # noqa: EVT201
        f"{config}: unknown key 'selet' in [tool.eventlint] (did you mean 'select'?)"
    )


@pytest.mark.parametrize(
    ("config", "match"),
    [
        (
            '[tool.eventlint.event-ids]\nenvelope-feilds = ["x"]\n',
            r"unknown key 'envelope-feilds' in "
            r"\[tool.eventlint.event-ids\] \(did you mean 'envelope-fields'\?\)",
        ),
        (
            '[tool.eventlint]\nselect = "EVT1"\n',
            r"invalid value for 'select' in \[tool.eventlint\]",
        ),
        ('[tool.eventlint.event-ids]\nid-name-pattern = "("\n', "not a valid regular expression"),
        ('[tool.eventlint]\nignore = ["EVT1O1"]\n', r"unknown rule code 'EVT1O1' in ignore"),
    ],
    ids=["unknown-nested-key", "ill-typed-value", "bad-regex", "unknown-rule-code"],
)
def test_the_resolver_refuses_a_bad_value(tmp_path: Path, config: str, match: str) -> None:
    write(tmp_path / "pyproject.toml", config)
    with pytest.raises(ConfigError, match=match):
        _resolver().for_path(tmp_path / "a.py")


# -- the command: one line on stderr, exit 2 -----------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[tool.eventlint\n", "pyproject.toml: invalid TOML"),
        (
            b'[tool.eventlint]\nselet = ["EVT1"]\n',
            "unknown key 'selet' in [tool.eventlint] (did you mean 'select'?)",
        ),
        (b"[tool.eventlint]\nselect = 3\n", "invalid value for 'select' in [tool.eventlint]"),
        (b'[tool.eventlint]\nselect = ["EVT9"]\n', "unknown rule code 'EVT9' in select"),
        # Reliability item 12: AttributeError, UnicodeDecodeError (file not named), MemoryError.
        (b'tool = "x"\n', "`tool` must be a table, not str"),
        (b"[tool.eventlint]\n# caf\xe9\n", "invalid TOML: the file is not UTF-8"),
        (
            b'[tool.eventlint.kafka]\nreadiness-call = "wait({consumer:>99999999999})"\n',
            "use only {consumer} and {topics}, without format specs",
        ),
        (b"[tool.eventlint]\nmax-file-size = 0\n", "must be a positive number of bytes"),
        (b"[tool.eventlint]\nmax-file-tokens = -1\n", "must be a number of tokens"),
    ],
    ids=[
        "invalid-toml",
        "unknown-key",
        "ill-typed-value",
        "unknown-rule-code",
        "tool-not-a-table",
        "not-utf8",
        "format-spec",
        "max-file-size",
        "max-file-tokens",
    ],
)
def test_a_bad_pyproject_is_one_line_naming_it_and_exit_2(
    project: Path, content: bytes, expected: str
) -> None:
    (project / "pyproject.toml").write_bytes(content)
    write(project / "a.py", VIOLATION)
    result = run_cli("a.py", cwd=project)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert expected in result.stderr and "pyproject.toml" in result.stderr


def test_config_errors_speak_toml(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.eventlint]\nselect = "EVT1"\n')
    write(project / "a.py", VIOLATION)
    result = run_cli("--no-cache", ".", cwd=project)
    assert result.returncode == 2
    assert result.stderr.endswith(
        "invalid value for 'select' in [tool.eventlint]: "
        'expected a list (key = ["..."]), got a string\n'
    )


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    write(tmp_path / "a.py", VIOLATION)
    missing = run_cli("--config", "nope.toml", "a.py", cwd=tmp_path)
    assert missing.returncode == 2 and "config file not found: nope.toml" in missing.stderr


def test_config_given_a_folder_says_so(project: Path) -> None:
    """Reliability round 2: ``--config .`` said "config file not found" for a folder that
    exists."""
    result = run_cli("--config", ".", ".", cwd=project)
    assert result.returncode == 2
    assert result.stderr == (
        "eventlint: error: --config . is a folder; give the file "
        "(pyproject.toml or eventlint.toml)\n"
    )


def test_configuration_errors_quoting_user_text_stay_one_line(project: Path) -> None:
    """Reliability round 2: a TOML key or value with a line break or an escape sequence was
    echoed raw, breaking the one-line error and recolouring the terminal, in both doors."""
    write(project / "pyproject.toml", '[tool.eventlint]\nselect = ["EVT1\\u001b[31mX\\nY"]\n')
    write(project / "a.py", "x = 1\n")
    cli = run_cli(".", cwd=project)
    assert cli.returncode == 2
    assert cli.stderr == (
        f"eventlint: error: {project / 'pyproject.toml'}: unknown rule code "
        "'EVT1\\x1b[31mX\\nY' in select\n"
    )
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "EVT", "a.py"],
        cwd=project, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert flake8.stdout.count("\n") == 1
    assert "\x1b" not in flake8.stdout
    assert "'EVT1\\x1b[31mX\\nY'" in flake8.stdout
