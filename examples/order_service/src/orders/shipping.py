"""Shipment notifications, on the generic envelope."""

from __future__ import annotations

import hashlib

from orders.events import Envelope, OrderShipped


def shipment_key(envelope: Envelope[OrderShipped]) -> str:
    # Bug: the payload's recipient_email is hashed into the key (EVT102); `courier` is
    # excluded, the email is not.
    payload = envelope.data.model_dump_json(exclude={"courier"})
    return hashlib.sha256(payload.encode()).hexdigest()
