"""EVT403: topics deleted and recreated, then consumed without waiting for them."""

from __future__ import annotations

from eventlint.rules.base import Rule
from eventlint.rules.kafka._construction import is_fixture
from eventlint.rules.kafka._consumer_flow import flow_for
from eventlint.rules.kafka._kafka_flow import KafkaFlow
from eventlint.rules.kafka._lifecycle import Function, TopicCall


class RecreatedTopicsConsumedWithoutWait(Rule):
    """Topics are deleted, created again, and consumed with no wait for them in between.

    The classic test-setup race: ``delete_topics`` returns before the broker has finished
    deleting, so the following ``create_topics`` may fail or produce a topic whose leaders are
    not elected yet, and the consumer started right after sees no partitions. Wait for the
    topics between creating and consuming: describe them, check the consumer's metadata, poll
    until partitions are assigned, or call a readiness function (see EVT401).

    Flags a ``create_topics`` call that follows a ``delete_topics`` of the same topics (the
    same names or variables mentioned) in one function, when a consumer then starts
    consuming in that function, or anywhere in the module when the function is a pytest
    fixture, with no readiness check between the creation and the start. Creating topics
    that were never deleted is a readiness check itself (see EVT401) and is silent. No fix.

    Incorrect::

        from aiokafka import AIOKafkaConsumer
        from aiokafka.admin import AIOKafkaAdminClient, NewTopic


        async def fresh_orders(admin: AIOKafkaAdminClient) -> AIOKafkaConsumer:
            await admin.delete_topics(["orders"])
            await admin.create_topics([NewTopic("orders", 1, 1)])
            consumer = AIOKafkaConsumer("orders", bootstrap_servers="kafka:9092")
            await consumer.start()
            return consumer

    Correct::

        from aiokafka import AIOKafkaConsumer
        from aiokafka.admin import AIOKafkaAdminClient, NewTopic

        from app.kafka import wait_for_topics


        async def fresh_orders(admin: AIOKafkaAdminClient) -> AIOKafkaConsumer:
            await admin.delete_topics(["orders"])
            await admin.create_topics([NewTopic("orders", 1, 1)])
            await wait_for_topics(admin, ["orders"])
            consumer = AIOKafkaConsumer("orders", bootstrap_servers="kafka:9092")
            await consumer.start()
            return consumer

        # file: pyproject.toml
        [tool.eventlint.kafka]
        readiness-functions = ["app.kafka.wait_for_topics"]
    """

    code = "EVT403"
    name = "recreated-topics-consumed-without-wait"
    summary = "Topics deleted and recreated, then consumed without waiting"
    triggers = ("delete_topics",)

    def check(self) -> None:
        flow = flow_for(self.context)
        for function in flow.functions:
            for creation in function.creations:
                if _recreates(function, creation) and _consumed_unwaited(flow, function, creation):
                    self.report(
                        creation.call,
                        "topics are deleted and recreated, then consumed without waiting for "
                        "them; wait until their metadata shows them ready before consuming",
                    )


def _recreates(function: Function, creation: TopicCall) -> bool:
    return any(
        deletion.index < creation.index and deletion.topics & creation.topics
        for deletion in function.deletions
    )


def _consumed_unwaited(flow: KafkaFlow, function: Function, creation: TopicCall) -> bool:
    activations = flow.activations()
    starts = [start for start in activations if start.function is function]
    if not starts and function.node is not None and is_fixture(function.node):
        starts = activations
    for start in starts:
        if start.function is function and start.index < creation.index:
            continue
        upper = start.index if start.function is function else None
        if not flow.checked_between(function, creation.index, upper):
            return True
    return False
