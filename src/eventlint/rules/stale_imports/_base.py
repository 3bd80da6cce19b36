"""What the EVT3xx rules share: where they run, and how they report."""

from __future__ import annotations

from typing import ClassVar

from eventlint.config import Settings
from eventlint.rules.base import Rule
from eventlint.rules.stale_imports.checks import problems_for


class StaleImportRule(Rule):
    test_files_only = True

    @classmethod
    def only_in_tests(cls, settings: Settings) -> bool:
        return not settings.config.stale_imports.check_all_files

    def finish(self) -> None:
        for problem in problems_for(self.context).of(self.code):
            self.report(problem.node, problem.message, problem.fix)

    triggers: ClassVar[tuple[str, ...]] = ("import",)
