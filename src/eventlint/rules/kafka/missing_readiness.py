"""EVT401: a Kafka consumer is subscribed and consumes without a topic readiness check."""

from __future__ import annotations

import ast
import re

from eventlint.finding import Applicability, Fix, ImportRequest, TextEdit
from eventlint.options import KafkaOptions
from eventlint.rules.base import FileContext, Rule
from eventlint.rules.kafka._consumer_flow import flow_for
from eventlint.rules.kafka._judged_code import judged, where
from eventlint.rules.kafka._lifecycle import Binding, Subscription


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
    ``"from app.kafka import wait_for_topics"``), the call is inserted on the line before the
    subscription (before ``if x:`` for ``if x: consumer.subscribe(...)``) and the import is
    added. Not offered when the topics are not written there, or when the template awaits
    and the function is not async. The fix turns the Incorrect example into the Correct
    one.

    Incorrect::

        from confluent_kafka import Consumer


        def consume() -> None:
            consumer = Consumer({"bootstrap.servers": "kafka:9092", "group.id": "billing"})
            consumer.subscribe(["orders"])
            while True:
                handle(consumer.poll(1.0))

        # file: pyproject.toml
        [tool.eventlint.kafka]
        readiness-functions = ["app.kafka.wait_for_topics"]
        readiness-call = "wait_for_topics({consumer}, {topics})"
        readiness-import = "from app.kafka import wait_for_topics"

    Correct::

        from app.kafka import wait_for_topics
        from confluent_kafka import Consumer


        def consume() -> None:
            consumer = Consumer({"bootstrap.servers": "kafka:9092", "group.id": "billing"})
            wait_for_topics(consumer, ["orders"])
            consumer.subscribe(["orders"])
            while True:
                handle(consumer.poll(1.0))

        # file: pyproject.toml
        [tool.eventlint.kafka]
        readiness-functions = ["app.kafka.wait_for_topics"]
        readiness-call = "wait_for_topics({consumer}, {topics})"
        readiness-import = "from app.kafka import wait_for_topics"
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
        # One readiness call per consumer and function: the first one inserted covers the
        # later subscriptions there (a later one still uncovered gets its fix next round).
        fixed: set[tuple[int, int]] = set()
        for binding, sub in pending:
            if binding.offset_reset == "earliest" or flow.covered(binding, sub):
                continue
            if self.context.is_test_file and flow.race(binding, sub) is not None:
                continue  # EVT404 says what breaks in a test
            consumption = binding.first_consumption(sub)
            if consumption is None:
                continue
            key = (id(binding), id(sub.function))
            fix = None if key in fixed else self._fix(binding, sub)
            if fix is not None:
                fixed.add(key)
            self.report(
                sub.node,
                f"`{binding.name}` ({binding.library}) is subscribed here and first consumes "
                f"{where(self.context, sub, consumption)} with no readiness check: until its "
                "topics exist it gets no partitions, and once they appear it starts at the "
                "latest offset, losing what was produced in between; check the topics first "
                "(metadata, an admin call, or a wait for the assignment)",
                fix,
            )

    def _fix(self, binding: Binding, sub: Subscription) -> Fix | None:
        context = self.context
        options = context.settings.config.kafka
        if options.readiness_call is None or options.readiness_import is None:
            return None
        if sub.statement is None or sub.consumer is None:
            return None
        topics = _topics_source(context, binding, sub)
        if topics is None:
            return None
        if options.readiness_call.startswith("await ") and not sub.function.is_async:
            return None
        # Before the statement, or before the one whose one-line body it is in.
        insertion = _line_before(context, sub.statement) or (
            _line_before(context, sub.parent) if sub.parent is not None else None
        )
        if insertion is None:
            return None
        offset, indent, newline = insertion
        call = options.readiness_call.format(
            consumer=context.source_of(sub.consumer), topics=topics
        ).strip()
        request = _import(options)
        # The module that defines the readiness function needs no import of it (and one
        # would be circular).
        needed = request.bound not in _top_level_definitions(context.module)
        return Fix(
            Applicability.UNSAFE,
            (TextEdit(offset, offset, f"{indent}{call}{newline}"),),
            (request,) if needed else (),
        )


_LINE_BREAK = re.compile(r"\r\n?|\n")


def _topics_source(context: FileContext, binding: Binding, sub: Subscription) -> str | None:
    """The topics as written where the consumer is subscribed."""
    topics = list(sub.topics)
    if not topics or any(isinstance(topic, ast.Starred) for topic in topics):
        return None
    elsewhere = binding.call is not None and sub.function is not binding.function
    if elsewhere and not all(_means_the_same_anywhere(topic) for topic in topics):
        return None  # a local name of another function means nothing here
    parts = [context.source_of(topic) for topic in topics]
    return parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"


def _means_the_same_anywhere(topic: ast.expr) -> bool:
    """A string literal, a list display or an attribute (``Topics.ORDERS``)."""
    if isinstance(topic, ast.Constant):
        return isinstance(topic.value, (str, bytes))
    return isinstance(topic, (ast.List, ast.Attribute))


def _line_before(context: FileContext, statement: ast.stmt) -> tuple[int, str, str] | None:
    """Where a statement goes on a line of its own just before ``statement`` (the first
    statement of its line), with the line's indentation and line break; None when the
    statement does not start its line (it is the body of ``if x: ...``) or is an ``elif``."""
    start, _ = context.span(statement)
    line_start = context.line_starts[context.position(statement).start.line - 1]
    indent = context.text[line_start:start]
    if indent.strip() or (isinstance(statement, ast.If) and context.text.startswith("elif", start)):
        return None
    line_break = _LINE_BREAK.search(context.text, start)
    return line_start, indent, line_break.group() if line_break else "\n"


def _import(options: KafkaOptions) -> ImportRequest:
    statement = ast.parse(options.readiness_import or "").body[0]  # validated with the config
    if isinstance(statement, ast.ImportFrom):
        return ImportRequest(statement.module or "", statement.names[0].name)
    assert isinstance(statement, ast.Import)
    return ImportRequest(statement.names[0].name)


def _top_level_definitions(module: ast.Module) -> set[str]:
    return {
        statement.name
        for statement in module.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
