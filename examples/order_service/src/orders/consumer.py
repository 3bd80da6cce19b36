"""The order consumer: it starts before its topic is known to exist (EVT401)."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer

from orders.kafka import BROKERS


async def consume_orders() -> None:
    consumer = AIOKafkaConsumer("orders", bootstrap_servers=BROKERS, group_id="orders")
    await consumer.start()
    try:
        async for message in consumer:
            print(message.value)
    finally:
        await consumer.stop()
