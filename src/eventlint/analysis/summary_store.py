"""The module index's memory between runs: each module's names, keyed on its size and mtime.

A run reads a module's source only when the module changed since the run that stored it. The
store is one JSON file in the results cache folder (``module-summaries.json``). Pool workers
hand what they read back to the parent with their results, and the parent writes the file
once, atomically, at the end of the run. An unreadable or foreign file is an empty store.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from eventlint import __version__
from eventlint.analysis.module_summary import ModuleSummary
from eventlint.cache import ensure_folder

STORE_NAME = "module-summaries.json"
Entry = tuple[int, int, dict[str, object]]  # size, mtime_ns, summary


class SummaryStore:
    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._entries: dict[str, Entry] | None = None
        self._new: dict[str, Entry] = {}

    def _loaded(self) -> dict[str, Entry]:
        if self._entries is None:
            self._entries = {}
            if self.file is not None:
                try:
                    data = json.loads(self.file.read_text(encoding="utf-8"))
                    if data.get("version") == __version__:
                        self._entries = {
                            path: (int(size), int(mtime), summary)
                            for path, (size, mtime, summary) in data["modules"].items()
                        }
                except (OSError, ValueError, KeyError, TypeError, AttributeError):
                    self._entries = {}
        return self._entries

    def get(self, path: Path) -> ModuleSummary | None:
        if self.file is None:
            return None
        entry = self._loaded().get(str(path))
        if entry is None:
            return None
        try:
            stat = path.stat()
            if (stat.st_size, stat.st_mtime_ns) != entry[:2]:
                return None
            return ModuleSummary.from_json(entry[2])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, path: Path, summary: ModuleSummary) -> None:
        if self.file is None:
            return
        try:
            stat = path.stat()
        except OSError:
            return
        entry: Entry = (stat.st_size, stat.st_mtime_ns, summary.to_json())
        self._loaded()[str(path)] = entry
        self._new[str(path)] = entry

    def drain(self) -> dict[str, Entry]:
        """What this process read since the last drain (sent back from pool workers)."""
        new, self._new = self._new, {}
        return new

    def absorb(self, entries: dict[str, Entry]) -> None:
        self._loaded().update(entries)
        self._new.update(entries)

    def save(self) -> None:
        """Write the store if anything new was read (a read-only checkout: not at all)."""
        if self.file is None or not self._new:
            return
        self._new = {}
        document = {"version": __version__, "modules": self._loaded()}
        try:
            ensure_folder(self.file.parent)
            descriptor, temporary = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(document, handle)
            os.replace(temporary, self.file)
        except OSError:
            pass
