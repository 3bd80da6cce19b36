"""Whether editing a value an ID hashes changes only the ID.

An EVT1 fix edits the hashed value itself (drops a dict key, adds ``exclude=`` to a dump).
That is right only when the value exists for the hash: the same dict is often also the
message the function publishes or returns, and removing ``"event_id"`` from it would ship
events without their id. So a fix is offered only when every use of the edited value ends in
the hash, following plain assignments to a name (``payload = {...}``, ``body =
json.dumps(payload)``), and the removed text binds no name (a walrus) that code may use.
Anything else — returned, passed to another call, stored on an object, read in a nested
function — is reported without a fix.
"""

from __future__ import annotations

import ast

from eventlint.analysis.hash_inputs import argument_value, arguments
from eventlint.analysis.id_hashes import HashSite
from eventlint.analysis.walk import descendants

# How many plain assignments a value may pass through on its way to the hash
# (``payload`` -> ``body`` -> ``data``); beyond that, no fix rather than a long search.
_MAX_RENAMES = 4
# Calls that turn a value into another form of the same data; a value passed to any other
# call (``producer.send(payload)``) may be published by it, whatever the result is named.
_REFORMATS = frozenset(
    {"dumps", "str", "repr", "bytes", "encode", "sorted", "dict", "list", "tuple", "join",
     "format", "items", "keys", "values", "copy", "deepcopy"}
)  # fmt: skip


def binds_a_name(nodes: list[ast.AST]) -> bool:
    """Whether the text of these nodes contains ``name := value`` (removing it would leave
    later reads of ``name`` undefined)."""
    return any(isinstance(inner, ast.NamedExpr) for node in nodes for inner in descendants(node))


def only_hashed(value: ast.AST, site: HashSite) -> bool:
    """Whether ``value`` (a node in ``site``'s function) is used for nothing but the hash."""
    uses = _NameUses(site.scope.node)
    hashing = [site.call, *uses.updates_of(site.call)]
    in_hash = {id(node) for call in hashing for node in descendants(call)}
    for call in hashing:
        if any(node is value for node in descendants(call)):
            # Inline in the hash call (or a ``h.update(...)`` of it): ``(payload := {...})``
            # would also name it, and ``sha256(json.dumps(producer.send(topic, {...})))``
            # publishes it on the way.
            return not _named_inside_hash(value, call) and all(
                _reformats_only(argument_value(argument), value) for argument in arguments(call)
            )
    for target, assigned in uses.single_name_assignments:
        if id(value) in {id(node) for node in descendants(assigned)}:
            # ``message = build(producer, {...})`` hands the dict to a call first.
            return _reformats_only(assigned, value) and uses.ends_in_hash(target, in_hash, 0)
    return False


def _named_inside_hash(value: ast.AST, call: ast.Call) -> bool:
    for node in descendants(call):
        if isinstance(node, ast.NamedExpr) and any(
            inner is value for inner in descendants(node.value)
        ):
            return True
    return False


class _NameUses:
    """The reads of each name in one function, and its single-name assignments."""

    def __init__(self, function: ast.AST) -> None:
        self.single_name_assignments: list[tuple[str, ast.expr]] = []
        self.loads: dict[str, list[ast.Name]] = {}
        # Loads that are the base of a subscript store (``payload["k"] = v``): they change
        # the dict before it is hashed, and use it for nothing else.
        self.mutations: set[int] = set()
        # A load that is the receiver of ``.update(...)``: that call.
        self.calls_on: dict[int, ast.Call] = {}
        for node in descendants(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "update"
                and isinstance(node.func.value, ast.Name)
            ):
                self.calls_on[id(node.func.value)] = node
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    self.single_name_assignments.append((target.id, node.value))
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.value is not None
            ):
                self.single_name_assignments.append((node.target.id, node.value))
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                self.loads.setdefault(node.id, []).append(node)
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, (ast.Store, ast.Del))
                and isinstance(node.value, ast.Name)
            ):
                self.mutations.add(id(node.value))

    def updates_of(self, call: ast.Call) -> list[ast.Call]:
        """``h.update(x)`` calls on a name assigned the hash call (``h = hashlib.sha256()``):
        they feed the same hash."""
        names = {target for target, assigned in self.single_name_assignments if assigned is call}
        return [
            load_call
            for name in names
            for load in self.loads.get(name, [])
            if (load_call := self.calls_on.get(id(load))) is not None
        ]

    def ends_in_hash(self, name: str, in_hash: set[int], depth: int) -> bool:
        if depth > _MAX_RENAMES:
            return False
        for load in self.loads.get(name, []):
            if id(load) in in_hash or id(load) in self.mutations:
                continue
            renamed = self._renamed_to(load)
            if renamed is None or renamed == name or not self.loads.get(renamed):
                return False
            if not self.ends_in_hash(renamed, in_hash, depth + 1):
                return False
        return True

    def _renamed_to(self, load: ast.Name) -> str | None:
        for target, assigned in self.single_name_assignments:
            if any(inner is load for inner in descendants(assigned)):
                return target if _reformats_only(assigned, load) else None
        return None


def _reformats_only(assigned: ast.expr, value: ast.AST) -> bool:
    """Whether every call between ``assigned`` (an assignment's value) and ``value`` inside
    it only reformats its input (``json.dumps(...)``, ``.encode()``), so the name it is
    given still holds the data on its way to the hash. Calls elsewhere in the expression
    (a value's own ``str(event.id)``) do not matter."""
    for node in descendants(assigned):
        if isinstance(
            node, (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)
        ) and any(inner is value for inner in descendants(node)):
            return False
        if isinstance(node, ast.Call) and node is not value:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in _REFORMATS and any(inner is value for inner in descendants(node)):
                return False
    return True
