"""The inventory's records: plain, sorted, and the same for every output format."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelField:
    """One row of a model's table; ``name`` is dotted for a nested model's field
    (``customer.email``)."""

    name: str
    annotation: str
    classification: str  # envelope, sensitive, business, unclassified
    reason: str
    declared_in: str  # the class that declares it (a base, for an inherited field)


@dataclass(frozen=True)
class EventModel:
    name: str
    qualified: str
    path: str  # relative to the project root, with forward slashes
    line: int
    style: str  # pydantic model, dataclass, attrs class, class
    recognised: tuple[str, ...]  # why it counts as an event model
    bases: tuple[str, ...]
    unresolved_bases: tuple[str, ...]  # bases eventlint cannot read: their fields are unknown
    fields: tuple[ModelField, ...]


@dataclass(frozen=True)
class Unresolved:
    """Something that looks like an event model but cannot be read (``create_model``) or a
    file that does not parse."""

    name: str
    path: str
    line: int
    reason: str


@dataclass(frozen=True)
class HashedField:
    name: str
    model: str | None  # qualified; None when the owner's class is unknown
    classification: str
    via: str  # "field", "dump", "key", "parameter"


@dataclass(frozen=True)
class EventId:
    function: str  # as displayed: ``OrderService.key`` or ``idempotency_key``
    path: str
    line: int  # the hashing call
    hash: str  # uuid3/uuid5, hashlib, hmac, configured, project helper, builtin hash()
    models: tuple[str, ...]
    hashed: tuple[HashedField, ...]
    # What the hash takes in that is not a field: calls, whole objects of unknown classes,
    # an ``exclude`` that cannot be read.
    other_inputs: tuple[str, ...]
    problems: tuple[str, ...]  # envelope or sensitive fields hashed, or only envelope fields


@dataclass
class Inventory:
    models: list[EventModel] = field(default_factory=list)
    ids: list[EventId] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
