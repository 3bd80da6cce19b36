"""The one engine behind both front doors: select rules, prefilter, parse once, run, fix.

The CLI and the flake8 plugin both call :meth:`Engine.lint_text`; only the CLI fixes.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

import libcst as cst
from libcst.metadata import MetadataWrapper

from eventlint import parsing, suppression
from eventlint.analysis.project import ProjectIndex
from eventlint.config import ConfigResolver, Settings
from eventlint.finding import Applicability, Finding, Fix
from eventlint.rules import VISITOR_RULES
from eventlint.rules.base import FileContext, Report, Rule
from eventlint.rules.syntax_error import SyntaxErrorRule

# Fixes on the same node (two keys of one dict) are applied one per round.
MAX_FIX_ROUNDS = 32
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_NodeT = TypeVar("_NodeT", bound=cst.CSTNode)
Span = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class Selection:
    """The rules that run on one file, and the words that must occur for any to fire."""

    settings: Settings
    rules: tuple[type[Rule], ...]
    report_syntax_errors: bool
    triggers: tuple[str, ...]

    def may_fire(self, text: str | bytes) -> bool:
        if isinstance(text, bytes):
            return any(word.encode() in text for word in self.triggers)
        return any(word in text for word in self.triggers)

    def rules_for(self, text: str) -> tuple[type[Rule], ...]:
        """The rules whose own trigger words occur: a file parsed for one rule family does
        not pay for the analyses of the others."""
        return tuple(
            rule
            for rule in self.rules
            if any(word in text for word in rule.trigger_words(self.settings))
        )


@dataclass
class _Pass:
    findings: list[Finding]
    module: cst.Module | None = None
    read_other_files: bool = False
    # Fixes of the findings that survived noqa, with the spans their edits touch.
    fixes: list[tuple[Finding, Fix, list[Span]]] = field(default_factory=list)


@dataclass(frozen=True)
class FixOutcome:
    text: str
    findings: list[Finding]  # what remains after fixing
    applied: int
    refused: str | None = None  # why a fix result was thrown away


class Engine:
    def __init__(self, resolver: ConfigResolver, project: ProjectIndex | None = None) -> None:
        self.resolver = resolver
        self.project = project or ProjectIndex()

    def select(self, path: Path, file_noqa: frozenset[str] | None = None) -> Selection:
        settings = self.resolver.for_path(path)
        codes = settings.codes_for(path)
        is_test = settings.is_test_file(path)
        rules = tuple(
            rule
            for rule in VISITOR_RULES
            if rule.code in codes
            and (is_test or not rule.only_in_tests(settings))
            and not suppression.suppressed_by_file(rule.code, file_noqa)
        )
        triggers = tuple(sorted({word for rule in rules for word in rule.trigger_words(settings)}))
        return Selection(
            settings=settings,
            rules=rules,
            report_syntax_errors=SyntaxErrorRule.code in codes
            and not suppression.suppressed_by_file(SyntaxErrorRule.code, file_noqa),
            triggers=triggers,
        )

    def lint_text(
        self, text: str, path: Path, display: str, *, honour_noqa: bool = True
    ) -> list[Finding]:
        return self._run(text, path, display, honour_noqa=honour_noqa).findings

    def lint_for_cache(self, text: str, path: Path, display: str) -> tuple[list[Finding], bool]:
        """Findings, and whether computing them read files other than this one."""
        run = self._run(text, path, display, honour_noqa=True)
        return run.findings, run.read_other_files

    def fix_text(self, text: str, path: Path, display: str, *, unsafe: bool) -> FixOutcome:
        """Apply fixes until none is left (bounded), refusing any result that does not parse."""
        current = text
        applied = 0
        refused: str | None = None
        for _ in range(MAX_FIX_ROUNDS):
            run = self._run(current, path, display, honour_noqa=True)
            allowed = [
                (finding, fix, spans)
                for finding, fix, spans in run.fixes
                if fix.applicability is Applicability.SAFE or unsafe
            ]
            if not allowed or run.module is None:
                break
            chosen = _non_overlapping(allowed)
            new_text = _apply(run.module, [fix for _, fix, _ in chosen]).code
            if new_text == current:
                break
            if isinstance(parsing.parse(new_text), parsing.ParseFailure):
                refused = "a fix produced code that does not parse; it was not applied"
                break
            current = new_text
            applied += len(chosen)
        remaining = self._run(current, path, display, honour_noqa=True).findings
        return FixOutcome(text=current, findings=remaining, applied=applied, refused=refused)

    def _run(self, text: str, path: Path, display: str, *, honour_noqa: bool) -> _Pass:
        file_noqa = suppression.file_suppression(text)
        if file_noqa == frozenset():
            return _Pass([])
        selection = self.select(path, file_noqa)
        if not selection.rules or not selection.may_fire(text):
            return _Pass([])
        candidates = selection.rules_for(text)
        reads_project = any(rule.reads_project for rule in candidates)
        chosen = tuple(
            rule
            for rule in candidates
            if rule.precheck(text, path, selection.settings, self.project)
        )
        if candidates and not chosen:
            return _Pass([], read_other_files=reads_project)
        parsed = parsing.parse(text)
        if isinstance(parsed, parsing.ParseFailure):
            return _Pass(self._syntax_error(selection, display, parsed))
        wrapper = MetadataWrapper(parsed, unsafe_skip_copy=True)
        context = FileContext(
            path=display,
            absolute_path=os.path.abspath(path),
            settings=selection.settings,
            wrapper=wrapper,
            is_test_file=selection.settings.is_test_file(path),
            project=self.project,
            text=text,
        )
        reports: list[Report] = []
        rules = [rule(context, reports.append) for rule in chosen]
        try:
            visitors = [rule for rule in rules if rule.visits_nodes()]
            if visitors:
                wrapper.visit_batched(visitors)
            for rule in rules:
                rule.finish()
        except RecursionError:
            failure = parsing.ParseFailure("too deeply nested to analyse", 1, 1)
            return _Pass(self._syntax_error(selection, display, failure))
        lines = _LINE_BREAK.split(text)
        result = _Pass(
            [], module=wrapper.module, read_other_files=context.read_other_files or reads_project
        )
        if reports:
            context.prepare_positions(
                [report.node for report in reports]
                + [e.target for r in reports if r.fix for e in r.fix.edits]
            )
        for report in reports:
            finding = _finding(context, display, report, lines)
            if honour_noqa and suppression.line_suppresses(
                lines[finding.line - 1] if finding.line <= len(lines) else "", finding.code
            ):
                continue
            result.findings.append(finding)
            if report.fix is not None:
                spans = [_span(context, edit.target) for edit in report.fix.edits]
                result.fixes.append((finding, report.fix, spans))
        result.findings.sort(key=lambda finding: finding.sort_key)
        return result

    @staticmethod
    def _syntax_error(
        selection: Selection, display: str, failure: parsing.ParseFailure
    ) -> list[Finding]:
        if not selection.report_syntax_errors:
            return []
        return [syntax_error_finding(display, failure.message, failure.line, failure.column)]


def syntax_error_finding(display: str, message: str, line: int = 1, column: int = 1) -> Finding:
    return Finding(
        code=SyntaxErrorRule.code,
        message=message,
        path=display,
        line=line,
        column=column,
        end_line=line,
        end_column=column,
    )


def _span(context: FileContext, node: cst.CSTNode) -> Span:
    position = context.position(node)
    return (
        (position.start.line, position.start.column),
        (position.end.line, position.end.column),
    )


def fingerprint(code: str, lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    """A hash of the code and the source text between ``start`` and ``end`` (1-based lines,
    0-based columns), whitespace-normalised."""
    (line, column), (end_line, end_column) = start, end
    chunk = lines[line - 1 : end_line]
    if chunk:
        chunk[-1] = chunk[-1][:end_column] if end_line > line else chunk[-1][column:end_column]
        if end_line > line:
            chunk[0] = chunk[0][column:]
    text = " ".join(" ".join(chunk).split())
    return hashlib.sha256(f"{code}\0{text}".encode()).hexdigest()[:20]


def _finding(context: FileContext, display: str, report: Report, lines: list[str]) -> Finding:
    (line, column), (end_line, end_column) = _span(context, report.node)
    return Finding(
        code=report.code,
        message=report.message,
        path=display,
        line=line,
        column=column + 1,
        end_line=end_line,
        end_column=end_column + 1,
        fix=report.fix,
        fingerprint=fingerprint(report.code, lines, (line, column), (end_line, end_column)),
    )


def _overlaps(first: list[Span], second: list[Span]) -> bool:
    return any(a[0] < b[1] and b[0] < a[1] for a in first for b in second)


def _non_overlapping(
    candidates: list[tuple[Finding, Fix, list[Span]]],
) -> list[tuple[Finding, Fix, list[Span]]]:
    chosen: list[tuple[Finding, Fix, list[Span]]] = []
    for candidate in sorted(candidates, key=lambda item: item[0].sort_key):
        if not any(_overlaps(candidate[2], taken[2]) for taken in chosen):
            chosen.append(candidate)
    return chosen


class _Replacer(cst.CSTTransformer):
    def __init__(self, fixes: list[Fix]) -> None:
        super().__init__()
        self._replacements = {
            id(edit.target): edit.replacement for fix in fixes for edit in fix.edits
        }

    def on_leave(
        self, original_node: _NodeT, updated_node: _NodeT
    ) -> _NodeT | cst.RemovalSentinel | cst.FlattenSentinel[_NodeT]:
        replacement = self._replacements.get(id(original_node))
        if replacement is None:
            return updated_node
        # A rule's replacement has the type of the node it replaces (or is a removal).
        return cast("_NodeT | cst.RemovalSentinel", replacement)


def _apply(module: cst.Module, fixes: list[Fix]) -> cst.Module:
    updated = module.visit(_Replacer(fixes))
    requests = {request for fix in fixes for request in fix.imports}
    if not requests:
        return updated
    # libcst's own import adder: skips imports already present, places new ones correctly.
    # Imported here: libcst.codemod costs a third of a second to import, and only fixes
    # that add imports need it.
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    for request in sorted(requests, key=lambda r: (r.module, r.name or "")):
        AddImportsVisitor.add_needed_import(context, request.module, request.name)
    return AddImportsVisitor(context).transform_module(updated)
