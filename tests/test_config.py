"""``[tool.eventlint]``: discovery and rule selection (a bad configuration:
tests/test_bad_config.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import VIOLATION, run_cli, write
from hypothesis import given, settings
from hypothesis import strategies as st

from eventlint import globs
from eventlint.config import ConfigResolver, resolve_enabled
from eventlint.rules import known_codes

KNOWN = {"EVT101": True, "EVT102": True, "EVT201": True, "EVT204": False}


def test_default_selection_is_the_on_by_default_rules() -> None:
    assert resolve_enabled(KNOWN, None, (), ()) == {"EVT101", "EVT102", "EVT201"}


def test_select_replaces_and_prefixes_match() -> None:
    assert resolve_enabled(KNOWN, ["EVT1"], (), ()) == {"EVT101", "EVT102"}


def test_off_by_default_needs_its_full_code() -> None:
    assert "EVT204" not in resolve_enabled(KNOWN, ["EVT"], ["EVT2"], ())
    assert "EVT204" in resolve_enabled(KNOWN, None, ["EVT204"], ())


def test_most_specific_prefix_wins_and_ignore_wins_ties() -> None:
    assert resolve_enabled(KNOWN, ["EVT1"], (), ["EVT102"]) == {"EVT101"}
    assert resolve_enabled(KNOWN, ["EVT101"], (), ["EVT1"]) == {"EVT101"}
    assert resolve_enabled(KNOWN, ["EVT1"], (), ["EVT1"]) == set()


def _resolver() -> ConfigResolver:
    return ConfigResolver(known_codes())


def test_nearest_pyproject_with_a_table_wins(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.eventlint]\nignore = ["EVT101"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'x'\n")  # no table: skipped
    write(tmp_path / "pkg" / "sub" / "pyproject.toml", '[tool.eventlint]\nignore = ["EVT102"]\n')
    resolver = _resolver()
    assert "EVT101" not in resolver.for_path(tmp_path / "pkg" / "a.py").enabled
    inner = resolver.for_path(tmp_path / "pkg" / "sub" / "b.py")
    assert "EVT101" in inner.enabled and "EVT102" not in inner.enabled
    assert inner.root == tmp_path / "pkg" / "sub"


def test_config_option_with_plain_toml(tmp_path: Path) -> None:
    write(tmp_path / "a.py", VIOLATION)
    write(tmp_path / "strict.toml", 'select = ["EVT104"]\n')
    result = run_cli("--config", "strict.toml", "--output-format", "json", "a.py", cwd=tmp_path)
    assert '"EVT104"' in result.stdout and '"EVT101"' not in result.stdout


def test_per_file_ignores(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[tool.eventlint]\nper-file-ignores = { "scripts/*.py" = ["EVT10"] }\n',
    )
    write(tmp_path / "scripts" / "a.py", VIOLATION)
    write(tmp_path / "src" / "a.py", VIOLATION)
    result = run_cli("--output-format", "json", cwd=tmp_path)
    assert '"scripts/a.py"' not in result.stdout and '"src/a.py"' in result.stdout


def test_test_paths(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.eventlint]\n")
    settings = _resolver().for_path(tmp_path / "x.py")
    for path in ("tests/unit/x.py", "pkg/test_x.py", "pkg/x_test.py", "a/conftest.py"):
        assert settings.is_test_file(tmp_path / path), path
    assert not settings.is_test_file(tmp_path / "pkg" / "testing.py")


def test_extend_envelope_fields_and_allowed_fields(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[tool.eventlint.event-ids]\nextend-envelope-fields = ["correlation_id"]\n'
        'allowed-fields = ["event_id"]\n',
    )
    write(
        tmp_path / "a.py",
        "import hashlib\n\n\ndef event_key(e):\n"
        "    return hashlib.sha256(f'{e.event_id}{e.correlation_id}'.encode()).hexdigest()\n",
    )
    result = run_cli("--output-format", "json", "a.py", cwd=tmp_path)
    assert result.stdout.count('"EVT101"') == 1 and "correlation_id" in result.stdout


def test_extra_hash_functions_are_triggers(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[tool.eventlint.event-ids]\nhash-functions = ["xxhash.xxh64"]\n',
    )
    write(
        tmp_path / "a.py",
        "import xxhash\n\n\ndef dedup_key(e):\n    return xxhash.xxh64(e.email).hexdigest()\n",
    )
    result = run_cli("a.py", cwd=tmp_path)
    assert result.returncode == 1 and "EVT102" in result.stdout


_GLOB_PATTERNS = st.lists(
    st.text(alphabet=st.sampled_from(list("ab*?/[]!.^\\")), min_size=1, max_size=8), max_size=4
)
_GLOB_PATHS = st.text(alphabet=st.sampled_from(list("ab/.[]^\\")), max_size=10)


@pytest.mark.filterwarnings("error")  # a pattern the regex module warns about is a bug
@settings(max_examples=500, deadline=None)
@given(_GLOB_PATTERNS, _GLOB_PATHS)
def test_a_list_of_globs_matches_as_its_patterns_do_one_by_one(
    patterns: list[str], path: str
) -> None:
    """``exclude``, ``test-paths`` and ``per-file-ignores`` lists are matched as one regex per
    kind of pattern: the answer must be any single pattern's. ``[[a]``, ``[&&]`` are literal
    characters in a class, never a warning on the user's terminal."""
    assert globs.matches_any(patterns, path) == any(globs.matches(p, path) for p in patterns)


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        (["tests/**", "**/test_*.py"], "pkg/tests_helpers.py", False),
        (["tests/**", "**/test_*.py"], "pkg/test_a.py", True),
        (["build", "docs/*.md"], "src/build", True),
        (["build", "docs/*.md"], "docs/api/x.md", False),
        (["test_[ab].py"], "sub/test_b.py", True),
        (["[[]x.py"], "[x.py", True),
        (["[!&&]"], "&", False),
        ([], "anything", False),
    ],
)
def test_glob_lists(patterns: list[str], path: str, expected: bool) -> None:
    assert globs.matches_any(patterns, path) is expected
