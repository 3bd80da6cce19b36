"""The rule base class and the per-file context rules work in.

A rule is a libcst batchable visitor: the engine parses each file once and runs every enabled
rule in one traversal. The class docstring is the user documentation (rendered into
docs/rules.md); shared analyses are asked of the context, never re-derived by a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, TypeVar

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper

from eventlint.analysis.names import ImportMap
from eventlint.analysis.positions import LazyPositions
from eventlint.analysis.project import ClassInfo, ModuleInfo, ProjectIndex, search_roots
from eventlint.config import Settings
from eventlint.finding import Fix

_AnalysisT = TypeVar("_AnalysisT")


class FileContext:
    """Everything a rule may ask about the file being linted."""

    def __init__(
        self,
        *,
        path: str,
        absolute_path: str,
        settings: Settings,
        wrapper: MetadataWrapper,
        is_test_file: bool,
        project: ProjectIndex,
        text: str = "",
    ) -> None:
        self.path = path
        self.text = text  # the source as read (regenerating it from the tree is costly)
        self.absolute_path = absolute_path
        self.settings = settings
        self.wrapper = wrapper
        self.is_test_file = is_test_file
        self.project = project
        self._analyses: dict[object, object] = {}
        self._positions = LazyPositions(wrapper.module)
        # Set when a rule read other files (a class's fields, raise sites): results cached
        # for this file then also depend on the rest of the project.
        self.read_other_files = False

    @property
    def module(self) -> cst.Module:
        return self.wrapper.module

    @property
    def imports(self) -> ImportMap:
        """What each imported name refers to (built once per file, for every rule)."""
        return self.analysis(ImportMap, lambda context: ImportMap.build(context.module))

    @property
    def module_info(self) -> ModuleInfo:
        """This file as the project index sees it (registered once, so never re-parsed)."""
        return self.analysis(
            ModuleInfo,
            lambda context: context.project.register(
                Path(context.absolute_path), context.module, context.imports
            ),
        )

    def resolve_class(self, name: str) -> ClassInfo | None:
        """The class ``name`` refers to in this file, looked up in the file or the project."""
        self.read_other_files = True
        roots = search_roots(self.settings.root, Path(self.absolute_path))
        return self.project.resolve_class(self.module_info, name, roots)

    def analysis(self, key: object, build: Callable[[FileContext], _AnalysisT]) -> _AnalysisT:
        """Build a shared analysis once per file, whichever rule asks first."""
        if key not in self._analyses:
            self._analyses[key] = build(self)
        return self._analyses[key]  # type: ignore[return-value]

    def prepare_positions(self, nodes: list[cst.CSTNode]) -> None:
        self._positions.prepare(nodes)

    def position(self, node: cst.CSTNode) -> CodeRange:
        # Computed only once a rule reports something, and only for the statements involved.
        return self._positions.range_of(node)


class Report:
    """What a rule hands to the engine: the node, the message and an optional fix."""

    __slots__ = ("code", "fix", "message", "node")

    def __init__(self, code: str, node: cst.CSTNode, message: str, fix: Fix | None) -> None:
        self.code = code
        self.node = node
        self.message = message
        self.fix = fix


class Rule(cst.BatchableCSTVisitor):
    """Base of every rule. Subclasses set the class attributes and report from visit methods."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_enabled: ClassVar[bool] = True
    test_files_only: ClassVar[bool] = False
    fix_availability: ClassVar[str] = "none"  # "safe", "unsafe" or "none", for the docs
    # The rule cannot fire in a file that contains none of these words: the file is not parsed.
    triggers: ClassVar[tuple[str, ...]] = ()

    def __init__(self, context: FileContext, sink: Callable[[Report], None]) -> None:
        super().__init__()
        self.context = context
        self._sink = sink

    @classmethod
    def trigger_words(cls, settings: Settings) -> tuple[str, ...]:
        """Triggers may depend on configuration (extra hash functions, for instance)."""
        return cls.triggers

    # Whether the rule's findings depend on other files of the project (for the cache).
    reads_project: ClassVar[bool] = False

    @classmethod
    def precheck(cls, text: str, path: Path, settings: Settings, project: ProjectIndex) -> bool:
        """A cheaper look than the libcst pass: False when the rule cannot fire on ``text``.
        When no rule is left, the file is not parsed with libcst at all."""
        return True

    @classmethod
    def only_in_tests(cls, settings: Settings) -> bool:
        """Whether the rule runs on test files only (an option may widen that)."""
        return cls.test_files_only

    @classmethod
    def visits_nodes(cls) -> bool:
        """Whether the rule has ``visit_*``/``leave_*`` methods. When no enabled rule has,
        the engine skips the traversal altogether."""
        return any(
            name.startswith(("visit_", "leave_"))
            for klass in cls.__mro__
            if issubclass(klass, Rule) and klass is not Rule
            for name in vars(klass)
        )

    def finish(self) -> None:
        """Called once after the traversal: for rules that judge a whole-file analysis."""

    def report(self, node: cst.CSTNode, message: str, fix: Fix | None = None) -> None:
        self._sink(Report(self.code, node, message, fix))


class EngineRule:
    """A code the engine itself reports (no visitor): documented like any other rule."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_enabled: ClassVar[bool] = True
    test_files_only: ClassVar[bool] = False
    fix_availability: ClassVar[str] = "none"
