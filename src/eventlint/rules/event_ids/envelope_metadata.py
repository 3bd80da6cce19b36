"""EVT101: envelope metadata hashed into an event ID."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from eventlint.analysis.hash_inputs import CallUse, DumpUse, FieldUse, Leaf, NameUse
from eventlint.analysis.id_hashes import (
    EventIdAnalysis,
    HashSite,
    declared_field,
    field_class,
    is_envelope_field,
    nodes_within,
)
from eventlint.finding import Applicability, Edit, Fix
from eventlint.rules.event_ids._base import EventIdRule, flagged_leaves, made_in
from eventlint.rules.event_ids._fix_safety import binds_a_name, only_hashed

if TYPE_CHECKING:
    import libcst as cst

    from eventlint.fixes.tree import FixTree

_DUMPS_WITH_EXCLUDE = frozenset({"model_dump", "model_dump_json", "dict", "json"})


class EnvelopeMetadataInEventId(EventIdRule):
    """A deterministic event ID or idempotency key hashes envelope metadata.

    An ID derived from the event's content exists so that the *same business event*, published
    twice (a retry, a replay, a re-drive from a dead-letter topic), gets the *same* ID and is
    de-duplicated. Envelope metadata (``event_id``, the times an event occurred, was emitted,
    sent and received, trace, span and causation IDs, delivery counts, headers, Kafka
    ``offset`` and ``partition``: the full default list is in "Default vocabularies" at the end
    of this page) differs between those copies, so an ID that takes it in is different every
    time and de-duplication silently stops working.

    Flags, inside an ID hash: a field read as ``x.event_id``, ``x["event_id"]`` or
    ``x.get("event_id")``; a dict-literal key ``"event_id"``; and a whole object serialised
    (``model_dump()``, ``model_dump_json()``, ``.dict()``, ``.json()``,
    ``dataclasses.asdict()``, ``vars()``) whose class, found in the file or the project,
    declares (itself or through its bases, in any module or package) envelope fields that
    ``exclude`` does not remove (the class found through annotations, constructors, declared
    field types and generic envelopes' ``Envelope[X]``). An object whose class eventlint cannot
    find is not reported. Through a project function that returns a digest, only what it hashes
    as given is the caller's choice: passing a message with an ``event_id`` to a function that
    parses it and picks its fields is not flagged at the caller (the function is, where it picks
    ``event_id``).

    Fix (unsafe, because it changes the IDs produced): remove the key from the hashed dict
    literal, or add the envelope fields to ``exclude={...}`` of a pydantic dump. No fix when
    the ID would then hash nothing that differs between events, when the dict or dump is
    also used for anything but the hash (published, returned, passed to another call: the
    fix would change the message too), or when a removed entry binds a name (``:=``).
    The fix turns the Incorrect example into the Correct one.

    Options (``[tool.eventlint.event-ids]``): ``envelope-fields``, ``extend-envelope-fields``,
    ``allowed-fields`` (fields your team hashes deliberately), ``field-markers``. A field is
    envelope metadata by the classification ``eventlint events`` documents: its name, or an
    explicit ``{"classification": "envelope"}`` marker; a field marked business is not.

    Incorrect::

        import hashlib
        import json

        from shop.events import OrderPlaced


        def idempotency_key(event: OrderPlaced) -> str:
            payload = {"order_id": event.order_id, "event_id": event.event_id}
            return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    Correct::

        import hashlib
        import json

        from shop.events import OrderPlaced


        def idempotency_key(event: OrderPlaced) -> str:
            payload = {"order_id": event.order_id}
            return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    """

    code = "EVT101"
    name = "envelope-metadata-in-event-id"
    summary = "Envelope metadata (event_id, timestamps, offsets...) hashed into an event ID"
    fix_availability = "unsafe"

    def judge(self, analysis: EventIdAnalysis) -> None:
        for site in self.id_sites(analysis):
            leaves = list(site.all_leaves())

            def is_envelope(leaf: Leaf, site: HashSite = site) -> bool:
                if isinstance(leaf, FieldUse):
                    declared = declared_field(analysis, site, leaf)
                    return field_class(leaf.name, declared, self.context).kind == "envelope"
                return isinstance(leaf, DumpUse)

            flagged = list(flagged_leaves(leaves, is_envelope))
            fields = [leaf for leaf in flagged if isinstance(leaf, FieldUse)]
            fixes = self._dict_fixes(site, leaves, fields)
            # One finding per field per ID: ``{"event_id": event_id}`` after
            # ``event_id = event.event_id`` is one field read twice. The dict key (fixable)
            # is the one reported.
            reported: set[str] = set()
            for field in sorted(fields, key=lambda leaf: leaf.dict_literal is None):
                if field.name not in reported:
                    reported.add(field.name)
                    self._report_field(site, field, fixes.get(id(field.dict_literal)))
            for dump in flagged:
                if isinstance(dump, DumpUse):
                    self._report_dump(analysis, site, dump, leaves)

    def _dict_fixes(
        self, site: HashSite, leaves: list[Leaf], fields: list[FieldUse]
    ) -> dict[int, Fix]:
        """One fix per hashed dict literal, removing every envelope key it holds (so one
        ``--fix`` run is enough), unless the ID would then hash nothing else, the dict is
        also used for something other than the hash, or a removed entry binds a name."""
        by_dict: dict[int, list[FieldUse]] = {}
        for leaf in fields:
            if leaf.dict_literal is not None and leaf.element_index is not None:
                by_dict.setdefault(id(leaf.dict_literal), []).append(leaf)
        removed: set[int] = set()
        for keys in by_dict.values():
            for leaf in keys:
                removed |= nodes_within(leaf.node)
                if leaf.covers is not None:
                    removed |= nodes_within(leaf.covers)
        if not any(self._carries_data(leaf, removed) for leaf in leaves):
            return {}  # every event would hash to the same ID: no fix, only the finding
        fixes: dict[int, Fix] = {}
        for key, keys in by_dict.items():
            literal = keys[0].dict_literal
            assert literal is not None
            entry_nodes = [node for leaf in keys for node in (leaf.node, leaf.covers) if node]
            if not only_hashed(literal, site) or binds_a_name(entry_nodes):
                continue
            entries = frozenset(
                leaf.element_index for leaf in keys if leaf.element_index is not None
            )
            fixes[key] = Fix(Applicability.UNSAFE, (Edit(literal, "Dict", _without(entries)),))
        return fixes

    def _carries_data(self, leaf: Leaf, removed: set[int]) -> bool:
        """Whether a leaf that a fix keeps makes IDs differ between events (a business field,
        a parameter, a call); constants and the structure around them do not."""
        if id(leaf.node) in removed:
            return False
        if isinstance(leaf, FieldUse):
            # A dict key is data only through its value, whose leaves are judged themselves;
            # ``json.dumps(...).encode()`` is structure, not a getter like ``msg.key()``.
            if leaf.covers is not None:
                return False
            if isinstance(leaf.node, ast.Call) and not isinstance(
                leaf.owner, (ast.Name, ast.Attribute)
            ):
                return False
            return not is_envelope_field(leaf.name, self.context)
        if isinstance(leaf, NameUse):
            return not leaf.bound and not is_envelope_field(leaf.name, self.context)
        return isinstance(leaf, (CallUse, DumpUse))

    def _report_field(self, site: HashSite, leaf: FieldUse, fix: Fix | None) -> None:
        self.report_once(
            leaf.node,
            f"envelope field `{leaf.name}` is hashed into the ID made in "
            f"{made_in(site, leaf.node)}; a re-published copy of the same event gets a new ID",
            fix,
        )

    def _report_dump(
        self, analysis: EventIdAnalysis, site: HashSite, leaf: DumpUse, leaves: list[Leaf]
    ) -> None:
        if leaf.excluded is None:
            return  # an exclude we cannot read: trust it
        info = analysis.class_of(leaf.owner, site.scope)
        if info is None:
            return
        fields = [
            name
            for name, declared in info.fields.items()
            if field_class(name, declared, self.context).kind == "envelope" and leaf.carries(name)
        ]
        if not fields:
            return
        fix = None
        kept = [name for name in info.fields if name not in fields and leaf.carries(name)]
        others = any(
            self._carries_data(other, {id(leaf.node)}) for other in leaves if other is not leaf
        )
        if leaf.style in _DUMPS_WITH_EXCLUDE and (kept or others) and only_hashed(leaf.node, site):
            fix = Fix(Applicability.UNSAFE, (Edit(leaf.node, "Call", _with_exclude(leaf, fields)),))
        names = ", ".join(f"`{name}`" for name in fields)
        self.report_once(
            leaf.node,
            f"`{leaf.style}()` of `{info.name}` hashes its envelope field"
            f"{'s' if len(fields) > 1 else ''} {names} into the ID made in "
            f"{made_in(site, leaf.node)}; exclude {'them' if len(fields) > 1 else 'it'}",
            fix,
        )


def _without(entries: frozenset[int]) -> Callable[[cst.Dict, FixTree], cst.Dict]:
    """The hashed dict literal minus the flagged entries (by their place in it), commas and
    comments kept tidy."""

    def build(literal: cst.Dict, tree: FixTree) -> cst.Dict:
        import libcst as cst

        elements = list(literal.elements)
        kept = [element for index, element in enumerate(elements) if index not in entries]
        if not kept or kept[-1] is elements[-1]:
            return literal.with_changes(elements=kept)
        # The last element went. The new last one takes its comma (a trailing comma, or
        # none); the comment on the removed line belonged to the closing brace's line break,
        # and gives way to the comment of the line that now ends the dict.
        own = kept[-1].comma
        kept[-1] = kept[-1].with_changes(comma=elements[-1].comma)
        rbrace = literal.rbrace
        closing = rbrace.whitespace_before
        if (
            isinstance(own, cst.Comma)
            and isinstance(own.whitespace_after, cst.ParenthesizedWhitespace)
            and isinstance(closing, cst.ParenthesizedWhitespace)
        ):
            rbrace = rbrace.with_changes(
                whitespace_before=closing.with_changes(first_line=own.whitespace_after.first_line)
            )
        return literal.with_changes(elements=kept, rbrace=rbrace)

    return build


def _with_exclude(leaf: DumpUse, fields: list[str]) -> Callable[[cst.Call, FixTree], cst.Call]:
    """The dump call with the envelope fields added to its ``exclude=`` (given one if it has
    none)."""
    if leaf.exclude_arg is None:
        names = fields
    else:
        names = sorted((leaf.excluded or frozenset()) | set(fields))
    has_exclude = leaf.exclude_arg is not None

    def build(call: cst.Call, tree: FixTree) -> cst.Call:
        import libcst as cst

        from eventlint.fixes.tree import append_arg, keyword_arg

        excluded = cst.Set([cst.Element(cst.SimpleString(f'"{name}"')) for name in names])
        if not has_exclude:
            return append_arg(call, keyword_arg("exclude", excluded))
        return call.with_changes(
            args=[
                arg.with_changes(value=excluded)
                if arg.keyword is not None and arg.keyword.value == "exclude"
                else arg
                for arg in call.args
            ]
        )

    return build
