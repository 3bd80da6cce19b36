from __future__ import annotations

import os
from pathlib import Path

import pytest

# Most tests run the real `eventlint` and `flake8` in subprocesses, in temporary folders, and
# coverage measures them too (pyproject's [tool.coverage.run]). Their data files go to the
# repository, where `coverage combine` looks, not into the folders the tests inspect.
os.environ.setdefault("COVERAGE_FILE", str(Path(__file__).resolve().parents[1] / ".coverage"))


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
