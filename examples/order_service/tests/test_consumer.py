"""A consumer test that races the rebalance (EVT404)."""

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from orders.kafka import BROKERS


async def test_an_order_is_consumed() -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=BROKERS, group_id="test-orders")
    await consumer.start()
    consumer.subscribe(["orders"])
    producer = AIOKafkaProducer(bootstrap_servers=BROKERS)
    await producer.start()
    # Sent before the consumer has its partitions: it reads from the latest offset, so this
    # message is skipped and getone() waits forever.
    await producer.send_and_wait("orders", b'{"order_id": "o-1"}')
    message = await consumer.getone()
    assert message.value == b'{"order_id": "o-1"}'
