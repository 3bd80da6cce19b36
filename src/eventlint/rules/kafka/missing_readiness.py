"""EVT401: a Kafka consumer is subscribed and consumes without a topic readiness check."""

from __future__ import annotations

import libcst as cst

from eventlint.analysis.walk import descendants
from eventlint.config import KafkaOptions
from eventlint.finding import Applicability, Edit, Fix, ImportRequest
from eventlint.rules.base import Rule
from eventlint.rules.kafka.contexts import judged, where
from eventlint.rules.kafka.flow import flow_for
from eventlint.rules.kafka.lifecycle import Binding, Subscription


class ConsumerWithoutReadiness(Rule):
    """A Kafka consumer is subscribed and consumes with no readiness check in between.

    A consumer subscribed to a topic that does not exist yet (a fresh deploy, a topic created
    by another service later) gets no partitions and reads nothing, silently; once the topic
    appears it starts at the latest offset, and what was produced in between is lost.

    **Consuming** is the first ``getone``/``getmany``/``async for`` (aiokafka),
    ``poll``/``consume`` (confluent-kafka), ``poll`` or iteration (kafka-python): not
    ``start()`` or ``subscribe()``. Judged are subscriptions no client-side wait covers:
    confluent-kafka ``subscribe``/``assign`` (the assignment happens inside ``poll``),
    kafka-python ``subscribe``/``assign`` or topics given to the constructor (assigned on the
    first poll), and aiokafka ``subscribe`` after ``start()`` or to a ``pattern``. An
    aiokafka consumer given its topics before ``start()`` (in the constructor or
    ``subscribe``) is ready when ``start()`` returns: it waits for their metadata and, with a
    group, for the assignment, and a missing topic fails loudly there (EVT402's business).

    **Ready** is any of these between the consumer's creation and its first consumption,
    before or after the subscription: client metadata (``topics()``,
    ``partitions_for_topic()``, ``list_topics()``); an admin client's ``describe_topics``/
    ``list_topics``/``create_topics`` (awaited, or with the futures' ``.result()`` taken); a
    wait for the assignment (a loop on ``assignment()``, ``seek_to_end()``); an ``on_assign``
    callback that signals (one that only prints or logs does not); an acked write
    (``send_and_wait``/``flush``) to the topics.

    **Readiness may live elsewhere:** in a function or method of *any* module of the project
    that performs one of those checks (it counts at every call, also when the consumer is
    passed to it), in ``[tool.eventlint.kafka] readiness-functions``, in a caller that checks
    and then runs the consuming function, in the pytest fixtures a test requests (resolved
    through the test module, its ``conftest.py`` chain and ``pytest_plugins``; autouse ones
    too), or in the deployment: a compose file (``compose.yaml``, ``docker-compose*.yml``)
    whose service for this code (its build context) depends with
    ``service_completed_successfully`` on a job that creates topics, or the folders listed in
    ``ready-by-deployment``.

    Not judged: code inside ``pytest.raises``/``assertRaises`` or an ``xfail`` test; a
    consumer reading from ``earliest`` (nothing is lost when the topic appears); a test where
    EVT404 reports the same consumer; a project that is itself one of the client libraries;
    files under ``examples/``, ``benchmarks/``, ``demo/`` or a ``cli`` package and
    ``__main__.py`` (on the ecosystem check every finding there was noise: demos and tools
    run against topics someone provisioned). Clients are recognised by import (``aiokafka``,
    ``confluent_kafka``, ``kafka``); a consumer that arrives as a plain parameter is its
    creator's business.

    Fix (unsafe), only when configured: with ``readiness-call`` (a statement template such as
    ``"await wait_for_topics({consumer}, {topics})"``) and ``readiness-import`` (such as
    ``"from app.kafka import wait_for_topics"``), the call is inserted before the
    subscription and the import is added. Not offered when the topics are not written there,
    or when the template awaits and the function is not async.

    Incorrect::

        consumer = Consumer({"bootstrap.servers": BROKERS, "group.id": "billing"})
        consumer.subscribe(["orders"])
        while True:
            handle(consumer.poll(1.0))

    Correct::

        consumer = Consumer({"bootstrap.servers": BROKERS, "group.id": "billing"})
        wait_for_topics(consumer, ["orders"])
        consumer.subscribe(["orders"])
        while True:
            handle(consumer.poll(1.0))
    """

    code = "EVT401"
    name = "consumer-without-readiness-check"
    summary = "Kafka consumer subscribed and consuming without a topic readiness check"
    fix_availability = "unsafe"
    triggers = ("Consumer",)

    def check(self) -> None:
        flow = flow_for(self.context)
        pending = list(judged(self.context, flow))
        if not pending or self.context.project.ready_by_deployment() is not None:
            return
        for binding, sub in pending:
            if binding.offset_reset == "earliest" or flow.covered(binding, sub):
                continue
            if self.context.is_test_file and flow.race(binding, sub) is not None:
                continue  # EVT404 says what breaks in a test
            consumption = binding.first_consumption(sub)
            if consumption is None:
                continue
            self.report(
                sub.node,
                f"`{binding.name}` ({binding.library}) is subscribed here and first consumes "
                f"{where(self.context, sub, consumption)} with no readiness check: until its "
                "topics exist it gets no partitions, and once they appear it starts at the "
                "latest offset, losing what was produced in between; check the topics first "
                "(metadata, an admin call, or a wait for the assignment)",
                self._fix(binding, sub),
            )

    def _fix(self, binding: Binding, sub: Subscription) -> Fix | None:
        options = self.context.settings.config.kafka
        if options.readiness_call is None or options.readiness_import is None:
            return None
        topics = _topics_source(self.context.module, binding, sub)
        if topics is None or sub.consumer is None or sub.statement is None:
            return None
        if options.readiness_call.startswith("await ") and not sub.function.is_async:
            return None
        text = options.readiness_call.format(
            consumer=self.context.module.code_for_node(sub.consumer), topics=topics
        )
        block = _block_of(self.context.module, sub.statement)
        if block is None:
            return None
        body = list(block.body)
        position = next(i for i, statement in enumerate(body) if statement is sub.statement)
        body.insert(position, cst.parse_statement(text))
        replacement = block.with_changes(body=body)
        request = _import(options)
        # The module that defines the readiness function needs no import of it (and one
        # would be circular).
        bound = request.name or request.module.split(".")[0]
        needed = bound not in _top_level_definitions(self.context.module)
        return Fix(Applicability.UNSAFE, (Edit(block, replacement),), (request,) if needed else ())


def _topics_source(module: cst.Module, binding: Binding, sub: Subscription) -> str | None:
    """The topics as written where the consumer is subscribed."""
    args = list(sub.topics)
    if not args or any(arg.star for arg in args):
        return None
    elsewhere = binding.call is not None and sub.function is not binding.function
    literal = (cst.SimpleString, cst.List, cst.Attribute)
    if elsewhere and any(not isinstance(arg.value, literal) for arg in args):
        return None  # a local name of another function means nothing here
    parts = [module.code_for_node(arg.value) for arg in args]
    return parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"


def _block_of(
    module: cst.Module, statement: cst.BaseStatement
) -> cst.IndentedBlock | cst.Module | None:
    if any(item is statement for item in module.body):
        return module
    for node in descendants(module):
        if isinstance(node, cst.IndentedBlock) and any(item is statement for item in node.body):
            return node
    return None


def _import(options: KafkaOptions) -> ImportRequest:
    statement = cst.parse_statement(options.readiness_import or "")
    assert isinstance(statement, cst.SimpleStatementLine)  # validated with the config
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom):
        module = cst.Module([]).code_for_node(small.module) if small.module else ""
        names = small.names
        assert not isinstance(names, cst.ImportStar)
        return ImportRequest(module, cst.Module([]).code_for_node(names[0].name))
    assert isinstance(small, cst.Import)
    return ImportRequest(cst.Module([]).code_for_node(small.names[0].name))


def _top_level_definitions(module: cst.Module) -> set[str]:
    return {
        statement.name.value
        for statement in module.body
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef))
    }
