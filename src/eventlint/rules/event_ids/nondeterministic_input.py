"""EVT103: a deterministic ID that takes in a random or time-dependent value."""

from __future__ import annotations

import libcst as cst

from eventlint.analysis.walk import descendants
from eventlint.rules.event_ids._base import EventIdRule
from eventlint.rules.event_ids.flow import CallUse, EventIdAnalysis, HashSite, Leaf, NameUse

# Calls whose string form always parses as a UUID.
_UUID_MAKERS = frozenset({"uuid.uuid1", "uuid.uuid4"})


class NondeterministicInputInEventId(EventIdRule):
    """A deterministic event ID hashes a value that differs on every call.

    ``uuid.uuid5(NAMESPACE, name)`` and a hash of the event's content are used precisely
    because the same input always gives the same ID. Mixing in ``uuid4()``, the current time
    or random bytes makes every call produce a new ID: retries are no longer recognised as
    duplicates. If a random ID is what you want, call ``uuid.uuid4()`` directly and drop the
    hash; if you need the event time, use the time carried in the event's payload.

    Flags, flowing into an ID hash (including a uuid3/uuid5 namespace): ``uuid.uuid1``,
    ``uuid.uuid4``, ``datetime.now/utcnow/today``, ``date.today``, ``time.time``,
    ``time.time_ns``, ``time.monotonic``, ``time.perf_counter``, anything from ``random`` and
    ``secrets``, and ``os.urandom``; resolved through imports, so ``from uuid import uuid4 as
    new_id`` is caught too. No fix.

    Follows the path: in ``try: return UUID(raw) / except ValueError: return uuid5(NS, raw)``
    a ``uuid4()`` that ``raw`` may hold always parses in the ``try``, so it never reaches the
    hash in the ``except``: not flagged.

    Incorrect::

        def dedup_key(order_id: str) -> str:
            return hashlib.sha256(f"{order_id}:{time.time()}".encode()).hexdigest()

    Correct::

        def dedup_key(order_id: str) -> str:
            return hashlib.sha256(order_id.encode()).hexdigest()
    """

    code = "EVT103"
    name = "nondeterministic-input-in-event-id"
    summary = "uuid4(), now(), random or urandom flowing into a deterministic ID"

    def judge(self, analysis: EventIdAnalysis) -> None:
        for site in self.id_sites(analysis):
            parsed_first = _uuid_parsed_before(site, analysis)
            for leaf in [*site.all_leaves(), *site.namespace_leaves]:
                if isinstance(leaf, CallUse) and id(leaf) not in parsed_first:
                    self.report_once(
                        leaf.node,
                        f"`{leaf.qualified}()` changes on every call, so the ID made in "
                        f"`{site.scope.display_name}` is not deterministic",
                    )


def _uuid_parsed_before(site: HashSite, analysis: EventIdAnalysis) -> set[int]:
    """The uuid1/uuid4 leaves that only reach the hash through a name the enclosing ``try``
    parses with ``uuid.UUID(...)``: when the hash runs in its ``except``, that parse failed,
    so the value was not one of theirs."""
    handler_try = _try_handling(site.call, site.scope.node)
    if handler_try is None:
        return set()
    parsed = {
        node.value
        for call in descendants(handler_try.body)
        if isinstance(call, cst.Call) and analysis.imports.qualify(call.func) == "uuid.UUID"
        for arg in call.args
        for node in descendants(arg.value)
        if isinstance(node, cst.Name)
    }
    if not parsed:
        return set()
    # What reaches the hash without passing through a parsed name.
    unparsed: set[int] = set()
    stack: list[Leaf] = list(site.leaves)
    while stack:
        leaf = stack.pop()
        if id(leaf) in unparsed or (isinstance(leaf, NameUse) and leaf.name in parsed):
            continue
        unparsed.add(id(leaf))
        if isinstance(leaf, NameUse):
            stack.extend(leaf.origins)
    return {
        id(leaf)
        for leaf in site.all_leaves()
        if isinstance(leaf, CallUse) and leaf.qualified in _UUID_MAKERS and id(leaf) not in unparsed
    }


def _try_handling(call: cst.Call, function: cst.CSTNode) -> cst.Try | None:
    """The innermost ``try`` whose ``except`` handler holds the call."""
    found: cst.Try | None = None
    for node in descendants(function):
        if isinstance(node, cst.Try):
            for handler in node.handlers:
                if any(inner is call for inner in descendants(handler.body)):
                    found = node  # later matches are nested deeper
    return found
