from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Most tests run the real `eventlint` and `flake8` in subprocesses, in temporary folders, and
# coverage measures them too (pyproject's [tool.coverage.run]). Their data files go to the
# repository, where `coverage combine` looks, not into the folders the tests inspect.
os.environ.setdefault("COVERAGE_FILE", str(Path(__file__).resolve().parents[1] / ".coverage"))


# The suite's property tests are deterministic: the same examples on every run and machine
# (derandomize), each generated afresh (no example database: a fresh clone has none, and
# keeping its Pareto front of the targeted examples cost a third of a hypothesmith test's
# time). Every test's own max_examples still applies. `scripts/fuzz.sh` runs the "fuzz"
# profile: hypothesis's defaults (random, with the example database), and many more examples.
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("fuzz")
settings.load_profile(os.environ.get("EVENTLINT_HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-fixtures",
        action="store_true",
        help="rewrite the .fixed.py expectations from what eventlint produces now",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist (CI's ``-n auto``), the slow tests are handed out first: a worker that
    met one at the end of the run would keep the other waiting. The order of the rest, and
    of a run in one process, is unchanged."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)
