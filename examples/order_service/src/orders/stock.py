"""Stock reservations."""

from __future__ import annotations

from orders.errors import ErrorCode, OrderError

STOCK = {"sku-1": 3}


def reserve(sku: str, quantity: int) -> None:
    if sku not in STOCK:
        raise OrderError("Unknown SKU requested", error_code=ErrorCode.UNKNOWN_SKU)
    if quantity > STOCK[sku]:
        raise OrderError("Not enough units left in stock", error_code=ErrorCode.OUT_OF_STOCK)
