"""The event-ID contract, checked on the running function with generated events.

1. Envelope invariance: changing an envelope field never changes the ID.
2. Business sensitivity: each business field changes the ID for some change of it.
3. No sensitive input: changing a sensitive field never changes the ID.
4. Stability: the same ID after rebuilding the event with its mappings in reverse key order
   and after a JSON round trip (models without secrets), and in a fresh interpreter with
   another ``PYTHONHASHSEED``.
5. Determinism: the same event twice gives the same ID.

This is the one place eventlint calls user code, inside the user's own test run.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

from eventlint.testing.fields import FieldClass, Kind, classify, event_id_options
from eventlint.testing.strategies import CannotGenerate, field_values, for_model

IdFunction = Callable[[Any], object]


class ContractViolation(AssertionError):
    """An event-ID property does not hold; the message says which, with the events."""


@dataclass
class ContractReport:
    """What was checked: the classification used and the business fields that moved the ID."""

    fields: list[FieldClass]
    affecting: set[str] = field(default_factory=set)
    examples: int = 0
    # Fields no value could be generated for (an example's field of an unknown type): not
    # varied, so not checked; a warning says so.
    unvaried: set[str] = field(default_factory=set)


def check_event_id(
    id_function: IdFunction,
    *,
    model: type[BaseModel] | None = None,
    example: BaseModel | None = None,
    ignore: Iterable[str] = (),
    classification: Mapping[str, Kind] | None = None,
    max_examples: int = 50,
    deadline: float | None = None,
    cross_process: bool = True,
    root: Path | None = None,
) -> ContractReport:
    """Check ``id_function``'s contract on events of ``model`` (or variations of ``example``);
    raise :class:`ContractViolation` (an ``AssertionError``) naming the property, the field,
    both events and both IDs when one fails. ``ignore``: business fields left out of the ID on
    purpose (not required to change it); ``classification``: per-field overrides;
    ``max_examples``: events generated; ``deadline``: milliseconds one example may take (None:
    no limit, since an ID function may do I/O the first time)."""
    model = model or (type(example) if example is not None else None)
    if model is None or not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError("check_event_id needs a pydantic model (model=) or an event (example=)")
    skipped = set(ignore)
    fields = [
        cls
        for cls in classify(model, event_id_options(model, root), classification)
        if cls.name not in skipped or cls.kind != "business"
    ]
    events = _events(model, example)
    report = ContractReport(fields)
    seen: list[BaseModel] = []

    @settings(
        max_examples=max_examples,
        deadline=deadline,
        database=None,
        suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
    )
    @given(event=events, data=st.data())
    def properties(event: BaseModel, data: st.DataObject) -> None:
        assert model is not None
        report.examples += 1
        if len(seen) < 10:
            seen.append(event)
        first = id_function(event)
        again = id_function(event)
        if again != first:
            raise _violation("determinism", None, event, after=event, first=first, second=again)
        for rebuilt, how in _rebuilds(model, event):
            other = id_function(rebuilt)
            if other != first:
                raise _violation(
                    f"stability ({how})", None, event, after=rebuilt, first=first, second=other
                )
        for cls in fields:
            try:
                changed = _changed(model, event, cls.name, data)
            except CannotGenerate:
                report.unvaried.add(cls.name)
                continue
            if changed is None:
                continue
            other = id_function(changed)
            if cls.kind == "business":
                if other != first:
                    report.affecting.add(cls.name)
            elif other != first:
                prop = "envelope invariance" if cls.kind == "envelope" else "no sensitive input"
                raise _violation(prop, cls, event, after=changed, first=first, second=other)

    properties()
    if report.unvaried:
        warnings.warn(
            f"check_event_id: no values could be generated for {sorted(report.unvaried)}; "
            "those fields were not varied",
            stacklevel=2,
        )
    unused = [
        cls.name
        for cls in fields
        if cls.kind == "business" and cls.name not in report.affecting | skipped | report.unvaried
    ]
    if unused:
        names = ", ".join(f"`{name}`" for name in unused)
        raise ContractViolation(
            f"business sensitivity: changing {names} never changed the ID in "
            f"{report.examples} events; two events differing only there get the same ID "
            "(list fields left out on purpose in ignore=)"
        )
    if cross_process and seen:
        _check_in_fresh_interpreter(id_function, seen)
    return report


def _events(model: type[BaseModel], example: BaseModel | None) -> st.SearchStrategy[Any]:
    if example is not None:
        return st.just(example)
    try:
        return for_model(model)
    except CannotGenerate as error:
        raise TypeError(
            f"cannot generate {model.__name__} events ({error}): pass example= instead"
        ) from None


def _changed(
    model: type[BaseModel], event: BaseModel, name: str, data: st.DataObject
) -> BaseModel | None:
    """The event with field ``name`` set to another value (None if none was drawn)."""
    value = data.draw(field_values(model, name), label=name)
    if value == getattr(event, name):
        return None
    try:
        return model.model_validate({**dict(event), name: value})
    except ValidationError:
        return None


def _rebuilds(model: type[BaseModel], event: BaseModel) -> list[tuple[BaseModel, str]]:
    """The same event rebuilt: mappings in reverse key order; through JSON when lossless (no
    secrets, which JSON masks; every type serialisable)."""
    rebuilt: list[tuple[BaseModel, str]] = []
    try:
        rebuilt.append((model.model_validate(_reversed(event.model_dump())), "mapping key order"))
        text = event.model_dump_json()
        if "**" not in text:
            rebuilt.append((model.model_validate_json(text), "JSON round trip"))
    except (ValidationError, PydanticSerializationError):
        pass  # the model cannot be rebuilt that way: nothing to compare
    return rebuilt


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(item) for item in value]
    return value


def _violation(
    prop: str,
    cls: FieldClass | None,
    before: BaseModel,
    *,
    after: BaseModel,
    first: object,
    second: object,
) -> ContractViolation:
    if cls is not None:
        what = f"changing field `{cls.name}` ({cls.kind}: {cls.reason}) changed the ID"
    else:
        what = "the same event got another ID"
    return ContractViolation(
        f"{prop}: {what}\n"
        f"  event:      {before!r}\n"
        f"  other:      {after!r}\n"
        f"  IDs:        {first!r} != {second!r}"
    )


_CHILD = """
import importlib, pickle, sys
target = importlib.import_module(sys.argv[1])
for part in sys.argv[2].split("."):
    target = getattr(target, part)
events = pickle.load(sys.stdin.buffer)
pickle.dump([target(event) for event in events], sys.stdout.buffer)
"""


def _check_in_fresh_interpreter(id_function: IdFunction, events: list[BaseModel]) -> None:
    """The IDs computed by the same interpreter in a new process, with another hash seed."""
    module = getattr(id_function, "__module__", None)
    qualname = getattr(id_function, "__qualname__", "")
    if not module or "<" in qualname or module == "__main__":
        raise TypeError(
            f"cross-process stability needs {id_function!r} importable by name (not a closure, "
            "a lambda or __main__): define it at module level, or pass cross_process=False"
        )
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    environment = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(sys.path)}
    try:
        payload = pickle.dumps(events)
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        raise TypeError(
            f"cross-process stability: the events cannot be pickled ({error})"
        ) from None
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, module, qualname],
        input=payload,
        capture_output=True,
        env=environment,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise TypeError(f"cross-process stability: {module}.{qualname} failed there: {detail}")
    theirs = pickle.loads(result.stdout)
    for event, other in zip(events, theirs, strict=True):
        ours = id_function(event)
        if ours != other:
            raise ContractViolation(
                f"cross-process stability: a fresh interpreter (PYTHONHASHSEED={seed}) computes "
                "another ID for the same event (builtin hash(), set order or id() in the "
                f"input?)\n  event:      {event!r}\n  IDs:        {ours!r} != {other!r}"
            )


__all__ = ["ContractReport", "ContractViolation", "check_event_id"]
