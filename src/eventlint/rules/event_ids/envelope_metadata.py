"""EVT101: envelope metadata hashed into an event ID."""

from __future__ import annotations

import libcst as cst

from eventlint.finding import Applicability, Edit, Fix, append_arg, keyword_arg
from eventlint.rules.event_ids._base import EventIdRule, flagged_leaves
from eventlint.rules.event_ids.flow import (
    DumpUse,
    EventIdAnalysis,
    FieldUse,
    HashSite,
    Leaf,
    is_envelope_field,
)

_DUMPS_WITH_EXCLUDE = frozenset({"model_dump", "model_dump_json", "dict", "json"})


class EnvelopeMetadataInEventId(EventIdRule):
    """A deterministic event ID or idempotency key hashes envelope metadata.

    An ID derived from the event's content exists so that the *same business event*, published
    twice (a retry, a replay, a re-drive from a dead-letter topic), gets the *same* ID and is
    de-duplicated. Envelope metadata (``event_id``, timestamps, trace and span IDs, Kafka
    ``offset`` and ``partition``) differs between those copies, so an ID that takes it in is
    different every time and de-duplication silently stops working.

    Flags, inside an ID hash: a field read as ``x.event_id``, ``x["event_id"]`` or
    ``x.get("event_id")``; a dict-literal key ``"event_id"``; and a whole object serialised
    (``model_dump()``, ``model_dump_json()``, ``.dict()``, ``.json()``,
    ``dataclasses.asdict()``, ``vars()``) whose class, found in the file or the project,
    declares envelope fields that ``exclude`` does not remove. An object whose class
    eventlint cannot find is not reported.

    Fix (unsafe, because it changes the IDs produced): remove the key from the hashed dict
    literal, or add the envelope fields to ``exclude={...}`` of a pydantic dump.

    Options (``[tool.eventlint.event-ids]``): ``envelope-fields``, ``extend-envelope-fields``,
    ``allowed-fields`` (fields your team hashes deliberately).

    Incorrect::

        def idempotency_key(event: OrderPlaced) -> str:
            payload = {"order_id": event.order_id, "event_id": event.event_id}
            return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    Correct::

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
            for leaf in flagged_leaves(site.all_leaves(), self._is_envelope):
                if isinstance(leaf, FieldUse):
                    self._report_field(site, leaf)
                elif isinstance(leaf, DumpUse):
                    self._report_dump(analysis, site, leaf)

    def _is_envelope(self, leaf: Leaf) -> bool:
        if isinstance(leaf, FieldUse):
            return is_envelope_field(leaf.name, self.context) is not None
        return isinstance(leaf, DumpUse)

    def _report_field(self, site: HashSite, leaf: FieldUse) -> None:
        fix = None
        if leaf.dict_literal is not None and leaf.element is not None:
            fix = Fix(Applicability.UNSAFE, (Edit(leaf.dict_literal, _without(leaf)),))
        self.report_once(
            leaf.node,
            f"envelope field `{leaf.name}` is hashed into the ID made in "
            f"`{site.scope.display_name}`; a re-published copy of the same event gets a new ID",
            fix,
        )

    def _report_dump(self, analysis: EventIdAnalysis, site: HashSite, leaf: DumpUse) -> None:
        if leaf.excluded is None:
            return  # an exclude we cannot read: trust it
        info = analysis.class_of(leaf.owner, site.scope)
        if info is None:
            return
        fields = [
            name
            for name in info.fields
            if is_envelope_field(name, self.context) is not None
            and name not in leaf.excluded
            and (leaf.included is None or name in leaf.included)
        ]
        if not fields:
            return
        fix = None
        if leaf.style in _DUMPS_WITH_EXCLUDE:
            fix = Fix(Applicability.UNSAFE, (Edit(leaf.node, _with_exclude(leaf, fields)),))
        names = ", ".join(f"`{name}`" for name in fields)
        self.report_once(
            leaf.node,
            f"`{leaf.style}()` of `{info.name}` hashes its envelope field"
            f"{'s' if len(fields) > 1 else ''} {names} into the ID made in "
            f"`{site.scope.display_name}`; exclude {'them' if len(fields) > 1 else 'it'}",
            fix,
        )


def _without(leaf: FieldUse) -> cst.Dict:
    """The hashed dict literal minus the flagged element, commas kept tidy."""
    assert leaf.dict_literal is not None
    elements = list(leaf.dict_literal.elements)
    index = next(i for i, element in enumerate(elements) if element is leaf.element)
    removed = elements.pop(index)
    if elements and index == len(elements):
        # The last element went: the new last one takes over its (absent or trailing) comma.
        elements[-1] = elements[-1].with_changes(comma=removed.comma)
    return leaf.dict_literal.with_changes(elements=elements)


def _set_literal(names: list[str]) -> cst.Set:
    return cst.Set([cst.Element(cst.SimpleString(f'"{name}"')) for name in names])


def _with_exclude(leaf: DumpUse, fields: list[str]) -> cst.Call:
    call = leaf.node
    if leaf.exclude_arg is None:
        return append_arg(call, keyword_arg("exclude", _set_literal(fields)))
    existing = sorted((leaf.excluded or frozenset()) | set(fields))
    replacement = leaf.exclude_arg.with_changes(value=_set_literal(existing))
    return call.with_changes(
        args=[replacement if arg is leaf.exclude_arg else arg for arg in call.args]
    )
