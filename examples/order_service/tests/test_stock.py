"""Tests that break on every rewording of an error message (EVT201, EVT202, EVT203)."""

import pytest

from orders.errors import OrderError
from orders.stock import reserve


def test_out_of_stock() -> None:
    with pytest.raises(OrderError) as info:
        reserve("sku-1", 5)
    assert str(info.value) == "Not enough units left in stock"


def test_out_of_stock_reason() -> None:
    # The structured error keeps its message as `reason`: pinned whole all the same.
    with pytest.raises(OrderError) as info:
        reserve("sku-2", 9)
    assert info.value.reason == "Not enough units left in stock"


def test_unknown_sku() -> None:
    with pytest.raises(OrderError, match="The requested SKU is not in the catalogue"):
        reserve("sku-404", 1)


def test_negative_quantity() -> None:
    # The parentheses are a regex group: this pattern never matches the message.
    with pytest.raises(OrderError, match="must be > 0 (got -1)"):
        reserve("sku-1", -1)
