"""EVT103: a deterministic ID that takes in a random or time-dependent value."""

from __future__ import annotations

import ast

from eventlint.analysis.hash_inputs import CallUse, Leaf, NameUse, argument_value, arguments
from eventlint.analysis.id_hashes import EventIdAnalysis, HashSite, spelled
from eventlint.analysis.imports import ImportMap
from eventlint.analysis.scopes import FunctionNode
from eventlint.analysis.walk import descendants, walk
from eventlint.rules.event_ids._base import EventIdRule, made_in

# Calls whose string form always parses as a UUID.
_UUID_MAKERS = frozenset({"uuid.uuid1", "uuid.uuid4"})


class NondeterministicInputInEventId(EventIdRule):
    """A deterministic event ID hashes a value that differs on every call.

    ``uuid.uuid5(NAMESPACE, name)`` and a hash of the event's content are used precisely
    because the same input always gives the same ID. Mixing in ``uuid4()``, the current time
    or random bytes makes every call produce a new ID: retries are no longer recognised as
    duplicates. If a random ID is what you want, call ``uuid.uuid4()`` directly and drop the
    hash; if you need the event time, use the time carried in the event's payload.

    Flags, flowing into an ID hash (including a uuid3/uuid5 namespace): ``uuid.uuid1``,
    ``uuid.uuid4``, ``datetime.now/utcnow/today``, ``date.today``, ``time.time``,
    ``time.time_ns``, ``time.monotonic``, ``time.perf_counter``, anything from ``random`` and
    ``secrets``, and ``os.urandom``; resolved through imports, so ``from uuid import uuid4 as
    new_id`` is caught too. Also through a model: ``payload = Payload(created=datetime.now())``
    then ``uuid5(NS, payload.model_dump_json())`` takes the time in, unless the dump's
    ``exclude=`` leaves that field out (keyword arguments of a constructor only: a positional
    one names no field). Random test data is not an ID's input: a test that builds sample
    messages with ``uuid4()`` event ids and passes them to a project function that picks its
    fields itself is not flagged (only what such a function hashes whole is the caller's
    choice). No fix.

    Follows the path: in ``try: return UUID(raw) / except ValueError: return uuid5(NS, raw)``
    a ``uuid4()`` that ``raw`` may hold always parses in the ``try``, so it never reaches the
    hash in the ``except``: not flagged.

    Incorrect::

        import hashlib
        import time


        def dedup_key(order_id: str) -> str:
            return hashlib.sha256(f"{order_id}:{time.time()}".encode()).hexdigest()

    Correct::

        import hashlib


        def dedup_key(order_id: str) -> str:
            return hashlib.sha256(order_id.encode()).hexdigest()
    """

    code = "EVT103"
    name = "nondeterministic-input-in-event-id"
    summary = "uuid4(), now(), random or urandom flowing into a deterministic ID"

    def judge(self, analysis: EventIdAnalysis) -> None:
        tries = _Tries(analysis.imports)
        for site in self.id_sites(analysis):
            parsed_first = _uuid_parsed_before(site, tries)
            for leaf in [*site.all_leaves(), *site.namespace_leaves]:
                if isinstance(leaf, CallUse) and id(leaf) not in parsed_first:
                    self.report_once(
                        leaf.node,
                        f"`{leaf.qualified}()` changes on every call, so the ID made in "
                        f"{made_in(site, leaf.node)} is not deterministic",
                    )


def _uuid_parsed_before(site: HashSite, tries: _Tries) -> set[int]:
    """The uuid1/uuid4 leaves that only reach the hash through a name the enclosing ``try``
    parses with ``uuid.UUID(...)``: when the hash runs in its ``except``, that parse failed,
    so the value was not one of theirs."""
    if not any(_makes_uuid(leaf) for leaf in site.all_leaves()):
        return set()
    handler_try = tries.handling(site)
    if handler_try is None:
        return set()
    parsed = tries.parsed_in(handler_try)
    if not parsed:
        return set()
    # What reaches the hash without passing through a parsed name.
    unparsed: set[int] = set()
    stack: list[Leaf] = list(site.leaves)
    while stack:
        leaf = stack.pop()
        if id(leaf) in unparsed or (isinstance(leaf, NameUse) and leaf.name in parsed):
            continue
        unparsed.add(id(leaf))
        if isinstance(leaf, NameUse):
            stack.extend(leaf.origins)
    return {
        id(leaf) for leaf in site.all_leaves() if _makes_uuid(leaf) and id(leaf) not in unparsed
    }


def _makes_uuid(leaf: Leaf) -> bool:
    return isinstance(leaf, CallUse) and leaf.qualified in _UUID_MAKERS


class _Tries:
    """The ``try`` statements around a file's hashes: each function is walked once, however
    many hashes it holds."""

    def __init__(self, imports: ImportMap) -> None:
        self._imports = imports
        self._handling: dict[int, dict[int, ast.Try]] = {}  # scope node -> call -> try
        self._parsed: dict[int, set[str]] = {}  # try -> the names its body parses

    def handling(self, site: HashSite) -> ast.Try | None:
        """The innermost ``try`` whose ``except`` handler holds the hash call."""
        root = site.scope.node
        if id(root) not in self._handling:
            self._handling[id(root)] = _handler_tries(root)
        return self._handling[id(root)].get(id(site.call))

    def parsed_in(self, statement: ast.Try) -> set[str]:
        """The names given to ``uuid.UUID(...)`` in the ``try`` block."""
        if id(statement) not in self._parsed:
            self._parsed[id(statement)] = {
                name
                for block in statement.body
                for call in descendants(block)
                if isinstance(call, ast.Call) and self._imports.qualify(call.func) == "uuid.UUID"
                for argument in arguments(call)
                for node in descendants(argument_value(argument))
                if (name := spelled(node)) is not None
            }
        return self._parsed[id(statement)]


def _handler_tries(root: FunctionNode | ast.Module) -> dict[int, ast.Try]:
    """Each call of a function (or of the module's top level) that an ``except`` handler
    holds, with the innermost ``try`` it handles. Functions nested in ``root`` are scopes of
    their own: not walked."""
    found: dict[int, ast.Try] = {}
    opened_by: dict[int, ast.Try] = {}  # a statement of a handler -> the handler's ``try``
    inside: list[ast.Try] = []  # the tries whose handler is being walked, innermost last

    def enter(node: ast.AST) -> bool:
        if id(node) in opened_by:
            inside.append(opened_by[id(node)])
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                for statement in handler.body:
                    opened_by[id(statement)] = node
        elif isinstance(node, ast.Call) and inside:
            found[id(node)] = inside[-1]
        return node is root or not isinstance(node, FunctionNode)

    def leave(node: ast.AST) -> None:
        if id(node) in opened_by:
            inside.pop()

    walk(root, enter, leave)
    return found
