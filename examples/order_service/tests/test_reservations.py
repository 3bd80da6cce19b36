"""Tests written before orders/inventory.py was merged into orders/stock.py (EVT301, EVT302,
EVT303): they fail at collection, or patch something that no longer exists."""

from unittest import mock

from orders.errors import ErrorCode, OrderRejected
from orders.inventory import reserve


@mock.patch("orders.inventory.reserve")
def test_reservation_is_patched(reserve_mock: mock.MagicMock) -> None:
    reserve("sku-1", 1)
    assert ErrorCode and OrderRejected
