"""Which parameters a function hashes *whole*, and which it only selects from.

A project function that hashes its argument as given (``def digest_of(value): return
sha256(value.encode())``) makes the caller's choice of value the ID's input: a caller that
passes an event's ``event_id`` into it is the one to blame. A function that parses its
argument and picks fields itself (``data = json.loads(msg); sha256(data["order_id"])``)
makes that choice itself: it is judged where it picks, and a caller that hands it a rich
message (a test building sample input with ``event_id``, timestamps and ``uuid4()`` values)
chose nothing. So a parameter counts as hashed only when it reaches the hash through
operations that keep all of it: string building, encoding, containers, ``json.dumps``,
calls of other functions. Reading an attribute or a key of it, ``.get(...)``, a getter call
(``msg.value()``), a filtered comprehension, or serialising an object's fields
(``event.model_dump_json()``, ``dataclasses.asdict(event)``: which fields go in is the
function's choice, judged at the dump) is selection.

``json.dumps(json.loads(raw), sort_keys=True)`` takes ``raw`` whole but re-serialises it with
sorted keys: the key order of the text the caller passed does not reach the hash
(``Intake.REPARSED``), so the caller's unsorted ``json.dumps`` is not EVT104.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Callable, Mapping, Sequence

Qualify = Callable[[ast.AST], str | None]


class Intake(enum.Enum):
    """How a hashed parameter reaches the hash."""

    WHOLE = "whole"  # as given: every part of the caller's value decides the ID
    REPARSED = "reparsed"  # parsed and dumped again with sorted keys: the key order does not


# Methods that keep all of the value they are called on (and of their arguments).
_WHOLE_METHODS = frozenset(
    {
        "encode", "decode", "lower", "upper", "casefold", "strip", "lstrip", "rstrip",
        "hex", "items", "values", "copy", "format", "join", "replace", "to_json",
        "SerializeToString", "tobytes", "isoformat",
    }
)  # fmt: skip
# Serialising an object's fields is the function's choice of fields (all of them, or those
# ``exclude=``/``include=`` leave): judged in the function, at the dump.
_FIELD_DUMPS = frozenset({"model_dump", "model_dump_json", "dict", "json"})
# Calls that pick a part of their first argument, or dump an object's fields.
_SELECTING_CALLS = frozenset(
    {"builtins.getattr", "operator.itemgetter", "operator.attrgetter", "builtins.vars",
     "dataclasses.asdict", "dataclasses.astuple"}
)  # fmt: skip

# A step of the walk: an expression, whether a ``json.dumps(..., sort_keys=True)`` encloses
# it, and whether a ``json.loads`` under such a dump does.
_Step = tuple[ast.AST, bool, bool]


def names_taken_whole(
    value: ast.AST, assignments: Mapping[str, Sequence[ast.expr]], qualify: Qualify
) -> dict[str, Intake]:
    """The names ``value`` takes in whole (see the module docstring), through the local
    ``assignments`` (name -> the values assigned to it), with how each gets there."""
    found: dict[str, Intake] = {}
    seen: set[tuple[str, bool, bool]] = set()
    stack: list[_Step] = [(value, False, False)]
    while stack:
        node, sorted_dump, reparsed = stack.pop()
        if isinstance(node, ast.Name):
            intake = Intake.REPARSED if reparsed else Intake.WHOLE
            if found.get(node.id) is not Intake.WHOLE:
                found[node.id] = intake
            if (node.id, sorted_dump, reparsed) not in seen:
                seen.add((node.id, sorted_dump, reparsed))
                stack.extend((v, sorted_dump, reparsed) for v in assignments.get(node.id, ()))
        elif isinstance(node, ast.Call):
            stack.extend(_call_parts(node, sorted_dump, reparsed, qualify))
        else:
            stack.extend((part, sorted_dump, reparsed) for part in _kept_parts(node))
    return found


def _kept_parts(node: ast.AST) -> list[ast.AST]:
    """The sub-expressions a (non-call) expression keeps whole; none for a selection."""
    if isinstance(node, ast.Subscript):
        # ``value[:16]`` keeps a prefix of the whole value; ``value["k"]`` picks a part.
        return [node.value] if isinstance(node.slice, ast.Slice) else []
    if isinstance(node, ast.Attribute):
        return []  # ``event.order_id``: a part
    if isinstance(node, ast.JoinedStr):
        return [part.value for part in node.values if isinstance(part, ast.FormattedValue)]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return list(node.elts)
    if isinstance(node, ast.Dict):
        return [part for part in (*node.keys, *node.values) if part is not None]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    if isinstance(node, (ast.Starred, ast.Await, ast.FormattedValue)):
        return [node.value]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        if any(generator.ifs for generator in node.generators):
            return []  # a filter chooses what goes in
        produced = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        return [*produced, *(generator.iter for generator in node.generators)]
    return []


def _call_parts(node: ast.Call, sorted_dump: bool, reparsed: bool, qualify: Qualify) -> list[_Step]:
    qualified = qualify(node.func)
    if qualified is None and isinstance(node.func, ast.Name):
        qualified = f"builtins.{node.func.id}"  # ``getattr``, ``vars``: not imported
    given = [*node.args, *(keyword.value for keyword in node.keywords)]
    if qualified == "json.dumps":
        data = node.args[0] if node.args else _keyword(node, "obj")
        return [] if data is None else [(data, _sorts_keys(node), reparsed)]
    if qualified == "json.loads":
        data = node.args[0] if node.args else _keyword(node, "s")
        return [] if data is None else [(data, False, reparsed or sorted_dump)]
    if qualified in _SELECTING_CALLS:
        return []
    func = node.func
    if isinstance(func, ast.Attribute) and qualified is None:
        method = func.attr
        if method in _WHOLE_METHODS:
            return [(part, sorted_dump, reparsed) for part in (func.value, *given)]
        if not given or method in _FIELD_DUMPS or method in ("get", "pop"):
            return []  # a getter (``msg.value()``) or a lookup picks a part
        return [(part, sorted_dump, reparsed) for part in (func.value, *given)]
    # Any other function (``str``, ``sorted``, a project helper): its arguments whole.
    return [(part, sorted_dump, reparsed) for part in given]


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((keyword.value for keyword in node.keywords if keyword.arg == name), None)


def _sorts_keys(node: ast.Call) -> bool:
    value = _keyword(node, "sort_keys")
    # Only a literal True is known to sort; a computed value is not relied on here.
    return isinstance(value, ast.Constant) and value.value is True
