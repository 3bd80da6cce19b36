"""Errors carry codes, so tests can assert on the code instead of the wording."""

from __future__ import annotations

import enum


class ErrorCode(enum.Enum):
    OUT_OF_STOCK = "out_of_stock"
    UNKNOWN_SKU = "unknown_sku"
    BAD_QUANTITY = "bad_quantity"


class OrderError(Exception):
    """A structured error: its message is also kept as ``reason``, beside its code."""

    def __init__(self, message: str, error_code: ErrorCode) -> None:
        super().__init__(message)
        self.reason = message
        self.error_code = error_code
