"""How each field of an event model is classified for the ID contract: envelope, sensitive or
business, with the reason, from the project's ``[tool.eventlint.event-ids]`` (the same lists
and matching as the static EVT1xx rules), the field's type and explicit markers."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, SecretBytes, SecretStr

from eventlint.analysis.event_fields import envelope_field, sensitive_field
from eventlint.config import ConfigError, ConfigResolver, EventIdOptions

Kind = Literal["envelope", "sensitive", "business"]
_SENSITIVE_MARKS = frozenset({"pii", "sensitive", "secret", "personal"})


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
        found.append(_classify_one(name, info.annotation, info.json_schema_extra, options))
    return found


def _classify_one(name: str, annotation: Any, extra: Any, options: EventIdOptions) -> FieldClass:
    marks = _marks(extra)
    if marks & _SENSITIVE_MARKS:
        return FieldClass(name, "sensitive", f"marked {sorted(marks & _SENSITIVE_MARKS)[0]}")
    if _is_secret(annotation):
        return FieldClass(name, "sensitive", "type SecretStr/SecretBytes")
    listed = sensitive_field(name, options)
    if listed is not None:
        return FieldClass(name, "sensitive", f"name matches sensitive field `{listed}`")
    listed = envelope_field(name, options)
    if listed is not None:
        return FieldClass(name, "envelope", f"name matches envelope field `{listed}`")
    return FieldClass(name, "business", "not envelope or sensitive")


def _marks(extra: Any) -> set[str]:
    """``Field(json_schema_extra={"sensitive": True})`` or ``{"classification": "pii"}``."""
    if not isinstance(extra, dict):
        return set()
    marks = {str(key).lower() for key, value in extra.items() if value is True}
    classification = extra.get("classification")
    if isinstance(classification, str):
        marks.add(classification.lower())
    return marks


def _is_secret(annotation: Any) -> bool:
    if annotation in (SecretStr, SecretBytes):
        return True
    return any(_is_secret(argument) for argument in getattr(annotation, "__args__", ()) or ())
