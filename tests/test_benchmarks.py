"""The benchmark scripts still run: benchmarks/lsp_latency.py on a small file, once, prints
its table (the others download corpora and are run by hand)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_lsp_latency_prints_its_table() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "lsp_latency.py"), "--lines", "200", "--repeat", "1"],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tests/test_orders.py, 200 lines" in result.stdout
    assert re.search(
        r"^measurement \(wall ms\) +debounce +median +min +max +diagnostics$", result.stdout, re.M
    )
    for debounce in ("300 ms", "0 ms"):
        for measurement in (
            "didOpen -> first diagnostics",
            "keystroke \\(didChange\\) -> diagnostics",
        ):
            row = re.search(
                rf"^{measurement} +{debounce}(?: +[0-9.]+){{3}} +(\d+)$", result.stdout, re.M
            )
            assert row is not None, result.stdout
            assert int(row.group(1)) > 0
    assert "server behaviour: nothing unexpected seen" in result.stdout
