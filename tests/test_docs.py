"""Documentation stays true: generated rule docs, README, CI command."""

from __future__ import annotations

import re
from pathlib import Path

from eventlint.docs import render_rules_markdown
from eventlint.rules import ALL_RULES

REPO = Path(__file__).resolve().parents[1]


def test_rules_md_is_generated_from_the_rules() -> None:
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_markdown(), (
        "docs/rules.md drifted: run `python -m eventlint.docs > docs/rules.md`"
    )


def test_every_rule_documents_why_and_both_examples() -> None:
    for rule in ALL_RULES:
        doc = rule.__doc__ or ""
        assert "Incorrect::" in doc and "Correct::" in doc, rule.code
        assert len(doc.split()) > 40, f"{rule.code} needs to say why it matters"


def test_readme_lists_every_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        assert f"| {rule.code} |" in readme, rule.code


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    marker = re.search(r"<!-- ci-test-command.*?-->\n```bash\n(?P<command>.+)\n```", readme)
    assert marker is not None
    assert "pytest" in marker["command"] and "pip install" in marker["command"]
    assert "ci-test-command" in ci and 'bash -c "$command"' in ci


def test_pre_commit_hooks_file() -> None:
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "- id: eventlint\n" in hooks and "- id: eventlint-fix\n" in hooks
    assert hooks.count("types: [python]") == 2
