"""The ecosystem check: eventlint on real projects, compared with what a reviewer decided.

    python scripts/ecosystem.py SNAPSHOTS [--work DIR] [--opt-in] [--only REPO,...]
                                          [--show-unreviewed] [--show-vanished]
                                          [--python OTHER_VENV/bin/python]

SNAPSHOTS is a folder of git snapshots, one per repository, as the team's fetch tool lays
them out (``owner+name/repo`` or ``owner+name``, bare or not). Each pinned repository's Python
files and the config files the rules read are extracted at its commit (``git ls-tree -r`` and
``git cat-file --batch``: snapshots may lack large non-Python blobs, so ``git archive`` can
fail), the pinned sdists are downloaded, and eventlint runs on each from its root: with the
default rules, or with ``--opt-in`` the rules that are off by default.

Every finding is matched with ``ecosystem/reviewed.tsv``: repository, commit, path, a
fingerprint of the flagged source lines (so a row survives line shifts), the code, the verdict
(``true``/``false``) and a one-line reason. The report gives, per repository and per rule,
the findings, how many were reviewed true and false, how many are **unreviewed** (new since
the last review) and how many reviewed rows **vanished**, then each rule's precision over
everything reviewed. It exits 1 when a finding is unreviewed, so a rule change cannot slip
new noise in unseen. ``--python`` runs another installation (the previous release) against
the same reviews: the before/after table of a precision change. Not part of CI: it needs the
snapshots. Nothing from these repositories is ever committed, only the facts in reviewed.tsv.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
REVIEWED = REPOSITORY / "ecosystem" / "reviewed.tsv"
COLUMNS = ("repository", "commit", "path", "fingerprint", "code", "verdict", "reason")

# Pinned: the repository and the commit actually checked (the one requested, or the one the
# snapshot had, recorded here when they differ).
GIT_REPOSITORIES = {
    "ag2ai/faststream": "7c9a125dfd",
    "aio-libs/aiokafka": "672947afe8",
    "confluentinc/confluent-kafka-python": "8b1c7a6134",
    "dpkp/kafka-python": "a3b3836ff3",
    "quixio/quix-streams": "dfb63318a6",
    "pyeventsourcing/eventsourcing": "dc9b7e4fa5",
    "faust-streaming/faust": "181b184002",
    # Kafka consumers in service code (added for EVT401/EVT404: the client libraries' own
    # code is not judged).
    "openedx/event-bus-kafka": "ae3d646652",
    "bytewax/bytewax": "9fce5b6ee4",
    # Event models and IDs (added for the EVT1 dataflow, issue 24): a CloudEvents SDK and
    # an event-definitions library (pyeventsourcing above is the event-sourcing one).
    "cloudevents/sdk-python": "e5df229f89",
    "openedx/openedx-events": "741277fa3a",
}
SDISTS = {"django": "django==5.2.8", "sqlalchemy": "sqlalchemy==2.0.44"}


@dataclass(frozen=True)
class Key:
    repository: str
    path: str
    fingerprint: str
    code: str


# The flagged line and the next ones: ``self.assertEqual(`` alone occurs dozens of times in a
# file, and numbering identical lines by occurrence breaks as soon as another rule version
# flags a different subset of them.
_WINDOW = 3


def window(lines: list[str], number: int) -> str:
    """The flagged line and the following ones, whitespace-normalised."""
    return " ".join(" ".join(lines[number - 1 : number - 1 + _WINDOW]).split())


def fingerprint(text: str, occurrence: int) -> str:
    """The source window of a finding and which of its identical findings this is."""
    return hashlib.sha1(f"{text}\0{occurrence}".encode()).hexdigest()[:16]


# -- extraction ------------------------------------------------------------------------------


def _snapshot_dir(snapshots: Path, name: str) -> Path:
    folder = snapshots / name.replace("/", "+")
    return folder / "repo" if (folder / "repo").exists() else folder


def extract(snapshot: Path, commit: str, target: Path) -> str:
    """Write the wanted files of ``commit`` under ``target``; returns the full commit id."""
    git = [
        "git",
        "--git-dir",
        str(snapshot if (snapshot / "objects").exists() else snapshot / ".git"),
    ]
    full = subprocess.run(
        [*git, "rev-parse", f"{commit}^{{commit}}"], capture_output=True, text=True, check=True
    ).stdout.strip()
    listing = subprocess.run(
        [*git, "ls-tree", "-r", "-z", full], capture_output=True, check=True
    ).stdout
    entries: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        name = path.decode("utf-8", "surrogateescape")
        # Every file: folders of static files are importable, and paths in docs must exist.
        if kind == "blob" and mode != "120000":
            entries.append((sha, name))
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    batch = subprocess.run(
        [*git, "cat-file", "--batch"],
        input=b"".join(f"{sha}\n".encode() for sha, _ in entries),
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    position = 0
    for _, name in entries:
        header_end = batch.index(b"\n", position)
        header = batch[position:header_end].split()
        position = header_end + 1
        if header[-1] == b"missing":
            continue  # a blob the snapshot lacks (large files): nothing to extract
        size = int(header[2])
        data = batch[position : position + size]
        position += size + 1
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
    (target / ".git").mkdir()  # each repository is its own project, as in its checkout
    return full


def sdist(work: Path, requirement: str) -> Path:
    project, version = requirement.split("==")
    archive = next(
        (
            p
            for p in work.glob("*.tar.gz")
            if p.name.lower().replace("_", "-").startswith(f"{project}-{version}")
        ),
        None,
    )
    if archive is None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-d",
                str(work),
                requirement,
            ],
            check=True,
        )
        archive = next(
            p
            for p in work.glob("*.tar.gz")
            if p.name.lower().replace("_", "-").startswith(f"{project}-{version}")
        )
    root = work / archive.name.removesuffix(".tar.gz")
    if not root.exists():
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        (root / ".git").mkdir()
    return root


# -- running and comparing ---------------------------------------------------------------------


def run_eventlint(root: Path, opt_in: bool, python: str) -> list[dict[str, object]]:
    command = [
        python,
        "-m",
        "eventlint",
        "--no-cache",
        "--exit-zero",
        "--output-format",
        "json",
    ]
    if opt_in:
        from eventlint.rules import all_rules

        off = [rule.code for rule in all_rules() if not rule.default_enabled]
        command += ["--select", ",".join(off)]
    result = subprocess.run([*command, "."], cwd=root, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise SystemExit(f"eventlint failed on {root}: {result.stderr.strip()}")
    try:
        findings: list[dict[str, object]] = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"eventlint gave no JSON on {root}: {result.stderr.strip()}") from None
    return findings


def keyed(
    repository: str, root: Path, findings: list[dict[str, object]]
) -> dict[Key, dict[str, object]]:
    seen: Counter[tuple[str, str, str]] = Counter()
    result: dict[Key, dict[str, object]] = {}
    lines_of: dict[str, list[str]] = {}
    for finding in findings:
        path = str(finding["path"])
        if path not in lines_of:
            try:
                lines_of[path] = (
                    (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
                )
            except OSError:
                lines_of[path] = []
        lines = lines_of[path]
        number = int(str(finding["line"]))
        line = lines[number - 1] if 0 < number <= len(lines) else ""
        text = window(lines, number) if 0 < number <= len(lines) else ""
        base = (path, text, str(finding["code"]))
        occurrence = seen[base]
        seen[base] += 1
        finding["source"] = line
        result[Key(repository, path, fingerprint(text, occurrence), str(finding["code"]))] = finding
    return result


def load_reviews() -> dict[Key, dict[str, str]]:
    if not REVIEWED.exists():
        return {}
    with REVIEWED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {Key(r["repository"], r["path"], r["fingerprint"], r["code"]): r for r in rows}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("snapshots", type=Path)
    parser.add_argument(
        "--work",
        type=Path,
        # Outside this repository: its own [tool.eventlint] would otherwise make every
        # extracted project one with it.
        default=Path(tempfile.gettempdir()) / "eventlint-ecosystem",
    )
    parser.add_argument(
        "--opt-in", action="store_true", help="run the rules that are off by default"
    )
    parser.add_argument("--only", default="", help="comma-separated repositories or sdists")
    parser.add_argument(
        "--show-unreviewed", action="store_true", help="print each unreviewed finding"
    )
    parser.add_argument("--show-vanished", action="store_true", help="print each vanished review")
    parser.add_argument("--skip-extract", action="store_true", help="reuse what --work holds")
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="the interpreter whose eventlint runs (an older release's venv, for a before/after)",
    )
    options = parser.parse_args()
    wanted = set(filter(None, options.only.split(",")))
    reviews = load_reviews()
    current: dict[Key, dict[str, object]] = {}
    commits: dict[str, str] = {}
    names = [*GIT_REPOSITORIES, *SDISTS]
    for name in names:
        if wanted and name not in wanted:
            continue
        if name in GIT_REPOSITORIES:
            root = options.work / name.replace("/", "+")
            if options.skip_extract and root.exists():
                commits[name] = GIT_REPOSITORIES[name]
            else:
                commits[name] = extract(
                    _snapshot_dir(options.snapshots, name), GIT_REPOSITORIES[name], root
                )[:10]
        else:
            root = sdist(options.work, SDISTS[name])
            commits[name] = SDISTS[name]
        current.update(keyed(name, root, run_eventlint(root, options.opt_in, options.python)))
    return report(current, reviews, set(commits), options)


def report(
    current: dict[Key, dict[str, object]],
    reviews: dict[Key, dict[str, str]],
    repositories: set[str],
    options: argparse.Namespace,
) -> int:
    # Every repository that was run has a row, those without findings too.
    per_repo: dict[str, Counter[str]] = {name: Counter() for name in repositories}
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    unreviewed: list[tuple[Key, dict[str, object]]] = []
    for key, finding in current.items():
        review = reviews.get(key)
        verdict = review["verdict"] if review else "unreviewed"
        for table, name in ((per_repo, key.repository), (per_rule, key.code)):
            table[name]["findings"] += 1
            table[name][verdict] += 1
        if review is None:
            unreviewed.append((key, finding))
    from eventlint.rules import all_rules

    # Only the rules this run selected can vanish: the default ones, or with --opt-in the
    # rules that are off by default.
    selected = {rule.code for rule in all_rules() if rule.default_enabled != options.opt_in}
    vanished = [
        key
        for key in reviews
        if key.repository in repositories and key.code in selected and key not in current
    ]
    for key in vanished:
        per_repo[key.repository]["vanished"] += 1
        per_rule[key.code]["vanished"] += 1
    columns = ("findings", "true", "false", "unreviewed", "vanished")
    print(f"{'repository':<38}" + "".join(f"{c:>11}" for c in columns))
    for name in sorted(per_repo):
        print(f"{name:<38}" + "".join(f"{per_repo[name][c]:>11}" for c in columns))
    print(f"\n{'rule':<38}" + "".join(f"{c:>11}" for c in columns) + f"{'precision':>11}")
    for code in sorted(per_rule):
        counts = per_rule[code]
        judged = counts["true"] + counts["false"]
        # Over the current findings: what a user of this version sees.
        precision = f"{counts['true'] / judged:.0%}" if judged else "-"
        print(f"{code:<38}" + "".join(f"{counts[c]:>11}" for c in columns) + f"{precision:>11}")
    if options.show_unreviewed:
        for key, finding in sorted(unreviewed, key=lambda item: (item[0].repository, item[0].path)):
            where = f"{key.path}:{finding['line']}:{finding['column']}"
            source = str(finding["source"]).strip()
            print(
                f"\nUNREVIEWED\t{key.repository}\t{where}\t{key.code}\t{key.fingerprint}"
                f"\n  {finding['message']}\n  > {source}"
            )
    if options.show_vanished:
        for key in vanished:
            row = reviews[key]
            print(
                f"VANISHED\t{key.repository}\t{key.path}\t{key.code}\t{row['verdict']}\t{row['reason']}"
            )
    if unreviewed:
        where = REVIEWED.relative_to(REPOSITORY)
        print(f"\n{len(unreviewed)} finding(s) not reviewed: review them in {where}")
        return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    raise SystemExit(main())
