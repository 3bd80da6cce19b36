"""The order consumer: it subscribes after start() with no readiness check (EVT401)."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer

from orders.kafka import BROKERS


async def consume_orders() -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=BROKERS, group_id="orders")
    await consumer.start()
    # Subscribed after start(): nothing waits for the topic. If it does not exist yet, the
    # consumer reads nothing, then starts at the latest offset once it appears.
    consumer.subscribe(["orders"])
    try:
        async for message in consumer:
            print(message.value)
    finally:
        await consumer.stop()
