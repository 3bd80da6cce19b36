"""What the EVT3xx rules share: where they run, and how they report."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from eventlint.analysis.project import ProjectIndex
from eventlint.config import Settings
from eventlint.rules.base import Rule
from eventlint.rules.stale_imports.checks import may_have_problems, problems_for

# The four rules ask the same pre-check of the same text: the last answer is kept.
_last_precheck: tuple[str, str, bool] | None = None


class StaleImportRule(Rule):
    test_files_only = True
    reads_project = True
    triggers: ClassVar[tuple[str, ...]] = ("import",)

    @classmethod
    def only_in_tests(cls, settings: Settings) -> bool:
        return not settings.config.stale_imports.check_all_files

    @classmethod
    def precheck(cls, text: str, path: Path, settings: Settings, project: ProjectIndex) -> bool:
        global _last_precheck
        key = str(path)
        if _last_precheck is None or _last_precheck[:2] != (key, text):
            _last_precheck = (key, text, may_have_problems(text, path, settings, project))
        return _last_precheck[2]

    def finish(self) -> None:
        for problem in problems_for(self.context).of(self.code):
            self.report(problem.node, problem.message, problem.fix)
