"""Shared analysis of the EVT4xx rules: each Kafka consumer's lifecycle, and what makes its
topics ready (the walk; what it finds is a ``_kafka_flow.KafkaFlow``).

Clients are known by import, never by name: ``aiokafka.AIOKafkaConsumer``,
``confluent_kafka.Consumer``/``DeserializingConsumer`` and ``kafka.KafkaConsumer``
(kafka-python), however they are imported or aliased. A consumer is followed through the name
or ``self.`` attribute its construction is assigned to, and through a function of the module
that builds, subscribes and returns one (a factory, or a pytest fixture a test requests); a
consumer that arrives as a plain parameter is its creator's business.

A consumer's lifecycle: created, then subscribed (``subscribe``/``assign``, the topics given to
the constructor, or, for aiokafka, ``start()``), then consuming: the first
``getone``/``getmany``/``async for`` (aiokafka), ``poll``/``consume`` (confluent-kafka),
``poll``/iteration (kafka-python); what each client does in between is in ``_kafka_flow``.

Each function (and the module body) is read in source order into events: checks (topic
metadata, admin calls, waits for the assignment, readiness helpers of the project), the
subscriptions and consumptions of each consumer, productions, and topic deletions and
creations. "Before" means earlier in that order, whatever the branches.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial

from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.walk import descendants
from eventlint.rules.base import FileContext
from eventlint.rules.kafka._call_meaning import (
    in_order,
    is_quiet,
    is_retry_decorator,
    is_xfail,
    mentioned,
    produces,
    sleeps_in,
)
from eventlint.rules.kafka._construction import (
    ASSIGNMENT_WAITS,
    METADATA,
    Factory,
    FixtureFactories,
    factories,
    may_hold_clients,
    mentions_assignment,
    module_dicts,
    offset_reset,
    requested_fixtures,
    topics_of,
)
from eventlint.rules.kafka._kafka_flow import KafkaFlow
from eventlint.rules.kafka._lifecycle import (
    ADMINS,
    CONSUMERS,
    PRODUCERS,
    Binding,
    CallForm,
    CallRef,
    Function,
    Point,
    Production,
    Subscription,
    TopicCall,
)

_CONSUMING = {
    "aiokafka": frozenset({"getone", "getmany"}),
    "confluent": frozenset({"poll", "consume"}),
    "kafka-python": frozenset({"poll"}),
}
# A write whose delivery was awaited: the topic exists and has a leader.
_ACKED_WRITES = frozenset({"send_and_wait", "flush"})
_ADMIN_CHECKS = frozenset({"describe_topics", "list_topics", "create_topics"})
_EXPECTED_FAILURES = frozenset({"raises", "assertRaises", "assertRaisesRegex"})


def flow_for(context: FileContext) -> KafkaFlow:
    return context.analysis(KafkaFlow, _build)


def _build(context: FileContext) -> KafkaFlow:
    if not may_hold_clients(context):
        return KafkaFlow(context)  # no client, no binding: every Kafka rule is silent
    return _Builder(context).read_module(context.module)


@dataclass
class _Place:
    """Where the walk is: the function, the statement, and what surrounds it."""

    function: Function
    statement: ast.stmt | None = None
    parent: ast.stmt | None = None  # the statement ``statement`` is in
    retry_loop: bool = False
    expecting_failure: bool = False


# What the walk does next: read a node at a place, or run a step that follows the nodes
# before it (a ``with`` item's binding once the item is read, leaving a class).
_Task = tuple[ast.AST, _Place] | Callable[[], None]
_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class _Builder:
    def __init__(self, context: FileContext) -> None:
        self._context = context
        self._imports: ImportMap = context.imports
        readiness = context.settings.config.kafka.readiness_functions
        self._configured = frozenset(name.rsplit(".", 1)[-1] for name in readiness)
        self.flow = KafkaFlow(context)
        self._consumers: dict[tuple[int, str], Binding] = {}
        self._admins: dict[tuple[int, str], Binding] = {}
        self._producers: dict[tuple[int, str], Binding] = {}
        self._signal_callbacks: set[str] = set()
        self._factories: dict[str, Factory] = {}
        self._fixture_factories = FixtureFactories(context.project)  # of conftest.py files
        self._dicts: dict[str, ast.Dict] = {}  # module-level config dicts, by name
        self._index = 0
        self._module_function = Function(node=None, name="<module>")
        self._classes: list[str] = []  # the class being read, innermost last
        self._tasks: list[_Task] = []
        # A statement after another on its line (``a; b``), with the first of the line.
        self._line_heads: dict[int, ast.stmt] = {}
        self._awaited: set[int] = set()  # the ids of calls that are awaited right there
        self._results_taken_in: dict[int, bool] = {}  # by function id

    # -- reading -------------------------------------------------------------------------

    def read_module(self, module: ast.Module) -> KafkaFlow:
        self._dicts = module_dicts(module)
        self._factories = factories(module, self._imports, self._dicts)
        self.flow.functions.append(self._module_function)
        self._tasks = [(module, _Place(self._module_function))]
        while self._tasks:
            task = self._tasks.pop()
            if isinstance(task, tuple):
                self._visit(*task)
            else:
                task()
        return self.finish()

    def _factory_named(self, name: str, function: Function) -> Factory | None:
        """A factory of the module, or one a requested fixture of another module is."""
        found = self._factories.get(name)
        if found is not None or name not in function.fixtures or not self._context.is_test_file:
            return found  # fixtures of other modules serve tests, not production functions
        return self._fixture_factories.get(name)

    def _then(self, tasks: Iterable[_Task]) -> None:
        """Read these next, in this order (before what was scheduled already)."""
        pending = list(tasks)
        previous: ast.AST | None = None
        for task in pending:
            if isinstance(task, tuple):
                node = task[0]
                if (
                    isinstance(node, ast.stmt)
                    and isinstance(previous, ast.stmt)
                    and previous.end_lineno == node.lineno
                ):
                    self._line_heads[id(node)] = self._line_heads.get(id(previous), previous)
                previous = node
        self._tasks.extend(reversed(pending))

    def _read(self, nodes: Iterable[ast.AST], place: _Place) -> None:
        self._then((node, place) for node in nodes)

    def _key(self, target: ast.expr, function: Function) -> tuple[int, str] | None:
        name = dotted_name(target)
        if name is None:
            return None
        # ``self.x`` lives as long as the object: one key for the whole class.
        return (0, name) if "." in name else (id(function), name)

    def _bound(
        self, table: dict[tuple[int, str], Binding], target: ast.expr, function: Function
    ) -> Binding | None:
        """The binding a name refers to: local first, then the module's."""
        key = self._key(target, function)
        if key is None:
            return None
        if key in table:
            return table[key]
        return table.get((id(self._module_function), key[1]))

    def _point(self, node: ast.AST, place: _Place) -> Point:
        return Point(
            node=node,
            index=self._index,
            function=place.function,
            statement=place.statement,
            parent=place.parent,
            in_retry_loop=place.retry_loop or place.function.retried,
            expecting_failure=place.expecting_failure or place.function.expects_failure,
        )

    def _visit(self, node: ast.AST, place: _Place) -> None:
        self._index += 1
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(node)
            return
        if isinstance(node, ast.stmt):
            statement = self._line_heads.pop(id(node), node)
            place = replace(place, statement=statement, parent=place.statement)
        if isinstance(node, (ast.While, ast.For, ast.AsyncFor)):
            self._loop(node, place)
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            self._with(node, place)
            return
        if isinstance(node, ast.Assign):
            self._assign(node.targets, node.value, place)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self._assign([node.target], node.value, place)
        elif isinstance(node, ast.Call):
            self._call(node, place)
        elif isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            self._awaited.add(id(node.value))
        elif isinstance(node, (ast.Name, ast.Attribute)):
            name = dotted_name(node)
            if name is not None:
                form = CallForm.SELF if name.startswith("self.") else CallForm.BARE
                if name.count(".") <= 1 and (form is CallForm.SELF or "." not in name):
                    place.function.references.append(
                        CallRef(self._index, name.split(".")[-1], form)
                    )
                return  # a plain dotted name has no calls inside
        elif isinstance(node, ast.ClassDef):
            self._classes.append(node.name)
            self._then([*((child, place) for child in in_order(node)), self._leave_class])
            return
        self._read(in_order(node), place)

    def _leave_class(self) -> None:
        self._classes.pop()

    def _function(self, node: _FunctionNode) -> None:
        decorators = node.decorator_list
        function = Function(
            node=node,
            name=node.name,
            owner=self._classes[-1] if self._classes else None,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            retried=any(is_retry_decorator(d) for d in decorators),
            expects_failure=any(is_xfail(d) for d in decorators),
            fixtures=requested_fixtures(node),
        )
        self.flow.functions.append(function)
        if not all(is_quiet(statement) for statement in node.body):
            self._signal_callbacks.add(node.name)

        def requested() -> None:
            self._index += 1
            for parameter in function.fixtures:
                factory = self._factory_named(parameter, function)
                if factory is not None and factory.fixture:
                    consumer = ast.Name(id=parameter, ctx=ast.Load())
                    self._fromfactory(consumer, factory, node, _Place(function))

        self._then(
            [
                *((decorator, _Place(function)) for decorator in decorators),
                requested,
                *((statement, _Place(function)) for statement in node.body),
            ]
        )

    def _loop(self, node: ast.While | ast.For | ast.AsyncFor, place: _Place) -> None:
        if mentions_assignment(node.test if isinstance(node, ast.While) else node):
            place.function.waits.append(self._index)  # waiting for partitions to arrive
        retry = place.retry_loop or sleeps_in(node.body)
        inner = replace(place, retry_loop=retry)
        if isinstance(node, (ast.For, ast.AsyncFor)):
            binding = self._bound(self._consumers, node.iter, place.function)
            if binding is not None and (
                (binding.library == "aiokafka" and isinstance(node, ast.AsyncFor))
                or (binding.library == "kafka-python" and isinstance(node, ast.For))
            ):
                binding.consumptions.append(self._point(node, place))
        self._read(in_order(node), inner)

    def _with(self, node: ast.With | ast.AsyncWith, place: _Place) -> None:
        expecting = place.expecting_failure or any(
            isinstance(item.context_expr, ast.Call)
            and (dotted_name(item.context_expr.func) or "").rsplit(".", 1)[-1] in _EXPECTED_FAILURES
            for item in node.items
        )
        inner = replace(place, expecting_failure=expecting)
        tasks: list[_Task] = []
        for item in node.items:
            tasks += [(item.context_expr, place), partial(self._with_item, node, item, place)]
        self._then([*tasks, *((statement, inner) for statement in node.body)])

    def _with_item(self, node: ast.With | ast.AsyncWith, item: ast.withitem, place: _Place) -> None:
        """Once the item is read: ``with ... as name`` binds it, ``async with`` starts it."""
        target = item.optional_vars
        if not isinstance(target, (ast.Name, ast.Attribute)):
            return
        self._assign([target], item.context_expr, place)
        binding = self._bound(self._consumers, target, place.function)
        if binding is not None and isinstance(node, ast.AsyncWith):
            self._started(binding, item.context_expr, place)  # ``async with consumer`` starts

    def _assign(self, targets: list[ast.expr], value: ast.expr, place: _Place) -> None:
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return
        qualified = self._imports.qualify(value.func)
        library = CONSUMERS.get(qualified or "")
        admin = ADMINS.get(qualified or "")
        producer = PRODUCERS.get(qualified or "")
        factory = self._factory_named(dotted_name(value.func) or "", place.function)
        for target in targets:
            key = self._key(target, place.function)
            if key is None:
                continue
            if library is not None:
                binding = Binding(
                    library,
                    value,
                    place.function,
                    target,
                    name=dotted_name(target) or "consumer",
                    topics_at_construction=bool(topics_of(value, library)),
                    offset_reset=offset_reset(value, self._dicts),
                )
                binding.constructed = self._point(value, place)
                self._consumers[key] = binding
                self.flow.bindings.append(binding)
                if library == "kafka-python" and binding.topics_at_construction:
                    self._subscribed(binding, value, target, topics_of(value, library), place)
            elif admin is not None:
                self._admins[key] = Binding(admin, value, place.function)
            elif producer is not None:
                self._producers[key] = Binding(producer, value, place.function)
            elif factory is not None and not factory.fixture:
                self._fromfactory(target, factory, value, place)

    def _fromfactory(
        self, target: ast.expr, factory: Factory, node: ast.AST, place: _Place
    ) -> None:
        """A consumer a function of the module built, subscribed and returned unready."""
        key = self._key(target, place.function)
        if key is None:
            return
        binding = Binding(
            factory.library,
            None,
            place.function,
            target,
            name=dotted_name(target) or "consumer",
            offset_reset=factory.offset_reset,
            started_at=0 if factory.library == "aiokafka" else None,
        )
        self._consumers[key] = binding
        self.flow.bindings.append(binding)
        sub = Subscription(
            **vars(self._point(node, place)), consumer=target, pattern=factory.pattern
        )
        binding.subscriptions.append(sub)

    def _subscribed(
        self,
        binding: Binding,
        node: ast.AST,
        consumer: ast.expr | None,
        topics: list[ast.expr],
        place: _Place,
        *,
        pattern: bool = False,
        on_assign: str | None = None,
    ) -> None:
        binding.subscriptions.append(
            Subscription(
                **vars(self._point(node, place)),
                consumer=consumer,
                topics=tuple(topics),
                pattern=pattern,
                on_assign=on_assign,
            )
        )

    def _started(self, binding: Binding, node: ast.AST, place: _Place) -> None:
        if binding.started_at is None:
            binding.started_at = self._index
        binding.starts.append(self._point(node, place))

    def _call(self, call: ast.Call, place: _Place) -> None:
        function = place.function
        name = dotted_name(call.func)
        if name is None:
            return
        method = name.rsplit(".", 1)[-1]
        form = (
            CallForm.BARE
            if "." not in name
            else (CallForm.SELF if name == f"self.{method}" else CallForm.ATTRIBUTE)
        )
        qualified = self._imports.qualify(call.func) if form is not CallForm.SELF else None
        function.calls.append(CallRef(self._index, method, form, qualified))
        if method in self._configured:
            function.checks.append(self._index)
        receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
        consumer = admin = producer = None
        if receiver is not None:
            consumer = self._bound(self._consumers, receiver, function)
            admin = self._bound(self._admins, receiver, function)
            producer = self._bound(self._producers, receiver, function)
        if method in METADATA and receiver is not None and admin is None:
            function.checks.append(self._index)
        elif method in ASSIGNMENT_WAITS and receiver is not None:
            function.waits.append(self._index)
        elif method in _ACKED_WRITES and producer is not None:
            function.checks.append(self._index)
        elif method in _ADMIN_CHECKS and receiver is not None:
            self._admin_call(call, method, admin, place)
        if method == "delete_topics" and receiver is not None:
            function.deletions.append(TopicCall(call, self._index, mentioned(call)))
        if produces(method, receiver, producer is not None):
            function.productions.append(Production(call, self._index, place.expecting_failure))
        if consumer is not None:
            self._consumer_call(call, method, receiver, consumer, place)
        elif form is CallForm.BARE and method in ("iter", "next") and call.args:
            # ``next(iter(consumer))``: kafka-python's iteration, spelled out.
            iterated = self._bound(self._consumers, call.args[0], function)
            if iterated is not None and iterated.library == "kafka-python":
                iterated.consumptions.append(self._point(call, place))

    def _consumer_call(
        self,
        call: ast.Call,
        method: str,
        receiver: ast.expr | None,
        consumer: Binding,
        place: _Place,
    ) -> None:
        if method in _CONSUMING[consumer.library]:
            consumer.consumptions.append(self._point(call, place))
        elif method == "start" and consumer.library == "aiokafka":
            self._started(consumer, call, place)
        elif method in {"subscribe", "assign"}:
            if any(isinstance(arg, ast.Starred) for arg in call.args) or any(
                keyword.arg is None for keyword in call.keywords
            ):
                return  # a wrapper forwarding its caller's arguments: the caller decides
            keywords = {keyword.arg: keyword.value for keyword in reversed(call.keywords)}
            topics = call.args[:1] or [
                keyword.value for keyword in call.keywords if keyword.arg == "topics"
            ]
            callback = dotted_name(keywords["on_assign"]) if "on_assign" in keywords else None
            self._subscribed(
                consumer,
                call,
                receiver,
                topics,
                place,
                pattern="pattern" in keywords,
                on_assign=callback.rsplit(".", 1)[-1] if callback is not None else None,
            )

    def _admin_call(
        self, call: ast.Call, method: str, admin: Binding | None, place: _Place
    ) -> None:
        if method == "create_topics":
            place.function.creations.append(TopicCall(call, self._index, mentioned(call)))
        # Confluent's admin calls return futures: they check nothing until ``.result()``.
        awaited = id(call) in self._awaited
        deferred = admin is not None and admin.library == "confluent" and method != "list_topics"
        if not deferred or awaited or self._results_taken(place.function):
            place.function.checks.append(self._index)

    def _results_taken(self, function: Function) -> bool:
        """``admin.create_topics(...)`` whose futures are waited on in the function."""
        if function.node is None:
            return False
        if id(function) not in self._results_taken_in:
            self._results_taken_in[id(function)] = any(
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr == "result"
                for statement in function.node.body
                for inner in descendants(statement)
            )
        return self._results_taken_in[id(function)]

    # -- after the walk ------------------------------------------------------------------

    def finish(self) -> KafkaFlow:
        flow = self.flow
        flow.configured = self._configured
        for binding in flow.bindings:
            for sub in binding.subscriptions:
                sub.signals_on_assign = sub.on_assign in self._signal_callbacks
        if flow.bindings:  # readiness is asked of a consumer's subscriptions only
            flow.find_readiness()
        return flow
