"""Shared analysis of the EVT1xx rules: which hashes make identifiers, and what goes into them.

Computed once per file and asked by every EVT1 rule. A *hash site* is a hashing call
(``uuid.uuid3/5``, a ``hashlib`` constructor or ``hashlib.new``, ``hmac.new``/``hmac.digest``,
a configured extra hash function, or builtin ``hash()``). It is an *ID context* when its result
is an identifier: always for uuid3/uuid5, otherwise when the result (directly or through local
names) is returned from, or assigned to, something whose name says identity. The hashed value is
followed back through local assignments, string building, containers, ``json.dumps``,
``.encode()`` and ``str()`` into *leaves*: the field accesses, names, calls and whole-object
dumps that the rules judge.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import libcst as cst

from eventlint.analysis.event_fields import (
    Classification,
    FieldFacts,
    classify,
    envelope_field,
    sensitive_field,
)
from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.name_words import any_word_matches, names_field
from eventlint.analysis.scopes import Scope, scopes_of, string_value
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

# Words in an identifying name that say it is not an event identifier after all.
_NOT_AN_ID_WORDS = re.compile(
    r"password|passwd|pwd|checksum|crc|etag|signature|sig|integrity|secret|salt|nonce"
)


# ---- leaves: what a hashed value is made of -------------------------------------------------


@dataclass(frozen=True, eq=False)
class FieldUse:
    """A field read by name: ``x.email``, ``x["email"]``, ``x.get("email")``, a dict-literal
    key, ``d["email"] = ...`` or a keyword argument ``email=...``."""

    name: str
    node: cst.CSTNode
    owner: cst.BaseExpression | None = None  # the object the field is read from
    dict_literal: cst.Dict | None = None  # set for a key of a hashed dict literal
    element: cst.DictElement | None = None
    # The value stored under this key (a dict-literal element's or ``d["k"] = value``):
    # reported with the key, not again on its own.
    covers: cst.BaseExpression | None = None


@dataclass(frozen=True, eq=False)
class NameUse:
    """A variable or parameter. ``bound`` is false for parameters and outer names."""

    name: str
    node: cst.Name
    bound: bool
    origins: tuple[Leaf, ...] = ()


@dataclass(frozen=True, eq=False)
class CallUse:
    qualified: str
    node: cst.Call


@dataclass(frozen=True, eq=False)
class DumpUse:
    """A whole object serialised: ``event.model_dump()``, ``dataclasses.asdict(event)``."""

    node: cst.Call
    owner: cst.BaseExpression
    style: str
    excluded: frozenset[str] | None  # None: an exclude the analysis cannot read
    included: frozenset[str] | None  # None: no include given
    exclude_arg: cst.Arg | None

    def carries(self, name: str) -> bool:
        """Whether the dump holds field ``name``: not excluded, and included if it says."""
        return (self.excluded is None or name not in self.excluded) and (
            self.included is None or name in self.included
        )


@dataclass(frozen=True, eq=False)
class JsonDumpsUse:
    node: cst.Call
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
    inputs: list[cst.BaseExpression]
    namespace: list[cst.BaseExpression]  # uuid3/uuid5's namespace argument


@dataclass(eq=False)
class HashSite:
    call: cst.Call
    kind: HashKind
    scope: Scope
    is_id_context: bool
    id_name: str | None  # the identifying name that made it an ID context
    id_value: cst.BaseExpression | None = None  # the value given that name
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

    def class_of(self, expr: cst.BaseExpression, scope: Scope) -> ClassInfo | None:
        """The project class an expression is an instance of, when the code says so."""
        class_name: str | None = None
        if isinstance(expr, cst.Name):
            if expr.value == "self" and scope.class_name:
                class_name = scope.class_name
            elif scope.parameters.get(expr.value) is not None:
                annotation = scope.parameters[expr.value]
                class_name = annotation_class(annotation)
            else:
                for value in scope.values_of(expr.value):
                    if isinstance(value, cst.Call):
                        class_name = annotation_class(value.func)
                        if class_name:
                            break
        if class_name is None:
            return None
        return self.context.project.resolve_class(class_name)


def annotation_class(node: cst.BaseExpression | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, cst.SimpleString):  # a forward reference "Event"
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
            site = _classify(call, scope, imports, extra, helper)
            if site is None:
                continue
            kind, inputs, namespace = site.kind, site.inputs, site.namespace
            id_name: str | None
            id_value: cst.BaseExpression | None = None
            if kind is HashKind.UUID:
                is_id, id_name = True, scope.display_name
            else:
                id_name, id_value = _identifying_name(call, scope, id_pattern, sensitive)
                is_id = id_name is not None
            hash_site = HashSite(
                call=call,
                kind=kind,
                scope=scope,
                is_id_context=is_id,
                id_name=id_name,
                id_value=id_value,
            )
            if is_id:
                walker = _LeafCollector(scope, imports)
                for expr in inputs:
                    hash_site.leaves.extend(walker.collect(expr))
                for expr in namespace:
                    hash_site.namespace_leaves.extend(walker.collect(expr))
            sites.append(hash_site)
    return EventIdAnalysis(sites=sites, imports=imports, context=context)


def _arg(call: cst.Call, index: int, *keywords: str) -> cst.BaseExpression | None:
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value
    return positional[index].value if len(positional) > index else None


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
    call: cst.Call,
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
    inputs: list[cst.BaseExpression] = []
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


def _mentions(expr: cst.CSTNode, targets: set[int], names: set[str]) -> bool:
    return any(
        id(node) in targets or (isinstance(node, cst.Name) and node.value in names)
        for node in descendants(expr)
    )


def _identifying_name(
    call: cst.Call, scope: Scope, id_pattern: re.Pattern[str], sensitive: tuple[str, ...]
) -> tuple[str | None, cst.BaseExpression | None]:
    """The identity-saying name the hash result reaches, if any (see the module docstring)."""
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
        if name == scope.name and isinstance(scope.node, cst.FunctionDef):
            candidate = scope.display_name
        else:
            candidate = name
        if _is_identifying(name, id_pattern, sensitive):
            return candidate, value
    return None, None


def _is_identifying(name: str, id_pattern: re.Pattern[str], sensitive: tuple[str, ...]) -> bool:
    if not any_word_matches(id_pattern, name):
        return False
    if any_word_matches(_NOT_AN_ID_WORDS, name):
        return False
    # ``api_key = sha256(...)`` makes a credential, not an event identifier.
    return names_field(name, sensitive) is None


class _LeafCollector:
    """Follows a hashed expression back to its leaves, within one function."""

    def __init__(self, scope: Scope, imports: ImportMap) -> None:
        self.scope = scope
        self.imports = imports
        self._following: set[str] = set()

    def collect(
        self, expr: cst.BaseExpression, removed: frozenset[str] = frozenset()
    ) -> list[Leaf]:
        leaves: list[Leaf] = []
        self._walk(expr, leaves, removed)
        return leaves

    def _walk(self, expr: cst.CSTNode, out: list[Leaf], removed: frozenset[str]) -> None:
        if isinstance(expr, cst.Name):
            self._name(expr, out)
        elif isinstance(expr, cst.Attribute):
            out.append(FieldUse(expr.attr.value, expr, owner=expr.value))
            if not isinstance(expr.value, cst.Name):
                self._walk(expr.value, out, removed)
        elif isinstance(expr, cst.Subscript):
            self._subscript(expr, out, removed)
        elif isinstance(expr, cst.Call):
            self._call(expr, out, removed)
        elif isinstance(expr, cst.Dict):
            for element in expr.elements:
                if isinstance(element, cst.DictElement):
                    key = string_value(element.key)
                    if key is not None:
                        if key in removed:
                            continue
                        out.append(
                            FieldUse(
                                key,
                                element.key,
                                dict_literal=expr,
                                element=element,
                                covers=element.value,
                            )
                        )
                    else:
                        self._walk(element.key, out, removed)
                self._walk(element.value, out, removed)
        elif isinstance(expr, cst.FormattedString):
            for part in expr.parts:
                if isinstance(part, cst.FormattedStringExpression):
                    self._walk(part.expression, out, removed)
        elif isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            for item in expr.elements:
                self._walk(item.value, out, removed)
        elif isinstance(expr, (cst.BinaryOperation, cst.BooleanOperation, cst.ConcatenatedString)):
            self._walk(expr.left, out, removed)
            self._walk(expr.right, out, removed)
        elif isinstance(expr, cst.IfExp):
            self._walk(expr.body, out, removed)
            self._walk(expr.orelse, out, removed)
        elif isinstance(expr, (cst.Await, cst.UnaryOperation)):
            self._walk(expr.expression, out, removed)
        elif isinstance(expr, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            self._walk(expr.elt, out, removed)
            self._comprehension(expr.for_in, out, removed)
        elif isinstance(expr, cst.DictComp):
            self._walk(expr.key, out, removed)
            self._walk(expr.value, out, removed)
            self._comprehension(expr.for_in, out, removed)
        elif isinstance(expr, cst.StarredElement):
            self._walk(expr.value, out, removed)

    def _comprehension(self, for_in: cst.CompFor, out: list[Leaf], removed: frozenset[str]) -> None:
        self._walk(for_in.iter, out, removed)
        if for_in.inner_for_in is not None:
            self._comprehension(for_in.inner_for_in, out, removed)

    def _name(self, node: cst.Name, out: list[Leaf]) -> None:
        name = node.value
        scope = self.scope
        if not scope.is_bound(name) or name in self._following:
            out.append(NameUse(name, node, bound=scope.is_bound(name)))
            return
        self._following.add(name)
        origins: list[Leaf] = []
        removed = frozenset(scope.removed_keys.get(name, ()))
        for value in scope.values_of(name):
            self._walk(value, origins, removed)
        for key, target, value in scope.key_assignments.get(name, ()):
            if key not in removed:
                origins.append(FieldUse(key, target, covers=value))
            self._walk(value, origins, removed)
        self._following.discard(name)
        out.append(NameUse(name, node, bound=True, origins=tuple(origins)))

    def _subscript(self, node: cst.Subscript, out: list[Leaf], removed: frozenset[str]) -> None:
        key = None
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            key = string_value(node.slice[0].slice.value)
        if key is not None:
            out.append(FieldUse(key, node, owner=node.value))
        else:
            self._walk(node.value, out, removed)

    def _call(self, node: cst.Call, out: list[Leaf], removed: frozenset[str]) -> None:
        qualified = self.imports.qualify(node.func)
        if qualified is not None and (
            qualified in NONDETERMINISTIC_CALLS or qualified.startswith(NONDETERMINISTIC_MODULES)
        ):
            out.append(CallUse(qualified, node))
            return
        if qualified == "json.dumps":
            self._json_dumps(node, out, removed)
            return
        if qualified in DUMP_FUNCTIONS and node.args:
            out.append(_dump(node, node.args[0].value, DUMP_FUNCTIONS[qualified], removed))
            return
        func = node.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in DUMP_METHODS:
                out.append(_dump(node, func.value, method, removed))
                return
            if method == "get" and node.args and string_value(node.args[0].value) is not None:
                key = string_value(node.args[0].value)
                assert key is not None
                out.append(FieldUse(key, node, owner=func.value))
                return
            if not node.args:
                # A getter such as confluent-kafka's ``msg.offset()``.
                out.append(FieldUse(method, node, owner=func.value))
            self._walk(func.value, out, removed)
        for arg in node.args:
            if arg.keyword is not None:
                out.append(FieldUse(arg.keyword.value, arg.keyword))
            self._walk(arg.value, out, removed)

    def _json_dumps(self, node: cst.Call, out: list[Leaf], removed: frozenset[str]) -> None:
        sort_keys: bool | None = None
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "sort_keys":
                sort_keys = isinstance(arg.value, cst.Name) and arg.value.value == "True"
                if not (isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False")):
                    sort_keys = True  # computed: trust it
        data = _arg(node, 0, "obj")
        out.append(JsonDumpsUse(node, sort_keys, self._may_be_mapping(data, set())))
        if data is not None:
            self._walk(data, out, removed)

    def _may_be_mapping(self, expr: cst.BaseExpression | None, seen: set[str]) -> bool:
        """False only when the value is provably not a dict (a list, a string, a number...)."""
        if expr is None:
            return False
        if isinstance(
            expr,
            (
                cst.List, cst.Tuple, cst.ListComp, cst.GeneratorExp, cst.SimpleString,
                cst.FormattedString, cst.ConcatenatedString, cst.Integer, cst.Float,
                cst.Set, cst.SetComp,
            ),
        ):  # fmt: skip
            return False
        if isinstance(expr, cst.Call):
            qualified = self.imports.qualify(expr.func)
            if qualified in ("builtins.sorted", "builtins.list", "builtins.tuple", "builtins.str"):
                return False
        if (
            isinstance(expr, cst.Name)
            and self.scope.is_bound(expr.value)
            and expr.value not in seen
        ):
            seen.add(expr.value)
            if not self.scope.key_assignments.get(expr.value):
                return any(self._may_be_mapping(v, seen) for v in self.scope.values_of(expr.value))
        return True


def _dump(
    call: cst.Call, owner: cst.BaseExpression, style: str, removed: frozenset[str]
) -> DumpUse:
    excluded: frozenset[str] | None = frozenset(removed)
    included: frozenset[str] | None = None
    exclude_arg: cst.Arg | None = None
    for arg in call.args:
        if arg.keyword is None:
            continue
        if arg.keyword.value == "exclude":
            exclude_arg = arg
            keys = _string_collection(arg.value)
            excluded = None if keys is None else frozenset(removed | keys)
        elif arg.keyword.value == "include":
            keys = _string_collection(arg.value)
            included = keys if keys is not None else frozenset()
    return DumpUse(call, owner, style, excluded, included, exclude_arg)


def _string_collection(node: cst.BaseExpression) -> frozenset[str] | None:
    """Keys of ``{"a", "b"}``, ``["a"]``, ``("a",)`` or ``{"a": True}``; None if not literal."""
    keys: set[str] = set()
    if isinstance(node, (cst.Set, cst.List, cst.Tuple)):
        for member in node.elements:
            value = string_value(member.value)
            if value is None:
                return None
            keys.add(value)
        return frozenset(keys)
    if isinstance(node, cst.Dict):
        for item in node.elements:
            if not isinstance(item, cst.DictElement):
                return None
            value = string_value(item.key)
            if value is None:
                return None
            keys.add(value)
        return frozenset(keys)
    return None


def analysis_for(context: FileContext) -> EventIdAnalysis:
    return context.analysis(EventIdAnalysis, analyse)


def declared_field(analysis: EventIdAnalysis, site: HashSite, leaf: FieldUse) -> FieldInfo | None:
    """The declaration of the field a leaf reads, when its owner's class is known. A hashed
    dict's key is the field its value reads (``{"email": event.email}``): the key says what
    the value is, and the declaration (a marker, a type) decides for both."""
    owner, name = leaf.owner, leaf.name
    if owner is None and isinstance(leaf.covers, cst.Attribute):
        owner, name = leaf.covers.value, leaf.covers.attr.value
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


def varies_per_process(expr: cst.BaseExpression, imports: ImportMap) -> bool:
    """Whether an expression calls something random, time-dependent or process-local."""
    for node in descendants(expr):
        if isinstance(node, cst.Call):
            qualified = imports.qualify(node.func)
            if qualified is not None and (
                qualified in NONDETERMINISTIC_CALLS
                or qualified in PROCESS_LOCAL_CALLS
                or qualified.startswith(NONDETERMINISTIC_MODULES)
            ):
                return True
    return False


def nodes_within(node: cst.CSTNode) -> set[int]:
    """Identities of ``node`` and everything below it (to avoid reporting a field twice)."""
    return {id(inner) for inner in descendants(node)}


# A file that contains none of these cannot make a hash-based ID.
HASH_TRIGGERS: tuple[str, ...] = ("hashlib", "uuid3", "uuid5", "hmac", "hash(")


def hash_trigger_words(settings: Settings) -> tuple[str, ...]:
    extra = tuple(name.rsplit(".", 1)[-1] for name in settings.config.event_ids.hash_functions)
    return HASH_TRIGGERS + extra
