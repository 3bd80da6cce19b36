"""Side-by-side benchmark: eventlint (cold and warm cache) vs flake8 vs Fixit, one run.

    python benchmarks/run.py [--work DIR] [--corpora faust,django,sqlalchemy]

Downloads the pinned source distributions (faust-streaming 0.15.3, django 5.2.8,
sqlalchemy 2.0.44) and Fixit 2.2.1 (into its own venv), then times, on each corpus:
eventlint with an empty cache, eventlint again (warm), ``flake8 --select E999`` (flake8's own
cost: it runs pycodestyle and pyflakes whatever is selected), ``flake8 --select EVT`` and
``fixit lint`` with one built-in rule, and ``eventlint events`` (the inventory). Prints
wall time, peak memory (of the largest process of the run; ``benchmarks/memory.py`` sums the
whole process tree) and the ratios the project targets. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CORPORA = {
    "faust": "faust-streaming==0.15.3",
    "django": "django==5.2.8",
    "sqlalchemy": "sqlalchemy==2.0.44",
}
FIXIT = "fixit==2.2.1"
FIXIT_RULE = "fixit.rules:NoRedundantFString"

# Runs one command and reports its wall time and the peak RSS of its largest process
# (RUSAGE_CHILDREN's maxrss is the largest of every descendant waited for, pool workers
# included; it is not a sum).
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": wall, "peak_mib": peak / 1024}))
"""


def measure(cwd: Path, *command: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(cwd), *command],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout)
    return result


def prepare(work: Path, names: list[str]) -> tuple[dict[str, Path], Path]:
    return download_corpora(work, {name: CORPORA[name] for name in names}), fixit_venv(work)


def fixit_venv(work: Path) -> Path:
    work.mkdir(parents=True, exist_ok=True)
    venv = work / "fixit-venv"
    if not (venv / "bin" / "fixit").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", FIXIT], check=True)
    return venv / "bin" / "fixit"


def download_corpora(work: Path, requirements: dict[str, str]) -> dict[str, Path]:
    """Each pinned source distribution, downloaded once and extracted under ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    roots = {}
    for name, requirement in requirements.items():
        project, version = requirement.split("==")
        found = [
            p
            for p in work.glob("*.tar.gz")
            if p.name.lower().replace("_", "-").startswith(f"{project}-{version}")
        ]
        if not found:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                 "-d", str(work), requirement],
                check=True,
            )  # fmt: skip
            found = [
                p
                for p in work.glob("*.tar.gz")
                if p.name.lower().replace("_", "-").startswith(f"{project}-{version}")
            ]
        archive = found[0]
        root = work / archive.name.removesuffix(".tar.gz")
        if not root.exists():
            with tarfile.open(archive) as tar:
                tar.extractall(work, filter="data")
        roots[name] = root
    return roots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / ".corpus")
    parser.add_argument("--corpora", default=",".join(CORPORA))
    options = parser.parse_args()
    names = options.corpora.split(",")
    roots, fixit = prepare(options.work, names)
    python = sys.executable
    rows = []
    for name in names:
        root = roots[name]
        files = sum(1 for _ in root.rglob("*.py"))
        cache = Path(tempfile.mkdtemp(prefix="eventlint-bench-cache-"))
        eventlint = (python, "-m", "eventlint", "--exit-zero", "--cache-dir", str(cache), ".")
        shutil.rmtree(cache)
        results = {
            "eventlint cold": measure(root, *eventlint),
            "eventlint warm": measure(root, *eventlint),
            "flake8 E999": measure(
                root, python, "-m", "flake8", "--isolated", "--select", "E999", "--exit-zero", "."
            ),
            "flake8 EVT": measure(
                root, python, "-m", "flake8", "--isolated", "--select", "EVT", "--exit-zero", "."
            ),
            "fixit (1 rule)": measure(root, str(fixit), "--rules", FIXIT_RULE, "lint", "."),
            # The inventory reads every production module's classes (``eventlint events``).
            "eventlint events": measure(
                root, python, "-m", "eventlint", "events", "--output-format", "json", "."
            ),
        }
        shutil.rmtree(cache, ignore_errors=True)
        rows.append((name, files, results))
    print(f"cores: {os.cpu_count()}\n")
    print(f"{'corpus':<11} {'files':>6}  {'tool':<15} {'seconds':>8} {'peak MiB':>9}")
    for name, files, results in rows:
        for tool, figures in results.items():
            print(
                f"{name:<11} {files:>6}  {tool:<15} {figures['seconds']:>8.2f} {figures['peak_mib']:>9.1f}"
            )
    print("\nratios (target in brackets):")
    for name, _, r in rows:
        cold = r["eventlint cold"]["seconds"]
        print(
            f"{name:<11} cold/flake8-E999 {cold / r['flake8 E999']['seconds']:.2f} [<= 1.00]   "
            f"cold/fixit {cold / r['fixit (1 rule)']['seconds']:.2f} [<= 0.20]   "
            f"warm/cold {r['eventlint warm']['seconds'] / cold:.2f} [<= 0.10]   "
            f"flake8 EVT/E999 {r['flake8 EVT']['seconds'] / r['flake8 E999']['seconds']:.2f} [<= 1.25]   "
            f"peak {r['eventlint cold']['peak_mib']:.0f} MiB [<= 200 on django]"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
