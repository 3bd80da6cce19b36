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
    # An editor that resolves edits gets the fix's edit when it asks for it.
    assert re.search(
        r"^codeAction/resolve -> the fix's edit +300 ms(?: +[0-9.]+){3} +-$", result.stdout, re.M
    )
    assert "server behaviour: nothing unexpected seen" in result.stdout


def test_prefilter_counts_what_the_rules_keep() -> None:
    """On the fixture trees: every fixture is a Python file the rules have something to say
    about or a silent case, so some but not all are kept, and the counts nest."""
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "prefilter.py"), str(REPO / "tests" / "fixtures")],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    counts = {
        label: int(number)
        for label, number in re.findall(r"^([a-z' -]+): (\d+)", result.stdout, re.M)
    }
    files = counts["files"]
    passing = counts["holding a trigger word"]
    kept = counts["kept by a rule's pre-check"]
    assert 0 < kept <= passing <= files
    assert re.search(
        r"^ast\.parse of every file: [0-9.]+ s CPU; of the files kept: ", result.stdout, re.M
    )


def test_prefilter_without_a_path_says_how_to_use_it() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "prefilter.py")],
        cwd=REPO, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "python benchmarks/prefilter.py PATH" in result.stderr
