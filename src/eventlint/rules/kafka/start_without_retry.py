"""EVT402: a consumer is started or subscribed outside any retry with backoff."""

from __future__ import annotations

from eventlint.rules.base import Rule
from eventlint.rules.kafka.flow import flow_for


class ConsumerStartWithoutRetry(Rule):
    """A consumer's ``start()``/``subscribe()`` is not retried with a backoff.

    Brokers restart, and a service deployed alongside a new topic may start first. A single
    attempt turns a few seconds of broker unavailability into a crash loop. Flags aiokafka
    ``start()`` and ``subscribe()``, and confluent/kafka-python ``subscribe()``/``assign()``,
    on consumers recognised by import (see EVT401), unless the call sits in a loop whose body
    sleeps or backs off (a call whose name starts with ``sleep``, ``backoff``, ``wait`` or
    ``retry``), or in a function under a retry decorator (``tenacity``, ``backoff``, or any
    decorator with ``retry`` in its name).

    Off by default: many services rely on their orchestrator to restart them, which is a
    retry with backoff too; enable it with ``extend-select = ["EVT402"]``. No fix.

    Incorrect::

        await consumer.start()

    Correct::

        @tenacity.retry(wait=tenacity.wait_exponential(max=30))
        async def start_consumer(consumer):
            await consumer.start()
    """

    code = "EVT402"
    name = "consumer-start-without-retry"
    summary = "Consumer start/subscribe without retry and backoff"
    default_enabled = False
    triggers = ("Consumer",)

    def check(self) -> None:
        for point in flow_for(self.context).starts_and_subscriptions():
            if not point.in_retry_loop:
                self.report(
                    point.node,
                    "consumer start is tried once; retry it with a backoff "
                    "(a loop with a sleep, or a tenacity/backoff decorator)",
                )
