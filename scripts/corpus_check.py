"""Fix the pinned sdists with every fix enabled and check nothing breaks.

    python scripts/corpus_check.py [--keep DIR]

Downloads faust-streaming 0.15.3, django 5.2.8 and sqlalchemy 2.0.44 (source distributions),
runs ``eventlint --fix --unsafe-fixes`` over each, checks that every changed file still parses
and that a second run changes nothing, and prints the counts. Not a test: it needs the
network and takes minutes.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PINNED = ("faust-streaming==0.15.3", "django==5.2.8", "sqlalchemy==2.0.44")


def _eventlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eventlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in root.rglob("*.py")}


def check(root: Path) -> dict[str, object]:
    before = _snapshot(root)
    report = _eventlint(
        "--output-format", "json", "--exit-zero", "--config", str(_config(root)), ".", cwd=root
    )
    findings = json.loads(report.stdout or "[]")
    fixed = _eventlint(
        "--fix", "--unsafe-fixes", "--exit-zero", "--config", str(_config(root)), ".", cwd=root
    )
    after = _snapshot(root)
    changed = [path for path in before if after[path] != before[path]]
    broken = []
    for path in changed:
        try:
            ast.parse(after[path])
        except SyntaxError:
            broken.append(str(path))
    second = _eventlint(
        "--fix", "--unsafe-fixes", "--exit-zero", "--config", str(_config(root)), ".", cwd=root
    )
    unstable = [str(p) for p, data in _snapshot(root).items() if data != after[p]]
    codes: dict[str, int] = {}
    for finding in findings:
        codes[finding["code"]] = codes.get(finding["code"], 0) + 1
    return {
        "files": len(before),
        "findings": codes,
        "changed_files": len(changed),
        "broken_after_fix": broken,
        "changed_by_second_run": unstable,
        "crashes": [
            line for line in (fixed.stderr + second.stderr).splitlines() if "internal error" in line
        ],
        "exit_codes": [report.returncode, fixed.returncode, second.returncode],
    }


def _config(root: Path) -> Path:
    config = root.parent / f"{root.name}.eventlint.toml"
    config.write_text("exclude = []\n")  # judge everything, tests and docs included
    return config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="eventlint-corpus-"))
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
         "-d", str(work), *PINNED],
        check=True,
    )  # fmt: skip
    results = {}
    for archive in sorted(work.glob("*.tar.gz")):
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        root = work / archive.name.removesuffix(".tar.gz")
        results[root.name] = check(root)
    print(json.dumps(results, indent=2))
    ok = all(
        not r["broken_after_fix"] and not r["changed_by_second_run"] and not r["crashes"]
        for r in results.values()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
