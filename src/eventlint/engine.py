"""The one engine behind both front doors: select rules, prefilter, parse once, check, fix.

The CLI and the flake8 plugin both call :meth:`Engine.lint`; only the CLI fixes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from eventlint import fixes, parsing, suppression
from eventlint.config import ConfigResolver, Settings
from eventlint.file_kinds import PYTHON
from eventlint.finding import Applicability, Edit, Finding, Fix, TextEdit
from eventlint.fixes.unavailable import FixUnavailable
from eventlint.project import Listings, Project, Projects, ProjectView
from eventlint.project.dependencies import Dependencies
from eventlint.reports import engine_finding, finding_of
from eventlint.rules import checking_rules, known_codes
from eventlint.rules.base import FileContext, Report, Rule
from eventlint.unused_noqa import UNUSED_NOQA, unused_noqa

if TYPE_CHECKING:
    from eventlint.fixes.imports import ImportPlacer
    from eventlint.fixes.tree import FixTree

# A safety net: fixes converge in one or two rounds (one fix object serves every finding it
# fixes, and edits that do not overlap are applied together).
MAX_FIX_ROUNDS = 8
_LINE_BREAK = re.compile(r"\r\n?|\n")


@dataclass(frozen=True)
class Selection:
    """The rules that run on one file, and the words that must occur for any to fire."""

    settings: Settings
    rules: tuple[type[Rule], ...]
    reported_engine_codes: frozenset[str]  # EVT001/EVT002, when enabled for the file
    triggers: tuple[str, ...]
    rule_triggers: dict[type[Rule], tuple[str, ...]]
    # EVT003 (unused noqa comments), when enabled for the file: the codes its comments may
    # name and have judged (see ``unused_noqa``); empty when EVT003 is off.
    noqa_judged: frozenset[str] = frozenset()

    @property
    def runs_anything(self) -> bool:
        return bool(self.rules or self.noqa_judged)

    def may_fire(self, text: str | bytes) -> bool:
        if isinstance(text, bytes):
            return any(word.encode() in text for word in self.triggers)
        return any(word in text for word in self.triggers)

    def rules_for(self, text: str) -> tuple[type[Rule], ...]:
        """The rules whose own trigger words occur: a file parsed for one rule family does
        not pay for the analyses of the others."""
        return tuple(
            rule for rule in self.rules if any(word in text for word in self.rule_triggers[rule])
        )


@dataclass(frozen=True)
class PlannedFix:
    fix: Fix
    findings: tuple[Finding, ...]
    spans: tuple[tuple[int, int], ...]


@dataclass
class LintPass:
    findings: list[Finding]
    # What the findings depended on besides the file itself (see project.dependencies).
    dependencies: Dependencies = field(default_factory=dict)
    context: FileContext | None = None
    fixes: list[PlannedFix] = field(default_factory=list)


@dataclass(frozen=True)
class FixOutcome:
    text: str
    findings: list[Finding]  # what remains after fixing
    applied: int
    refused: str | None = None  # why a fix result was thrown away
    applied_codes: tuple[str, ...] = ()  # the code of each finding fixed (``--show-fixes``)
    # What remains of a move: findings naming a stale module (``Finding.reference``) whose
    # other references in the file were fixed.
    left_behind: tuple[Finding, ...] = ()
    # What ``findings`` depended on besides the file (the results cache keeps it).
    dependencies: Dependencies = field(default_factory=dict)


class Engine:
    def __init__(self, resolver: ConfigResolver, projects: Projects | None = None) -> None:
        self.resolver = resolver
        self.projects = projects or Projects(Listings(resolver))

    def project_for(self, path: Path) -> Project:
        return self.projects.for_settings(self.resolver.for_path(path))

    def select(
        self, path: Path, kind: str = PYTHON, file_noqa: frozenset[str] | None = None
    ) -> Selection:
        settings = self.resolver.for_path(path)
        codes = settings.codes_for(path)
        is_test = settings.is_test_file(path)
        rules = tuple(
            rule
            for rule in checking_rules()
            if rule.code in codes
            and kind in rule.file_kinds
            # The test-files-only restriction is about Python files: a pytest config is judged.
            and (is_test or kind != PYTHON or not rule.only_in_tests(settings))
            and not suppression.suppressed_by_file(rule.code, file_noqa)
            and rule.judges_path(path, kind)
        )
        project = self.projects.for_settings(settings)
        rule_triggers = {
            rule: rule.trigger_words(settings) + rule.project_trigger_words(project)
            for rule in rules
        }
        enabled = frozenset(
            code for code in codes if not suppression.suppressed_by_file(code, file_noqa)
        )
        # Never judged: EVT000 (reported under flake8 only, which owns noqa comments), EVT001
        # and EVT002 (they depend on the running Python: a file of 3.12 syntax is EVT001 on
        # 3.11 only), and rules that read the comments themselves.
        noqa_judged = (
            enabled - _NOT_JUDGED - _reads_noqa()
            if kind == PYTHON and UNUSED_NOQA in enabled
            else frozenset()
        )
        words = {word for words in rule_triggers.values() for word in words}
        triggers = tuple(sorted(words | ({"EVT"} if noqa_judged else set())))
        engine_codes = frozenset(
            code
            for code in (parsing.SYNTAX_ERROR, parsing.NOT_ANALYSABLE)
            if code in codes and not suppression.suppressed_by_file(code, file_noqa)
        )
        return Selection(
            settings,
            rules,
            engine_codes if kind == PYTHON else frozenset(),
            triggers,
            rule_triggers,
            noqa_judged,
        )

    # -- linting -------------------------------------------------------------------------

    def lint_text(
        self,
        text: str,
        path: Path,
        display: str,
        *,
        kind: str = PYTHON,
        honour_noqa: bool = True,
        tree: ast.Module | None = None,
    ) -> list[Finding]:
        return self.lint(
            text, path, display, kind=kind, honour_noqa=honour_noqa, tree=tree
        ).findings

    def lint(
        self,
        text: str,
        path: Path,
        display: str,
        *,
        kind: str = PYTHON,
        honour_noqa: bool = True,
        tree: ast.Module | None = None,
    ) -> LintPass:
        """Lint one file's text; ``tree`` is its ``ast``, when the caller parsed it already
        (flake8 hands its plugins the tree it parsed: it is not parsed twice)."""
        file_noqa = suppression.file_suppression(text)
        if file_noqa == frozenset():
            return LintPass([])
        selection = self.select(path, kind, file_noqa)
        if not honour_noqa:  # flake8 applies the noqa comments itself: never EVT003
            selection = replace(selection, noqa_judged=frozenset())
        if not selection.runs_anything or not selection.may_fire(text):
            return LintPass([])
        candidates = selection.rules_for(text)
        context = self.context(text, path, display, kind)
        if tree is not None:
            context.attach(tree)
        project = context.project.project
        with project.recorder.recording() as dependencies:
            result = self._check(context, selection, candidates, honour_noqa)
        result.dependencies = dict(dependencies)
        return result

    def context(self, text: str, path: Path, display: str, kind: str = PYTHON) -> FileContext:
        """The context rules judge a file in (not parsed yet)."""
        settings = self.resolver.for_path(path)
        absolute = Path(path).absolute()
        return FileContext(
            path=display,
            absolute_path=absolute,
            settings=settings,
            text=text,
            is_test_file=settings.is_test_file(path),
            project=ProjectView(self.projects.for_settings(settings), absolute, text),
            kind=kind,
        )

    def _check(
        self,
        context: FileContext,
        selection: Selection,
        candidates: tuple[type[Rule], ...],
        honour_noqa: bool,
    ) -> LintPass:
        try:
            chosen = [rule for rule in candidates if rule.precheck(context)]
            if not chosen and not (selection.noqa_judged and "noqa" in context.text.lower()):
                return LintPass([])
            if context.kind == PYTHON:
                limit = context.settings.config.max_file_tokens
                parsed = parsing.too_large(context.text, limit) or context.parse()
                if isinstance(parsed, parsing.ParseFailure):
                    findings = self._engine_finding(selection, context.path, parsed)
                    return LintPass(_unsuppressed(findings, context, honour_noqa))
            reports: list[Report] = []
            for rule in chosen:
                rule(context, reports.append).check()
            # The analyses refer back to the context (and so to the tree): dropped now, the
            # tree is freed by reference counting when the file is done, not by the cyclic
            # GC, whose full collections grow with every tree waiting for it.
            context.forget_analyses()
            return self._findings(context, reports, honour_noqa, selection.noqa_judged)
        except (RecursionError, MemoryError):
            # The walks are iterative, but a rule's own recursion over a structure CPython
            # accepted could still exhaust the stack: the file is reported, not the run lost.
            failure = parsing.ParseFailure(parsing.TOO_DEEP, 1, 1, parsing.NOT_ANALYSABLE)
            findings = self._engine_finding(selection, context.path, failure)
            return LintPass(_unsuppressed(findings, context, honour_noqa))

    def _findings(
        self,
        context: FileContext,
        reports: list[Report],
        honour_noqa: bool,
        noqa_judged: frozenset[str] = frozenset(),
    ) -> LintPass:
        result = LintPass([], context=context)
        lines = context.lines
        if noqa_judged and honour_noqa:
            made = [finding_of(context, report, lines) for report in reports]
            reports = reports + unused_noqa(
                context.text,
                [(finding.code, finding.line) for finding in made],
                noqa_judged,
                known_codes(),
            )
        if not reports:
            return result
        # Logical lines are Python's; other files' comments cover their own line.
        noqa = suppression.NoqaLines(context.text if context.kind == PYTHON else "", lines)
        by_fix: dict[int, list[Finding]] = {}
        fix_of: dict[int, Fix] = {}
        for report in reports:
            finding = finding_of(context, report, lines)
            if honour_noqa and noqa.suppresses(finding.line, finding.code):
                continue
            result.findings.append(finding)
            if report.fix is not None:
                by_fix.setdefault(id(report.fix), []).append(finding)
                fix_of[id(report.fix)] = report.fix
        for key, fix in fix_of.items():
            spans = tuple(fixes.edit_spans(fix, context.span))
            result.fixes.append(PlannedFix(fix, tuple(by_fix[key]), spans))
        result.findings.sort(key=lambda finding: finding.sort_key)
        return result

    @staticmethod
    def _engine_finding(
        selection: Selection, display: str, failure: parsing.ParseFailure
    ) -> list[Finding]:
        if failure.code not in selection.reported_engine_codes:
            return []
        return [
            engine_finding(failure.code, display, failure.message, failure.line, failure.column)
        ]

    # -- fixing --------------------------------------------------------------------------

    def fix_text(
        self,
        text: str,
        path: Path,
        display: str,
        *,
        unsafe: bool,
        kind: str = PYTHON,
        first: LintPass | None = None,
    ) -> FixOutcome:
        """Apply fixes until none is left (bounded), refusing any result that does not parse;
        the first round uses ``first``, a lint of ``text`` made already, when given."""
        current = text
        applied = 0
        applied_codes: list[str] = []
        moved: set[str] = set()
        refused: str | None = None
        # The last lint of ``current``: a run that fixes nothing lints the file once.
        last: LintPass | None = None
        for _ in range(MAX_FIX_ROUNDS):
            run = last = (
                first if first is not None else self.lint(current, path, display, kind=kind)
            )
            first = None
            allowed = [
                planned
                for planned in run.fixes
                if planned.fix.applicability is Applicability.SAFE or unsafe
            ]
            if not allowed or run.context is None:
                break
            try:
                chosen, edits = self._plan(run.context, allowed)
            except FixUnavailable as why:
                refused = f"its fixes cannot be applied: {why}"
                break
            new_text = self._wrapped(current, fixes.splice(current, edits), edits, path, kind)
            if new_text == current:
                break
            if kind == PYTHON and not _parses(new_text):
                refused = "a fix produced code that does not parse; it was not applied"
                break
            current = new_text
            last = None
            applied += sum(len(planned.findings) for planned in chosen)
            applied_codes += [finding.code for planned in chosen for finding in planned.findings]
            moved |= {
                finding.reference
                for planned in chosen
                for finding in planned.findings
                if finding.reference is not None
            }
        final = last if last is not None else self.lint(current, path, display, kind=kind)
        remaining = final.findings
        return FixOutcome(
            text=current,
            findings=remaining,
            dependencies=final.dependencies,
            applied=applied,
            refused=refused,
            applied_codes=tuple(applied_codes),
            left_behind=tuple(finding for finding in remaining if finding.reference in moved),
        )

    def fix_finding(
        self,
        text: str,
        path: Path,
        display: str,
        finding: Finding,
        *,
        kind: str = PYTHON,
        run: LintPass | None = None,
    ) -> str | None:
        """The text with only ``finding``'s fix applied (one round, with the imports it
        needs), or None: the finding is not in ``text``, has no fix, its fix cannot be
        applied, or the result does not parse. For an editor's code action on one finding;
        ``run`` is a lint of ``text`` already made (the diagnostics the editor shows)."""
        run = run if run is not None else self.lint(text, path, display, kind=kind)
        planned = next((each for each in run.fixes if finding in each.findings), None)
        if planned is None or run.context is None:
            return None
        try:
            chosen, edits = self._plan(run.context, [planned])
        except FixUnavailable:
            return None
        if not chosen:
            return None
        new_text = self._wrapped(text, fixes.splice(text, edits), edits, path, kind)
        if new_text == text or (kind == PYTHON and not _parses(new_text)):
            return None
        return new_text

    def _wrapped(
        self, before: str, after: str, edits: Sequence[TextEdit], path: Path, kind: str
    ) -> str:
        """The fixed text with the lines the fixes pushed past the project's line length
        wrapped as the formatters would (``fixes.wrapping``); unwrapped when that fails."""
        if kind != PYTHON or not edits:
            return after
        from eventlint.fixes.line_length import line_length
        from eventlint.fixes.wrapping import wrap_long_lines

        root = self.resolver.for_path(path).root
        wrapped = wrap_long_lines(before, after, edits, lambda: line_length(path, root))
        return wrapped if wrapped == after or _parses(wrapped) else after

    def _plan(
        self, context: FileContext, allowed: Sequence[PlannedFix]
    ) -> tuple[list[PlannedFix], list[TextEdit]]:
        """The fixes of one round (their edits do not overlap) and their text edits. Fixes
        that add imports come last: an import line may touch what another fix edits, and then
        that fix waits for the next round."""
        ordered = sorted(
            allowed, key=lambda planned: (bool(planned.fix.imports), planned.findings[0].sort_key)
        )
        from eventlint.fixes.tree import FixTree

        # Parsed with libcst only for node edits and imports: text edits need no tree (and
        # a file that is not Python has none).
        tree: FixTree | None = None

        def fix_tree() -> FixTree:
            # Kept with the file's analyses: an editor's several fixes of one text parse once.
            nonlocal tree
            if tree is None:
                tree = context.analysis(
                    FixTree, lambda known: FixTree(known.text, known.module, known.positions)
                )
            return tree

        chosen: list[PlannedFix] = []
        taken: list[tuple[int, int]] = []
        placer: ImportPlacer | None = None
        import_edits: list[TextEdit] = []
        for planned in ordered:
            if fixes.overlaps(planned.spans, taken):
                continue
            new_imports: list[TextEdit] = []
            if planned.fix.imports:
                if placer is None:
                    placer = self._placer(context, fix_tree())
                new_imports = placer.edits(planned.fix.imports)
                spans = [(edit.start, edit.end) for edit in new_imports]
                if fixes.overlaps(spans, [*taken, *planned.spans]):
                    continue
            chosen.append(planned)
            taken += planned.spans
            import_edits += new_imports
            taken += [(edit.start, edit.end) for edit in new_imports]
        node_edits = [
            edit for planned in chosen for edit in planned.fix.edits if isinstance(edit, Edit)
        ]
        text_edits = [
            edit for planned in chosen for edit in planned.fix.edits if isinstance(edit, TextEdit)
        ]
        if node_edits:
            text_edits += fix_tree().resolve(node_edits)
        return chosen, _unique(text_edits + import_edits)

    def _placer(self, context: FileContext, tree: FixTree) -> ImportPlacer:
        from eventlint.fixes.imports import ImportPlacer, Section, standard_section

        view = context.project

        def classify(top: str) -> Section:
            return standard_section(top, view.is_first_party)

        return ImportPlacer(context.text, tree.module, tree.span, classify)


def _unsuppressed(
    findings: list[Finding], context: FileContext, honour_noqa: bool
) -> list[Finding]:
    """EVT001/EVT002 honour a ``# noqa`` on their line too (a deliberately broken test file
    says so there); the line is the physical one, since the file did not tokenize."""
    if not honour_noqa:
        return findings
    lines = context.lines
    return [
        finding
        for finding in findings
        if not suppression.line_suppresses(
            lines[finding.line - 1] if 0 < finding.line <= len(lines) else "", finding.code
        )
    ]


_NOT_JUDGED = frozenset({"EVT000", parsing.SYNTAX_ERROR, parsing.NOT_ANALYSABLE})


@cache
def _reads_noqa() -> frozenset[str]:
    return frozenset(rule.code for rule in checking_rules() if rule.reads_noqa_comments)


def _unique(edits: list[TextEdit]) -> list[TextEdit]:
    """One import line asked for by two fixes is added once."""
    return list(dict.fromkeys(edits))


def _parses(text: str) -> bool:
    return not isinstance(parsing.parse(text), parsing.ParseFailure)


__all__ = ["Engine", "FixOutcome", "LintPass"]
