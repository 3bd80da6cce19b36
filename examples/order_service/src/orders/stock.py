"""Stock reservations."""

from __future__ import annotations

from orders.errors import ErrorCode, OrderError

STOCK = {"sku-1": 3}


def reserve(sku: str, quantity: int) -> None:
    if quantity <= 0:
        raise OrderError(f"Quantity must be > 0 (got {quantity})", error_code=ErrorCode.BAD_QUANTITY)
    if sku not in STOCK:
        raise OrderError(
            "The requested SKU is not in the catalogue", error_code=ErrorCode.UNKNOWN_SKU
        )
    if quantity > STOCK[sku]:
        raise OrderError("Not enough units left in stock", error_code=ErrorCode.OUT_OF_STOCK)
