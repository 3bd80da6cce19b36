"""Baselines: adopt eventlint on an existing codebase by recording what it reports today.

An entry is (path, code, fingerprint) with an occurrence count. The fingerprint hashes the
finding's own source text, not its line number, so entries survive edits elsewhere in the
file. Paths are relative to the baseline file's folder, both with symlinks resolved, so
neither the working directory nor the name a folder is reached by matters (a checkout under
a symlinked folder, macOS's ``/var`` -> ``/private/var`` temporary folders). The file is
sorted, indented JSON: diffs of it review well.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eventlint import sourcefile
from eventlint.config import ConfigError
from eventlint.finding import Finding

VERSION = 1
Key = tuple[str, str, str]  # path, code, fingerprint


def _base_of(baseline: Path) -> Path:
    return Path(os.path.realpath(baseline)).parent


def _key(finding: Finding, base: Path) -> Key:
    path = Path(os.path.realpath(finding.path))
    try:
        relative = path.relative_to(base).as_posix()
    except ValueError:
        relative = path.as_posix()
    return (relative, finding.code, finding.fingerprint)


def write(path: Path, findings: Sequence[Finding]) -> int:
    """Write the baseline; a target that cannot be written is a ConfigError (one line)."""
    base = _base_of(path)
    counts = Counter(_key(finding, base) for finding in findings)
    entries = [
        {"path": p, "code": c, "fingerprint": f, "count": n}
        for (p, c, f), n in sorted(counts.items())
    ]
    data = json.dumps({"version": VERSION, "findings": entries}, indent=2, sort_keys=True) + "\n"
    if os.path.isdir(path):
        raise ConfigError(f"cannot write the baseline to {path}: it is a directory")
    if not os.path.isdir(base):
        raise ConfigError(f"cannot write the baseline to {path}: no folder {Path(path).parent}")
    try:
        sourcefile.write_atomically(path, data.encode(), create=True)
    except (OSError, sourcefile.SourceError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ConfigError(f"cannot write the baseline to {path}: {reason}") from None
    return len(entries)


@dataclass
class Filtered:
    new: list[Finding]
    stale: list[tuple[str, str, str, int]]  # path, code, fingerprint, unmatched count


def _entries(path: Path) -> Counter[Key]:
    """The baseline's entries, each checked: a malformed file is a ConfigError naming it."""
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ConfigError(f"baseline not found: {path}") from None
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: not an eventlint baseline ({error})") from None

    def bad(why: str) -> ConfigError:
        return ConfigError(f"{path}: not an eventlint baseline ({why})")

    if not isinstance(document, dict) or document.get("version") != VERSION:
        version = document.get("version") if isinstance(document, dict) else None
        raise bad(f"version {version!r}, expected {VERSION}")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise bad("`findings` must be a list")
    entries: Counter[Key] = Counter()
    for number, entry in enumerate(findings, start=1):
        if not isinstance(entry, dict):
            raise bad(f"entry {number} is not an object")
        path_, code, print_, count = (
            entry.get("path"),
            entry.get("code"),
            entry.get("fingerprint"),
            entry.get("count"),
        )
        if not all(isinstance(value, str) for value in (path_, code, print_)):
            raise bad(f"entry {number} needs string path, code and fingerprint")
        if not isinstance(count, int) or isinstance(count, bool) or not 0 < count < 2**31:
            raise bad(f"entry {number}: count must be a positive whole number, not {count!r}")
        entries[(str(path_), str(code), str(print_))] += count
    return entries


def apply(path: Path, findings: Sequence[Finding]) -> Filtered:
    """Drop the findings the baseline records (up to each entry's count)."""
    base = _base_of(path)
    remaining = _entries(path)
    new: list[Finding] = []
    for finding in findings:
        key = _key(finding, base)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(finding)
    stale = [(p, c, f, n) for (p, c, f), n in sorted(remaining.items()) if n > 0]
    return Filtered(new=new, stale=stale)
