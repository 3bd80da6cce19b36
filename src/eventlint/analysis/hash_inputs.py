"""What a hashed value is made of: the *leaves* (field accesses, names, per-call values,
whole-object dumps, ``json.dumps`` calls) that the EVT1 rules judge, and the walk from a
hashed expression back to them within one function.

The walk follows local assignments (every one counts: flow-insensitive, see
``analysis.scopes``), string building, containers, ``json.dumps``, ``.encode()``, ``str()``
and the constructor of a dumped object, into the leaves. ``analysis.id_hashes`` decides which
hashes make IDs and collects their leaves with ``LeafCollector``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from eventlint.analysis.imports import ImportMap
from eventlint.analysis.scopes import Scope, string_value

NONDETERMINISTIC_CALLS = frozenset(
    {
        "uuid.uuid1", "uuid.uuid4",
        "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
        "datetime.date.today",
        "time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns",
        "time.perf_counter", "time.perf_counter_ns",
        "os.urandom", "os.getrandom",
    }
)  # fmt: skip
NONDETERMINISTIC_MODULES = ("random.", "secrets.")

# Serialisations of a whole object, by method name (pydantic v2 and v1) ...
DUMP_METHODS = frozenset({"model_dump", "model_dump_json", "dict", "json"})
# ... and by function.
DUMP_FUNCTIONS = {"dataclasses.asdict": "dataclasses.asdict", "builtins.vars": "vars"}

# What ``json.dumps`` may serialise that is provably not a mapping: its key order is fixed.
_NOT_MAPPINGS = (
    ast.List, ast.Tuple, ast.Set, ast.ListComp, ast.SetComp, ast.GeneratorExp,
    ast.JoinedStr, ast.Constant,
)  # fmt: skip
_NOT_MAPPING_CALLS = frozenset(
    {"builtins.sorted", "builtins.list", "builtins.tuple", "builtins.str"}
)


# ---- arguments ------------------------------------------------------------------------------

Argument = ast.expr | ast.keyword  # ``ast.Starred`` for ``*x``, a keyword without name for ``**x``


def arguments(call: ast.Call) -> list[Argument]:
    """A call's arguments in source order (``ast`` keeps positional and keyword ones apart,
    and ``f(k=1, *rest)`` puts a positional one after a keyword)."""
    if not call.keywords:
        return list(call.args)
    if not call.args:
        return list(call.keywords)
    return sorted([*call.args, *call.keywords], key=lambda node: (node.lineno, node.col_offset))


def argument_value(argument: Argument) -> ast.expr:
    """What an argument passes: ``v`` of ``k=v``, ``*v`` and ``**v``, else the argument."""
    if isinstance(argument, (ast.keyword, ast.Starred)):
        return argument.value
    return argument


def arg_at(call: ast.Call, index: int, *keywords: str) -> ast.expr | None:
    """The argument given by one of ``keywords``, else the ``index``-th positional one
    (``*rest`` not counted)."""
    for keyword in call.keywords:
        if keyword.arg in keywords:
            return keyword.value
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    return positional[index] if len(positional) > index else None


# ---- leaves: what a hashed value is made of -------------------------------------------------


@dataclass(frozen=True, eq=False)
class FieldUse:
    """A field read by name: ``x.email``, ``x["email"]``, ``x.get("email")``, a getter
    ``x.offset()``, a dict-literal key, ``d["email"] = ...`` or a keyword argument
    ``email=...`` (``node`` is then the ``ast.keyword``)."""

    name: str
    node: ast.AST
    owner: ast.expr | None = None  # the object the field is read from
    dict_literal: ast.Dict | None = None  # set for a key of a hashed dict literal ...
    element_index: int | None = None  # ... with the key's place among the literal's entries
    # The value stored under this key (a dict-literal entry's or ``d["k"] = value``):
    # reported with the key, not again on its own.
    covers: ast.expr | None = None


@dataclass(frozen=True, eq=False)
class NameUse:
    """A variable or parameter. ``bound`` is false for parameters and outer names;
    ``origins`` are the leaves of what the function assigns to it."""

    name: str
    node: ast.Name
    bound: bool
    origins: tuple[Leaf, ...] = ()


@dataclass(frozen=True, eq=False)
class CallUse:
    """A call whose result differs on every call (``uuid4()``, ``time.time()``)."""

    qualified: str
    node: ast.Call


@dataclass(frozen=True, eq=False)
class DumpUse:
    """A whole object serialised: ``event.model_dump()``, ``dataclasses.asdict(event)``."""

    node: ast.Call
    owner: ast.expr
    style: str
    excluded: frozenset[str] | None  # None: an exclude the analysis cannot read
    included: frozenset[str] | None  # None: no include given
    exclude_arg: ast.keyword | None

    def carries(self, name: str) -> bool:
        """Whether the dump holds field ``name``: not excluded, and included if it says."""
        return (self.excluded is None or name not in self.excluded) and (
            self.included is None or name in self.included
        )


@dataclass(frozen=True, eq=False)
class JsonDumpsUse:
    node: ast.Call
    sort_keys: bool | None  # None when the argument is absent
    may_be_mapping: bool


Leaf = FieldUse | NameUse | CallUse | DumpUse | JsonDumpsUse


# ---- following a hashed value back to its leaves ---------------------------------------------


@dataclass(frozen=True, eq=False)
class _Followed:
    """The end of following a variable: its assignments' leaves are all in ``origins``."""

    node: ast.Name
    origins: list[Leaf]


# A step of the walk back: an expression to follow, a leaf found in between, or a variable
# done; with the list its leaves go to and the dict keys removed from what it is read from.
_Step = tuple[ast.AST | Leaf | _Followed, list[Leaf], frozenset[str]]


class LeafCollector:
    """Follows a hashed expression back to its leaves, within one function. Iterative: an
    expression may be nested as deeply as the parser allows, and names assigned from names
    as long as the function is."""

    def __init__(self, scope: Scope, imports: ImportMap) -> None:
        self.scope = scope
        self.imports = imports
        self._following: set[str] = set()  # variables whose assignments are being followed
        self._key_order_matters = True

    def collect(self, expr: ast.expr, *, key_order_matters: bool = True) -> list[Leaf]:
        """The leaves of ``expr``, in source order; a variable's are its ``origins``. With
        ``key_order_matters`` false (the value is parsed and dumped again with sorted keys
        before it is hashed) a ``json.dumps`` is followed but is no leaf of its own."""
        outer = self._key_order_matters
        self._key_order_matters = key_order_matters and outer
        try:
            return self._collect(expr)
        finally:
            self._key_order_matters = outer

    def _collect(self, expr: ast.expr) -> list[Leaf]:
        leaves: list[Leaf] = []
        stack: list[_Step] = [(expr, leaves, frozenset())]
        while stack:
            item, out, removed = stack.pop()
            if isinstance(item, _Followed):
                self._following.discard(item.node.id)
                out.append(
                    NameUse(item.node.id, item.node, bound=True, origins=tuple(item.origins))
                )
            elif isinstance(item, ast.Name):
                self._name(item, out, stack)
            elif isinstance(item, ast.AST):
                parts = self._parts(item, removed)
                stack.extend((part, out, removed) for part in reversed(parts))
            else:
                out.append(item)
        return leaves

    def _name(self, node: ast.Name, out: list[Leaf], stack: list[_Step]) -> None:
        """A parameter or outer name is a leaf; a variable is followed into everything the
        function assigns to it (once: ``x = x + 1`` does not loop), without the keys it
        deletes or pops."""
        name = node.id
        scope = self.scope
        if not scope.is_bound(name) or name in self._following:
            out.append(NameUse(name, node, bound=scope.is_bound(name)))
            return
        self._following.add(name)
        removed = frozenset(scope.removed_keys.get(name, ()))
        parts: list[ast.AST | Leaf] = list(scope.values_of(name))
        for key, target, value in scope.key_assignments.get(name, ()):
            if key not in removed:
                parts.append(FieldUse(key, target, covers=value))
            parts.append(value)
        origins: list[Leaf] = []
        stack.append((_Followed(node, origins), out, removed))
        stack.extend((part, origins, removed) for part in reversed(parts))

    def _parts(self, expr: ast.AST, removed: frozenset[str]) -> list[ast.AST | Leaf]:
        """What an expression is made of, in order: sub-expressions to follow and leaves.
        Tests (``if``, comparisons) and what a lambda computes are not part of a value."""
        if isinstance(expr, ast.Attribute):
            field_use = FieldUse(expr.attr, expr, owner=expr.value)
            return [field_use] if isinstance(expr.value, ast.Name) else [field_use, expr.value]
        if isinstance(expr, ast.Subscript):
            key = string_value(expr.slice)
            if key is not None:
                return [FieldUse(key, expr, owner=expr.value)]
            return [expr.value]
        if isinstance(expr, ast.Call):
            return self._call(expr, removed)
        if isinstance(expr, ast.Dict):
            return _dict_parts(expr, removed)
        if isinstance(expr, ast.JoinedStr):
            return [part.value for part in expr.values if isinstance(part, ast.FormattedValue)]
        if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
            return list(expr.elts)
        if isinstance(expr, ast.BinOp):
            return [expr.left, expr.right]
        if isinstance(expr, ast.BoolOp):
            return list(expr.values)
        if isinstance(expr, ast.IfExp):
            return [expr.body, expr.orelse]
        if isinstance(expr, (ast.Await, ast.Starred)):
            return [expr.value]
        if isinstance(expr, ast.UnaryOp):
            return [expr.operand]
        if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return [expr.elt, *(generator.iter for generator in expr.generators)]
        if isinstance(expr, ast.DictComp):
            return [expr.key, expr.value, *(generator.iter for generator in expr.generators)]
        return []

    def _call(self, node: ast.Call, removed: frozenset[str]) -> list[ast.AST | Leaf]:
        qualified = self.imports.qualify(node.func)
        if qualified is not None and (
            qualified in NONDETERMINISTIC_CALLS or qualified.startswith(NONDETERMINISTIC_MODULES)
        ):
            return [CallUse(qualified, node)]
        if qualified == "json.dumps":
            return self._json_dumps(node)
        given = arguments(node)
        if qualified in DUMP_FUNCTIONS and given:
            return [_dump(node, argument_value(given[0]), DUMP_FUNCTIONS[qualified], removed)]
        parts: list[ast.AST | Leaf] = []
        func = node.func
        if isinstance(func, ast.Attribute):
            method = func.attr
            if method in DUMP_METHODS:
                dump = _dump(node, func.value, method, removed)
                return [dump, *self._constructed_varying(func.value, dump)]
            if method == "get" and given:
                key = string_value(argument_value(given[0]))
                if key is not None:
                    return [FieldUse(key, node, owner=func.value)]
            if not given:
                # A getter such as confluent-kafka's ``msg.offset()``.
                parts.append(FieldUse(method, node, owner=func.value))
            parts.append(func.value)
        for argument in given:
            if isinstance(argument, ast.keyword) and argument.arg is not None:
                parts.append(FieldUse(argument.arg, argument))
            parts.append(argument_value(argument))
        return parts

    def _constructed_varying(self, owner: ast.expr, dump: DumpUse) -> list[Leaf]:
        """What differs per call among the fields a dumped object was constructed with:
        ``payload = Payload(order_id=..., created=datetime.now())`` then
        ``uuid5(NS, payload.model_dump_json())`` takes in ``now()``. Only keyword arguments
        (a positional one names no field) that the dump carries (``exclude=`` applied); the
        fields themselves are judged on the dump, from the class."""
        if not isinstance(owner, ast.Name) or not self.scope.is_bound(owner.id):
            return []
        varying: list[Leaf] = []
        for value in self.scope.values_of(owner.id):
            if not (isinstance(value, ast.Call) and is_constructor(value.func)):
                continue
            for keyword in value.keywords:
                if keyword.arg is not None and dump.carries(keyword.arg):
                    varying.extend(_calls_among(self.collect(keyword.value)))
        return varying

    def _json_dumps(self, node: ast.Call) -> list[ast.AST | Leaf]:
        sort_keys: bool | None = None
        for keyword in node.keywords:
            if keyword.arg == "sort_keys":
                # Only a literal False is known to leave keys unsorted; a computed value is
                # trusted.
                value = keyword.value
                sort_keys = not (isinstance(value, ast.Constant) and value.value is False)
        data = arg_at(node, 0, "obj")
        if not self._key_order_matters:
            return [] if data is None else [data]
        dumps = JsonDumpsUse(node, sort_keys, self._may_be_mapping(data))
        return [dumps] if data is None else [dumps, data]

    def _may_be_mapping(self, expr: ast.expr | None) -> bool:
        """False only when the value is provably not a dict (a list, a string, a number, a
        ``sorted(...)``...), through the variables it was assigned from."""
        if expr is None:
            return False
        scope = self.scope
        seen: set[str] = set()
        stack = [expr]
        while stack:
            current = stack.pop()
            if isinstance(current, _NOT_MAPPINGS):
                continue
            if (
                isinstance(current, ast.Call)
                and self.imports.qualify(current.func) in _NOT_MAPPING_CALLS
            ):
                continue
            if (
                isinstance(current, ast.Name)
                and scope.is_bound(current.id)
                and current.id not in seen
                and not scope.key_assignments.get(current.id)
            ):
                seen.add(current.id)
                stack.extend(reversed(scope.values_of(current.id)))
                continue
            return True  # anything else may be a mapping, a variable seen twice too
        return False


def is_constructor(func: ast.expr) -> bool:
    """``Payload(...)``, ``models.Payload(...)``: a class by the naming convention."""
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return bool(name) and name[0].isupper()


def _calls_among(leaves: list[Leaf]) -> Iterator[CallUse]:
    """The per-call values among leaves, through the variables they were assigned from."""
    stack = list(leaves)
    seen: set[int] = set()
    while stack:
        leaf = stack.pop()
        if id(leaf) in seen:
            continue
        seen.add(id(leaf))
        if isinstance(leaf, CallUse):
            yield leaf
        elif isinstance(leaf, NameUse):
            stack.extend(leaf.origins)


def _dict_parts(literal: ast.Dict, removed: frozenset[str]) -> list[ast.AST | Leaf]:
    """A string key is a field (unless deleted or popped later), followed by its value; a
    computed key and a ``**spread`` are followed as expressions."""
    parts: list[ast.AST | Leaf] = []
    for index, (key_node, value) in enumerate(zip(literal.keys, literal.values, strict=True)):
        key = string_value(key_node)
        if key_node is None:
            pass  # ``**spread``: its value only
        elif key is None:
            parts.append(key_node)
        elif key in removed:
            continue
        else:
            parts.append(
                FieldUse(key, key_node, dict_literal=literal, element_index=index, covers=value)
            )
        parts.append(value)
    return parts


def _dump(call: ast.Call, owner: ast.expr, style: str, removed: frozenset[str]) -> DumpUse:
    excluded: frozenset[str] | None = frozenset(removed)
    included: frozenset[str] | None = None
    exclude_arg: ast.keyword | None = None
    for keyword in call.keywords:
        if keyword.arg == "exclude":
            exclude_arg = keyword
            keys = _string_collection(keyword.value)
            excluded = None if keys is None else frozenset(removed | keys)
        elif keyword.arg == "include":
            keys = _string_collection(keyword.value)
            included = keys if keys is not None else frozenset()
    return DumpUse(call, owner, style, excluded, included, exclude_arg)


def _string_collection(node: ast.expr) -> frozenset[str] | None:
    """Keys of ``{"a", "b"}``, ``["a"]``, ``("a",)`` or ``{"a": True}``; None if not literal."""
    members: list[ast.expr | None]
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        members = list(node.elts)
    elif isinstance(node, ast.Dict):
        members = list(node.keys)  # None for a ``**spread``
    else:
        return None
    keys = [string_value(member) for member in members]
    if any(key is None for key in keys):
        return None
    return frozenset(key for key in keys if key is not None)
