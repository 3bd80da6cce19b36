"""Peak memory of eventlint runs, the whole process tree summed, on pinned real corpora.

    python benchmarks/memory.py [--work DIR] [--corpora faust,django,sqlalchemy,sympy]
                                [--project PATH ...] [--python OTHER/bin/python]

For each corpus (the pinned source distributions, plus any ``--project`` folder, such as the
largest repository of the ecosystem check), runs eventlint cold (no cache) twice: with the
default rules, and with the error-assertion rules alone (``--select EVT2``), whose
project-wide raise search reads every production module. While a run lasts, the resident
memory of the eventlint process and every pool worker is sampled every 20 ms and summed: the
peak of that sum is what the machine must have. The largest single process's peak is printed
beside it. ``--python`` runs another installation (an earlier release) for a before/after.
The target is 200 MiB for every run. Linux only (it reads ``/proc``). Not a test: numbers
depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import CORPORA, download_corpora  # a sibling script, not a package

MEMORY_CORPORA = {**CORPORA, "sympy": "sympy==1.13.3"}
TARGET_MIB = 200
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(child) for child in handle.read().split()]
        except OSError:
            continue
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> int:
    total, pending, seen = 0, [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss(pid)
        pending += _children(pid)
    return total


def measure(cwd: Path, command: list[str]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": seconds,
        "tree_mib": peak / 2**20,
        # ru_maxrss of waited-for children is a running maximum: only meaningful when it grew.
        "largest_mib": largest / 1024 if largest > before else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / ".corpus")
    parser.add_argument("--corpora", default=",".join(MEMORY_CORPORA))
    parser.add_argument("--project", type=Path, action="append", default=[])
    parser.add_argument("--python", default=sys.executable)
    options = parser.parse_args()
    names = [name for name in options.corpora.split(",") if name]
    roots = download_corpora(options.work, {name: MEMORY_CORPORA[name] for name in names})
    targets = [(name, roots[name]) for name in names]
    targets += [(path.name, path.resolve()) for path in options.project]
    print(f"cores: {os.cpu_count()}  python: {options.python}\n")
    print(
        f"{'corpus':<24} {'files':>6}  {'rules':<8} {'seconds':>8} {'tree MiB':>9} {'largest':>8}"
    )
    worst = 0.0
    for name, root in targets:
        files = sum(1 for _ in root.rglob("*.py"))
        for label, select in (("default", []), ("EVT2", ["--select", "EVT2"])):
            command = [options.python, "-m", "eventlint", "--no-cache", "--exit-zero", *select, "."]
            figures = measure(root, command)
            worst = max(worst, figures["tree_mib"])
            print(
                f"{name:<24} {files:>6}  {label:<8} {figures['seconds']:>8.1f} "
                f"{figures['tree_mib']:>9.0f} {figures['largest_mib']:>8.0f}"
            )
    print(f"\nworst whole-tree peak {worst:.0f} MiB [<= {TARGET_MIB}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
