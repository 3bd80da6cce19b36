"""EVT304's other half: ``testpaths`` entries of a pytest config that name nothing.

Config files are not Python, so this runs outside the rule visitors: the CLI hands each
pytest config file it discovers here. Only the file pytest itself would read in that folder
is judged (a ``[pytest]`` section in a tox.ini beside a pytest.ini is dead config, not ours).
"""

from __future__ import annotations

import os
from pathlib import Path

from eventlint import suppression
from eventlint.analysis.layout import read_pytest_config
from eventlint.config import Settings
from eventlint.finding import Finding

CODE = "EVT304"


def check_pytest_config(path: Path, display: str, settings: Settings) -> list[Finding]:
    if CODE not in settings.codes_for(path):
        return []
    config = read_pytest_config(path.parent)
    if config is None or os.path.abspath(config.path) != os.path.abspath(path):
        return []
    lines = config.lines
    findings: list[Finding] = []
    for setting in config.testpaths:
        if _exists(path.parent, setting.value):
            continue
        line = lines[setting.line - 1] if setting.line <= len(lines) else ""
        if suppression.line_suppresses(line, CODE):
            continue
        column = setting.column
        findings.append(
            Finding(
                code=CODE,
                message=f"testpaths entry `{setting.value}` matches no folder or file; "
                "pytest silently collects nothing from it",
                path=display,
                line=setting.line,
                column=column + 1,
                end_line=setting.line,
                end_column=column + len(setting.value) + 1,
                fingerprint=f"{CODE}:{setting.value}",
            )
        )
    return findings


def _exists(base: Path, entry: str) -> bool:
    if any(char in entry for char in "*?["):
        return any(True for _ in base.glob(entry))
    return (base / entry).exists()
