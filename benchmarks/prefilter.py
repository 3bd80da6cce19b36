"""What the trigger-word prefilter and lazy positions save, on one corpus.

    python benchmarks/prefilter.py PATH

Counts the files the enabled rules' trigger words let through, and times three things in one
process: parsing every file with libcst (what a linter without a prefilter pays), parsing only
the files that pass the prefilter, and full-module position metadata versus eventlint's
per-statement positions for one node per parsed file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from eventlint.analysis.positions import LazyPositions
from eventlint.config import ConfigResolver
from eventlint.engine import Engine
from eventlint.rules import known_codes


def main() -> int:
    root = Path(sys.argv[1])
    engine = Engine(ConfigResolver(known_codes()))
    files = [p for p in sorted(root.rglob("*.py")) if p.is_file()]
    sources = {}
    for path in files:
        try:
            sources[path] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    passing = [p for p, text in sources.items() if engine.select(p).may_fire(text)]
    start = time.perf_counter()
    modules = []
    for path, text in sources.items():
        try:
            module = cst.parse_module(text)
        except Exception:
            continue
        if path in passing:
            modules.append(module)
    parse_all = time.perf_counter() - start
    start = time.perf_counter()
    for path in passing:
        try:
            cst.parse_module(sources[path])
        except Exception:
            continue
    parse_passing = time.perf_counter() - start
    start = time.perf_counter()
    for module in modules:
        MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    whole = time.perf_counter() - start
    start = time.perf_counter()
    for module in modules:
        if module.body:
            last = module.body[-1]
            positions = LazyPositions(module)
            positions.prepare([last])
            positions.range_of(last)
    lazy = time.perf_counter() - start
    print(
        f"files: {len(sources)}, passing the prefilter: {len(passing)} ({len(passing) / len(sources):.0%})"
    )
    print(f"parse every file: {parse_all:.1f} s; parse only those passing: {parse_passing:.1f} s")
    print(
        f"positions for one node per parsed file: whole-module {whole:.1f} s, per-statement {lazy:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
