"""What one module says, for rules linting *other* files: the data, and only the data.

The readers (``project/readers/``, one per kind of fact) fill these in from the module's
``ast`` tree, never importing it. A summary is what the project model stores per module (in
the cache folder, keyed on the file's identity and content), so a later run reads only the
modules that changed:

- **names**: what ``from module import name`` can find at runtime: top-level defs, classes
  and assignments (including those under ``if``/``try``/``with``/``for``, annotated,
  tuple-unpacked, walrus, ``except ... as``, ``match`` captures and ``global`` declarations in
  functions), names bound by imports (re-exports), ``__all__`` entries, and star imports
  (resolved by the index, which knows where the module lives). When a module can grow names
  at runtime (a module-level ``__getattr__``, ``exec``, writes to ``globals()`` or
  ``sys.modules``, a rewritten or extended ``__path__``), its names are unknown and no rule may
  say a name is missing from it;
- **imports**: what each imported name refers to (relative imports keep their dots);
- **classes**: bases as spelled, annotated fields (with secret types and classification
  markers), instance attributes, class-level constants, and how ``__init__`` builds the
  message of an exception class;
- **raises**: each ``raise X(...)`` with its message as a template (literal text and
  placeholders) and its keyword arguments;
- **hash helpers**: module-level functions that return a digest of their arguments;
- **signature generics**: subscripted annotations of function parameters and returns
  (``EventEnvelope[OrderPlaced]``), for the event inventory.

A summary is serialized as JSON (``to_json``/``from_json``): changing the shape of one of
these classes means bumping ``_FORMAT`` in ``project/store.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import TypeAdapter

# Literal text and placeholders (``None``): f"Bad job {job!r}: {reason}" is
# ("Bad job ", None, ": ", None).
Template = tuple[str | None, ...]


@dataclass(frozen=True)
class ValueRef:
    """A simple value as written: a dotted name (``ErrorCode.OUT_OF_STOCK``) or the source of
    a literal (``'E42'``, ``42``)."""

    dotted: str | None = None
    literal: str | None = None


@dataclass(frozen=True)
class FieldSummary:
    name: str
    line: int
    annotation: str  # the annotation's source
    annotation_names: tuple[str, ...]  # dotted names it mentions, as spelled
    secret_typed: bool = False  # SecretStr / SecretBytes
    # ``Field(json_schema_extra={"sensitive": True})`` -> "sensitive";
    # ``{"classification": "pii"}`` -> "pii".
    marker: str | None = None
    annotated_markers: tuple[str, ...] = ()  # dotted names of ``Annotated[...]`` metadata


@dataclass(frozen=True)
class ClassSummary:
    name: str
    line: int
    bases: tuple[str, ...] = ()  # dotted, as spelled; ``Envelope[T]`` is ``Envelope``
    base_arguments: tuple[str, ...] = ()  # dotted names inside generic bases
    decorators: tuple[str, ...] = ()
    fields: tuple[FieldSummary, ...] = ()
    attributes: tuple[str, ...] = ()  # class names, ``self.x = ...``, ``__init__`` parameters
    constants: dict[str, ValueRef] = field(default_factory=dict)
    # How ``__init__`` builds the message it hands to ``super().__init__``: when it adds text
    # around its arguments, the argument of a ``raise`` is only a fragment of the message.
    message_template: Template | None = None
    # Whether the class's own code leaves ``hash()`` at object identity: no ``__hash__`` or
    # ``__eq__`` in its body, no keywords (a metaclass) and no decorator (dataclass and attrs
    # decorators replace ``__hash__``). ``hash()`` of such an object is per-process by design.
    identity_hash: bool = False
    # ``self.x = ...`` in ``__init__``: an instance attribute that hides a class-level value of
    # the same name on every instance (``error_code = X`` overwritten by a base's ``__init__``).
    init_assigned: tuple[str, ...] = ()
    # ``self.detail = message`` in ``__init__``: where the constructor's message is kept.
    message_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RaiseSummary:
    line: int
    exception: str  # dotted, as spelled
    message: Template | None  # None: no message argument, or one that cannot be read
    keywords: dict[str, ValueRef] = field(default_factory=dict)


@dataclass(frozen=True)
class FixtureSummary:
    """A pytest fixture, for the readiness of the Kafka topics the tests that use it read."""

    requests: tuple[str, ...] = ()  # the fixtures it asks for (its parameters)
    calls: tuple[str, ...] = ()  # dotted names it calls, as spelled
    ready: bool = False  # it checks or creates topics, or waits for an assignment, itself
    autouse: bool = False
    # It (or a factory it defines) constructs a ``...Consumer(...)``: a test requesting it may
    # get a consumer without naming a consumer class (EVT404's pre-check).
    makes_consumer: bool = False


@dataclass(frozen=True)
class KafkaSummary:
    """What a module offers to make Kafka topics ready: functions (``f``, ``Class.m``) that
    check, create or wait for topics, those among them that wait for a consumer's partition
    assignment, its pytest fixtures, and the ``pytest_plugins`` it names."""

    ready: tuple[str, ...] = ()
    waits_for_assignment: tuple[str, ...] = ()
    fixtures: dict[str, FixtureSummary] = field(default_factory=dict)
    plugins: tuple[str, ...] = ()


@dataclass(frozen=True)
class HashedParameter:
    """A parameter a hash helper hashes whole: a caller's argument for it is the ID's input.
    By name and position (None for a keyword-only one); ``reparsed`` when the helper parses
    it and dumps it again with sorted keys, so the key order of the caller's JSON does not
    reach the hash."""

    name: str
    position: int | None
    reparsed: bool = False


@dataclass
class ModuleSummary:
    defined: set[str] = field(default_factory=set)  # bound by the module's own code
    imported: set[str] = field(default_factory=set)  # bound by import statements
    declared: set[str] = field(default_factory=set)  # listed in __all__
    star_imports: list[str] = field(default_factory=list)
    names_unknown: bool = False
    # ``__all__`` is one literal list, never changed: a star import brings exactly that,
    # whatever else the module does at runtime.
    all_is_literal: bool = False
    imports: dict[str, str] = field(default_factory=dict)
    classes: dict[str, ClassSummary] = field(default_factory=dict)
    raises: list[RaiseSummary] = field(default_factory=list)
    # function name -> the parameters it hashes whole (``analysis.hashed_parameters``)
    hash_helpers: dict[str, tuple[HashedParameter, ...]] = field(default_factory=dict)
    # Generic annotations of function signatures (``envelope: EventEnvelope[OrderPlaced]``):
    # the function (``handle``, ``Consumer.on_message``) and the dotted names the annotation
    # mentions, as spelled. The event inventory finds an envelope's payloads there.
    signature_generics: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    kafka: KafkaSummary = field(default_factory=KafkaSummary)
    parsed: bool = True  # False: the source could not be read or parsed

    @classmethod
    def unknown(cls) -> ModuleSummary:
        """A module whose source cannot be read (an extension, generated code, a file that
        does not parse): every name is taken to exist, nothing else is known."""
        return cls(names_unknown=True, parsed=False)

    def to_json(self) -> Any:
        return _adapter().dump_python(self, mode="json")

    @classmethod
    def from_json(cls, data: object) -> ModuleSummary:
        """Raises ``ValueError`` (pydantic's ValidationError) on a malformed entry."""
        return _adapter().validate_python(data)


@cache
def _adapter() -> TypeAdapter[ModuleSummary]:
    return TypeAdapter(ModuleSummary)
