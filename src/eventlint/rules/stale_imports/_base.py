"""What the EVT3xx rules share: where they run, the cheap pre-check, and reporting a part of
a node (an import's module name) by its character offsets."""

from __future__ import annotations

from bisect import bisect_right
from typing import ClassVar

from eventlint.config import Settings
from eventlint.finding import Fix
from eventlint.rules.base import FileContext, Rule
from eventlint.rules.stale_imports._resolution import may_have_problems


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

    def report_chars(
        self,
        start: int,
        end: int,
        message: str,
        fix: Fix | None = None,
        *,
        reference: str | None = None,
    ) -> None:
        """Report the text between two character offsets (a name ``ast`` gives no node)."""
        starts = self.context.line_starts
        line = bisect_right(starts, start) - 1
        end_line = bisect_right(starts, end) - 1
        self.report_span(
            (line + 1, start - starts[line], end_line + 1, end - starts[end_line]),
            message,
            fix,
            reference=reference,
        )
