"""Which classes are event models, and how each field is classified.

A class of the project is an event model when it is a pydantic model, a dataclass or an attrs
class and one of these holds:

- it subclasses, directly or through other project classes in any module, an event base: a
  class listed in ``[tool.eventlint.events] base-classes``, or a model of the project named
  like one (a word ``event`` or ``envelope`` in its name: ``EventEnvelope``, ``BaseEvent``)
  that other project classes subclass; the event bases are listed too;
- it is the payload of a generic envelope: ``class OrderEnvelope(EventEnvelope[OrderPlaced])``,
  a field annotated ``EventEnvelope[OrderPlaced]``, or a function parameter or return so
  annotated (``def handle(envelope: EventEnvelope[OrderPlaced])``, in any production module);
- it declares envelope fields: ``event_id`` or ``message_id``, or two others of the envelope
  list (one ``created_at`` alone is any database row);
- an ID function hashes it (see ``ids``).

What cannot be read is listed as such, never guessed: a base class from another library that
is not a known model base (its fields are unknown), a model built with ``create_model``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from eventlint import sourcefile
from eventlint.analysis.event_fields import Classification, classify
from eventlint.analysis.name_words import words
from eventlint.events.records import EventModel, ModelField, Unresolved
from eventlint.options import EventIdOptions
from eventlint.project import ClassInfo, Project
from eventlint.project.classes import FieldInfo

_PYDANTIC_BASES = frozenset(
    {"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel"}
)
_DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass", "pydantic.dataclasses.dataclass"})
_ATTRS_DECORATORS = frozenset(
    {
        "attr.s", "attr.attrs", "attr.define", "attr.frozen", "attr.mutable",
        "attrs.define", "attrs.frozen", "attrs.mutable",
    }
)  # fmt: skip
# Bases that say nothing about fields.
_NOT_MODEL_BASES = frozenset(
    {"typing.NamedTuple", "typing.TypedDict", "object", "builtins.object", "abc.ABC",
     "typing.Generic", "typing.Protocol", "Exception", "enum.Enum", "enum.IntEnum",
     "enum.StrEnum", "str", "int", "dict", "list", "tuple"}
)  # fmt: skip
_NAMED_TUPLES = frozenset({"typing.NamedTuple", "typing_extensions.NamedTuple"})
_TYPED_DICTS = frozenset({"typing.TypedDict", "typing_extensions.TypedDict"})
# Styles whose fields are the model's data: nested models of these are expanded.
_DATA_STYLES = frozenset(
    {"pydantic model", "dataclass", "attrs class", "named tuple", "typed dict"}
)
_STRONG_ENVELOPE_FIELDS = frozenset({"event_id", "message_id"})
_BASE_WORDS = frozenset({"event", "envelope"})
_NESTING = 3
# ``OrderPlaced = create_model("OrderPlaced", ...)`` at module level.
_CREATE_MODEL = re.compile(
    rb"^(?P<name>[A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*(?:[\w.]+\.)?create_model\(", re.MULTILINE
)


@dataclass
class _Class:
    info: ClassInfo
    style: str


class ModelFinder:
    """Reads the classes of the given modules through the project model."""

    def __init__(
        self, project: Project, files: Iterable[Path], options: EventIdOptions, bases: Iterable[str]
    ) -> None:
        self.project = project
        self.options = options
        self.configured_bases = tuple(bases)
        self.unresolved: list[Unresolved] = []
        self._classes: dict[str, _Class] = {}
        self._styles: dict[str, str | None] = {}
        # Generic annotations of function signatures: where, and the names they mention.
        self._signatures: list[tuple[str, tuple[str, ...]]] = []
        for path in files:
            self._read(path)

    # -- reading -------------------------------------------------------------------------

    def _read(self, path: Path) -> None:
        modules = self.project.modules
        summary = modules.summary(path)
        if not summary.parsed:
            return  # reported by the command, as EVT001 would be
        for name in summary.classes:
            info = self.project.classes.resolve_class(name, path, summary)
            if info is None:
                continue
            style = self._style(info)
            if style is not None:
                self._classes[info.qualified] = _Class(info, style)
        module = modules.module_name(path) or self.relative(path)
        for function, names in summary.signature_generics:
            qualified = tuple(modules.qualify(name, path, summary) or name for name in names)
            self._signatures.append((f"{module}.{function}", qualified))
        self._dynamic(path)

    def _dynamic(self, path: Path) -> None:
        try:
            source = sourcefile.read(path, self.project.store.max_bytes)
        except sourcefile.SourceError:
            return
        if b"create_model" not in source:
            return
        for match in _CREATE_MODEL.finditer(source):
            line = source.count(b"\n", 0, match.start()) + 1
            self.unresolved.append(
                Unresolved(
                    match["name"].decode("utf-8", "replace"),
                    self.relative(path),
                    line,
                    "built at runtime with create_model(): its fields cannot be read statically",
                )
            )

    def _style(self, info: ClassInfo, depth: int = 0) -> str | None:
        """What kind of model the class is (inherited from a project base, too): pydantic
        model, dataclass, attrs class, named tuple, typed dict, or a class whose bases cannot
        be read; None for a plain class, which declares no fields a model would."""
        if info.qualified in self._styles:
            return self._styles[info.qualified]
        style: str | None = None
        bases = set(info.base_names) | set(info.unresolved_bases)
        if bases & _PYDANTIC_BASES:
            style = "pydantic model"
        elif set(info.decorators) & _DATACLASS_DECORATORS:
            style = "dataclass"
        elif set(info.decorators) & _ATTRS_DECORATORS:
            style = "attrs class"
        elif bases & _NAMED_TUPLES:
            style = "named tuple"
        elif bases & _TYPED_DICTS:
            style = "typed dict"
        elif depth < 8:
            roots = self.project.modules.roots_for(info.path)
            for base in info.base_names:
                parent = self.project.classes.class_named(base, roots)
                if parent is not None and (found := self._style(parent, depth + 1)):
                    style = found
                    break
        if style is None and set(info.unresolved_bases) - _NOT_MODEL_BASES:
            # ``class LegacyEvent(faust.Record)``: it may be a model; its base cannot be read.
            style = "class with bases not read"
        self._styles[info.qualified] = style
        return style

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.project.root).as_posix()
        except ValueError:
            return path.as_posix()

    # -- recognising ---------------------------------------------------------------------

    def models(self, hashed: Iterable[str] = ()) -> list[EventModel]:
        reasons: dict[str, list[str]] = {}

        def recognise(qualified: str, why: str) -> None:
            if qualified in self._classes and why not in reasons.setdefault(qualified, []):
                reasons[qualified].append(why)

        bases = self._event_bases()
        for qualified, found in self._classes.items():
            info = found.info
            for base in bases:
                if base == qualified:
                    recognise(qualified, "event base class")
                elif base in info.ancestors:
                    recognise(qualified, f"subclass of `{base}`")
            if bases & ({qualified, *info.ancestors}):
                for argument in info.base_arguments:
                    recognise(argument, f"payload of `{qualified}`")
            for declared in info.fields.values():
                names = declared.annotation_names
                if any(name in bases for name in names):
                    for name in names:
                        if name not in bases:
                            recognise(name, f"payload of a `{qualified}.{declared.name}`")
            if qualified in reasons:
                continue  # an event base or its subclass: its envelope fields say nothing more
            envelope = sorted(
                name
                for name, declared in info.fields.items()
                if self._classify(name, declared) == "envelope"
            )
            if set(envelope) & _STRONG_ENVELOPE_FIELDS or len(envelope) >= 2:
                listed = ", ".join(f"`{name}`" for name in envelope)
                recognise(qualified, f"declares envelope fields {listed}")
        for function, names in self._signatures:
            for base in bases.intersection(names):
                for name in names:
                    if name not in bases:
                        recognise(name, f"payload of `{base}` in `{function}()`")
        for qualified in hashed:
            recognise(qualified, "hashed into an event ID")
        return [self._model(qualified, tuple(why)) for qualified, why in sorted(reasons.items())]

    def _event_bases(self) -> set[str]:
        configured = set()
        for spelled in self.configured_bases:
            for qualified in self._classes:
                if qualified == spelled or qualified.endswith(f".{spelled}"):
                    configured.add(qualified)
            configured.add(spelled)  # a base from a library: its subclasses still count
        subclassed = {base for found in self._classes.values() for base in found.info.base_names}
        named = {
            qualified
            for qualified, found in self._classes.items()
            if qualified in subclassed and _BASE_WORDS & set(words(found.info.name))
        }
        return configured | named

    def _classify(self, name: str, declared: FieldInfo) -> str:
        return self._classification(name, declared).kind

    def _classification(self, name: str, declared: FieldInfo) -> Classification:
        return classify(declared.facts(), self.options)

    def _model(self, qualified: str, recognised: tuple[str, ...]) -> EventModel:
        found = self._classes[qualified]
        info = found.info
        return EventModel(
            name=info.name,
            qualified=qualified,
            path=self.relative(info.path),
            line=info.line,
            style=found.style,
            recognised=recognised,
            bases=info.base_names,
            unresolved_bases=tuple(
                base
                for base in info.unresolved_bases
                if base not in _PYDANTIC_BASES and base not in _NOT_MODEL_BASES
            ),
            fields=tuple(self._fields(info, "", 0, {qualified})),
        )

    def _fields(self, info: ClassInfo, prefix: str, depth: int, seen: set[str]) -> list[ModelField]:
        rows: list[ModelField] = []
        for name, declared in info.fields.items():
            verdict = self._classification(name, declared)
            if not prefix or verdict.kind in ("envelope", "sensitive"):
                rows.append(
                    ModelField(
                        prefix + name,
                        declared.annotation,
                        verdict.kind,
                        verdict.reason,
                        declared.declared_in,
                    )
                )
            if depth >= _NESTING:
                continue
            for nested in declared.annotation_names:
                inner = self._classes.get(nested)
                if inner is not None and inner.style in _DATA_STYLES and nested not in seen:
                    rows += self._fields(inner.info, f"{prefix}{name}.", depth + 1, seen | {nested})
        return rows
