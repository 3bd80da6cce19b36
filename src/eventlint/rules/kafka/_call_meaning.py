"""What a call, a decorator or a statement means to the consumer-flow walk, read from its
names alone: a production, a sleep, a retry or ``xfail`` decorator, a statement that only
logs, the topics a call mentions, and the order the walk reads a node's children in."""

from __future__ import annotations

import ast

from eventlint.analysis.imports import dotted_name
from eventlint.analysis.walk import children, descendants

# Writes of a producer (or of a test helper that produces).
_PRODUCING = frozenset({"send", "send_and_wait", "produce", "send_batch", "produce_batch"})
_PRODUCING_HELPERS = ("produce", "send_message", "send_event", "publish")
_QUIET_CALLS = frozenset({"print", "debug", "info", "warning", "warn", "error", "log", "exception"})
_SLEEPS = ("sleep", "backoff", "wait", "retry")


def in_order(node: ast.AST) -> list[ast.AST]:
    """A node's children in the order the walk reads them: ``ast``'s field order (which reads
    ``a if c else b`` from its test, as it runs), except where that order groups what the
    source interleaves: a dict's keys and values alternate, and in ``f(x=1, *rest)`` the
    star argument comes after the keyword."""
    if isinstance(node, ast.Dict):
        pairs: list[ast.AST] = []
        for key, value in zip(node.keys, node.values, strict=True):
            pairs += [value] if key is None else [key, value]
        return pairs
    if (
        isinstance(node, ast.Call)
        and node.keywords
        and any(isinstance(arg, ast.Starred) for arg in node.args)
    ):
        arguments: list[ast.expr | ast.keyword] = [*node.args, *node.keywords]
        return [node.func, *sorted(arguments, key=lambda arg: (arg.lineno, arg.col_offset))]
    return list(children(node))


def produces(method: str, receiver: ast.expr | None, is_producer: bool) -> bool:
    if method in _PRODUCING:
        if is_producer:
            return True
        name = (dotted_name(receiver) or "") if receiver is not None else ""
        return "producer" in name.lower()
    return method.startswith(_PRODUCING_HELPERS)


def mentioned(call: ast.Call) -> frozenset[str]:
    """The topic names (``'orders'``) and the names (``ORDERS``, ``Topics.ORDERS`` as both
    ``Topics`` and ``ORDERS``) the call's first argument mentions; the literal parts of an
    f-string are no topic's name."""
    first: ast.AST = call
    if call.args:
        first = call.args[0]
    elif call.keywords:
        first = call.keywords[0].value
    found: set[str] = set()
    pending = [first]
    while pending:
        inner = pending.pop()
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            found.add(f"'{inner.value}'")
        elif isinstance(inner, ast.Name):
            found.add(inner.id)
        elif isinstance(inner, ast.Attribute):
            found.add(inner.attr)
        if isinstance(inner, ast.JoinedStr):
            pending += [part for part in inner.values if not isinstance(part, ast.Constant)]
        else:
            pending += children(inner)
    return frozenset(found)


def sleeps_in(body: list[ast.stmt]) -> bool:
    return any(
        isinstance(inner, ast.Call)
        and (dotted_name(inner.func) or "").rsplit(".", 1)[-1].lower().startswith(_SLEEPS)
        for statement in body
        for inner in descendants(statement)
    )


def is_retry_decorator(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = dotted_name(target) or ""
    return name.startswith(("tenacity.", "backoff.", "on_exception")) or "retry" in name.lower()


def is_xfail(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (dotted_name(target) or "").endswith("xfail")


def is_quiet(statement: ast.stmt) -> bool:
    """A statement that only passes, documents, prints or logs: an ``on_assign`` callback
    made of these signals nothing (one that sets an event or a flag signals readiness)."""
    if isinstance(statement, ast.Pass):
        return True
    if not isinstance(statement, ast.Expr):
        return False
    value = statement.value
    if isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)):
        return True  # a docstring
    if isinstance(value, ast.Call):
        name = dotted_name(value.func) or ""
        return name.rsplit(".", 1)[-1] in _QUIET_CALLS
    return False
