"""Tests that break on every rewording of an error message (EVT201, EVT202, EVT203)."""

import pytest

from orders.errors import OrderError
from orders.stock import reserve


def test_out_of_stock() -> None:
    with pytest.raises(OrderError) as info:
        reserve("sku-1", 5)
    assert str(info.value) == "Not enough units left in stock"


def test_unknown_sku() -> None:
    with pytest.raises(OrderError, match="Unknown SKU requested"):
        reserve("sku-404", 1)


def test_unknown_sku_details() -> None:
    with pytest.raises(OrderError, match="Unknown SKU (sku-404)"):
        reserve("sku-404", 1)
