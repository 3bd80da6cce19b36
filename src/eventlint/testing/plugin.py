"""The pytest plugin (entry point ``pytest11``): the ``event_id_contract`` marker and fixture.

Loaded by every pytest run where eventlint is installed, so it imports nothing heavy until a
test asks for a contract (hypothesis is an optional extra).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "event_id_contract(id_function, model=None, example=None, **options): check the "
        "event-ID contract of id_function before the test runs (eventlint.testing)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    for marker in item.iter_markers(name="event_id_contract"):
        from eventlint.testing import check_event_id

        check_event_id(*marker.args, **marker.kwargs)


@pytest.fixture
def event_id_contract() -> Callable[..., Any]:
    """``event_id_contract(order_key, model=OrderPlaced)``: :func:`check_event_id`."""
    from eventlint.testing import check_event_id

    return check_event_id
