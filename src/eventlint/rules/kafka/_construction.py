"""What a consumer's construction says, and the functions that build consumers for others:
offset reset, topics given to the constructor, factories and fixtures that subscribe and
return a consumer, the fixtures a test requests."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.scopes import string_value
from eventlint.analysis.walk import children, descendants, in_source_order
from eventlint.project.readers.syntax import module_functions
from eventlint.project.view import ProjectView
from eventlint.rules.base import FileContext
from eventlint.rules.kafka._lifecycle import CONSUMERS, Library

OFFSET_KEYS = frozenset({"auto_offset_reset", "auto.offset.reset"})
METADATA = frozenset({"topics", "partitions_for_topic", "list_topics"})
ASSIGNMENT_WAITS = frozenset({"seek_to_end", "wait_for_assignment"})
# How many names deep a config dict is followed (``CONFIG = {**BASE, ...}``).
_CONFIG_DEPTH = 4

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Factory:
    """A function of the module that builds a consumer, subscribes it without waiting for
    the assignment and returns (or yields) it."""

    library: Library
    offset_reset: str | None
    pattern: bool
    fixture: bool


def factories(
    module: ast.Module, imports: ImportMap, dicts: dict[str, ast.Dict]
) -> dict[str, Factory]:
    """The module's top-level functions that are factories, by the name they are used by
    (a fixture's ``name=``)."""
    found: dict[str, Factory] = {}
    for name, node in module_functions(module):
        if "." in name:
            continue  # a method
        made_by_call = _factory_fixture(node, imports, dicts)
        if made_by_call is not None:
            found[fixture_name(node)] = made_by_call
            continue
        built = factory(node, imports, dicts)
        if built is not None:
            found[fixture_name(node) if built.fixture else node.name] = built
    return found


class FixtureFactories:
    """The factories that fixtures of other modules are (a ``conftest.py``, a
    ``pytest_plugins`` module), by fixture name, each read once; the project records the
    files read, so the results cache follows them."""

    def __init__(self, project: ProjectView) -> None:
        self._project = project
        self._found: dict[str, Factory | None] = {}

    def get(self, name: str) -> Factory | None:
        # ``fixture_source`` answers only for fixtures that construct a consumer: a test
        # requests many fixtures, and few of other modules make consumers.
        if name not in self._found:
            source = self._project.fixture_source(name)
            self._found[name] = fixture_factory(source[1], name) if source is not None else None
        return self._found[name]


def fixture_factory(source: bytes, name: str) -> Factory | None:
    """The factory a fixture of another module (a ``conftest.py``) is, by its fixture name:
    a consumer it yields subscribed (``fixture`` set), or a factory function it yields (called
    by the test). Read with that module's own imports and config dicts."""
    try:
        module = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found = factories(module, ImportMap.build(module), module_dicts(module))
    return found.get(name)


def factory(node: FunctionNode, imports: ImportMap, dicts: dict[str, ast.Dict]) -> Factory | None:
    built: dict[str, tuple[Library, ast.Call]] = {}
    returned: set[str] = set()
    started: set[str] = set()
    subscribed_after_start: set[str] = set()
    subscribed: set[str] = set()
    patterned: set[str] = set()
    waits = False
    for inner in _body_in_source_order(node):
        if isinstance(inner, ast.Assign) and isinstance(inner.value, (ast.Call, ast.Await)):
            value = inner.value.value if isinstance(inner.value, ast.Await) else inner.value
            if isinstance(value, ast.Call):
                library = CONSUMERS.get(imports.qualify(value.func) or "")
                for target in inner.targets:
                    if library is not None and isinstance(target, ast.Name):
                        built[target.id] = (library, value)
        elif isinstance(inner, (ast.Return, ast.Yield)) and isinstance(inner.value, ast.Name):
            returned.add(inner.value.id)
        elif isinstance(inner, (ast.While, ast.For, ast.AsyncFor)) and mentions_assignment(inner):
            waits = True
        elif isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
            owner = dotted_name(inner.func.value)
            method = inner.func.attr
            if method in ASSIGNMENT_WAITS or method in METADATA:
                waits = True
            if owner is None:
                continue
            if method == "start":
                started.add(owner)
            elif method in {"subscribe", "assign"}:
                subscribed.add(owner)
                if owner in started:
                    subscribed_after_start.add(owner)
                if any(keyword.arg == "pattern" for keyword in inner.keywords):
                    patterned.add(owner)
    if waits:
        return None
    for name in sorted(returned & set(built)):
        library, call = built[name]
        if library == "aiokafka":
            unready = not topics_of(call, library) and (
                name in subscribed_after_start or name in patterned
            )
        else:
            unready = name in subscribed or bool(topics_of(call, library))
        if unready:
            return Factory(library, offset_reset(call, dicts), name in patterned, is_fixture(node))
    return None


def _factory_fixture(
    node: FunctionNode, imports: ImportMap, dicts: dict[str, ast.Dict]
) -> Factory | None:
    """A fixture that returns or yields a factory it defines (``async def make(*topics):``
    builds, starts and subscribes a consumer, and returns it): a test calling the fixture's
    value (``consumer = await consumer_factory("orders")``) gets an unready consumer, as
    from a factory function of the module."""
    if not is_fixture(node):
        return None
    nested = {
        statement.name: statement
        for statement in node.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    if not nested:
        return None
    for returned in _own_returns(node):
        inner = nested.get(returned)
        made = factory(inner, imports, dicts) if inner is not None else None
        if made is not None:
            return replace(made, fixture=False)
    return None


def _own_returns(node: FunctionNode) -> Iterator[str]:
    """The names a function itself returns or yields (not those of functions it defines)."""
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(current, (ast.Return, ast.Yield)) and isinstance(current.value, ast.Name):
            yield current.value.id
        stack.extend(children(current))


def _body_in_source_order(node: FunctionNode) -> Iterator[ast.AST]:
    for statement in node.body:
        yield from in_source_order(statement)


def _decorated_by(node: FunctionNode) -> Iterator[tuple[ast.expr, str]]:
    """Each decorator, with the name it calls or is (``pytest.fixture``)."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        yield decorator, dotted_name(target) or ""


def is_fixture(node: FunctionNode) -> bool:
    return any(name.endswith("fixture") for _, name in _decorated_by(node))


def fixture_name(node: FunctionNode) -> str:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "name":
                    value = string_value(keyword.value)
                    if value:
                        return value
    return node.name


def requested_fixtures(node: FunctionNode) -> tuple[str, ...]:
    """The fixtures a test or fixture asks for: its parameters and ``usefixtures`` names."""
    args = node.args
    names = [
        parameter.arg
        for parameter in (*args.posonlyargs, *args.args, *args.kwonlyargs)
        if parameter.arg not in ("self", "cls", "request")
    ]
    for decorator, name in _decorated_by(node):
        if isinstance(decorator, ast.Call) and name.endswith("usefixtures"):
            values = (*decorator.args, *(keyword.value for keyword in decorator.keywords))
            names += [value for arg in values if (value := string_value(arg))]
    return tuple(names)


def module_dicts(module: ast.Module) -> dict[str, ast.Dict]:
    """Dicts the module's top level assigns to a name (consumer configs)."""
    found: dict[str, ast.Dict] = {}
    for statement in module.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Dict):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = statement.value
    return found


def offset_reset(call: ast.Call, dicts: dict[str, ast.Dict]) -> str | None:
    """Where a new consumer starts: ``auto_offset_reset=`` (aiokafka, kafka-python) or
    ``"auto.offset.reset"`` in a confluent config dict; "latest" (every client's default)
    when the visible arguments do not set it; None when they cannot be read."""
    for keyword in call.keywords:
        if keyword.arg in OFFSET_KEYS:
            return string_value(keyword.value)
        if keyword.arg is None:  # ``**options`` before any ``auto_offset_reset=``
            return None
    configs = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    configs += [keyword.value for keyword in call.keywords if keyword.arg == "config"]
    for config in configs:
        found = _config_offset_reset(config, dicts)
        if found != "latest":
            return found
    return "latest"


@dataclass
class _ConfigFrame:
    """A config dict being read: its remaining entries and what they set so far."""

    entries: Iterator[tuple[ast.expr | None, ast.expr]]
    depth: int
    result: str | None = "latest"


def _config_frame(node: ast.expr, dicts: dict[str, ast.Dict], depth: int) -> _ConfigFrame | None:
    """A frame for a config dict, or None for what is not one (a topic name, a value
    eventlint does not follow): those set nothing."""
    if isinstance(node, ast.Name):
        if node.id in dicts and depth < _CONFIG_DEPTH:
            node, depth = dicts[node.id], depth + 1
        else:
            return None
    if not isinstance(node, ast.Dict):
        return None
    return _ConfigFrame(zip(node.keys, node.values, strict=True), depth)


def _config_offset_reset(config: ast.expr, dicts: dict[str, ast.Dict]) -> str | None:
    """The offset reset a config dict sets, its ``**spreads`` included: the last entry that
    sets it wins; a spread that sets nothing (or "latest") leaves the value before it.
    Iterative: spreads may nest as deep as the parser allows."""
    first = _config_frame(config, dicts, 0)
    if first is None:
        return "latest"
    stack = [first]
    while True:
        frame = stack[-1]
        for key, value in frame.entries:
            if key is None:
                inner = _config_frame(value, dicts, frame.depth + 1)
                if inner is not None:
                    stack.append(inner)
                    break
            elif string_value(key) in OFFSET_KEYS:
                frame.result = string_value(value)
        else:
            stack.pop()
            if not stack:
                return frame.result
            if frame.result != "latest":
                stack[-1].result = frame.result


def topics_of(call: ast.Call, library: Library) -> list[ast.expr]:
    """Topics given to a consumer's constructor: its positional arguments for aiokafka and
    kafka-python (a confluent consumer's positional argument is its config)."""
    if library == "confluent":
        return []
    return list(call.args)


def mentions_assignment(node: ast.AST) -> bool:
    """A call of ``assignment()`` (``consumer.assignment()``, ``wait_for_assignment()``)
    anywhere in ``node``."""
    return any(
        isinstance(inner, ast.Call) and (dotted_name(inner.func) or "").endswith("assignment")
        for inner in descendants(node)
    )


_CLIENT_ROOTS = frozenset({"aiokafka", "confluent_kafka", "kafka"})
# A client named as written, without an import (``qualify`` returns it as is).
_CLIENT_WRITTEN = re.compile(r"(?<![\w.])(?:aiokafka|confluent_kafka|kafka)\.")


def may_hold_clients(context: FileContext) -> bool:
    """Whether the walk could find a client at all: it binds one only where a call
    qualifies to a client class (an import of a client package, or the package written
    out), or where a test requests another module's consumer fixture. Most files that say
    "Consumer" are neither (a framework's own consumer classes), and the walk is the
    costliest part of the Kafka rules."""
    imports = context.imports
    if any(target.split(".", 1)[0] in _CLIENT_ROOTS for target in imports.aliases.values()):
        return True
    if _CLIENT_WRITTEN.search(context.text):
        return True
    if not context.is_test_file:
        return False
    return any(name in context.text for name in context.project.consumer_fixtures())
