"""Rule documentation, rendered from the rule classes (their docstrings are the docs).

``python -m eventlint.docs > docs/rules.md`` regenerates docs/rules.md; a test fails when the
committed file drifts from the rules.
"""

from __future__ import annotations

import inspect

from eventlint.rules import ALL_RULES
from eventlint.rules.base import EngineRule, Rule

_FIX_TEXT = {"safe": "safe fix", "unsafe": "unsafe fix (`--unsafe-fixes`)", "none": "no fix"}


def rule_doc(rule: type[Rule] | type[EngineRule]) -> str:
    """A rule's documentation as Markdown: heading, facts, then its docstring."""
    body = inspect.cleandoc(rule.__doc__ or "")
    # reStructuredText literal blocks (``Incorrect::``) become fenced Python blocks.
    lines: list[str] = []
    in_block = False
    for line in body.splitlines():
        if line.endswith("::"):
            lines.append(f"**{line[:-2]}:**")
            lines.append("")
            lines.append("```python")
            in_block = True
            continue
        if in_block and line and not line.startswith("    "):
            lines.append("```")
            lines.append("")
            in_block = False
        if in_block:
            if line.strip() or lines[-1] != "```python":
                lines.append(line[4:] if line.startswith("    ") else line)
            continue
        lines.append(line)
    if in_block:
        while lines and not lines[-1].strip():
            lines.pop()
        lines.append("```")
    default = "on" if rule.default_enabled else "off (enable with `extend-select`)"
    scope = "test files only" if rule.test_files_only else "all files"
    facts = f"*{rule.name}* · default: {default} · {_FIX_TEXT[rule.fix_availability]} · {scope}"
    return "\n".join([f"## {rule.code}: {rule.summary}", "", facts, "", *lines]).rstrip() + "\n"


def render_rules_markdown() -> str:
    header = [
        "# eventlint rules",
        "",
        "Generated from the rule modules by `python -m eventlint.docs > docs/rules.md`;",
        "do not edit by hand.",
        "",
        "| Code | Name | Summary | Default | Fix |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in ALL_RULES:
        header.append(
            f"| [{rule.code}](#{rule.code.lower()}-{_anchor(rule.summary)}) | {rule.name} | "
            f"{rule.summary} | {'on' if rule.default_enabled else 'off'} | "
            f"{rule.fix_availability} |"
        )
    sections = [rule_doc(rule) for rule in ALL_RULES]
    return "\n".join(header) + "\n\n" + "\n".join(sections)


def _anchor(text: str) -> str:
    keep = "".join(
        c.lower() if c.isalnum() or c == "_" else ("-" if c in " -" else "") for c in text
    )
    return keep


if __name__ == "__main__":  # pragma: no cover
    print(render_rules_markdown(), end="")
