"""What a consumer's construction says, and the functions that build consumers for others:
offset reset, topics given to the constructor, factories and fixtures that subscribe and
return a consumer, the fixtures a test requests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.scopes import string_value
from eventlint.analysis.walk import children, descendants
from eventlint.rules.kafka.lifecycle import CONSUMERS, Library

OFFSET_KEYS = frozenset({"auto_offset_reset", "auto.offset.reset"})
METADATA = frozenset({"topics", "partitions_for_topic", "list_topics"})
ASSIGNMENT_WAITS = frozenset({"seek_to_end", "wait_for_assignment"})


@dataclass(frozen=True)
class Factory:
    """A function of the module that builds a consumer, subscribes it without waiting for
    the assignment and returns (or yields) it."""

    library: Library
    offset_reset: str | None
    pattern: bool
    fixture: bool


def factories(
    module: cst.Module, imports: ImportMap, dicts: dict[str, cst.Dict]
) -> dict[str, Factory]:
    found: dict[str, Factory] = {}
    for node in module.body:
        if not isinstance(node, cst.FunctionDef):
            continue
        built = factory(node, imports, dicts)
        if built is not None:
            found[fixture_name(node) if built.fixture else node.name.value] = built
    return found


def factory(
    node: cst.FunctionDef, imports: ImportMap, dicts: dict[str, cst.Dict]
) -> Factory | None:
    built: dict[str, tuple[Library, cst.Call]] = {}
    returned: set[str] = set()
    started: set[str] = set()
    subscribed_after_start: set[str] = set()
    subscribed: set[str] = set()
    patterned: set[str] = set()
    waits = False
    for inner in in_source_order(node.body):
        if isinstance(inner, cst.Assign) and isinstance(inner.value, (cst.Call, cst.Await)):
            value = inner.value.expression if isinstance(inner.value, cst.Await) else inner.value
            if isinstance(value, cst.Call):
                library = CONSUMERS.get(imports.qualify(value.func) or "")
                for target in inner.targets:
                    if library is not None and isinstance(target.target, cst.Name):
                        built[target.target.value] = (library, value)
        elif isinstance(inner, (cst.Return, cst.Yield)) and isinstance(inner.value, cst.Name):
            returned.add(inner.value.value)
        elif isinstance(inner, (cst.While, cst.For)) and mentions_assignment(inner):
            waits = True
        elif isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute):
            owner = dotted_name(inner.func.value)
            method = inner.func.attr.value
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
                if any(a.keyword is not None and a.keyword.value == "pattern" for a in inner.args):
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


def in_source_order(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def is_fixture(node: cst.FunctionDef) -> bool:
    for decorator in node.decorators:
        target = decorator.decorator
        name = dotted_name(target.func if isinstance(target, cst.Call) else target) or ""
        if name.endswith("fixture"):
            return True
    return False


def fixture_name(node: cst.FunctionDef) -> str:
    for decorator in node.decorators:
        if isinstance(decorator.decorator, cst.Call):
            for arg in decorator.decorator.args:
                if arg.keyword is not None and arg.keyword.value == "name":
                    value = string_value(arg.value)
                    if value:
                        return value
    return node.name.value


def requested_fixtures(node: cst.FunctionDef) -> tuple[str, ...]:
    """The fixtures a test or fixture asks for: its parameters and ``usefixtures`` names."""
    params = node.params
    names = [
        p.name.value
        for p in (*params.posonly_params, *params.params, *params.kwonly_params)
        if p.name.value not in ("self", "cls", "request")
    ]
    for decorator in node.decorators:
        target = decorator.decorator
        if isinstance(target, cst.Call) and (dotted_name(target.func) or "").endswith(
            "usefixtures"
        ):
            names += [value for arg in target.args if (value := string_value(arg.value))]
    return tuple(names)


def module_dicts(module: cst.Module) -> dict[str, cst.Dict]:
    found: dict[str, cst.Dict] = {}
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and isinstance(small.value, cst.Dict):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            found[target.target.value] = small.value
    return found


def offset_reset(call: cst.Call, dicts: dict[str, cst.Dict]) -> str | None:
    """Where a new consumer starts: ``auto_offset_reset=`` (aiokafka, kafka-python) or
    ``"auto.offset.reset"`` in a confluent config dict; "latest" (every client's default)
    when the visible arguments do not set it; None when they cannot be read."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in OFFSET_KEYS:
            return string_value(arg.value)
        if arg.star == "**":
            return None
    configs = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    configs += [
        arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value == "config"
    ]
    for config in configs:
        found = _dictoffset_reset(config, dicts, depth=0)
        if found != "latest":
            return found
    return "latest"


def _dictoffset_reset(
    node: cst.BaseExpression, dicts: dict[str, cst.Dict], depth: int
) -> str | None:
    if isinstance(node, cst.Name):
        if node.value in dicts and depth < 4:
            return _dictoffset_reset(dicts[node.value], dicts, depth + 1)
        return "latest"  # a topic name or a value eventlint does not follow: not a config
    if not isinstance(node, cst.Dict):
        return "latest"
    result: str | None = "latest"
    for element in node.elements:
        if isinstance(element, cst.StarredDictElement):
            inner = _dictoffset_reset(element.value, dicts, depth + 1)
            result = inner if inner != "latest" else result
        elif isinstance(element, cst.DictElement) and string_value(element.key) in OFFSET_KEYS:
            result = string_value(element.value)
    return result


def topics_of(call: cst.Call, library: Library) -> list[cst.Arg]:
    """Topics given to a consumer's constructor: its positional arguments for aiokafka and
    kafka-python (a confluent consumer's positional argument is its config)."""
    if library == "confluent":
        return []
    return [arg for arg in call.args if arg.keyword is None and arg.star != "**"]


def mentions_assignment(node: cst.CSTNode) -> bool:
    return any(
        isinstance(inner, cst.Call) and (dotted_name(inner.func) or "").endswith("assignment")
        for inner in (node, *descendants(node))
    )
