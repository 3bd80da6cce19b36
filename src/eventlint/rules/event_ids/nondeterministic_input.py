"""EVT103: a deterministic ID that takes in a random or time-dependent value."""

from __future__ import annotations

from eventlint.rules.event_ids._base import EventIdRule
from eventlint.rules.event_ids.flow import CallUse, EventIdAnalysis


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
            for leaf in [*site.all_leaves(), *site.namespace_leaves]:
                if isinstance(leaf, CallUse):
                    self.report_once(
                        leaf.node,
                        f"`{leaf.qualified}()` changes on every call, so the ID made in "
                        f"`{site.scope.display_name}` is not deterministic",
                    )
