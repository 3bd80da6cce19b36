"""Whether a builtin ``hash()`` makes a value meant to be the same in every process.

``hash()`` is salted per process for ``str`` and ``bytes``. That only matters for a value
that leaves the process (stored, sent, compared by another worker); EVT105 flags those, and
EVT102 judges the inputs of the same ones (an email in a per-process ``hash()`` is not an
identifier that travels).
"""

from __future__ import annotations

import ast
import re

from eventlint.analysis.hash_inputs import argument_value, arguments
from eventlint.analysis.id_hashes import EventIdAnalysis, HashSite, varies_per_process
from eventlint.analysis.name_words import words

_IN_PROCESS_ONLY = frozenset({"cache", "memo", "lru"})
# Names that say the value is meant to be unique within one process (``processUniqueID``,
# ``session_key``, ``thread_local_id``): salting is what they want, or at least harmless.
_PER_PROCESS = frozenset(
    {"process", "session", "thread", "runtime", "local", "temp", "tmp", "transient"}
)
# "key" alone says nothing about where the value goes: ``key = hash(...)`` indexing a dict in
# the same process is harmless. It takes a stronger identity word (``id``, ``dedup``, ...) or
# a word saying the value leaves the process.
_GENERIC = frozenset({"key", "keys"})
_LEAVES_PROCESS = frozenset(
    {"partition", "shard", "bucket", "redis", "kafka", "message", "event", "stored", "storage",
     "db", "database", "persisted", "persistent", "routing", "lock"}
)  # fmt: skip


def makes_cross_process_id(site: HashSite, analysis: EventIdAnalysis) -> bool:
    """Whether a builtin ``hash()`` in an ID context makes a value meant to be the same in
    every process (the criteria EVT105's docs list)."""
    if analysis.context.is_test_file:
        return False  # a test computing the value it expects; the real ID is judged where made
    options = analysis.context.settings.config.event_ids
    pattern = re.compile(options.id_name_pattern, re.IGNORECASE)
    if site.scope.name == "__hash__":
        return False
    key_words = set(words(site.id_name or "")) | set(words(site.scope.name))
    if key_words & (_IN_PROCESS_ONLY | _PER_PROCESS):
        return False
    identity = {word for word in words(site.id_name or "") if pattern.fullmatch(word)}
    if identity <= _GENERIC and not key_words & _LEAVES_PROCESS:
        return False
    given = arguments(site.call)
    hashed = argument_value(given[0]) if given else None
    if hashed is None or (isinstance(hashed, ast.Constant) and isinstance(hashed.value, int)):
        return False  # an int hashes to itself in every process
    if site.id_value is not None and varies_per_process(site.id_value, analysis.imports):
        # ``f"{next(counter)}{hash(x)}"`` is process-local anyway: salting changes nothing.
        return False
    # ``hash(self)`` / ``hash(session)`` of a project class that keeps identity hashing: the
    # value is the object's address, per process by design (a handle, not an identifier).
    info = analysis.class_of(hashed, site.scope)
    return info is None or not info.identity_hash
