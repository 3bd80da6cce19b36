"""Event envelopes: metadata that differs between copies of the same business event."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, SecretStr


class EventEnvelope(BaseModel):
    event_id: str
    produced_at: datetime
    trace_id: str | None = None


class OrderPlaced(EventEnvelope):
    order_id: str
    sku: str
    quantity: int
    customer_email: str


class PaymentCaptured(EventEnvelope):
    payment_id: str
    order_id: str
    amount_cents: int
    card_number: SecretStr


Payload = TypeVar("Payload")


class Envelope(BaseModel, Generic[Payload]):
    """The newer, generic envelope: metadata around any payload model."""

    event_id: str
    occurred_at: datetime
    data: Payload


class OrderShipped(BaseModel):
    order_id: str
    courier: str
    recipient_email: str

