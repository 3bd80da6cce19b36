"""What the trigger-word prefilter and the rules' pre-checks save, on one corpus.

    python benchmarks/prefilter.py PATH

Counts the Python files under PATH, those holding a word an enabled rule needs (the
prefilter, a substring test on the text), and those a rule's pre-check still keeps (the
stale-import rules' look at a test file's imports, EVT305's file names, EVT501's words:
what is left for the rules to analyse), then times, in one process, that decision against
`ast.parse` of every file (what a linter without a prefilter pays) and of the files left.
"""

from __future__ import annotations

import ast
import sys
import time
import warnings
from pathlib import Path

from eventlint.config import ConfigResolver
from eventlint.engine import Engine
from eventlint.rules import known_codes


def _parse_all(texts: list[str]) -> float:
    start = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in the corpus's own code
        for text in texts:
            try:
                ast.parse(text)
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                continue
    return time.process_time() - start


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    root = Path(argv[0])
    engine = Engine(ConfigResolver(known_codes()))
    sources: dict[Path, str] = {}
    for path in sorted(root.rglob("*.py")):
        try:
            sources[path] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    if not sources:
        print(f"no readable Python files under {root}", file=sys.stderr)
        return 2
    passing: list[Path] = []
    left: list[Path] = []
    start = time.process_time()
    for path, text in sources.items():
        selection = engine.select(path)
        if not selection.runs_anything or not selection.may_fire(text):
            continue
        passing.append(path)
        context = engine.context(text, path, str(path))
        if any(rule.precheck(context) for rule in selection.rules_for(text)):
            left.append(path)
    deciding = time.process_time() - start
    every = _parse_all(list(sources.values()))
    kept = _parse_all([sources[path] for path in left])
    total = len(sources)
    print(f"files: {total}")
    print(f"holding a trigger word: {len(passing)} ({len(passing) / total:.0%})")
    print(f"kept by a rule's pre-check: {len(left)} ({len(left) / total:.0%})")
    print(f"deciding (prefilter and pre-checks, which parse test files): {deciding:.2f} s CPU")
    print(f"ast.parse of every file: {every:.2f} s CPU; of the files kept: {kept:.2f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
