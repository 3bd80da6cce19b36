"""How the order service derives idempotency keys (with the bugs eventlint finds)."""

from __future__ import annotations

import hashlib
import json
import time
import uuid

from orders.events import OrderPlaced, PaymentCaptured

ORDERS = uuid.UUID("0b6b1c4e-8f5a-4c8e-9d39-2f6f4d2b9e11")


def order_key(event: OrderPlaced) -> str:
    """Same order, same key: unless the envelope sneaks in (EVT101, EVT104)."""
    payload = {"order_id": event.order_id, "sku": event.sku, "event_id": event.event_id}
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def order_uuid(event: OrderPlaced) -> uuid.UUID:
    """The whole event, envelope and customer email included (EVT101, EVT102)."""
    return uuid.uuid5(ORDERS, event.model_dump_json())


def payment_dedup_key(event: PaymentCaptured) -> str:
    """A timestamp makes every retry look new (EVT103)."""
    return hashlib.sha1(f"{event.payment_id}:{time.time()}".encode()).hexdigest()


def payment_idempotency_key(event: PaymentCaptured) -> int:
    """Builtin hash() differs per worker process (EVT105)."""
    return hash((event.payment_id, event.amount_cents))


def stable_payment_key(event: PaymentCaptured) -> str:
    """The right way: business fields only, canonical JSON, a real hash."""
    body = json.dumps({"payment_id": event.payment_id, "order_id": event.order_id}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()
