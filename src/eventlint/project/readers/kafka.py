"""What a module offers to make Kafka topics ready, read with ``ast`` (never imported).

Functions and methods that check topics (client metadata: ``topics()``,
``partitions_for_topic``, ``list_topics``; an admin's ``describe_topics``/``create_topics``)
or wait for a consumer's partition assignment (a loop on ``.assignment()``, ``seek_to_end``),
directly or through another function of the module they call; the pytest fixtures, with the
fixtures they request and what they call; and ``pytest_plugins``. Rules in other files ask
for these by name: a helper in ``app/kafka.py`` counts wherever it is called, a fixture in a
``conftest.py`` for every test that requests it.

Read by name, without types: another module's ``x.list_topics()`` is taken to be Kafka's.
That errs towards silence, which is where a readiness rule should err.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from eventlint.analysis.walk import breadth_first, children
from eventlint.project.readers.syntax import Function, dotted, module_functions
from eventlint.project.summaries import FixtureSummary, KafkaSummary

_CHECKS = frozenset({"list_topics", "describe_topics", "create_topics", "partitions_for_topic"})
_ASSIGNMENT_WAITS = frozenset({"seek_to_end", "wait_for_assignment"})
# What the source of a function that checks or waits must contain (``.topics()``,
# ``.assignment()`` in a loop, the methods above).
_CHECK_WORDS = (
    *(name.encode() for name in sorted(_CHECKS | _ASSIGNMENT_WAITS)),
    b".topics(",
    b".assignment(",
)
# Without one of these, a module offers no readiness, no fixture and no plugin.
_OFFER_WORDS = (*_CHECK_WORDS, b"fixture", b"pytest_plugins")
_FIXTURE_DECORATORS = frozenset({"fixture", "pytest.fixture", "pytest_asyncio.fixture"})


def may_check(source: bytes) -> bool:
    """Whether a module's bytes can hold a function that checks topics or waits for an
    assignment (what :func:`read_kafka` puts in ``ready``)."""
    return any(word in source for word in _CHECK_WORDS)


def may_offer(source: bytes) -> bool:
    """Whether the module's bytes can hold anything :func:`read_kafka` finds: most modules
    that mention topics (a Kafka framework's, everywhere) check none."""
    return any(word in source for word in _OFFER_WORDS)


def read_kafka(tree: ast.Module, source: bytes | None = None) -> KafkaSummary:
    """``source``, when given, lets a module that calls no check or wait skip the walk of
    every function (a Kafka framework mentions topics everywhere and checks them rarely)."""
    functions = dict(module_functions(tree))
    if source is not None and not may_check(source):
        functions = {}
    direct: set[str] = set()
    waits: set[str] = set()
    calls: dict[str, set[str]] = {}
    for name, node in functions.items():
        owner = name.rpartition(".")[0]
        called: set[str] = set()
        for inner in _walk_own(node):
            if isinstance(inner, (ast.While, ast.For)) and _mentions_assignment(inner):
                waits.add(name)
            if not isinstance(inner, ast.Call):
                continue
            spelled = dotted(inner.func)
            method = inner.func.attr if isinstance(inner.func, ast.Attribute) else None
            if method in _CHECKS or (method == "topics" and not inner.args):
                direct.add(name)
            elif method in _ASSIGNMENT_WAITS:
                waits.add(name)
            if spelled is not None and "." not in spelled:
                called.add(spelled)
            elif spelled is not None and spelled.startswith("self.") and owner:
                called.add(f"{owner}.{spelled.removeprefix('self.')}")
        calls[name] = called
    ready = _closure(direct | waits, calls)
    waiting = _closure(waits, calls)
    return KafkaSummary(
        ready=tuple(sorted(ready)),
        waits_for_assignment=tuple(sorted(waiting)),
        fixtures=_fixtures(tree, ready),
        plugins=_plugins(tree),
    )


def _walk_own(node: Function) -> Iterator[ast.AST]:
    """The function's own code: nested functions and classes are theirs."""
    pending: list[ast.AST] = list(node.body)
    while pending:
        current = pending.pop()
        yield current
        for child in children(current):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                pending.append(child)


def _mentions_assignment(loop: ast.While | ast.For) -> bool:
    return any(
        isinstance(inner, ast.Call)
        and isinstance(inner.func, ast.Attribute)
        and inner.func.attr == "assignment"
        for inner in breadth_first(loop)
    )


def _closure(seed: set[str], calls: dict[str, set[str]]) -> set[str]:
    """``seed`` and every function that calls one of them, to a fixpoint."""
    found = set(seed)
    changed = True
    while changed:
        changed = False
        for name, called in calls.items():
            if name not in found and called & found:
                found.add(name)
                changed = True
    return found


def _fixtures(tree: ast.Module, ready: set[str]) -> dict[str, FixtureSummary]:
    found: dict[str, FixtureSummary] = {}
    for name, node in module_functions(tree):
        if "." in name:
            continue  # a fixture method of a test class serves that class only
        decorator = next((d for d in node.decorator_list if _is_fixture(d)), None)
        if decorator is None:
            continue
        exposed, autouse = node.name, False
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                value = keyword.value
                if keyword.arg == "name" and isinstance(value, ast.Constant):
                    exposed = str(value.value)
                elif keyword.arg == "autouse" and isinstance(value, ast.Constant):
                    autouse = value.value is True
        parameters = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        called = sorted(
            {spelled for inner in _walk_own(node) if isinstance(inner, ast.Call)
             if (spelled := dotted(inner.func)) is not None}
        )  # fmt: skip
        found[exposed] = FixtureSummary(
            requests=tuple(p.arg for p in parameters if p.arg not in ("self", "request")),
            calls=tuple(called),
            ready=name in ready,
            autouse=autouse,
            makes_consumer=any(
                isinstance(inner, ast.Call)
                and (dotted(inner.func) or "").rsplit(".", 1)[-1].endswith("Consumer")
                for inner in breadth_first(node)  # nested factories (``async def make``) included
            ),
        )
    return found


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return dotted(target) in _FIXTURE_DECORATORS


def _plugins(tree: ast.Module) -> tuple[str, ...]:
    for statement in tree.body:
        if not isinstance(statement, ast.Assign):
            continue
        if not any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in statement.targets):
            continue
        value = statement.value
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        return tuple(
            item.value
            for item in items
            if isinstance(item, ast.Constant) and isinstance(item.value, str)
        )
    return ()
