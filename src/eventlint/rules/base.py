"""The rule contract, and the per-file context rules work in.

A rule is a class with its code, a one-line summary and a docstring (its user documentation),
and one method, :meth:`Rule.check`, which judges the file through the context: the module as
CPython's ``ast`` parsed it (under flake8, the very tree flake8 parsed), shared per-file
analyses (built once, whichever rule asks first) and the project model (every fact about
other files). Rules never walk the file system or read other files, never re-derive what an
analysis provides, and never load libcst: a fix names its target by an ``ast`` node and
builds its libcst replacement only when it is applied (``finding.Edit``). Each family's
analysis walks the tree once, with the iterative walker in ``analysis/walk``, and the rules
of the family judge what it found.

Most rules judge Python files. A rule may declare other ``file_kinds`` (``"pytest-config"``):
it then gets a context with the file's text only, and reports spans of that text.
"""

from __future__ import annotations

import ast
import re
import weakref
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import ClassVar, TypeVar

from eventlint import parsing
from eventlint.analysis.imports import ImportMap
from eventlint.analysis.positions import CodeRange, Positions
from eventlint.config import Settings
from eventlint.finding import Fix
from eventlint.parsing import ParseFailure
from eventlint.project import Project, ProjectView

_AnalysisT = TypeVar("_AnalysisT")
_LINE_BREAK = re.compile(r"\r\n?|\n")

PYTHON = "python"

# (line, column, end line, end column): lines 1-based, columns 0-based, end exclusive.
TextSpan = tuple[int, int, int, int]


class FileContext:
    """Everything a rule may ask about the file being linted."""

    def __init__(
        self,
        *,
        path: str,
        absolute_path: Path,
        settings: Settings,
        text: str,
        is_test_file: bool,
        project: ProjectView,
        kind: str = PYTHON,
    ) -> None:
        self.path = path  # as displayed
        self.absolute_path = absolute_path
        self.settings = settings
        self.text = text  # the source as read (regenerating it from the tree is costly)
        self.is_test_file = is_test_file
        self.project = project
        self.kind = kind
        self._module: ast.Module | None = None
        self._failure: ParseFailure | None = None
        self._analyses: dict[object, object] = {}
        self.positions = Positions(text)
        if kind == PYTHON:  # the file's own facts are read from the tree the rules judge
            # Through a weak reference: the view must not keep the context (and its tree)
            # alive in a cycle, or the tree would wait for the cyclic GC (see engine._check).
            context = weakref.ref(self)
            project.take_tree_from(lambda: _tree_of(context()))

    # -- the parsed module (Python files) ------------------------------------------------

    @property
    def module(self) -> ast.Module:
        if self._module is None:
            raise RuntimeError("the module is parsed after the pre-checks")
        return self._module

    def parse(self) -> ast.Module | ParseFailure:
        """The tree (parsed once, whoever asks first: a pre-check or the engine), or why the
        file has none."""
        if self._module is not None:
            return self._module
        if self._failure is None:
            parsed = parsing.parse(self.text)
            if isinstance(parsed, ParseFailure):
                self._failure = parsed
                return parsed
            self._module = parsed
            return parsed
        return self._failure

    def tree(self) -> ast.Module | None:
        """The tree, or None when the file has none."""
        parsed = self.parse()
        return parsed if isinstance(parsed, ast.Module) else None

    def attach(self, module: ast.Module) -> None:
        """Use a tree parsed elsewhere from the same text (flake8's)."""
        self._module = module

    @property
    def imports(self) -> ImportMap:
        """What each imported name refers to (built once per file, for every rule)."""
        return self.analysis(ImportMap, lambda context: ImportMap.build(context.module))

    def forget_analyses(self) -> None:
        """Once every rule has judged the file: its analyses are not needed any more."""
        self._analyses.clear()

    def analysis(self, key: object, build: Callable[[FileContext], _AnalysisT]) -> _AnalysisT:
        """Build a shared analysis once per file, whichever rule asks first."""
        if key not in self._analyses:
            self._analyses[key] = build(self)
        return self._analyses[key]  # type: ignore[return-value]

    # -- positions -----------------------------------------------------------------------

    def position(self, node: ast.AST) -> CodeRange:
        """The node's range in characters (``ast`` counts UTF-8 bytes)."""
        return self.positions.range_of(node)

    @property
    def line_starts(self) -> list[int]:
        return self.positions.starts

    def span(self, node: ast.AST) -> tuple[int, int]:
        """The node's character offsets in the text."""
        return self.positions.span(node)

    def source_of(self, node: ast.AST) -> str:
        """The node's source text, as written."""
        return self.positions.source_of(node)

    @cached_property
    def lines(self) -> list[str]:
        return _LINE_BREAK.split(self.text)


def _tree_of(context: FileContext | None) -> ast.Module | None:
    return context.tree() if context is not None else None


class Report:
    """What a rule hands to the engine: where (a node, or a span of a non-Python file), the
    message and an optional fix."""

    __slots__ = ("code", "fix", "message", "node", "reference", "span")

    def __init__(
        self,
        code: str,
        message: str,
        *,
        node: ast.AST | None = None,
        span: TextSpan | None = None,
        fix: Fix | None = None,
        reference: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.node = node
        self.span = span
        self.fix = fix
        self.reference = reference  # see Finding.reference


class RuleDocs:
    """What every documented code has: the engine's own codes (EVT001) as well as rules."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_enabled: ClassVar[bool] = True
    test_files_only: ClassVar[bool] = False
    fix_availability: ClassVar[str] = "none"  # "safe", "unsafe" or "none", for the docs
    file_kinds: ClassVar[frozenset[str]] = frozenset({PYTHON})


class Rule(RuleDocs):
    """Base of every rule: set the class attributes, implement :meth:`check`."""

    # The rule cannot fire in a file that contains none of these words: the file is not
    # parsed for it.
    triggers: ClassVar[tuple[str, ...]] = ()
    # Whether the rule's findings depend on other files of the project (for the cache).
    reads_project: ClassVar[bool] = False
    # Whether the rule leaves alone code carrying *any* noqa comment (it reads the comments
    # itself: an import that is meant to fail). EVT003 then cannot tell whether a noqa with
    # the rule's code is needed, and never judges it.
    reads_noqa_comments: ClassVar[bool] = False

    def __init__(self, context: FileContext, sink: Callable[[Report], None]) -> None:
        self.context = context
        self._sink = sink

    @classmethod
    def trigger_words(cls, settings: Settings) -> tuple[str, ...]:
        """Triggers may depend on configuration (extra hash functions, for instance)."""
        return cls.triggers

    @classmethod
    def project_trigger_words(cls, project: Project) -> tuple[str, ...]:
        """Trigger words that come from the project (the names of its hash helpers)."""
        return ()

    @classmethod
    def judges_path(cls, path: Path, kind: str) -> bool:
        """Whether the rule can judge a file of this name at all, before it is read: a file
        no selected rule judges is neither read again nor sent to a pool worker."""
        return True

    @classmethod
    def precheck(cls, context: FileContext) -> bool:
        """A cheaper look than the rule's analysis: False when the rule cannot fire. The
        context has the text; ``context.parse()`` gives the tree (parsed once for all)."""
        return True

    @classmethod
    def only_in_tests(cls, settings: Settings) -> bool:
        """Whether the rule runs on test files only (an option may widen that)."""
        return cls.test_files_only

    def check(self) -> None:
        """Judge the file and :meth:`report` what is wrong."""
        raise NotImplementedError

    def report(
        self, node: ast.AST, message: str, fix: Fix | None = None, *, reference: str | None = None
    ) -> None:
        self._sink(Report(self.code, message, node=node, fix=fix, reference=reference))

    def report_span(
        self, span: TextSpan, message: str, fix: Fix | None = None, *, reference: str | None = None
    ) -> None:
        self._sink(Report(self.code, message, span=span, fix=fix, reference=reference))


class EngineRule(RuleDocs):
    """A code the engine itself reports (no check of its own): documented like any rule."""
