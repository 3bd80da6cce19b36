"""EVT402: a consumer is started or subscribed outside any retry with backoff."""

from __future__ import annotations

from eventlint.rules.base import Rule
from eventlint.rules.kafka._consumer_flow import flow_for
from eventlint.rules.kafka._judged_code import is_client_library, is_non_service_code


class ConsumerStartWithoutRetry(Rule):
    """A consumer's first contact with the brokers is not retried with a backoff.

    Brokers restart, and a service deployed alongside them may start first. A single attempt
    turns a few seconds of broker unavailability into a crash loop. Flags where a consumer
    connects and can fail: aiokafka's ``start()`` (it bootstraps, waits for the topics given
    before it and raises when it cannot) and kafka-python's ``KafkaConsumer(...)`` (its
    constructor bootstraps and raises ``NoBrokersAvailable``), on consumers recognised by
    import (see EVT401). Not ``subscribe()``/``assign()``, which are local in every client, nor
    confluent-kafka, which retries inside and never fails there. Silent when the call sits in
    a loop whose body sleeps or backs off (a call whose name starts with ``sleep``,
    ``backoff``, ``wait`` or ``retry``), or in a function under a retry decorator
    (``tenacity``, ``backoff``, or any decorator with ``retry`` in its name).

    Service code only: not in test files (a test that cannot reach its broker should fail),
    nor where EVT401 does not judge (client libraries' own code, ``examples/``,
    ``benchmarks/``, ``demo/``, ``cli`` folders, ``__main__.py``, ``pytest.raises`` blocks).

    Off by default: many services rely on their orchestrator to restart them, which is a
    retry with backoff too; enable it with ``extend-select = ["EVT402"]``. No fix.

    Incorrect::

        from aiokafka import AIOKafkaConsumer


        async def start_consumer() -> AIOKafkaConsumer:
            consumer = AIOKafkaConsumer("orders", bootstrap_servers="kafka:9092")
            await consumer.start()
            return consumer

    Correct::

        import tenacity
        from aiokafka import AIOKafkaConsumer


        @tenacity.retry(wait=tenacity.wait_exponential(max=30))
        async def start_consumer() -> AIOKafkaConsumer:
            consumer = AIOKafkaConsumer("orders", bootstrap_servers="kafka:9092")
            await consumer.start()
            return consumer
    """

    code = "EVT402"
    name = "consumer-start-without-retry"
    summary = "Consumer start/subscribe without retry and backoff"
    default_enabled = False
    triggers = ("Consumer",)

    def check(self) -> None:
        context = self.context
        if context.is_test_file or is_non_service_code(context):
            return
        for binding, point in flow_for(context).connections():
            if is_client_library(context, binding):
                continue
            if not point.in_retry_loop and not point.expecting_failure:
                self.report(
                    point.node,
                    "the consumer connects once: if the brokers are not up yet this fails; retry "
                    "it with a backoff (a loop with a sleep, or a tenacity/backoff decorator)",
                )
