"""Where the Kafka rules judge at all, and how they name places in their messages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from eventlint.rules.base import FileContext
from eventlint.rules.kafka._kafka_flow import KafkaFlow
from eventlint.rules.kafka._lifecycle import Binding, Point, Subscription

# Folders of code that runs against topics someone else provisioned: demos, benchmarks and
# command-line tools. On the ecosystem check every EVT401 finding there was noise.
NON_SERVICE_FOLDERS = frozenset(
    {"examples", "example", "benchmarks", "benchmark", "bench", "demo", "demos", "cli"}
)
_CLIENT_PACKAGE = {"aiokafka": "aiokafka", "confluent": "confluent_kafka", "kafka-python": "kafka"}


def is_non_service_code(context: FileContext) -> bool:
    # Relative to the project root: a project that lives in an ``examples/`` folder of a
    # bigger repository is still judged as a project.
    path = PurePath(context.settings.relative(context.absolute_path))
    return path.name == "__main__.py" or bool(set(path.parts[:-1]) & NON_SERVICE_FOLDERS)


def is_client_library(context: FileContext, binding: Binding) -> bool:
    """The project is the client library itself (it provides the package, with its own
    ``__init__``): its tests and examples exercise the client, not a service's readiness."""
    package = _CLIENT_PACKAGE[binding.library]
    view = context.project
    if not view.is_first_party(package):
        return False
    location = view.modules.locate(package, view.roots)
    return location is not None and not location.is_namespace


def judged(context: FileContext, flow: KafkaFlow) -> Iterator[tuple[Binding, Subscription]]:
    """Each consumer's subscriptions that the Kafka rules judge (see EVT401's docs)."""
    if is_non_service_code(context):
        return
    for binding in flow.bindings:
        if is_client_library(context, binding):
            continue
        for sub in binding.judged_subscriptions():
            if not sub.expecting_failure:
                yield binding, sub


def where(context: FileContext, sub: Subscription, consumption: Point) -> str:
    line = context.position(consumption.node).start.line
    if consumption.function is sub.function:
        return f"at line {line}"
    name = consumption.function.name
    owner = consumption.function.owner
    return f"in `{owner + '.' if owner else ''}{name}` (line {line})"
