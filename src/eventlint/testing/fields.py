"""How each field of an event model is classified for the ID contract: envelope, sensitive or
business, with the reason, by the static rules' own classification (``analysis.event_fields``:
configuration, markers, types, names) applied to what the model class says at runtime."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, SecretBytes, SecretStr

from eventlint.analysis.event_fields import MARKER_KINDS, FieldFacts
from eventlint.analysis.event_fields import classify as classify_field
from eventlint.config import ConfigError, ConfigResolver
from eventlint.options import EventIdOptions

Kind = Literal["envelope", "sensitive", "business"]


@dataclass(frozen=True)
class FieldClass:
    name: str
    kind: Kind
    reason: str


def event_id_options(model: type[BaseModel], root: Path | None = None) -> EventIdOptions:
    """The ``[tool.eventlint.event-ids]`` that applies to the module defining ``model`` (or to
    ``root``); eventlint's defaults when there is none."""
    folder = root
    if folder is None:
        source = inspect.getsourcefile(model) if model.__module__ in sys.modules else None
        folder = Path(source).parent if source else Path.cwd()
    from eventlint.rules import known_codes  # the registry imports every rule: only here

    try:
        return ConfigResolver(known_codes()).for_directory(folder).config.event_ids
    except ConfigError:
        return EventIdOptions()


def classify(
    model: type[BaseModel],
    options: EventIdOptions,
    overrides: Mapping[str, Kind] | None = None,
) -> list[FieldClass]:
    """Every field of ``model``, in declaration order."""
    found: list[FieldClass] = []
    for name, info in model.model_fields.items():
        if overrides and name in overrides:
            found.append(FieldClass(name, overrides[name], "given to check_event_id"))
            continue
        found.append(
            _classify_one(name, info.annotation, info.json_schema_extra, info.metadata, options)
        )
    return found


def _classify_one(
    name: str, annotation: Any, extra: Any, metadata: list[Any], options: EventIdOptions
) -> FieldClass:
    """The static rules' classification (``analysis.event_fields``), from what the model
    class says at runtime. What eventlint has no basis to classify is business data here:
    the contract checks that it makes IDs differ."""
    facts = FieldFacts(
        name,
        marker=_marker(extra),
        annotated_markers=tuple(_dotted(item) for item in metadata),
        secret_typed=_is_secret(annotation),
    )
    verdict = classify_field(facts, options)
    if verdict.kind == "unclassified":
        # An unknown marker: the contract still checks that the field makes IDs differ.
        return FieldClass(name, "business", verdict.reason.replace("`", ""))
    return FieldClass(name, verdict.kind, verdict.reason.replace("`", ""))


def _marker(extra: Any) -> str | None:
    """``Field(json_schema_extra={"sensitive": True})`` or ``{"classification": "pii"}``."""
    if not isinstance(extra, dict):
        return None
    classification = extra.get("classification")
    if isinstance(classification, str):
        return classification.lower()
    for key, value in extra.items():
        if value is True and str(key).lower() in MARKER_KINDS:
            return str(key).lower()
    return None


def _dotted(item: Any) -> str:
    """``Annotated`` metadata by the dotted name of its class (or of itself, for a class)."""
    kind = item if isinstance(item, type) else type(item)
    return f"{kind.__module__}.{kind.__qualname__}"


def _is_secret(annotation: Any) -> bool:
    if annotation in (SecretStr, SecretBytes):
        return True
    return any(_is_secret(argument) for argument in getattr(annotation, "__args__", ()) or ())
