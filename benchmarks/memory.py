"""Peak memory of eventlint runs, the whole process tree summed, on pinned real corpora.

    python benchmarks/memory.py [--work DIR] [--corpora faust,django,sqlalchemy,sympy]
                                [--project PATH ...] [--python OTHER/bin/python]

For each corpus (the pinned source distributions, plus any ``--project`` folder, such as the
largest repository of the ecosystem check), runs eventlint cold (no cache) twice: with the
default rules, and with the error-assertion rules alone (``--select EVT2``), whose
project-wide raise search reads every production module. While a run lasts, the resident
memory of the eventlint process and every pool worker (proportional set size: pages the
forked workers share with their parent count once) is sampled every 20 ms and summed: the
peak of that sum is what the run takes. Beside it, the largest single process's peak
(``ru_maxrss``, as the 657 MB sympy run was measured): the target is 200 MiB for that, in
every run. ``--python`` runs another installation (an earlier release) for a before/after. Linux only (it reads ``/proc``). Not a test: numbers
depend on the machine.
"""

from __future__ import annotations

import argparse
import json
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


def _memory(pid: int) -> int:
    """The process's proportional set size: pages shared with the other processes of the
    run (the forked workers share the interpreter and libcst with their parent) counted once
    across them, so the sum over the tree is what the run really takes. RSS where the kernel
    has no ``smaps_rollup``."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_memory(root: int) -> int:
    total, pending, seen = 0, [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _memory(pid)
        pending += _children(pid)
    return total


def measure(cwd: Path, command: list[str]) -> dict[str, float]:
    """Runs the command under a fresh wrapper process, so that its ``RUSAGE_CHILDREN``
    (the largest single process, pool workers included) belongs to this command alone."""
    out = subprocess.run(
        [sys.executable, __file__, "--measure", str(cwd), *command],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout)
    return result


def _measure_here(cwd: Path, command: list[str]) -> None:
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_memory(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "tree_mib": peak / 2**20, "largest_mib": largest / 1024}))


def main() -> int:
    if sys.argv[1:2] == ["--measure"]:
        _measure_here(Path(sys.argv[2]), sys.argv[3:])
        return 0
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
    worst = worst_largest = 0.0
    for name, root in targets:
        files = sum(1 for _ in root.rglob("*.py"))
        for label, select in (("default", []), ("EVT2", ["--select", "EVT2"])):
            command = [options.python, "-m", "eventlint", "--no-cache", "--exit-zero", *select, "."]
            figures = measure(root, command)
            worst = max(worst, figures["tree_mib"])
            worst_largest = max(worst_largest, figures["largest_mib"])
            print(
                f"{name:<24} {files:>6}  {label:<8} {figures['seconds']:>8.1f} "
                f"{figures['tree_mib']:>9.0f} {figures['largest_mib']:>8.0f}"
            )
    print(
        f"\nworst largest-process peak {worst_largest:.0f} MiB [<= {TARGET_MIB}]; "
        f"worst whole-tree peak {worst:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
