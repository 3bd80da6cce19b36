"""The pytest plugin (entry point ``pytest11``): the ``event_id_contract`` marker and fixture,
and ``--event-id-contracts``, which adds one test per ID function the static analysis finds.

Loaded by every pytest run where eventlint is installed, so it lives outside
``eventlint.testing`` and imports nothing heavy until a test asks for a contract: hypothesis
is an optional extra, and a project without it must still run its tests.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pydantic import BaseModel

    from eventlint.testing.discovery import IdFunction


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("event_id_contracts", default=False):
        try:
            import eventlint.testing  # noqa: F401 - hypothesis is an optional extra
        except ImportError as error:
            raise pytest.UsageError(f"--event-id-contracts: {error}") from None
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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--event-id-contracts",
        action="store_true",
        default=False,
        help="check the event-ID contract of every ID function eventlint's static analysis "
        "finds in the project (eventlint.testing)",
    )


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if not config.getoption("event_id_contracts"):
        return
    from eventlint.testing.discovery import id_functions

    for found in id_functions(Path(config.rootpath)):
        items.append(
            EventIdContractItem.from_parent(
                session, name=f"event-id-contract[{found.label}]", found=found
            )
        )


class EventIdContractItem(pytest.Item):
    """One ID function's contract; skipped, with the reason, when it cannot be called with
    one event."""

    def __init__(self, *, found: IdFunction, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.found = found
        # A test function's item has it, and plugins' hooks read it from every item:
        # pytest-lsp 1.0.1's ``pytest_runtest_call`` wrapper returns without yielding for
        # an item that lacks it, failing every contract item wherever pytest-lsp is installed.
        self.funcargs: dict[str, Any] = {}

    def runtest(self) -> None:
        from eventlint.testing import check_event_id

        found = self.found
        if found.problem is not None or found.module is None:
            pytest.skip(f"{found.label}: {found.problem}")
        try:
            target: Any = importlib.import_module(found.module)
            for part in found.qualname.split("."):
                target = getattr(target, part)
        except Exception as error:  # any import failure: a reason to report, not a crash
            pytest.skip(f"{found.label}: cannot be imported ({type(error).__name__}: {error})")
        model = _event_model(target)
        if model is None:
            pytest.skip(f"{found.label}: its parameter's annotation is not a pydantic model")
        # A business field the function never reads is left out on purpose (a team states
        # this with ignore= in a test of its own; here the code says it).
        unread = (
            []
            if found.reads is None
            else [name for name in model.model_fields if name not in found.reads]
        )
        check_event_id(target, model=model, ignore=unread)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.found.path, self.found.line - 1, f"event ID contract of {self.found.label}"

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, AssertionError):
            return f"{self.found.label} ({self.found.path}:{self.found.line}):\n{excinfo.value}"
        return super().repr_failure(excinfo, style=style)


def _event_model(function: Callable[..., Any]) -> type[BaseModel] | None:
    from pydantic import BaseModel

    try:
        hints = typing.get_type_hints(function)
        first = next(iter(inspect.signature(function).parameters))
    except (NameError, TypeError, ValueError, StopIteration):
        return None
    model = hints.get(first)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None
