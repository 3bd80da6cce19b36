"""Module summaries the pool workers of one run share while it runs.

Each worker has its own project model, and the modules a file needs (the ones it imports, or
every production module for the places a message is raised) are mostly the ones its
neighbours need, linted by the other worker: without sharing, a cold two-worker run
summarised 935 modules for 630 distinct ones on sympy, and 2,700 for 1,666 on a
site-packages corpus. The run's parent makes one private folder (mode 0700, outside the
checkout, removed when the run ends); a worker that summarises a module writes the summary
there, and a worker that needs one reads it before parsing the module itself.

An entry is keyed on the module's path and identity (size, mtime, ctime, inode, as the
summary store keys them): a file edited during the run is a miss, never a stale summary.
Entries are written atomically (a temporary file renamed into place), so a reader sees a
whole entry or none; anything unreadable is a miss. Nobody else can write to the folder, so
its entries need no seal.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

# A module's identity as the summary store keys it.
Identity = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode

# One summary is a few KiB; a larger file was not written by a worker.
_MAX_ENTRY_BYTES = 16 * 2**20


class SharedSummaries:
    """A folder of summaries, one JSON file per (module, identity)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def create(cls) -> SharedSummaries | None:
        """A new private folder, or None where none can be made (the workers then each
        summarise what they need, as without sharing)."""
        try:
            return cls(Path(tempfile.mkdtemp(prefix="eventlint-summaries-")))
        except OSError:
            return None

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _entry(self, key: str, identity: Identity) -> Path:
        name = hashlib.sha256(f"{key}\0{identity}".encode("utf-8", "surrogateescape"))
        return self.folder / f"{name.hexdigest()}.json"

    def get(self, key: str, identity: Identity) -> tuple[str, object] | None:
        """The content digest and summary (as JSON) a worker stored, or None."""
        try:
            with open(self._entry(key, identity), "rb") as handle:
                data = handle.read(_MAX_ENTRY_BYTES + 1)
            if len(data) > _MAX_ENTRY_BYTES:
                return None
            digest, summary = json.loads(data)
        except (OSError, ValueError, TypeError):
            return None
        return (digest, summary) if isinstance(digest, str) else None

    def put(self, key: str, identity: Identity, digest: str, summary: object) -> None:
        entry = self._entry(key, identity)
        # Losing an entry costs a parse in the other worker, nothing more.
        with contextlib.suppress(OSError, TypeError, ValueError):
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump([digest, summary], stream)
                os.replace(temporary, entry)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
