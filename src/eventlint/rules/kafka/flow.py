"""Shared analysis of the EVT4xx rules: where Kafka consumers start, and what precedes it.

Clients are known by import, never by name: ``aiokafka.AIOKafkaConsumer``,
``confluent_kafka.Consumer``/``DeserializingConsumer`` and ``kafka.KafkaConsumer``
(kafka-python), however they are imported or aliased. A consumer is followed through the name
or ``self.`` attribute its construction is assigned to; a consumer that arrives as a
parameter is not judged (its readiness is its creator's business).

Each function (and the module body) is read in source order into a list of events: checks
(topic metadata, admin calls, a wait for partition assignment, readiness functions), starts
of consumption, references to other functions, topic deletions and creations. "Before" means
earlier in that order, whatever the branches: a check in one ``if`` arm counts for the code
after it, which keeps the rules quiet where a reader could argue either way.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal

import libcst as cst

from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.walk import children, descendants
from eventlint.rules.base import FileContext

Library = Literal["aiokafka", "confluent", "kafka-python"]

CONSUMERS: dict[str, Library] = {
    "aiokafka.AIOKafkaConsumer": "aiokafka",
    "aiokafka.consumer.AIOKafkaConsumer": "aiokafka",
    "aiokafka.consumer.consumer.AIOKafkaConsumer": "aiokafka",
    "confluent_kafka.Consumer": "confluent",
    "confluent_kafka.cimpl.Consumer": "confluent",
    "confluent_kafka.DeserializingConsumer": "confluent",
    "confluent_kafka.deserializing_consumer.DeserializingConsumer": "confluent",
    "kafka.KafkaConsumer": "kafka-python",
    "kafka.consumer.KafkaConsumer": "kafka-python",
    "kafka.consumer.group.KafkaConsumer": "kafka-python",
}
ADMINS: dict[str, Library] = {
    "aiokafka.admin.AIOKafkaAdminClient": "aiokafka",
    "aiokafka.admin.client.AIOKafkaAdminClient": "aiokafka",
    "confluent_kafka.admin.AdminClient": "confluent",
    "kafka.KafkaAdminClient": "kafka-python",
    "kafka.admin.KafkaAdminClient": "kafka-python",
    "kafka.admin.client.KafkaAdminClient": "kafka-python",
}
PRODUCERS: dict[str, Library] = {
    "aiokafka.AIOKafkaProducer": "aiokafka",
    "aiokafka.producer.AIOKafkaProducer": "aiokafka",
    "aiokafka.producer.producer.AIOKafkaProducer": "aiokafka",
    "confluent_kafka.Producer": "confluent",
    "confluent_kafka.SerializingProducer": "confluent",
    "kafka.KafkaProducer": "kafka-python",
    "kafka.producer.KafkaProducer": "kafka-python",
}
# A write whose delivery was awaited: the topic exists and has a leader.
_ACKED_WRITES = frozenset({"send_and_wait", "flush"})
_METADATA = frozenset({"topics", "partitions_for_topic", "list_topics"})
_ADMIN_CHECKS = frozenset({"describe_topics", "list_topics", "create_topics"})
_QUIET_CALLS = frozenset({"print", "debug", "info", "warning", "warn", "error", "log", "exception"})
_SLEEPS = ("sleep", "backoff", "wait", "retry")


@dataclass(eq=False)
class Binding:
    """A consumer or admin client constructed here and assigned to a name or attribute."""

    library: Library
    call: cst.Call
    function: Function
    target: cst.BaseExpression | None = None  # what the construction is assigned to
    subscribed: bool = False  # subscribe()/assign() seen (kafka-python)


@dataclass(eq=False)
class Start:
    """Where consumption starts: the node reported, and what a fix needs."""

    node: cst.CSTNode
    index: int
    consumer: cst.BaseExpression | None  # the consumer as written at the start
    binding: Binding
    function: Function
    statement: cst.BaseStatement | None  # the statement holding the start
    in_retry_loop: bool


@dataclass(eq=False)
class TopicCall:
    call: cst.Call
    index: int
    topics: frozenset[str]  # the literal names and variables the call mentions


class CallForm(enum.Enum):
    """How a function is named at a call: ``f()``, ``self.f()`` or ``x.f()``."""

    BARE = "f()"
    SELF = "self.f()"
    ATTRIBUTE = "x.f()"


@dataclass(frozen=True)
class CallRef:
    index: int  # the position in the function's events
    name: str  # the called name (the last part)
    form: CallForm


@dataclass(eq=False)
class Function:
    node: cst.FunctionDef | None  # None: the module body
    name: str
    owner: str | None = None  # the class of a method
    is_async: bool = False
    retried: bool = False  # under a retry decorator (tenacity, backoff, ...)
    checks: list[int] = field(default_factory=list)  # indexes of readiness checks
    calls: list[CallRef] = field(default_factory=list)
    references: list[CallRef] = field(default_factory=list)  # names mentioned, not called

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.owner, self.name)

    deletions: list[TopicCall] = field(default_factory=list)
    creations: list[TopicCall] = field(default_factory=list)


@dataclass
class KafkaFlow:
    functions: list[Function] = field(default_factory=list)
    starts: list[Start] = field(default_factory=list)
    subscribes: list[Start] = field(default_factory=list)  # start()/subscribe() calls (EVT402)
    configured: frozenset[str] = frozenset()  # readiness-functions, by their last name
    # Functions and methods (class, name) that check readiness, directly or by calling one.
    readiness: set[tuple[str | None, str]] = field(default_factory=set)

    def is_readiness_call(self, caller: Function, call: CallRef) -> bool:
        if call.name in self.configured:
            return True
        if call.form is CallForm.BARE:
            return (None, call.name) in self.readiness
        return call.form is CallForm.SELF and (caller.owner, call.name) in self.readiness

    def checked_between(self, function: Function, after: int, before: int | None) -> bool:
        def inside(index: int) -> bool:
            return after < index and (before is None or index < before)

        return any(inside(index) for index in function.checks) or any(
            inside(call.index) and self.is_readiness_call(function, call) for call in function.calls
        )

    def covered(self, start: Start) -> bool:
        """Whether a readiness check runs on the path to ``start``."""
        function = start.function
        if self.checked_between(function, 0, start.index):
            return True
        if function.node is None:
            return False
        # A caller that checks, then runs (or hands to a thread) the consuming function.
        wanted = CallForm.SELF if function.owner is not None else CallForm.BARE
        return any(
            reference.name == function.name
            and reference.form is wanted
            and caller.owner == function.owner
            and self.checked_between(caller, 0, reference.index)
            for caller in self.functions
            for reference in caller.references
        )


def flow_for(context: FileContext) -> KafkaFlow:
    return context.analysis(KafkaFlow, _build)


def _build(context: FileContext) -> KafkaFlow:
    builder = _Builder(context.imports, context.settings.config.kafka.readiness_functions)
    builder.read_module(context.module)
    return builder.finish()


@dataclass
class _Place:
    """Where the walk is: the function, the statement, and the loops around it."""

    function: Function
    statement: cst.BaseStatement | None = None
    retry_loop: bool = False


class _Builder:
    def __init__(self, imports: ImportMap, readiness_functions: tuple[str, ...]) -> None:
        self._imports = imports
        self._configured = frozenset(name.rsplit(".", 1)[-1] for name in readiness_functions)
        self.flow = KafkaFlow()
        self._consumers: dict[tuple[int, str], Binding] = {}
        self._admins: dict[tuple[int, str], Binding] = {}
        self._producers: dict[tuple[int, str], Binding] = {}
        self._signal_callbacks: set[str] = set()
        self._index = 0
        self._module_function = Function(node=None, name="<module>")
        # Confluent consumers only consume when polled: the keys that are.
        self._polled: set[tuple[int, str]] = set()
        self._candidate_subscribes: list[tuple[Start, tuple[int, str]]] = []
        self._started_bindings: set[tuple[int, int]] = set()
        self._classes: list[str] = []  # the class being read, innermost last
        # kafka-python polls and iterations; whether they consume is known after the walk.
        self._kafka_python_reads: list[
            tuple[cst.CSTNode, cst.BaseExpression | None, Binding, _Place, int]
        ] = []

    # -- reading -------------------------------------------------------------------------

    def read_module(self, module: cst.Module) -> None:
        self._signal_callbacks = _signalling_functions(module)
        self.flow.functions.append(self._module_function)
        self._visit(module, _Place(self._module_function))

    def _key(self, target: cst.BaseExpression, function: Function) -> tuple[int, str] | None:
        name = dotted_name(target)
        if name is None:
            return None
        # ``self.x`` lives as long as the object: one key for the whole class.
        return (0, name) if "." in name else (id(function), name)

    def _bound(
        self, table: dict[tuple[int, str], Binding], target: cst.BaseExpression, function: Function
    ) -> tuple[tuple[int, str] | None, Binding | None]:
        """The binding a name refers to: local first, then the module's."""
        key = self._key(target, function)
        if key is None:
            return None, None
        if key in table:
            return key, table[key]
        module_key = (id(self._module_function), key[1])
        return module_key, table.get(module_key)

    def _visit(self, node: cst.CSTNode, place: _Place) -> None:
        self._index += 1
        if isinstance(node, cst.FunctionDef):
            self._function(node)
            return
        if isinstance(node, cst.BaseStatement) and not isinstance(node, cst.IndentedBlock):
            place = _Place(place.function, node, place.retry_loop)
        if isinstance(node, (cst.While, cst.For)):
            self._loop(node, place)
            return
        if isinstance(node, cst.Assign):
            self._assign([t.target for t in node.targets], node.value, place)
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            self._assign([node.target], node.value, place)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            if isinstance(node.asname.name, (cst.Name, cst.Attribute)):
                self._assign([node.asname.name], node.item, place)
        elif isinstance(node, cst.Call):
            self._call(node, place)
        elif isinstance(node, (cst.Name, cst.Attribute)):
            name = dotted_name(node)
            if name is not None:
                form = CallForm.SELF if name.startswith("self.") else CallForm.BARE
                if name.count(".") <= 1 and (form is CallForm.SELF or "." not in name):
                    place.function.references.append(
                        CallRef(self._index, name.split(".")[-1], form)
                    )
                return  # a plain dotted name has no calls inside
        elif isinstance(node, cst.ClassDef):
            self._classes.append(node.name.value)
            for child in children(node):
                self._visit(child, place)
            self._classes.pop()
            return
        for child in children(node):
            self._visit(child, place)

    def _function(self, node: cst.FunctionDef) -> None:
        function = Function(
            node=node,
            name=node.name.value,
            owner=self._classes[-1] if self._classes else None,
            is_async=node.asynchronous is not None,
            retried=any(_is_retry_decorator(d.decorator) for d in node.decorators),
        )
        self.flow.functions.append(function)
        for decorator in node.decorators:
            self._visit(decorator, _Place(function))
        self._visit(node.body, _Place(function))

    def _loop(self, node: cst.While | cst.For, place: _Place) -> None:
        if isinstance(node, cst.While) and _mentions_assignment(node.test):
            place.function.checks.append(self._index)  # waiting for partitions to arrive
        retry = place.retry_loop or _sleeps_in(node.body)
        inner = _Place(place.function, place.statement, retry)
        if isinstance(node, cst.For):
            self._iteration(node, place)
        for child in children(node):
            self._visit(child, inner)

    def _iteration(self, node: cst.For, place: _Place) -> None:
        """``for message in consumer`` (kafka-python), ``async for`` (aiokafka)."""
        _, binding = self._bound(self._consumers, node.iter, place.function)
        if binding is None:
            return
        if binding.library == "aiokafka" and _topics_of(binding.call):
            return  # given topics, the consumer started at start()
        if binding.library == "aiokafka" and node.asynchronous is not None:
            self._start(node, node.iter, binding, place)
        elif binding.library == "kafka-python" and node.asynchronous is None:
            self._kafka_python_reads.append((node, node.iter, binding, place, self._index))

    def _assign(
        self, targets: list[cst.BaseExpression], value: cst.BaseExpression, place: _Place
    ) -> None:
        if isinstance(value, cst.Await):
            value = value.expression
        if not isinstance(value, cst.Call):
            return
        qualified = self._imports.qualify(value.func)
        library = CONSUMERS.get(qualified or "")
        admin = ADMINS.get(qualified or "")
        producer = PRODUCERS.get(qualified or "")
        for target in targets:
            key = self._key(target, place.function)
            if key is None:
                continue
            if library is not None:
                self._consumers[key] = Binding(library, value, place.function, target)
            elif admin is not None:
                self._admins[key] = Binding(admin, value, place.function)
            elif producer is not None:
                self._producers[key] = Binding(producer, value, place.function)

    def _call(self, call: cst.Call, place: _Place) -> None:
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
        function.calls.append(CallRef(self._index, method, form))
        if method in self._configured:
            function.checks.append(self._index)
        receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
        key: tuple[int, str] | None = None
        consumer = admin = None
        if receiver is not None:
            key, consumer = self._bound(self._consumers, receiver, function)
            _, admin = self._bound(self._admins, receiver, function)
        if method in _METADATA and receiver is not None and admin is None:
            function.checks.append(self._index)
        elif method in _ACKED_WRITES and receiver is not None:
            if self._bound(self._producers, receiver, function)[1] is not None:
                function.checks.append(self._index)
        elif method in _ADMIN_CHECKS and receiver is not None:
            self._admin_call(call, method, admin, place)
        if method == "delete_topics" and receiver is not None:
            function.deletions.append(TopicCall(call, self._index, _mentioned(call)))
        if consumer is None or key is None:
            return
        if method in {"poll", "consume"}:
            self._polled.add(key)
        library = consumer.library
        if library == "aiokafka":
            if method == "start":
                self._subscribe_point(call, receiver, consumer, place)
                if _topics_of(consumer.call):
                    self._start(call, receiver, consumer, place)
            elif method in {"getone", "getmany"} and not _topics_of(consumer.call):
                # With topics given, consumption started at start(), wherever that is.
                self._start(call, receiver, consumer, place)
            elif method == "subscribe":
                self._subscribe_point(call, receiver, consumer, place)
        elif library == "confluent" and method in {"subscribe", "assign"}:
            if any(arg.star for arg in call.args):
                return  # a wrapper forwarding its caller's arguments: the caller decides
            start = self._make_start(call, receiver, consumer, place)
            self.flow.subscribes.append(start)
            if not _signals_on_assign(call, self._signal_callbacks):
                self._candidate_subscribes.append((start, key))
        elif library == "kafka-python":
            if method == "poll":
                self._kafka_python_reads.append((call, receiver, consumer, place, self._index))
            elif method in {"subscribe", "assign"}:
                consumer.subscribed = True
                self._subscribe_point(call, receiver, consumer, place)

    def _admin_call(
        self, call: cst.Call, method: str, admin: Binding | None, place: _Place
    ) -> None:
        if method == "create_topics":
            place.function.creations.append(TopicCall(call, self._index, _mentioned(call)))
        # Confluent's admin calls return futures: they check nothing until ``.result()``.
        awaited = place.statement is not None and any(
            isinstance(inner, cst.Await) and inner.expression is call
            for inner in descendants(place.statement)
        )
        deferred = admin is not None and admin.library == "confluent" and method != "list_topics"
        if not deferred or awaited or _results_taken(place):
            place.function.checks.append(self._index)

    def _make_start(
        self,
        node: cst.CSTNode,
        consumer: cst.BaseExpression | None,
        binding: Binding,
        place: _Place,
    ) -> Start:
        return Start(
            node=node,
            index=self._index,
            consumer=consumer,
            binding=binding,
            function=place.function,
            statement=place.statement,
            in_retry_loop=place.retry_loop or place.function.retried,
        )

    def _subscribe_point(
        self, call: cst.Call, receiver: cst.BaseExpression | None, binding: Binding, place: _Place
    ) -> None:
        self.flow.subscribes.append(self._make_start(call, receiver, binding, place))

    def _start(
        self,
        node: cst.CSTNode,
        consumer: cst.BaseExpression | None,
        binding: Binding,
        place: _Place,
    ) -> None:
        # One report per consumer per function: the first place it starts consuming.
        seen = (id(binding), id(place.function))
        if seen in self._started_bindings:
            return
        self._started_bindings.add(seen)
        self.flow.starts.append(self._make_start(node, consumer, binding, place))

    # -- after the walk ------------------------------------------------------------------

    def _kafka_python_starts(self) -> None:
        """A kafka-python poll or iteration consumes only a subscribed consumer: one given
        topics (reported at its construction, once) or one that ``subscribe``/``assign``
        was called on. A bare ``poll()`` to drive the connection reads no topic."""
        reported: set[int] = set()
        for node, receiver, binding, place, index in self._kafka_python_reads:
            with_topics = bool(_topics_of(binding.call))
            if not (with_topics or binding.subscribed):
                continue
            reported_at = node
            if with_topics:
                if id(binding) in reported:
                    continue
                reported.add(id(binding))
                reported_at = binding.call
            elif (id(binding), id(place.function)) in self._started_bindings:
                continue
            self._started_bindings.add((id(binding), id(place.function)))
            start = self._make_start(reported_at, receiver, binding, place)
            start.index = index
            self.flow.starts.append(start)

    def finish(self) -> KafkaFlow:
        flow = self.flow
        self._kafka_python_starts()
        for start, key in self._candidate_subscribes:
            if key in self._polled:
                flow.starts.append(start)
        flow.starts.sort(key=lambda start: start.index)
        # Functions that check readiness, directly or through another that does.
        flow.configured = self._configured
        changed = True
        while changed:
            changed = False
            for function in flow.functions:
                if function.node is None or function.key in flow.readiness:
                    continue
                if function.checks or any(
                    flow.is_readiness_call(function, call) for call in function.calls
                ):
                    flow.readiness.add(function.key)
                    changed = True
        return flow


def _topics_of(call: cst.Call) -> list[cst.Arg]:
    """Topics given to a consumer's constructor: its positional arguments."""
    return [arg for arg in call.args if arg.keyword is None]


def _mentioned(call: cst.Call) -> frozenset[str]:
    found: set[str] = set()
    for inner in descendants(call.args[0].value if call.args else call):
        if isinstance(inner, cst.SimpleString) and isinstance(inner.evaluated_value, str):
            found.add(f"'{inner.evaluated_value}'")
        elif isinstance(inner, cst.Name):
            found.add(inner.value)
    return frozenset(found)


def _mentions_assignment(test: cst.BaseExpression) -> bool:
    return any(
        isinstance(inner, cst.Call) and (dotted_name(inner.func) or "").endswith("assignment")
        for inner in (test, *descendants(test))
    )


def _sleeps_in(body: cst.CSTNode) -> bool:
    return any(
        isinstance(inner, cst.Call)
        and (dotted_name(inner.func) or "").rsplit(".", 1)[-1].lower().startswith(_SLEEPS)
        for inner in descendants(body)
    )


def _is_retry_decorator(decorator: cst.BaseExpression) -> bool:
    target = decorator.func if isinstance(decorator, cst.Call) else decorator
    name = dotted_name(target) or ""
    return name.startswith(("tenacity.", "backoff.", "on_exception")) or "retry" in name.lower()


def _results_taken(place: _Place) -> bool:
    """``admin.create_topics(...)`` whose futures are waited on later in the function."""
    body = place.function.node.body if place.function.node is not None else None
    if body is None:
        return False
    return any(
        isinstance(inner, cst.Call)
        and isinstance(inner.func, cst.Attribute)
        and inner.func.attr.value == "result"
        for inner in descendants(body)
    )


def _signals_on_assign(call: cst.Call, signalling: set[str]) -> bool:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "on_assign":
            name = dotted_name(arg.value)
            return name is not None and name.rsplit(".", 1)[-1] in signalling
    return False


def _signalling_functions(module: cst.Module) -> set[str]:
    """Functions that do something besides printing or logging: an ``on_assign`` that sets an
    event or a flag signals readiness; one that only prints does not."""
    found: set[str] = set()
    for node in descendants(module):
        if not isinstance(node, cst.FunctionDef):
            continue
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for statement in body:
            if _is_quiet(statement):
                continue
            found.add(node.name.value)
            break
    return found


def _is_quiet(statement: cst.BaseStatement | cst.BaseSmallStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Pass):
            continue
        if isinstance(small, cst.Expr):
            value = small.value
            if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
                continue  # a docstring
            if isinstance(value, cst.Call):
                name = dotted_name(value.func) or ""
                if name.rsplit(".", 1)[-1] in _QUIET_CALLS:
                    continue
        return False
    return True
