"""Hypothesis strategies for pydantic v2 event models, built from the field annotations.

Supported: str, int, float, bool, bytes, Decimal, datetime (timezone-aware UTC), date, UUID,
Enum, Literal, Optional/unions, list/tuple/set/frozenset, dict, Annotated, SecretStr and
SecretBytes, and nested models. Constrained types (``constr(pattern=...)``, ``Field(gt=...)``)
are generated and then validated: a value the model refuses is discarded, and a model whose
values are always refused asks for an ``example=`` instead.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import string
import types
import typing
import uuid
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel, SecretBytes, SecretStr, ValidationError


class CannotGenerate(Exception):
    """A field type no strategy is known for."""


# Readable text: a failure report shows the events, and letters and digits are enough to
# tell whether a field reaches the ID.
_ALPHABET = string.ascii_letters + string.digits + "-_.@"
_TEXT = st.text(alphabet=_ALPHABET, max_size=12)

_SIMPLE: dict[Any, st.SearchStrategy[Any]] = {
    str: _TEXT,
    int: st.integers(min_value=-(2**31), max_value=2**31),
    float: st.floats(allow_nan=False, allow_infinity=False, width=32),
    bool: st.booleans(),
    bytes: st.binary(max_size=12),
    decimal.Decimal: st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**6),
    dt.datetime: st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.just(dt.timezone.utc),
    ),
    dt.date: st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
    uuid.UUID: st.uuids(),
    SecretStr: _TEXT.map(SecretStr),
    SecretBytes: st.binary(max_size=12).map(SecretBytes),
    type(None): st.none(),
}


def for_annotation(annotation: Any) -> st.SearchStrategy[Any]:
    """A strategy for values of ``annotation``; raises :class:`CannotGenerate`."""
    if annotation in _SIMPLE:
        return _SIMPLE[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return for_model(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from(list(annotation))
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        return for_annotation(arguments[0])
    if origin is typing.Literal:
        return st.sampled_from(arguments)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([for_annotation(argument) for argument in arguments])
    if origin in (list, set, frozenset) and len(arguments) == 1:
        items = st.lists(for_annotation(arguments[0]), max_size=3)
        return items if origin is list else items.map(origin)
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return st.lists(for_annotation(arguments[0]), max_size=3).map(tuple)
        return st.tuples(*(for_annotation(argument) for argument in arguments))
    if origin is dict and len(arguments) == 2:
        return st.dictionaries(
            for_annotation(arguments[0]), for_annotation(arguments[1]), max_size=3
        )
    if annotation is Any:
        return _TEXT
    raise CannotGenerate(f"no strategy for {annotation!r}")


def for_model(model: type[BaseModel]) -> st.SearchStrategy[BaseModel]:
    """Instances of ``model``: each field from its annotation, validated by the model."""
    fields = {name: field_values(model, name) for name in model.model_fields}
    validated = st.fixed_dictionaries(fields).map(lambda values: _validated(model, values))
    # A value the model refuses (a constrained type) is discarded.
    return validated.filter(lambda event: event is not None).map(_present)


def _present(event: BaseModel | None) -> BaseModel:
    assert event is not None
    return event


def _validated(model: type[BaseModel], values: dict[str, Any]) -> BaseModel | None:
    try:
        return model.model_validate(values)
    except ValidationError:
        return None


def field_values(model: type[BaseModel], name: str) -> st.SearchStrategy[Any]:
    """Values for one field (to vary it in an event), within its constraints: a ``pattern``,
    numeric bounds and lengths, which would otherwise reject nearly every value."""
    info = model.model_fields[name]
    constraints: dict[str, Any] = {}
    for item in info.metadata:
        for key in ("pattern", "gt", "ge", "lt", "le", "min_length", "max_length"):
            value = getattr(item, key, None)
            if value is not None:
                constraints[key] = value
    annotation = info.annotation
    if annotation is str and "pattern" in constraints:
        return st.from_regex(constraints["pattern"], fullmatch=True)
    if annotation is int and constraints.keys() & {"gt", "ge", "lt", "le"}:
        low = constraints.get("ge", constraints["gt"] + 1 if "gt" in constraints else None)
        high = constraints.get("le", constraints["lt"] - 1 if "lt" in constraints else None)
        return st.integers(min_value=low, max_value=high)
    if annotation is str and constraints.keys() & {"min_length", "max_length"}:
        return st.text(
            alphabet=_ALPHABET,
            min_size=constraints.get("min_length", 0),
            max_size=constraints.get("max_length", 12),
        )
    return for_annotation(annotation)
