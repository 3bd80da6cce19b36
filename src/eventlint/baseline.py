"""Baselines: adopt eventlint on an existing codebase by recording what it reports today.

An entry is (path, code, fingerprint) with an occurrence count. The fingerprint hashes the
finding's own source text, not its line number, so entries survive edits elsewhere in the
file. Paths are relative to the baseline file's folder, so the working directory does not
matter. The file is sorted, indented JSON: diffs of it review well.
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


def _key(finding: Finding, base: Path) -> Key:
    path = Path(os.path.abspath(finding.path))
    try:
        relative = path.relative_to(base).as_posix()
    except ValueError:
        relative = path.as_posix()
    return (relative, finding.code, finding.fingerprint)


def write(path: Path, findings: Sequence[Finding]) -> int:
    base = Path(os.path.abspath(path)).parent
    counts = Counter(_key(finding, base) for finding in findings)
    entries = [
        {"path": p, "code": c, "fingerprint": f, "count": n}
        for (p, c, f), n in sorted(counts.items())
    ]
    data = json.dumps({"version": VERSION, "findings": entries}, indent=2, sort_keys=True) + "\n"
    if path.exists():
        sourcefile.write_atomically(path, data.encode())
    else:
        path.write_text(data, encoding="utf-8")
    return len(entries)


@dataclass
class Filtered:
    new: list[Finding]
    stale: list[tuple[str, str, str, int]]  # path, code, fingerprint, unmatched count


def apply(path: Path, findings: Sequence[Finding]) -> Filtered:
    """Drop the findings the baseline records (up to each entry's count)."""
    base = Path(os.path.abspath(path)).parent
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        remaining = Counter(
            {
                (entry["path"], entry["code"], entry["fingerprint"]): int(entry["count"])
                for entry in document["findings"]
            }
        )
    except FileNotFoundError:
        raise ConfigError(f"baseline not found: {path}") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path}: not an eventlint baseline ({error})") from None
    new: list[Finding] = []
    for finding in findings:
        key = _key(finding, base)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(finding)
    stale = [(p, c, f, n) for (p, c, f), n in sorted(remaining.items()) if n > 0]
    return Filtered(new=new, stale=stale)
