"""What the consumer-flow walk found in one module, and the questions the EVT4xx rules ask
of it: :class:`KafkaFlow`.

What each client does between creating a consumer and consuming, read from their source:

- aiokafka's ``start()`` waits for the metadata of the topics it was given before it (in the
  constructor or ``subscribe(topics)``) and, with a group, for the partition assignment: such
  a consumer is ready when ``start()`` returns (a missing topic fails loudly there). One
  subscribed after ``start()``, or to a pattern, is not waited for.
- confluent-kafka's ``subscribe()`` returns at once; the assignment happens inside ``poll()``.
- kafka-python assigns partitions on the first ``poll()`` or iteration.

"Before" means earlier in the order the walk read the module, whatever the branches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eventlint.rules.base import FileContext
from eventlint.rules.kafka._lifecycle import (
    Binding,
    CallForm,
    CallRef,
    Function,
    Point,
    Production,
    Subscription,
)


@dataclass
class KafkaFlow:
    context: FileContext
    functions: list[Function] = field(default_factory=list)
    bindings: list[Binding] = field(default_factory=list)
    configured: frozenset[str] = frozenset()  # readiness-functions, by their last name
    # Functions and methods (class, name) of this module that check readiness, directly or by
    # calling one; those that wait for a consumer's assignment.
    readiness: set[tuple[str | None, str]] = field(default_factory=set)
    assignment_waiters: set[tuple[str | None, str]] = field(default_factory=set)
    _fixture_readiness: dict[tuple[str, ...], bool] = field(default_factory=dict)
    # The project helpers' answers, by qualified name: asked again for every readiness pass.
    _helpers: dict[str, bool | None] = field(default_factory=dict)

    # -- what counts as ready --------------------------------------------------------------

    def _helper(self, call: CallRef) -> bool | None:
        """None: not a readiness helper; else whether it waits for an assignment."""
        if call.form is CallForm.BARE and (None, call.name) in self.readiness:
            return (None, call.name) in self.assignment_waiters
        if call.form is CallForm.SELF:
            return None
        if call.qualified is None:
            return None
        if call.qualified not in self._helpers:
            helper = self.context.project.kafka_helper(call.qualified)
            self._helpers[call.qualified] = None if helper is None else helper.waits_for_assignment
        return self._helpers[call.qualified]

    def is_readiness_call(self, caller: Function, call: CallRef) -> bool:
        if call.name in self.configured:
            return True
        if call.form is CallForm.SELF:
            return (caller.owner, call.name) in self.readiness
        return self._helper(call) is not None

    def waits_for_assignment(self, caller: Function, call: CallRef) -> bool:
        if call.form is CallForm.SELF:
            return (caller.owner, call.name) in self.assignment_waiters
        return self._helper(call) is True

    def checked_between(self, function: Function, after: int, before: int | None) -> bool:
        def inside(index: int) -> bool:
            return after < index and (before is None or index < before)

        return (
            any(inside(index) for index in [*function.checks, *function.waits])
            or any(
                inside(call.index) and self.is_readiness_call(function, call)
                for call in function.calls
            )
            or (after <= 0 and self.fixtures_ready(function))
        )

    def assignment_waited_between(self, function: Function, after: int, before: int) -> bool:
        return any(after < index < before for index in function.waits) or any(
            after < call.index < before and self.waits_for_assignment(function, call)
            for call in function.calls
        )

    def fixtures_ready(self, function: Function) -> bool:
        """A test (or fixture) whose fixtures check or create the topics first."""
        if not function.fixtures or not self.context.is_test_file:
            return False
        key = function.fixtures
        if key not in self._fixture_readiness:
            self._fixture_readiness[key] = self.context.project.fixtures_make_topics_ready(
                function.fixtures, self.configured
            )
        return self._fixture_readiness[key]

    def covered(self, binding: Binding, sub: Subscription) -> bool:
        """Whether a readiness check runs between the consumer's creation and its first
        consumption: before or after the subscription, in the function, in a method it calls
        first, in a caller that checks and then runs the function, or in the test's
        fixtures."""
        if sub.signals_on_assign:
            return True
        function = sub.function
        consumption = binding.first_consumption(sub)
        upper = consumption.index if consumption and consumption.function is function else None
        if self.checked_between(function, 0, upper):
            return True
        if function.node is None:
            return False
        wanted = CallForm.SELF if function.owner is not None else CallForm.BARE
        return any(
            reference.name == function.name
            and reference.form is wanted
            and caller.owner == function.owner
            and self.checked_between(caller, 0, reference.index)
            for caller in self.functions
            for reference in caller.references
        )

    def race(self, binding: Binding, sub: Subscription) -> Production | None:
        """In a test: the first production to the consumer's topics between its subscription
        and its first consumption with no wait for the assignment in between, when it reads
        from the latest offset (EVT404)."""
        if not self.context.is_test_file or binding.offset_reset != "latest":
            return None
        if sub.signals_on_assign:
            return None
        consumption = binding.first_consumption(sub)
        if consumption is None or consumption.function is not sub.function:
            return None
        function = sub.function
        for production in sorted(function.productions, key=lambda p: p.index):
            if (
                sub.index < production.index < consumption.index
                and not production.expecting_failure
            ):
                if self.assignment_waited_between(function, sub.index, production.index):
                    return None
                return production
        return None

    def connections(self) -> list[tuple[Binding, Point]]:
        """Where a consumer first contacts the brokers, and can fail if they are down:
        aiokafka's ``start()`` (bootstrap) and kafka-python's constructor. Subscriptions are
        local in every client, and confluent-kafka never fails there (it retries inside)."""
        found: list[tuple[Binding, Point]] = []
        for binding in self.bindings:
            if binding.library == "aiokafka":
                found += [(binding, start) for start in binding.starts]
            elif binding.library == "kafka-python" and binding.constructed is not None:
                found.append((binding, binding.constructed))
        return sorted(found, key=lambda pair: pair[1].index)

    def activations(self) -> list[Point]:
        """Where each consumer first becomes active in each function (started, subscribed or
        consuming): what EVT403 asks about."""
        found: dict[tuple[int, int], Point] = {}
        for binding in self.bindings:
            for point in (*binding.starts, *binding.subscriptions, *binding.consumptions):
                key = (id(binding), id(point.function))
                if key not in found or point.index < found[key].index:
                    found[key] = point
        return sorted(found.values(), key=lambda point: point.index)

    # -- after the walk ----------------------------------------------------------------

    def find_readiness(self) -> None:
        """Fill in ``readiness`` and ``assignment_waiters`` from what the walk found."""
        # Functions of this module that check readiness or wait for an assignment, directly
        # or through another (of this module, or a project helper), to a fixpoint. Read from
        # this walk, which knows the module's consumers, admins and producers (the project's
        # summary of the module, for other files, reads checks by method name alone).
        for function in self.functions:
            if function.node is None:
                continue
            if function.checks or function.waits:
                self.readiness.add(function.key)
            if function.waits:
                self.assignment_waiters.add(function.key)
        changed = True
        while changed:
            changed = False
            for function in self.functions:
                if function.node is None:
                    continue
                if function.key not in self.readiness and any(
                    self.is_readiness_call(function, call) for call in function.calls
                ):
                    self.readiness.add(function.key)
                    changed = True
                if function.key not in self.assignment_waiters and any(
                    self.waits_for_assignment(function, call) for call in function.calls
                ):
                    self.assignment_waiters.add(function.key)
                    changed = True
