"""Errors carry codes, so tests can assert on the code instead of the wording."""

from __future__ import annotations

import enum


class ErrorCode(enum.Enum):
    OUT_OF_STOCK = "out_of_stock"
    UNKNOWN_SKU = "unknown_sku"
    BAD_QUANTITY = "bad_quantity"


class OrderError(Exception):
    def __init__(self, message: str, error_code: ErrorCode) -> None:
        super().__init__(message)
        self.error_code = error_code
