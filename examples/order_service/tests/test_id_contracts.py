"""The ID functions' contracts, proved on the running code (eventlint.testing).

The first test passes. The others fail on purpose: each function is one of the bugs this
service has, and the failure names the property and the field. Run them with
``pytest tests/test_id_contracts.py`` in this folder (``--event-id-contracts`` adds the rest).
"""

from __future__ import annotations

import hashlib
import json
import uuid

from pydantic import BaseModel

from eventlint.testing import check_event_id
from orders.events import OrderPlaced, PaymentCaptured
from orders.idempotency import order_key, payment_idempotency_key, stable_payment_key


class StockAdjusted(BaseModel):
    event_id: str
    sku: str
    counts: dict[str, int]


def customer_order_key(event: OrderPlaced) -> str:
    key = f"{event.order_id}:{event.customer_email}"  # noqa: EVT102 (a bug on purpose)
    return hashlib.sha256(key.encode()).hexdigest()


def stock_key(event: StockAdjusted) -> str:
    body = json.dumps({"sku": event.sku, "counts": event.counts})  # noqa: EVT104
    return hashlib.sha256(body.encode()).hexdigest()


def random_order_key(event: OrderPlaced) -> str:
    return f"{event.order_id}:{uuid.uuid4()}"  # noqa: EVT103


def test_stable_payment_key_keeps_the_contract() -> None:
    # The amount does not make a capture another capture: left out on purpose.
    check_event_id(stable_payment_key, model=PaymentCaptured, ignore=["amount_cents"])


def test_order_key_hashes_the_envelope() -> None:
    check_event_id(order_key, model=OrderPlaced, ignore=["quantity"])


def test_customer_order_key_hashes_the_email() -> None:
    check_event_id(customer_order_key, model=OrderPlaced, ignore=["sku", "quantity"])


def test_payment_key_uses_builtin_hash() -> None:
    check_event_id(payment_idempotency_key, model=PaymentCaptured, ignore=["order_id"])


def test_stock_key_dumps_unsorted_json() -> None:
    check_event_id(stock_key, model=StockAdjusted)


def test_random_order_key_is_not_deterministic() -> None:
    check_event_id(random_order_key, model=OrderPlaced, ignore=["sku", "quantity"])
