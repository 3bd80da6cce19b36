"""EVT404: a test produces before its consumer is assigned, and the messages are skipped."""

from __future__ import annotations

from eventlint.rules.base import FileContext, Rule
from eventlint.rules.kafka._consumer_flow import flow_for
from eventlint.rules.kafka._judged_code import judged, where


class ProduceBeforeAssignment(Rule):
    """A test produces to a consumer's topics before the consumer has its partitions.

    A consumer reading from the latest offset (every client's default) starts at the end of
    each partition *when it is assigned it*. A test that subscribes, produces at once and
    then consumes races the group's rebalance: messages produced before the assignment (and,
    for aiokafka, before its lazy ``latest`` position is resolved) are never read, and the
    test hangs or flakes.

    Flags, in test files, the first production (``send``/``send_and_wait``/``produce`` of a
    producer, or a helper named ``produce*``/``send_message*``/``publish*``) between a
    subscription and the first consumption of the same consumer in the same test, with no wait
    for the assignment in between. The subscription may be in a function of the module that
    builds, subscribes and returns the consumer, in a fixture of the module that does and that
    the test requests, or in a factory such a fixture returns or yields (``consumer = await
    consumer_factory("orders")``, where the fixture's nested ``make`` starts and subscribes).
    Fixtures of a ``conftest.py`` (and of ``pytest_plugins`` modules) count as pytest finds
    them. Which subscriptions race is EVT401's model: confluent-kafka and kafka-python
    ``subscribe``/``assign`` (or topics given to the kafka-python constructor), aiokafka
    ``subscribe`` after ``start()`` or to a ``pattern``; aiokafka's ``start()`` with the topics
    given before it waits for the assignment itself.

    A wait is: a loop on ``assignment()``, an awaited ``seek_to_end()`` (aiokafka; it also
    resolves the position), an ``on_assign`` callback that signals, or a helper of the project
    that does one of these. Not flagged: a consumer reading from ``earliest`` or whose offset
    reset eventlint cannot read, productions inside ``pytest.raises``, and the contexts EVT401
    leaves alone (client libraries' own tests, examples, benchmarks). No fix.

    Incorrect::

        from confluent_kafka import Consumer, Producer


        def test_order_created(producer: Producer) -> None:
            consumer = Consumer({"bootstrap.servers": "kafka:9092", "group.id": "test"})
            consumer.subscribe(["orders"])
            producer.produce("orders", b"created")
            producer.flush()
            assert consumer.poll(10).value() == b"created"

    Correct::

        from confluent_kafka import Consumer, Producer


        def test_order_created(producer: Producer) -> None:
            consumer = Consumer({"bootstrap.servers": "kafka:9092", "group.id": "test"})
            consumer.subscribe(["orders"])
            while not consumer.assignment():
                consumer.poll(0.1)
            producer.produce("orders", b"created")
            producer.flush()
            assert consumer.poll(10).value() == b"created"
    """

    code = "EVT404"
    name = "produce-before-assignment"
    summary = "A test produces before its consumer is assigned: messages are skipped"
    test_files_only = True
    # ``consumer``: a test may get its consumer from a conftest fixture and name no class.
    triggers = ("Consumer", "consumer")

    @classmethod
    def precheck(cls, context: FileContext) -> bool:
        """A consumer class named here, or a fixture of another module that makes a consumer
        requested here (by name: a cheap look before the flow analysis)."""
        text = context.text
        if "Consumer" in text:
            return True
        return any(name in text for name in context.project.consumer_fixtures())

    def check(self) -> None:
        flow = flow_for(self.context)
        for binding, sub in judged(self.context, flow):
            production = flow.race(binding, sub)
            consumption = binding.first_consumption(sub)
            if production is None or consumption is None:
                continue
            wait = (
                f"a loop on `{binding.name}.assignment()`, or an awaited "
                f"`{binding.name}.seek_to_end()`"
                if binding.library == "aiokafka"
                else f"a loop on `{binding.name}.assignment()` while polling"
            )
            self.report(
                production.node,
                f"messages produced here, before `{binding.name}` is assigned its partitions, "
                f"are skipped: it reads from the latest offset and first consumes "
                f"{where(self.context, sub, consumption)}; wait for the assignment first "
                f"({wait})",
            )
