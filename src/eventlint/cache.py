"""The results cache: a file whose content, configuration and eventlint version are unchanged
is not linted again.

An entry is keyed on the file's path and holds the hash of its content, of the effective
configuration for it, and eventlint's version. Results that read other files of the project
(a model's fields, the places a message is raised, the module index) also record a hash of the
project's Python files, stubs, extensions and pytest configs (path, size, mtime), so editing a
model invalidates the files that use it. Entries are
written atomically; an unreadable, corrupt or foreign entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import cast

from eventlint import __version__
from eventlint.analysis.layout import MODULE_SUFFIXES
from eventlint.config import Settings
from eventlint.discovery import CONFIG_FILE_NAMES, project_files
from eventlint.finding import Applicability, Finding, Fix

CACHE_DIR_NAME = ".eventlint_cache"
_FORMAT = 1


def _digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode() if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()


def ensure_folder(folder: Path) -> None:
    """Create a cache folder that git ignores by itself."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".gitignore").write_text("# Created by eventlint.\n*\n", encoding="utf-8")


class ResultsCache:
    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory  # None: .eventlint_cache/ at each project root
        self._project_hashes: dict[Path, str] = {}
        self._ready: set[Path] = set()

    def _folder(self, settings: Settings) -> Path:
        folder = self._directory or settings.root / CACHE_DIR_NAME
        if folder not in self._ready:  # checked once per run, not once per file
            ensure_folder(folder)
            self._ready.add(folder)
        return folder

    @staticmethod
    def config_hash(settings: Settings, path: Path) -> str:
        return _digest(
            __version__,
            settings.config.model_dump_json(),
            ",".join(sorted(settings.codes_for(path))),
            str(settings.is_test_file(path)),
        )

    def project_hash(self, settings: Settings) -> str:
        cached = self._project_hashes.get(settings.root)
        if cached is None:
            hasher = hashlib.sha256()
            # Stubs, extensions and pytest configs decide what EVT3xx finds, as sources do.
            for path in project_files(settings, MODULE_SUFFIXES, CONFIG_FILE_NAMES):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                hasher.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            cached = self._project_hashes[settings.root] = hasher.hexdigest()
        return cached

    def _entry_path(self, settings: Settings, path: Path) -> Path:
        key = _digest(os.path.abspath(path))
        return self._folder(settings) / f"{key}.json"

    def get(
        self, settings: Settings, path: Path, display: str, data: bytes
    ) -> list[Finding] | None:
        try:
            entry = json.loads(self._entry_path(settings, path).read_text(encoding="utf-8"))
            if (
                entry["format"] != _FORMAT
                or entry["content"] != _digest(data)
                or entry["config"] != self.config_hash(settings, path)
                or (
                    entry["project"] is not None and entry["project"] != self.project_hash(settings)
                )
            ):
                return None
            return [_finding(item, display) for item in entry["findings"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(
        self,
        settings: Settings,
        path: Path,
        data: bytes,
        findings: list[Finding],
        read_other_files: bool,
    ) -> None:
        entry = {
            "format": _FORMAT,
            "content": _digest(data),
            "config": self.config_hash(settings, path),
            "project": self.project_hash(settings) if read_other_files else None,
            "findings": [_item(finding) for finding in findings],
        }
        try:
            target = self._entry_path(settings, path)
            descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(entry, handle)
            os.replace(temporary, target)
        except OSError:
            pass  # a read-only checkout: run without caching


def _item(finding: Finding) -> dict[str, object]:
    return {
        "code": finding.code,
        "message": finding.message,
        "position": [finding.line, finding.column, finding.end_line, finding.end_column],
        "fix": finding.fix.applicability.value if finding.fix else None,
        "fingerprint": finding.fingerprint,
    }


def _finding(item: dict[str, object], display: str) -> Finding:
    line, column, end_line, end_column = cast("list[int]", item["position"])
    fix = item["fix"]
    return Finding(
        code=str(item["code"]),
        message=str(item["message"]),
        path=display,
        line=int(line),
        column=int(column),
        end_line=int(end_line),
        end_column=int(end_column),
        fix=Fix(Applicability(str(fix)), ()) if fix else None,
        fingerprint=str(item["fingerprint"]),
    )
