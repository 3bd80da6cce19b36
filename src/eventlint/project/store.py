"""The project model's memory between runs: each module's summary and content hash.

An entry is keyed on the file's path and holds its identity when read (size, mtime, ctime,
inode), the SHA-256 of its content and its summary. A later run trusts the entry while the
identity is unchanged. ctime is part of it because no user tool can set it: an edit that
keeps size and mtime (``touch -r``) still changes ctime. When the identity differs but the
content hash is the same (a fresh checkout), the summary is kept.

The store is one JSON file in the results cache folder (``module-summaries.json``); entries
are validated only when used, so a large store costs one ``json.loads``. Pool workers hand
what they read back to the parent, which writes the file once, atomically, at the end of the
run. An unreadable, corrupt or foreign file is an empty store, never an error.

The store is sealed as the results cache's entries are (``cache_folder``): the file is
``{"entry": <the document, as JSON text>, "mac": <its HMAC under this user's secret>}``.
The folder is in the checkout, so a commit could plant a store whose summaries claim a
module defines a name it does not, hiding EVT3xx findings in CI; an unsealed or wrongly
sealed store is a miss for every module (each is read again, and the store rewritten with
this machine's seal). Where no secret can be kept, the store is neither read nor written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eventlint import __version__, sourcefile
from eventlint.cache_folder import (
    ensure_cache_folder,
    is_sealed,
    machine_secret,
    read_entry,
    seal,
)
from eventlint.project.readers import summarise
from eventlint.project.shared_summaries import Identity, SharedSummaries
from eventlint.project.summaries import ModuleSummary

STORE_NAME = "module-summaries.json"
# 7: generic annotations of function signatures; 6: hash-helper facts read imports under
# try/if.
# 8 hashed parameters, 9 init_assigned, 10 constants, 11 messages, 12 fixtures, 13 sealed,
# 14 format strings held in names
_FORMAT = 14

# identity, content digest, summary (as JSON)
Entry = tuple[Identity, str, object]
# The store holds every module summarised (a few KiB each): a file beyond this is not ours.
_MAX_STORE_BYTES = 512 * 2**20


def identity_of(path: Path) -> Identity | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


@dataclass(frozen=True)
class Read:
    summary: ModuleSummary
    digest: str  # "" when the file could not be read


class SummaryStore:
    def __init__(
        self,
        file: Path | None,
        max_bytes: int | None = sourcefile.DEFAULT_MAX_BYTES,
        shared: SharedSummaries | None = None,
    ) -> None:
        self.file = file
        self.max_bytes = max_bytes
        self.shared = shared  # what this run's other workers summarised (pool workers only)
        self._entries: dict[str, Entry] | None = None
        self._new: dict[str, Entry] = {}
        # This run's reads, kept whether or not there is a file to store them in.
        self._memo: dict[str, tuple[Identity | None, Read]] = {}
        # Small per-file facts computed from the bytes (without a parse when the bytes rule
        # it out), kept by identity like the summaries.
        self._facts: dict[str, tuple[Identity, dict[str, object]]] = {}
        self._digests: dict[str, tuple[Identity | None, str]] = {}  # of files not summarised
        self._last: tuple[str, Identity | None, bytes] | None = None
        self._new_facts: dict[str, tuple[Identity, dict[str, object]]] = {}

    def _loaded(self) -> dict[str, Entry]:
        if self._entries is None:
            self._entries = {}
            secret = machine_secret() if self.file is not None else None
            if self.file is not None and secret is not None:
                try:
                    sealed = json.loads(read_entry(self.file, _MAX_STORE_BYTES))
                    payload = sealed["entry"].encode("utf-8")
                    if not is_sealed(payload, sealed["mac"], secret):
                        raise ValueError("not sealed by this machine")
                    document = json.loads(payload)
                    if document.get("version") == __version__ and document.get("format") == _FORMAT:
                        self._entries = {
                            path: (tuple(identity), str(digest), summary)
                            for path, (identity, digest, summary) in document["modules"].items()
                        }
                        self._facts = {
                            path: (tuple(identity), dict(facts))
                            for path, (identity, facts) in document.get("facts", {}).items()
                        }
                except (
                    OSError,
                    ValueError,
                    KeyError,
                    TypeError,
                    AttributeError,
                    sourcefile.SourceError,
                ):
                    self._entries, self._facts = {}, {}
        return self._entries

    def read(self, path: Path) -> Read:
        """The module's summary and content digest, from the store when it is current."""
        key = str(path)
        identity = identity_of(path)
        memo = self._memo.get(key)
        if memo is not None and memo[0] == identity:
            return memo[1]
        read = self._read(path, key, identity)
        self._memo[key] = (identity, read)
        return read

    def _read(self, path: Path, key: str, identity: Identity | None) -> Read:
        entry = self._loaded().get(key)
        if entry is not None and identity is not None and entry[0] == identity:
            summary = _decoded(entry[2])
            if summary is not None:
                return Read(summary, entry[1])
        if self.shared is not None and identity is not None:
            known = self.shared.get(key, identity)
            summary = _decoded(known[1]) if known is not None else None
            if known is not None and summary is not None:
                self._remember(key, (identity, known[0], known[1]))
                return Read(summary, known[0])
        try:
            data = sourcefile.read(path, self.max_bytes)
        except sourcefile.SourceError:
            return Read(ModuleSummary.unknown(), "")
        digest = sourcefile.content_digest(data)
        summary = None
        if entry is not None and entry[1] == digest:
            summary = _decoded(entry[2])
        if summary is None:
            summary = summarise(data)
        if identity is not None:
            as_json = summary.to_json()
            self._remember(key, (identity, digest, as_json))
            if self.shared is not None:
                self.shared.put(key, identity, digest, as_json)
        return Read(summary, digest)

    def digest(self, path: Path) -> str:
        """The content digest of a file ("" when unreadable), trusting a current entry."""
        key = str(path)
        identity = identity_of(path)
        memo = self._memo.get(key)
        if memo is not None and memo[0] == identity:
            return memo[1].digest
        known = self._digests.get(key)
        if known is not None and known[0] == identity:
            return known[1]
        entry = self._loaded().get(key)
        if entry is not None and identity is not None and entry[0] == identity:
            return entry[1]
        try:
            digest = sourcefile.content_digest(self._bytes(path, key, identity))
        except sourcefile.SourceError:
            digest = ""
        self._digests[key] = (identity, digest)
        return digest

    def fact(self, path: Path, name: str, compute: Callable[[bytes], object]) -> object:
        """A fact about a file computed from its bytes, kept while the file is unchanged."""
        self._loaded()
        key = str(path)
        identity = identity_of(path)
        known = self._facts.get(key)
        if known is not None and known[0] == identity and name in known[1]:
            return known[1][name]
        try:
            value = compute(self._bytes(path, key, identity))
        except sourcefile.SourceError:
            value = None
        if identity is not None:
            facts = dict(known[1]) if known is not None and known[0] == identity else {}
            facts[name] = value
            self._facts[key] = (identity, facts)
            if self.file is not None:
                self._new_facts[key] = self._facts[key]
        return value

    def _bytes(self, path: Path, key: str, identity: Identity | None) -> bytes:
        """The file's bytes; the last file read is not read again (a module's digest and a
        fact about it are asked one after the other). Raises ``SourceError``."""
        last = self._last
        if identity is not None and last is not None and last[:2] == (key, identity):
            return last[2]
        data = sourcefile.read(path, self.max_bytes)
        self._last = (key, identity, data)
        return data

    def _remember(self, key: str, entry: Entry) -> None:
        if self.file is None:
            return
        self._loaded()[key] = entry
        self._new[key] = entry

    def drain(self) -> dict[str, Entry]:
        """What this process read since the last drain (sent back from pool workers)."""
        new, self._new = self._new, {}
        return new

    def absorb(self, entries: dict[str, Entry]) -> None:
        if self.file is None:
            return
        self._loaded().update(entries)
        self._new.update(entries)

    def has_news(self) -> bool:
        return bool(self._new or self._new_facts)

    def save(self) -> None:
        """Write the store if anything new was read (a read-only checkout: not at all)."""
        if self.file is None or not self.has_news():
            return
        secret = machine_secret()
        if secret is None:
            return  # nothing to seal it with: a store nobody can trust is not written
        self._new, self._new_facts = {}, {}
        document = {
            "version": __version__,
            "format": _FORMAT,
            "modules": self._loaded(),
            "facts": self._facts,
        }
        try:
            ensure_cache_folder(self.file.parent)
            payload = json.dumps(document)
            sealed = {"entry": payload, "mac": seal(payload.encode("utf-8"), secret)}
            sourcefile.write_atomically(self.file, json.dumps(sealed).encode(), create=True)
        except (OSError, sourcefile.SourceError):
            pass


def _decoded(data: object) -> ModuleSummary | None:
    try:
        return ModuleSummary.from_json(data)
    except ValueError:
        return None
