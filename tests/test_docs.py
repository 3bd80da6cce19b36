"""Documentation stays true: generated rule docs, README, CI command."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from eventlint.docs import render_readme_table, render_rules_markdown, rule_doc
from eventlint.rules import all_rules

REPO = Path(__file__).resolve().parents[1]


def test_rules_md_is_generated_from_the_rules() -> None:
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_markdown(), (
        "docs/rules.md drifted: run `python -m eventlint.docs`"
    )


def test_readme_rules_table_is_generated_from_the_rules() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert render_readme_table() in readme, "README.md drifted: run `python -m eventlint.docs`"


def test_every_rule_documents_why_and_both_examples() -> None:
    for rule in all_rules():
        doc = rule.__doc__ or ""
        assert "Incorrect::" in doc and "Correct::" in doc, rule.code
        assert len(doc.split()) > 40, f"{rule.code} needs to say why it matters"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_rendered_examples_are_separate_closed_code_blocks(rule: type) -> None:
    """Parsed as CommonMark: the incorrect and the correct example are each one Python code
    block, and the prose after a block is prose (a missing closing fence swallows it)."""
    markdown = rule_doc(rule)
    tokens = MarkdownIt("commonmark").parse(markdown)
    blocks = [token for token in tokens if token.type == "fence"]
    literal_blocks = sum(
        1
        for line in inspect.cleandoc(rule.__doc__ or "").splitlines()
        if line.endswith("::") and not line.startswith(" ")
    )
    assert [token.info for token in blocks] == ["python"] * literal_blocks
    assert not any("**Correct:**" in token.content for token in blocks)
    assert markdown.count("```") == 2 * len(blocks)
    paragraphs = [token.content for token in tokens if token.type == "inline"]
    assert "**Correct:**" in paragraphs and "**Incorrect:**" in paragraphs


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    marker = re.search(r"<!-- ci-test-command.*?-->\n```bash\n(?P<command>.+)\n```", readme)
    assert marker is not None
    assert "pytest" in marker["command"] and "pip install" in marker["command"]
    assert "ci-test-command" in ci and 'bash -c "$command"' in ci


def test_pre_commit_hooks_file() -> None:
    import yaml  # pre-commit's own dependency

    hooks = {
        hook["id"]: hook
        for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    }
    assert hooks["eventlint"]["entry"] == "eventlint --force-exclude"
    assert hooks["eventlint-fix"]["entry"] == "eventlint --fix --force-exclude"
    # The inventory check reads the whole project, not the files pre-commit names.
    assert hooks["eventlint-events"]["entry"] == "eventlint events --check docs/events.md"
    assert hooks["eventlint-events"]["pass_filenames"] is False
    assert all(hook["types"] == ["python"] and hook["require_serial"] for hook in hooks.values())


def test_the_repository_runs_its_own_checks_as_hooks() -> None:
    """ruff, mypy and eventlint itself, from the development environment (nothing fetched)."""
    import subprocess
    import sys

    import yaml

    config = REPO / ".pre-commit-config.yaml"
    checked = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(config)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    hooks = {
        hook["id"]: hook
        for repo in yaml.safe_load(config.read_text(encoding="utf-8"))["repos"]
        for hook in repo["hooks"]
    }
    assert {"ruff-check", "ruff-format", "mypy", "eventlint"} <= set(hooks)
    assert all(hook["language"] == "system" for hook in hooks.values())


def test_a_rule_is_registered_by_its_module_alone() -> None:
    """Every class in ``rules/`` that sets a code is registered, with no list to edit: the
    registry is discovered (CONTRIBUTING.md: a rule is one module and one fixture)."""
    defined = set()
    for path in (REPO / "src" / "eventlint" / "rules").rglob("*.py"):
        defined |= set(re.findall(r'^    code = "(EVT\d{3})"$', path.read_text(), re.MULTILINE))
    assert defined == {rule.code for rule in all_rules()}
    registry = (REPO / "src" / "eventlint" / "rules" / "__init__.py").read_text()
    assert not re.search(r"EVT\d{3}", registry)


def test_contributing_walks_through_adding_a_rule() -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for step in ("--regen-fixtures", "python -m eventlint.docs", "# expect:", "# OPTIONS:"):
        assert step in guide
