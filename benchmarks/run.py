"""Side-by-side benchmark, one run: eventlint (cold and warm) vs flake8 vs ruff vs Fixit.

    python benchmarks/run.py [--work DIR] [--corpora faust,django,sympy]

Downloads the pinned source distributions (faust-streaming 0.15.3, django 5.2.8, sympy
1.14.0: the large-test-file corpus; sqlalchemy 2.0.44 on request) and Fixit 2.2.1 (into its
own venv), then measures on each corpus, one command after another:

- ``eventlint --jobs 1`` with an empty cache (cold), then again (warm);
- ``flake8 --select E999`` (flake8's own cost: it parses and runs pycodestyle and pyflakes
  whatever is selected) and ``flake8 --select EVT`` (eventlint as a flake8 plugin);
- ``ruff check --select ALL --no-cache`` (the yardstick) and ``fixit lint`` with one rule;
- ``eventlint events`` (the inventory);

and, on a one-line file, eventlint against flake8 (start-up cost). For each: CPU seconds (user
+ system of the command and every process it started), wall seconds and the peak RSS of its
largest process; then the EVT002 count of the cold run (files eventlint could not analyse)
and the ratios the project targets. Not a test: numbers depend on the machine; CPU time is
steadier than wall time on a busy one.
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
    "sympy": "sympy==1.14.0",
    "sqlalchemy": "sqlalchemy==2.0.44",
}
DEFAULT_CORPORA = "faust,django,sympy"
FIXIT = "fixit==2.2.1"
FIXIT_RULE = "fixit.rules:NoRedundantFString"

# Runs one command; reports its wall time, the CPU time of it and all its descendants that
# were waited for (RUSAGE_CHILDREN), and the peak RSS of the largest of them (maxrss is a
# maximum over the processes, not a sum).
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}))
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


def _count(root: Path, code: str, *command: str) -> int:
    out = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    try:
        return sum(1 for finding in json.loads(out.stdout) if finding["code"] == code)
    except (json.JSONDecodeError, KeyError, TypeError):
        return -1


def _tool(name: str) -> str:
    """A console script of this interpreter's environment (ruff, flake8)."""
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=Path(__file__).parent / ".corpus")
    parser.add_argument("--corpora", default=DEFAULT_CORPORA)
    options = parser.parse_args()
    names = options.corpora.split(",")
    roots, fixit = prepare(options.work, names)
    python = sys.executable
    ruff = _tool("ruff")
    rows = []
    for name in names:
        root = roots[name]
        files = sum(1 for _ in root.rglob("*.py"))
        cache = Path(tempfile.mkdtemp(prefix="eventlint-bench-cache-"))
        shutil.rmtree(cache)
        eventlint = (
            python, "-m", "eventlint", "--jobs", "1", "--exit-zero", "--cache-dir", str(cache), "."
        )  # fmt: skip
        results = {
            "eventlint cold": measure(root, *eventlint),
            "eventlint warm": measure(root, *eventlint),
            "flake8 E999": measure(
                root, python, "-m", "flake8", "--isolated", "--select", "E999", "--exit-zero", "."
            ),
            "flake8 EVT": measure(
                root, python, "-m", "flake8", "--isolated", "--select", "EVT", "--exit-zero", "."
            ),
            "ruff ALL": measure(
                root,
                ruff,
                "check",
                "--isolated",
                "--select",
                "ALL",
                "--no-cache",
                "--exit-zero",
                "--quiet",
                ".",
            ),
            "fixit (1 rule)": measure(root, str(fixit), "--rules", FIXIT_RULE, "lint", "."),
            # The inventory reads every production module's classes (``eventlint events``).
            "eventlint events": measure(
                root, python, "-m", "eventlint", "events", "--output-format", "json", "."
            ),
        }
        not_analysable = _count(
            root, "EVT002", python, "-m", "eventlint", "--no-cache", "--exit-zero",
            "--output-format", "json", ".",
        )  # fmt: skip
        shutil.rmtree(cache, ignore_errors=True)
        rows.append((name, files, results, not_analysable))
    trivial = Path(tempfile.mkdtemp(prefix="eventlint-bench-trivial-"))
    (trivial / "one.py").write_text("x = 1\n", encoding="utf-8")
    startup = {
        "eventlint": measure(trivial, python, "-m", "eventlint", "--no-cache", "one.py"),
        "flake8": measure(trivial, python, "-m", "flake8", "--isolated", "one.py"),
        "eventlint --version": measure(trivial, python, "-m", "eventlint", "--version"),
    }
    shutil.rmtree(trivial, ignore_errors=True)

    print(f"cores: {os.cpu_count()}\n")
    print(f"{'corpus':<11} {'files':>6}  {'tool':<17} {'CPU s':>7} {'wall s':>7} {'peak MiB':>9}")
    for name, files, results, _ in rows:
        for tool, figures in results.items():
            print(
                f"{name:<11} {files:>6}  {tool:<17} {figures['cpu']:>7.2f} "
                f"{figures['seconds']:>7.2f} {figures['peak_mib']:>9.1f}"
            )
    for tool, figures in startup.items():
        print(
            f"{'one file':<11} {1:>6}  {tool:<17} {figures['cpu']:>7.2f} "
            f"{figures['seconds']:>7.2f} {figures['peak_mib']:>9.1f}"
        )
    print("\nratios of CPU time (target in brackets):")
    for name, _, r, not_analysable in rows:
        cold = r["eventlint cold"]["cpu"]
        print(
            f"{name:<11} cold/flake8-E999 {cold / r['flake8 E999']['cpu']:.2f} [<= 0.25]   "
            f"cold/ruff-ALL {cold / r['ruff ALL']['cpu']:.2f} [<= 2.00]   "
            f"warm/cold {r['eventlint warm']['cpu'] / cold:.2f} [<= 0.10]   "
            f"cold/fixit {cold / r['fixit (1 rule)']['cpu']:.2f}   "
            f"flake8 EVT/E999 {r['flake8 EVT']['cpu'] / r['flake8 E999']['cpu']:.2f}   "
            f"peak {r['eventlint cold']['peak_mib']:.0f} MiB [<= 150]   "
            f"EVT002 {not_analysable} [0]"
        )
    one = startup["eventlint"]["cpu"] / startup["flake8"]["cpu"]
    print(f"{'one file':<11} eventlint/flake8 {one:.2f} [<= 1.00]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
