"""Which hashes make identifiers, and what goes into them: the analysis behind the EVT1xx
rules, ``eventlint events``' ID inventory and the ID functions ``eventlint.testing`` exercises.

Computed once per file. A *hash site* is a hashing call (``uuid.uuid3/5``, a ``hashlib``
constructor or ``hashlib.new``, ``hmac.new``/``hmac.digest``, a configured extra hash function,
a project helper that returns a digest of an argument, or builtin ``hash()``). It is an *ID
context* when its result is an identifier: always for uuid3/uuid5, otherwise when the result
(directly or through local names) is returned from, or assigned to, something whose name says
identity. The hashed value is followed back through local assignments, string building,
containers, ``json.dumps``, ``.encode()`` and ``str()`` into *leaves*: the field accesses,
names, calls and whole-object dumps that the rules judge.

Everything is local to one function and flow-insensitive (``analysis.scopes``): every
assignment to a name counts, wherever it is.
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from eventlint.analysis.event_fields import (
    Classification,
    FieldFacts,
    classify,
    envelope_field,
    sensitive_field,
)
from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.name_words import any_word_matches, names_field, words
from eventlint.analysis.scopes import FunctionNode, Scope, scopes_of, string_value
from eventlint.analysis.walk import descendants
from eventlint.config import Settings
from eventlint.project import ClassInfo
from eventlint.project.modules import FieldInfo
from eventlint.rules.base import FileContext

HASHLIB_CONSTRUCTORS = frozenset(
    {
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s",
        "sha3_224", "sha3_256", "sha3_384", "sha3_512", "shake_128", "shake_256",
    }
)  # fmt: skip

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

# ``event_hash``, ``compute_event_digest``, ``dedupe_token``: a digest word ending a name that
# also says what is being identified makes an ID, though no identity word is in it (and a
# trailing ``token`` or ``key`` is then no credential). Not for builtin ``hash()``: a method
# named ``event_hash`` returning ``hash(...)`` usually serves a set in the same process.
_DIGEST_WORDS = frozenset({"hash", "digest", "token", "key", "fingerprint"})
_IDENTIFIED_WORDS = frozenset(
    {"event", "message", "msg", "payload", "record", "dedup", "dedupe", "deduplication",
     "idempotency", "idempotent"}
)  # fmt: skip

# Words in an identifying name that say it is not an event identifier after all.
_NOT_AN_ID_WORDS = re.compile(
    r"password|passwd|pwd|checksum|crc|etag|signature|sig|integrity|secret|salt|nonce"
)

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


def _arg(call: ast.Call, index: int, *keywords: str) -> ast.expr | None:
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


class HashKind(enum.Enum):
    """What makes a call a hash: the standard library's hashes, a configured hash function,
    a project function that returns a digest of its argument, or builtin ``hash()``."""

    UUID = "uuid3/uuid5"
    HASHLIB = "hashlib"
    HMAC = "hmac"
    CONFIGURED = "configured"
    PROJECT_HELPER = "project helper"
    BUILTIN = "builtin hash()"


@dataclass(frozen=True)
class HashCall:
    kind: HashKind
    inputs: list[ast.expr]
    namespace: list[ast.expr]  # uuid3/uuid5's namespace argument


@dataclass(eq=False)
class HashSite:
    call: ast.Call
    kind: HashKind
    scope: Scope
    is_id_context: bool
    id_name: str | None  # the identifying name that made it an ID context
    id_value: ast.expr | None = None  # the value given that name
    leaves: list[Leaf] = field(default_factory=list)
    namespace_leaves: list[Leaf] = field(default_factory=list)  # uuid3/5 namespace argument

    def all_leaves(self) -> Iterator[Leaf]:
        """Every leaf, including those reached through a variable's assignments."""
        seen: set[int] = set()
        stack: list[Leaf] = list(self.leaves)
        while stack:
            leaf = stack.pop()
            if id(leaf) in seen:
                continue
            seen.add(id(leaf))
            yield leaf
            if isinstance(leaf, NameUse):
                stack.extend(leaf.origins)


@dataclass
class EventIdAnalysis:
    sites: list[HashSite]
    imports: ImportMap
    context: FileContext

    def class_of(self, expr: ast.expr, scope: Scope) -> ClassInfo | None:
        """The project class an expression is an instance of, when the code says so:
        ``self`` in a method, an annotated parameter, a name assigned ``Model(...)``."""
        class_name: str | None = None
        if isinstance(expr, ast.Name):
            if expr.id == "self" and scope.class_name:
                class_name = scope.class_name
            elif scope.parameters.get(expr.id) is not None:
                class_name = annotation_class(scope.parameters[expr.id])
            else:
                for value in scope.values_of(expr.id):
                    if isinstance(value, ast.Call):
                        class_name = annotation_class(value.func)
                        if class_name:
                            break
        if class_name is None:
            return None
        return self.context.project.resolve_class(class_name)


def annotation_class(node: ast.expr | None) -> str | None:
    """The dotted class name an annotation (or a called constructor) spells, a forward
    reference ``"Event"`` included."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        value = string_value(node)
        return value if value and value.replace(".", "").isidentifier() else None
    return dotted_name(node)


# ---- building the analysis ------------------------------------------------------------------


def analyse(context: FileContext) -> EventIdAnalysis:
    module = context.module
    imports = context.imports
    options = context.settings.config.event_ids
    id_pattern = re.compile(options.id_name_pattern, re.IGNORECASE)
    sensitive = options.sensitive_fields + options.extend_sensitive_fields
    extra = frozenset(options.hash_functions)
    helper = _project_helpers(context)
    sites: list[HashSite] = []
    for scope in scopes_of(module):
        for call in scope.calls:
            hashed = _classify(call, scope, imports, extra, helper)
            if hashed is None:
                continue
            id_name: str | None
            id_value: ast.expr | None = None
            if hashed.kind is HashKind.UUID:
                id_name = scope.display_name
            else:
                id_name, id_value = _identifying_name(
                    call,
                    scope,
                    _Identifying(
                        id_pattern, sensitive, digest_names=hashed.kind is not HashKind.BUILTIN
                    ),
                )
            site = HashSite(
                call=call,
                kind=hashed.kind,
                scope=scope,
                is_id_context=id_name is not None,
                id_name=id_name,
                id_value=id_value,
            )
            if site.is_id_context:
                collector = _LeafCollector(scope, imports)
                for expr in hashed.inputs:
                    site.leaves.extend(collector.collect(expr))
                for expr in hashed.namespace:
                    site.namespace_leaves.extend(collector.collect(expr))
            sites.append(site)
    return EventIdAnalysis(sites=sites, imports=imports, context=context)


def _project_helpers(context: FileContext) -> Callable[[str], tuple[int, ...] | None]:
    """Asks the project whether a called name is one of its hash helpers: only for names this
    module defines or imports (a method call on a local object is not)."""
    names = context.project.project.hash_helper_names
    imported_tops = {
        target.split(".")[0]
        for target in context.imports.aliases.values()
        if not target.startswith(".")
    }
    known: dict[str, tuple[int, ...] | None] = {}

    def helper(qualified: str) -> tuple[int, ...] | None:
        if qualified.rpartition(".")[2] not in names:
            return None  # no module of the project defines a helper of that name
        own = context.project.own.hash_helpers
        if qualified in own:
            return own[qualified]
        top = qualified.split(".", maxsplit=1)[0]
        if not qualified.startswith(".") and top not in imported_tops:
            return None
        if qualified not in known:
            known[qualified] = context.project.hash_helper(qualified)
        return known[qualified]

    return helper


def _classify(
    call: ast.Call,
    scope: Scope,
    imports: ImportMap,
    extra: frozenset[str],
    helper: Callable[[str], tuple[int, ...] | None],
) -> HashCall | None:
    """What a call hashes, when it is a hash."""
    qualified = imports.qualify(call.func)
    if qualified is None:
        return None
    if qualified in ("uuid.uuid3", "uuid.uuid5"):
        name = _arg(call, 1, "name")
        namespace = _arg(call, 0, "namespace")
        return HashCall(HashKind.UUID, [name] if name else [], [namespace] if namespace else [])
    if qualified == "builtins.hash":
        data = _arg(call, 0)
        return HashCall(HashKind.BUILTIN, [data] if data else [], [])
    inputs: list[ast.expr] = []
    kind: HashKind
    if qualified.startswith("hashlib.") and qualified[8:] in HASHLIB_CONSTRUCTORS:
        kind, data = HashKind.HASHLIB, _arg(call, 0, "data", "string")
    elif qualified == "hashlib.new":
        kind, data = HashKind.HASHLIB, _arg(call, 1, "data", "string")
    elif qualified in ("hmac.new", "hmac.digest"):
        kind, data = HashKind.HMAC, _arg(call, 1, "msg")
    elif qualified in extra:
        kind, data = HashKind.CONFIGURED, _arg(call, 0)
    elif (positions := helper(qualified)) is not None:
        hashed = [_arg(call, position) for position in positions]
        return HashCall(HashKind.PROJECT_HELPER, [value for value in hashed if value], [])
    else:
        return None
    if data is not None:
        inputs.append(data)
    # ``h = hashlib.sha256(); h.update(x)``: the updates feed the same hash.
    for bound, value in scope.sinks:
        if value is call and scope.is_bound(bound):
            inputs.extend(v for v in scope.values_of(bound) if v is not call)
    return HashCall(kind, inputs, [])


def spelled(node: ast.AST) -> str | None:
    """The identifier a node writes: a variable's and, over-approximating as this analysis
    always has (until it follows values properly), an attribute's, a keyword's or a lambda
    parameter's: ``a.b(c=d)`` spells ``a``, ``b``, ``c`` and ``d``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, (ast.keyword, ast.arg)):
        return node.arg
    return None


def _mentions(expr: ast.expr, targets: set[int], names: set[str]) -> bool:
    """Whether ``expr`` holds one of the ``targets`` nodes or spells one of ``names``."""
    return any(id(node) in targets or spelled(node) in names for node in descendants(expr))


def _identifying_name(
    call: ast.Call, scope: Scope, identifying: _Identifying
) -> tuple[str | None, ast.expr | None]:
    """The identity-saying name the hash result reaches, if any (see the module docstring),
    and the value given that name."""
    targets = {id(call)}
    derived: set[str] = set()
    # Names holding the hash or something computed from it, to a fixpoint.
    changed = True
    while changed:
        changed = False
        for name, value in scope.sinks:
            if name not in derived and scope.is_bound(name) and _mentions(value, targets, derived):
                derived.add(name)
                changed = True
    for name, value in scope.sinks:
        if not _mentions(value, targets, derived):
            continue
        if name == scope.name and isinstance(scope.node, FunctionNode):
            candidate = scope.display_name  # what the function returns
        else:
            candidate = name
        if identifying.says_identity(name):
            return candidate, value
    return None, None


@dataclass(frozen=True)
class _Identifying:
    """Whether a name says it holds an identifier (``id-name-pattern``)."""

    id_pattern: re.Pattern[str]
    sensitive: tuple[str, ...]
    digest_names: bool  # also ``event_hash``-style names (see ``_DIGEST_WORDS``)

    def says_identity(self, name: str) -> bool:
        if any_word_matches(_NOT_AN_ID_WORDS, name):
            return False
        if self.digest_names:
            parts = words(name)
            if len(parts) > 1 and parts[-1] in _DIGEST_WORDS and _IDENTIFIED_WORDS & set(parts):
                return True
        if not any_word_matches(self.id_pattern, name):
            return False
        # ``api_key = sha256(...)`` makes a credential, not an event identifier.
        return names_field(name, self.sensitive) is None


# ---- following a hashed value back to its leaves ---------------------------------------------


@dataclass(frozen=True, eq=False)
class _Followed:
    """The end of following a variable: its assignments' leaves are all in ``origins``."""

    node: ast.Name
    origins: list[Leaf]


# A step of the walk back: an expression to follow, a leaf found in between, or a variable
# done; with the list its leaves go to and the dict keys removed from what it is read from.
_Step = tuple[ast.AST | Leaf | _Followed, list[Leaf], frozenset[str]]


class _LeafCollector:
    """Follows a hashed expression back to its leaves, within one function. Iterative: an
    expression may be nested as deeply as the parser allows, and names assigned from names
    as long as the function is."""

    def __init__(self, scope: Scope, imports: ImportMap) -> None:
        self.scope = scope
        self.imports = imports
        self._following: set[str] = set()  # variables whose assignments are being followed

    def collect(self, expr: ast.expr) -> list[Leaf]:
        """The leaves of ``expr``, in source order; a variable's are its ``origins``."""
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
            if not (isinstance(value, ast.Call) and _is_constructor(value.func)):
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
        data = _arg(node, 0, "obj")
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


def _is_constructor(func: ast.expr) -> bool:
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


# ---- what the rules ask -----------------------------------------------------------------------


def analysis_for(context: FileContext) -> EventIdAnalysis:
    return context.analysis(EventIdAnalysis, analyse)


def declared_field(analysis: EventIdAnalysis, site: HashSite, leaf: FieldUse) -> FieldInfo | None:
    """The declaration of the field a leaf reads, when its owner's class is known. A hashed
    dict's key is the field its value reads (``{"email": event.email}``): the key says what
    the value is, and the declaration (a marker, a type) decides for both."""
    owner, name = leaf.owner, leaf.name
    if owner is None and isinstance(leaf.covers, ast.Attribute):
        owner, name = leaf.covers.value, leaf.covers.attr
    if owner is None:
        return None
    info = analysis.class_of(owner, site.scope)
    return info.fields.get(name) if info is not None else None


def field_class(name: str, declared: FieldInfo | None, context: FileContext) -> Classification:
    """How a field is classified (see ``analysis.event_fields``): from its declaration when
    the owner's class is known, else from its name alone."""
    facts = FieldFacts(name) if declared is None else declared.facts()
    return classify(facts, context.settings.config.event_ids)


def is_envelope_field(name: str, context: FileContext) -> bool:
    return envelope_field(name, context.settings.config.event_ids) is not None


def is_sensitive_field(name: str, context: FileContext) -> bool:
    return sensitive_field(name, context.settings.config.event_ids) is not None


# Values that already differ per process: a counter's next value, an object's address.
PROCESS_LOCAL_CALLS = frozenset(
    {"builtins.next", "builtins.id", "os.getpid", "threading.get_ident"}
)


def varies_per_process(expr: ast.expr, imports: ImportMap) -> bool:
    """Whether an expression calls something random, time-dependent or process-local."""
    for node in descendants(expr):
        if isinstance(node, ast.Call):
            qualified = imports.qualify(node.func)
            if qualified is not None and (
                qualified in NONDETERMINISTIC_CALLS
                or qualified in PROCESS_LOCAL_CALLS
                or qualified.startswith(NONDETERMINISTIC_MODULES)
            ):
                return True
    return False


def nodes_within(node: ast.AST) -> set[int]:
    """Identities of ``node`` and everything below it (to avoid reporting a field twice)."""
    return {id(inner) for inner in descendants(node)}


# A file that contains none of these cannot make a hash-based ID.
HASH_TRIGGERS: tuple[str, ...] = ("hashlib", "uuid3", "uuid5", "hmac", "hash(")


def hash_trigger_words(settings: Settings) -> tuple[str, ...]:
    extra = tuple(name.rsplit(".", 1)[-1] for name in settings.config.event_ids.hash_functions)
    return HASH_TRIGGERS + extra
