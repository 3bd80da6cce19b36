"""What the EVT3xx rules share: where they run, and the cheap pre-check."""

from __future__ import annotations

from typing import ClassVar

from eventlint.config import Settings
from eventlint.rules.base import FileContext, Rule
from eventlint.rules.stale_imports.resolution import may_have_problems


class StaleImportRule(Rule):
    test_files_only = True
    reads_project = True
    triggers: ClassVar[tuple[str, ...]] = ("import",)

    @classmethod
    def only_in_tests(cls, settings: Settings) -> bool:
        return not settings.config.stale_imports.check_all_files

    @classmethod
    def precheck(cls, context: FileContext) -> bool:
        # One answer per file, shared by the four rules.
        return may_have_problems(context)
