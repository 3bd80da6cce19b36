"""What the EVT1 rules share: the triggers, the per-file analysis, and not reporting twice."""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Callable, Iterable, Iterator
from typing import ClassVar

from eventlint.analysis.hash_inputs import FieldUse, Leaf
from eventlint.analysis.id_hashes import (
    HASH_TRIGGERS,
    EventIdAnalysis,
    HashKind,
    HashSite,
    analysis_for,
    hash_trigger_words,
    nodes_within,
)
from eventlint.config import Settings
from eventlint.finding import Fix
from eventlint.project import Project
from eventlint.rules.base import Rule
from eventlint.rules.event_ids._process_scope import makes_cross_process_id

# A keyword argument's name: up to the ``=`` (or the space or line continuation before it).
_KEYWORD_NAME = re.compile(r"[^\s=\\]+")


class BuiltinHash(enum.Enum):
    """Which builtin ``hash()`` sites a rule judges."""

    SKIP = "skip"
    ONLY = "only"  # EVT105: its own criteria
    CROSS_PROCESS = "cross-process"  # those EVT105's criteria say make shared IDs


class EventIdRule(Rule):
    """Base of the EVT1 rules: they judge the leaves of the hashes that make identifiers."""

    triggers = HASH_TRIGGERS
    # Builtin hash() is EVT105's business; of the others only EVT102 judges its inputs.
    builtin_hash: ClassVar[BuiltinHash] = BuiltinHash.SKIP

    @classmethod
    def trigger_words(cls, settings: Settings) -> tuple[str, ...]:
        return hash_trigger_words(settings)

    @classmethod
    def project_trigger_words(cls, project: Project) -> tuple[str, ...]:
        if cls.builtin_hash is BuiltinHash.ONLY:
            return ()
        return tuple(sorted(f"{name}(" for name in project.hash_helper_names))

    def check(self) -> None:
        self._reported: set[int] = set()
        self.judge(analysis_for(self.context))

    def judge(self, analysis: EventIdAnalysis) -> None:
        raise NotImplementedError

    def id_sites(self, analysis: EventIdAnalysis) -> Iterator[HashSite]:
        for site in analysis.sites:
            if not site.is_id_context:
                continue
            if site.kind is not HashKind.BUILTIN:
                if self.builtin_hash is not BuiltinHash.ONLY:
                    yield site
            elif self.builtin_hash is BuiltinHash.ONLY or (
                self.builtin_hash is BuiltinHash.CROSS_PROCESS
                and makes_cross_process_id(site, analysis)
            ):
                yield site

    def report_once(self, node: ast.AST, message: str, fix: Fix | None = None) -> None:
        """A leaf reached through two hashes (or two paths) is still one finding. A keyword
        argument is reported at its name (``email`` of ``email=...``): the field it names."""
        if id(node) in self._reported:
            return
        self._reported.add(id(node))
        if isinstance(node, ast.keyword):
            start = self.context.position(node).start
            name = _KEYWORD_NAME.match(self.context.source_of(node))
            assert name is not None
            end = start.column + len(name.group())
            self.report_span((start.line, start.column, start.line, end), message, fix)
        else:
            self.report(node, message, fix)


def flagged_leaves(leaves: Iterable[Leaf], is_flagged: Callable[[Leaf], bool]) -> Iterator[Leaf]:
    """The flagged leaves, minus those inside the value of a flagged dict-literal key:
    ``{"email": user.email}`` is one finding (at the key), not two."""
    flagged = [leaf for leaf in leaves if is_flagged(leaf)]
    covered: set[int] = set()
    for leaf in flagged:
        if isinstance(leaf, FieldUse) and leaf.covers is not None:
            covered |= nodes_within(leaf.covers)
    for leaf in flagged:
        if id(leaf.node) not in covered:
            yield leaf


def made_in(site: HashSite, reported: ast.AST) -> str:
    """Where the ID is made, for a message about one of its inputs: the function, and the
    hash's line when the input is chosen on another (``... the ID made in `order_key` at line
    118``), so that a reader sees which hash takes it in."""
    where = f"`{site.scope.display_name}`"
    line = getattr(reported, "lineno", None)
    return (
        where if line is None or line == site.call.lineno else f"{where} at line {site.call.lineno}"
    )
