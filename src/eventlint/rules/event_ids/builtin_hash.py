"""EVT105: builtin hash() used to make an ID."""

from __future__ import annotations

import re

import libcst as cst

from eventlint.analysis.name_words import words
from eventlint.config import Settings
from eventlint.rules.event_ids._base import EventIdRule
from eventlint.rules.event_ids.flow import EventIdAnalysis, varies_per_process

_IN_PROCESS_ONLY = frozenset({"cache", "memo", "lru"})
# "key" alone says nothing about where the value goes: ``key = hash(...)`` indexing a dict in
# the same process is harmless. It takes a stronger identity word (``id``, ``dedup``, ...) or
# a word saying the value leaves the process.
_GENERIC = frozenset({"key", "keys"})
_LEAVES_PROCESS = frozenset(
    {"partition", "shard", "bucket", "redis", "kafka", "message", "event", "stored", "storage",
     "db", "database", "persisted", "persistent", "routing", "lock"}
)  # fmt: skip


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
    (``cache``, ``memo``, ``lru``); and IDs that mix in a random, time-dependent or
    process-local value beside the hash (``f"{next(counter)}{hash(meta)}"``, ``randint``,
    ``id(obj)``, ``os.getpid()``), which differ per process anyway. If a flagged key really
    never leaves the process, suppress the finding with ``# noqa: EVT105``.
    No fix: the replacement changes the key format.

    Incorrect::

        def idempotency_key(event: PaymentCaptured) -> int:
            return hash((event.payment_id, event.amount))

    Correct::

        def idempotency_key(event: PaymentCaptured) -> str:
            raw = f"{event.payment_id}:{event.amount}".encode()
            return hashlib.sha256(raw).hexdigest()
    """

    code = "EVT105"
    name = "builtin-hash-as-event-id"
    summary = "Builtin hash() (salted per process) used as an ID or dedup key"
    triggers = ("hash(",)
    judges_builtin_hash = True

    @classmethod
    def trigger_words(cls, settings: Settings) -> tuple[str, ...]:
        return cls.triggers

    def judge(self, analysis: EventIdAnalysis) -> None:
        options = self.context.settings.config.event_ids
        pattern = re.compile(options.id_name_pattern, re.IGNORECASE)
        for site in self.id_sites(analysis):
            if site.scope.name == "__hash__":
                continue
            key_words = set(words(site.id_name or "")) | set(words(site.scope.name))
            if key_words & _IN_PROCESS_ONLY:
                continue
            identity = {word for word in words(site.id_name or "") if pattern.fullmatch(word)}
            if identity <= _GENERIC and not key_words & _LEAVES_PROCESS:
                continue
            if site.call.args and isinstance(site.call.args[0].value, cst.Integer):
                continue
            if site.id_value is not None and varies_per_process(site.id_value, analysis.imports):
                # ``f"{next(counter)}{hash(x)}"`` is process-local anyway: salting changes
                # nothing.
                continue
            self.report_once(
                site.call,
                f"builtin `hash()` is salted per process for str and bytes, so `{site.id_name}` "
                "differs between workers and restarts; use hashlib or uuid.uuid5",
            )
