"""A Kafka consumer's lifecycle, as the EVT4xx rules model it (see ``_consumer_flow``): the
clients known by import, and the records of what happens to each consumer and in each
function."""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field
from typing import Literal

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
    qualified: str | None = None  # what an imported name refers to


@dataclass(eq=False)
class TopicCall:
    call: ast.Call
    index: int
    topics: frozenset[str]  # the literal names and variables the call mentions


@dataclass(eq=False)
class Function:
    node: ast.FunctionDef | ast.AsyncFunctionDef | None  # None: the module body
    name: str
    owner: str | None = None  # the class of a method
    is_async: bool = False
    retried: bool = False  # under a retry decorator (tenacity, backoff, ...)
    expects_failure: bool = False  # ``pytest.mark.xfail``
    checks: list[int] = field(default_factory=list)  # indexes of readiness checks
    waits: list[int] = field(default_factory=list)  # indexes of waits for an assignment
    calls: list[CallRef] = field(default_factory=list)
    references: list[CallRef] = field(default_factory=list)  # names mentioned, not called
    deletions: list[TopicCall] = field(default_factory=list)
    creations: list[TopicCall] = field(default_factory=list)
    productions: list[Production] = field(default_factory=list)
    fixtures: tuple[str, ...] = ()  # parameters and ``usefixtures`` names

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.owner, self.name)

    @property
    def is_test(self) -> bool:
        return self.node is not None and self.name.startswith("test")


@dataclass(eq=False)
class Production:
    node: ast.Call
    index: int
    expecting_failure: bool = False


@dataclass(eq=False)
class Point:
    """A place in a consumer's lifecycle: the node, its position, and where it is."""

    node: ast.AST
    index: int
    function: Function
    # The statement the node is in (the first of its line, for ``a; b``), and the one that
    # statement is in (a one-line body's ``if x: ...``).
    statement: ast.stmt | None
    parent: ast.stmt | None
    in_retry_loop: bool = False
    expecting_failure: bool = False  # inside ``pytest.raises``/``assertRaises``


@dataclass(eq=False)
class Subscription(Point):
    """Where a consumer is given its topics: ``subscribe``/``assign``, or its construction."""

    consumer: ast.expr | None = None  # the consumer as written there
    topics: tuple[ast.expr, ...] = ()  # the topics as written, for the fix
    pattern: bool = False
    on_assign: str | None = None  # the ``on_assign`` callback's (last) name
    signals_on_assign: bool = False  # an ``on_assign`` callback that signals readiness


@dataclass(eq=False)
class Binding:
    """A consumer constructed in this module (or returned to it by a factory or fixture)."""

    library: Library
    call: ast.Call | None  # the construction; None for one a factory or fixture returns
    function: Function
    target: ast.expr | None = None
    name: str = "consumer"  # as written where it is bound
    topics_at_construction: bool = False
    offset_reset: str | None = "latest"  # None: set where eventlint cannot read it
    started_at: int | None = None  # aiokafka start()
    subscriptions: list[Subscription] = field(default_factory=list)
    consumptions: list[Point] = field(default_factory=list)
    starts: list[Point] = field(default_factory=list)  # aiokafka start() calls
    constructed: Point | None = None  # where the construction runs

    def judged_subscriptions(self) -> list[Subscription]:
        """The subscriptions no client-side wait covers (see the module docstring)."""
        if self.library != "aiokafka":
            return list(self.subscriptions)
        if self.topics_at_construction:
            return []
        return [
            sub
            for sub in self.subscriptions
            if sub.pattern or (self.started_at is not None and sub.index > self.started_at)
        ]

    def first_consumption(self, sub: Subscription) -> Point | None:
        """The first consumption after the subscription in its function, else anywhere."""
        same = [c for c in self.consumptions if c.function is sub.function and c.index > sub.index]
        if same:
            return min(same, key=lambda point: point.index)
        other = [c for c in self.consumptions if c.function is not sub.function]
        return min(other, key=lambda point: point.index) if other else None
