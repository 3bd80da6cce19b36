"""A class as the project model answers for it: :class:`ClassInfo`, with what its bases
contribute merged in, and its fields (:class:`FieldInfo`), qualified where the module that
declares them imports them. Data only: ``class_index`` finds and merges them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from eventlint.analysis.event_fields import FieldFacts
from eventlint.project.summaries import Template, ValueRef


@dataclass(frozen=True)
class FieldInfo:
    name: str
    annotation: str = ""
    annotation_names: tuple[str, ...] = ()  # qualified where the defining module imports them
    secret_typed: bool = False
    marker: str | None = None
    annotated_markers: tuple[str, ...] = ()
    declared_in: str = ""  # the qualified name of the class that declares it

    def facts(self) -> FieldFacts:
        """What the shared classification (``analysis.event_fields``) reads."""
        return FieldFacts(self.name, self.marker, self.annotated_markers, self.secret_typed)


@dataclass
class ClassInfo:
    """A class with what its bases contribute merged in (a base that cannot be found
    contributes nothing)."""

    name: str
    qualified: str
    path: Path
    line: int
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    attributes: set[str] = field(default_factory=set)
    constants: dict[str, ValueRef] = field(default_factory=dict)
    base_names: tuple[str, ...] = ()  # qualified
    ancestors: tuple[str, ...] = ()  # every base found, transitively, qualified
    unresolved_bases: tuple[str, ...] = ()  # bases that could not be found
    message_template: Template | None = None
    imports: dict[str, str] = field(default_factory=dict)  # of the defining module
    decorators: tuple[str, ...] = ()
    base_arguments: tuple[str, ...] = ()
    # ``hash()`` of an instance is its identity (per process by design): neither the class
    # nor any base replaces ``__hash__``, and every base is known (or ``object``).
    identity_hash: bool = False
    # Attributes an ``__init__`` of the class or a base sets on ``self`` (they hide the
    # class-level constants of those names).
    init_assigned: set[str] = field(default_factory=set)
    # Attributes an ``__init__`` of the class or a base keeps the constructor's message in.
    message_attributes: set[str] = field(default_factory=set)
