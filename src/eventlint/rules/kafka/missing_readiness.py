"""EVT401: a Kafka consumer starts consuming without a topic readiness check."""

from __future__ import annotations

import libcst as cst

from eventlint.analysis.walk import descendants
from eventlint.config import KafkaOptions
from eventlint.finding import Applicability, Edit, Fix, ImportRequest
from eventlint.rules.base import Rule
from eventlint.rules.kafka.flow import Start, flow_for

_HINT = "check topic metadata (or wait for it, with backoff) before consuming"


class ConsumerWithoutReadiness(Rule):
    """A Kafka consumer starts consuming with no readiness check on the path to it.

    After a fresh deploy, or in tests that delete and recreate topics, a consumer that starts
    before its topics exist fails, or silently misses messages until a rebalance. Verify the
    topics first: client metadata (aiokafka/kafka-python ``topics()`` or
    ``partitions_for_topic()``, confluent ``list_topics()``), an admin client's
    ``describe_topics``/``list_topics``/``create_topics`` (awaited, or with the futures'
    ``.result()`` taken), a loop that waits on ``assignment()``, an ``on_assign`` callback that
    signals readiness (one that only prints or logs does not), or a call to a readiness
    function: one named in ``[tool.eventlint.kafka] readiness-functions`` (default
    ``wait_for_topic_availability``, ``wait_for_topics``, ``ensure_topics``) or any function
    of the same module that performs one of these checks.

    A check counts when it runs earlier in the function that starts consuming, in a method it
    calls first (``start()`` calling ``self._ensure_topics()``), or in a function of the
    module that checks and then runs, or hands to a thread, the consuming function.

    Consumption starts at aiokafka ``getone``/``getmany``/``async for`` (or ``start()`` when
    the constructor was given topics), confluent ``subscribe``/``assign`` of a consumer that
    is polled, kafka-python iteration or ``poll()`` (or the construction, when given topics).
    Clients are recognised by import (``aiokafka``, ``confluent_kafka``, ``kafka``); a class of
    the same name from another library, or one the project defines, is not judged, nor is a
    consumer that arrives as a parameter.

    Fix (unsafe), only when configured: with ``readiness-call`` (a statement template such as
    ``"await wait_for_topics({consumer}, {topics})"``) and ``readiness-import`` (such as
    ``"from app.kafka import wait_for_topics"``), the call is inserted before the statement
    that starts consuming and the import is added. Not offered when the topics are not
    written at the start, or when the template awaits and the function is not async.

    Incorrect::

        consumer = AIOKafkaConsumer("orders", bootstrap_servers=BROKERS)
        await consumer.start()

    Correct::

        consumer = AIOKafkaConsumer("orders", bootstrap_servers=BROKERS)
        await wait_for_topics(consumer, "orders")
        await consumer.start()
    """

    code = "EVT401"
    name = "consumer-without-readiness-check"
    summary = "Kafka consumer starts without a topic readiness check"
    fix_availability = "unsafe"
    triggers = ("Consumer",)

    def check(self) -> None:
        flow = flow_for(self.context)
        for start in flow.starts:
            if flow.covered(start):
                continue
            self.report(
                start.node,
                f"{start.binding.library} consumer starts consuming without a readiness "
                f"check; {_HINT}",
                self._fix(start),
            )

    def _fix(self, start: Start) -> Fix | None:
        options = self.context.settings.config.kafka
        if options.readiness_call is None or options.readiness_import is None:
            return None
        topics = _topics_source(self.context.module, start)
        if topics is None or start.consumer is None or start.statement is None:
            return None
        if options.readiness_call.startswith("await ") and not start.function.is_async:
            return None
        text = options.readiness_call.format(
            consumer=self.context.module.code_for_node(start.consumer), topics=topics
        )
        block = _block_of(self.context.module, start.statement)
        if block is None:
            return None
        body = list(block.body)
        position = next(i for i, statement in enumerate(body) if statement is start.statement)
        body.insert(position, cst.parse_statement(text))
        replacement = block.with_changes(body=body)
        request = _import(options)
        # The module that defines the readiness function needs no import of it (and one
        # would be circular).
        bound = request.name or request.module.split(".")[0]
        needed = bound not in _top_level_definitions(self.context.module)
        return Fix(Applicability.UNSAFE, (Edit(block, replacement),), (request,) if needed else ())


def _topics_source(module: cst.Module, start: Start) -> str | None:
    """The topics as written: the constructor's positional arguments, or what ``subscribe``
    / ``assign`` was given."""
    if start.binding.library == "confluent" and isinstance(start.node, cst.Call):
        args = [arg for arg in start.node.args if arg.keyword is None]
    else:
        args = [arg for arg in start.binding.call.args if arg.keyword is None]
    if not args or any(arg.star for arg in args):
        return None
    if start.binding.function is not start.function and any(
        not isinstance(arg.value, (cst.SimpleString, cst.Attribute)) for arg in args
    ):
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
