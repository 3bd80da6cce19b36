"""The results cache: a file whose content, configuration, eventlint version and dependencies
are unchanged is not linted again.

An entry is keyed on the file's path and holds the hash of its content, of the effective
configuration for it, and eventlint's version, plus the fingerprint of everything its findings
depended on in other files, as the project model recorded while linting it (see
``project.dependencies``): the modules whose classes or names it read (by content hash), the
folders whose listings decided whether a module exists, and the project-wide indexes it
searched (such as every production module, for the places a message is raised). A library
edit in a monorepo therefore invalidates exactly the results that read that library.

Entries are written atomically and sealed with this user's secret (``cache_folder``: a
planted entry is never trusted); an unreadable, corrupt, foreign or unsealed entry, or one
naming a code this version does not know, is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import cast

from eventlint import __version__, sourcefile
from eventlint.cache_folder import (
    CACHE_DIR_NAME,
    ensure_cache_folder,
    is_sealed,
    machine_secret,
    read_entry,
    seal,
)
from eventlint.config import Settings
from eventlint.finding import Applicability, Finding, Fix
from eventlint.project import Project
from eventlint.project.dependencies import Dependencies

_FORMAT = 3


def _digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()


class ResultsCache:
    def __init__(
        self, directory: Path | None = None, known_codes: frozenset[str] = frozenset()
    ) -> None:
        self._directory = directory  # None: .eventlint_cache/ at each project root
        self._known = known_codes
        self._ready: set[Path] = set()

    def _folder(self, settings: Settings) -> Path:
        folder = self._directory or settings.root / CACHE_DIR_NAME
        if folder not in self._ready:  # checked once per run, not once per file
            with contextlib.suppress(OSError, sourcefile.SourceError):
                ensure_cache_folder(folder)
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

    def _entry_path(self, settings: Settings, path: Path) -> Path:
        # Paths are bytes to the OS: a name that is not valid UTF-8 still has a key.
        key = _digest(os.fsencode(os.path.abspath(path)))
        return self._folder(settings) / f"{key}.json"

    def get(
        self, settings: Settings, path: Path, display: str, data: bytes, project: Project
    ) -> list[Finding] | None:
        secret = machine_secret()
        if secret is None:
            return None
        try:
            sealed = json.loads(read_entry(self._entry_path(settings, path)))
            payload = sealed["entry"].encode("utf-8")
            if not is_sealed(payload, sealed["mac"], secret):
                return None
            entry = json.loads(payload)
            if (
                entry["format"] != _FORMAT
                or entry["content"] != _digest(data)
                or entry["config"] != self.config_hash(settings, path)
            ):
                return None
            dependencies = entry["dependencies"]
            if not isinstance(dependencies, dict) or not project.still_valid(dependencies):
                return None
            findings = [_finding(item, display) for item in entry["findings"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError, sourcefile.SourceError):
            return None
        if self._known and any(finding.code not in self._known for finding in findings):
            return None
        return findings

    def put(
        self,
        settings: Settings,
        path: Path,
        data: bytes,
        findings: list[Finding],
        dependencies: Dependencies,
    ) -> None:
        entry = {
            "format": _FORMAT,
            "content": _digest(data),
            "config": self.config_hash(settings, path),
            "dependencies": dependencies,
            "findings": [_item(finding) for finding in findings],
        }
        secret = machine_secret()
        if secret is None:
            return
        payload = json.dumps(entry)
        sealed = {"entry": payload, "mac": seal(payload.encode("utf-8"), secret)}
        # A read-only checkout: run without caching.
        with contextlib.suppress(OSError, sourcefile.SourceError):
            sourcefile.write_atomically(
                self._entry_path(settings, path), json.dumps(sealed).encode(), create=True
            )


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
