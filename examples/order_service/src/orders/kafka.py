"""Kafka plumbing shared by the consumers: the readiness check EVT401 asks for."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer

BROKERS = "kafka:9092"


async def wait_for_topics(consumer: AIOKafkaConsumer, topics: str | list[str]) -> None:
    """Wait, with backoff, until the broker's metadata lists every topic."""
    wanted = {topics} if isinstance(topics, str) else set(topics)
    delay = 0.5
    while not wanted <= await consumer.topics():
        await asyncio.sleep(delay)
        delay = min(delay * 2, 10.0)
