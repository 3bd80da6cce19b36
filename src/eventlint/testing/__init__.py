"""Property tests for event-ID functions, run inside the project's own pytest suite.

``check_event_id(order_key, model=OrderPlaced)`` generates events (with hypothesis) and checks
that the ID ignores envelope metadata and sensitive fields, changes with every business
field, and is the same twice, after rebuilding the event and in a fresh interpreter. Needs
the ``testing`` extra (``pip install "eventlint[testing]"``). The pytest plugin
(``eventlint.pytest_plugin``) adds the ``event_id_contract`` marker and fixture.

Unlike the linter, this calls the project's code: it runs only where the team's tests run.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401 - only to say what is missing
except ImportError as error:
    raise ImportError(
        'eventlint.testing needs hypothesis: pip install "eventlint[testing]"'
    ) from error

from eventlint.testing.contract import ContractReport, ContractViolation, check_event_id

__all__ = ["ContractReport", "ContractViolation", "check_event_id"]
