"""EVT105: builtin hash() used to make an ID."""

from __future__ import annotations

from eventlint.analysis.id_hashes import EventIdAnalysis
from eventlint.config import Settings
from eventlint.rules.event_ids._base import BuiltinHash, EventIdRule
from eventlint.rules.event_ids._process_scope import makes_cross_process_id


class BuiltinHashAsEventId(EventIdRule):
    """Builtin ``hash()`` makes an ID or de-duplication key.

    ``hash()`` of a ``str`` or ``bytes`` (and of any tuple containing one) is salted per
    process (``PYTHONHASHSEED``): the same event gets a different "ID" in every worker and
    after every restart, so keys stored in Redis, a database or a Kafka message never match
    again. Use ``hashlib`` (``sha256``/``blake2b``) or ``uuid.uuid5`` instead.

    Because ``hash()`` is fine for values that never leave the process, this rule asks for
    more than the other EVT1 rules: the name must carry an identity word stronger than a bare
    ``key`` (``id``, ``uuid``, ``dedup``, ``idempotency``, ``fingerprint``...), or say that the
    value leaves the process (``partition``, ``shard``, ``bucket``, ``redis``, ``kafka``,
    ``message``, ``event``, ``storage``, ``lock``...). So ``key = hash(...)`` indexing a dict
    is not flagged, while ``key_partition()`` choosing a Kafka partition is: two producer
    processes would send the same key to different partitions. Also not flagged:
    ``hash()`` inside ``__hash__``; names that say the value stays in the process
    (``cache``, ``memo``, ``lru``) or is unique per process (``process``, ``session``,
    ``thread``, ``runtime``, ``local``, ``temp``/``tmp``, ``transient``: ``processUniqueID``);
    ``hash()`` of an instance of a project class that keeps identity hashing (neither it nor a
    base defines ``__hash__`` or ``__eq__`` or is a dataclass): its address, per process by
    design; code in test files (a test computing the value it expects); and IDs that mix in
    a random, time-dependent or process-local value beside the hash
    (``f"{next(counter)}{hash(meta)}"``, ``randint``, ``id(obj)``, ``os.getpid()``), which
    differ per process anyway. If a flagged key really
    never leaves the process, suppress the finding with ``# noqa: EVT105``.
    No fix: the replacement changes the key format.

    Incorrect::

        from shop.events import PaymentCaptured


        def idempotency_key(event: PaymentCaptured) -> int:
            return hash((event.payment_id, event.amount))

    Correct::

        import hashlib

        from shop.events import PaymentCaptured


        def idempotency_key(event: PaymentCaptured) -> str:
            raw = f"{event.payment_id}:{event.amount}".encode()
            return hashlib.sha256(raw).hexdigest()
    """

    code = "EVT105"
    name = "builtin-hash-as-event-id"
    summary = "Builtin hash() (salted per process) used as an ID or dedup key"
    triggers = ("hash(",)
    builtin_hash = BuiltinHash.ONLY

    @classmethod
    def trigger_words(cls, settings: Settings) -> tuple[str, ...]:
        return cls.triggers

    def judge(self, analysis: EventIdAnalysis) -> None:
        for site in self.id_sites(analysis):
            if makes_cross_process_id(site, analysis):
                self.report_once(
                    site.call,
                    f"builtin `hash()` is salted per process for str and bytes, so "
                    f"`{site.id_name}` differs between workers and restarts; use hashlib or "
                    "uuid.uuid5",
                )
