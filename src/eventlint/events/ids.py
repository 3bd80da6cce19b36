"""Every deterministic ID or idempotency key of the given modules, as the EVT1 analysis finds
it, with the fields it hashes.

A field read from an object whose class is known (``event.order_id``) is listed with its
model; a whole-object dump (``event.model_dump_json(exclude={...})``) is expanded into the
class's fields, ``exclude`` and ``include`` applied; a dict key with no readable owner and a
parameter hashed as such are listed by name. Anything else the hash takes in (a call, an
object of a class eventlint cannot find, an ``exclude`` it cannot read) is listed as another
input, so the table never claims to be complete when it is not.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

from eventlint import parsing, sourcefile
from eventlint.analysis.hash_inputs import (
    NONDETERMINISTIC_CALLS,
    NONDETERMINISTIC_MODULES,
    CallUse,
    DumpUse,
    FieldUse,
    NameUse,
)
from eventlint.analysis.id_hashes import (
    EventIdAnalysis,
    HashSite,
    analysis_for,
    field_class,
    hash_trigger_words,
)
from eventlint.analysis.name_words import words
from eventlint.engine import Engine
from eventlint.events.records import EventId, HashedField
from eventlint.file_kinds import PYTHON
from eventlint.project.classes import FieldInfo


def event_ids(
    engine: Engine, files: list[Path], relative: Callable[[Path], str]
) -> Iterator[tuple[EventId, bool]]:
    """The IDs made in ``files`` (production modules), in file and line order, each with
    whether its names say it identifies an event (see :func:`_says_event`)."""
    for path in files:
        settings = engine.resolver.for_path(path)
        try:
            text = sourcefile.decode(sourcefile.read(path, settings.config.max_file_size)).text
        except sourcefile.SourceError:
            continue
        project = engine.project_for(path)
        triggers = hash_trigger_words(settings) + tuple(project.hash_helper_names)
        if not any(word in text for word in triggers):
            continue
        parsed = parsing.too_large(text, settings.config.max_file_tokens) or parsing.parse(text)
        if isinstance(parsed, parsing.ParseFailure):
            continue  # too large or too deep to analyse: its IDs are not listed
        context = engine.context(text, path, str(path), PYTHON)
        context.attach(parsed)
        analysis = analysis_for(context)
        for site in analysis.sites:
            if site.is_id_context:
                yield _describe(analysis, site, relative(path)), _says_event(site)
        context.forget_analyses()


def _describe(analysis: EventIdAnalysis, site: HashSite, path: str) -> EventId:
    context = analysis.context
    hashed: dict[tuple[str, str | None], HashedField] = {}
    others: list[str] = []
    models: set[str] = set()
    keys: list[str] = []
    varying: list[str] = []

    def add(name: str, model: str | None, via: str, declared: FieldInfo | None = None) -> None:
        kind = field_class(name, declared, context).kind
        hashed.setdefault((name, model), HashedField(name, model, kind, via))
        if model is not None:
            models.add(model)

    for leaf in site.all_leaves():
        if isinstance(leaf, FieldUse):
            if leaf.owner is None:
                if leaf.dict_literal is not None:
                    keys.append(leaf.name)
                continue
            info = analysis.class_of(leaf.owner, site.scope)
            if isinstance(leaf.node, ast.Call) and (info is None or leaf.name not in info.fields):
                continue  # a method called (``body.encode()``), not a field read
            if info is None:
                add(leaf.name, None, "field")
            else:
                add(leaf.name, info.qualified, "field", info.fields.get(leaf.name))
        elif isinstance(leaf, DumpUse):
            info = analysis.class_of(leaf.owner, site.scope)
            if info is None:
                others.append(f"`{leaf.style}()` of an object whose class is not found")
            elif leaf.excluded is None:
                others.append(f"`{leaf.style}()` of `{info.name}` with an exclude not read")
                models.add(info.qualified)
            else:
                for name, declared in info.fields.items():
                    if leaf.carries(name):
                        add(name, info.qualified, "dump", declared)
                models.add(info.qualified)
        elif isinstance(leaf, NameUse) and not leaf.bound and leaf.name in site.scope.parameters:
            annotation = site.scope.parameters[leaf.name]
            if annotation is None or analysis.class_of(leaf.node, site.scope) is None:
                add(leaf.name, None, "parameter")
        elif isinstance(leaf, CallUse):
            others.append(f"`{leaf.qualified}()`")
            if leaf.qualified in NONDETERMINISTIC_CALLS or leaf.qualified.startswith(
                NONDETERMINISTIC_MODULES
            ):
                varying.append(leaf.qualified)
    if not hashed:
        for key in keys:
            add(key, None, "key")
    fields = sorted(hashed.values(), key=lambda f: (f.model or "", f.name))
    return EventId(
        function=site.scope.display_name,
        path=path,
        line=context.position(site.call).start.line,
        hash=site.kind.value,
        models=tuple(sorted(models)),
        hashed=tuple(fields),
        other_inputs=tuple(sorted(set(others))),
        problems=tuple(_problems(fields))
        + tuple(
            f"takes in `{call}()`, different on every call (EVT103)"
            for call in sorted(set(varying))
        ),
    )


# Words that say a hash identifies an event or a message: in the function's name, the name the
# ID is given, or the names the hashed values are read from (``event.order_id``).
_EVENT_WORDS = frozenset(
    {"event", "events", "idempotency", "idempotent", "dedup", "dedupe", "deduplication",
     "message", "messages", "msg", "envelope", "payload"}
)  # fmt: skip


def _says_event(site: HashSite) -> bool:
    names = [site.scope.name, site.id_name or ""]
    for leaf in site.all_leaves():
        owner = leaf.owner if isinstance(leaf, (FieldUse, DumpUse)) else None
        if isinstance(owner, ast.Name):
            names.append(owner.id)
    return any(_EVENT_WORDS & set(words(name)) for name in names)


def _problems(fields: list[HashedField]) -> Iterator[str]:
    envelope = sorted({f.name for f in fields if f.classification == "envelope"})
    sensitive = sorted({f.name for f in fields if f.classification == "sensitive"})
    if envelope and len(envelope) == len({f.name for f in fields}):
        yield "hashes nothing but envelope fields: every copy of an event gets a new ID"
    elif envelope:
        yield "hashes envelope " + _listed(envelope) + " (EVT101)"
    if sensitive:
        yield "hashes sensitive " + _listed(sensitive) + " (EVT102)"


def _listed(names: list[str]) -> str:
    noun = "field" if len(names) == 1 else "fields"
    return f"{noun} " + ", ".join(f"`{name}`" for name in names)
