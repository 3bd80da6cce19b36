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
assignment to a name counts, wherever it is. The leaves and the walk to them are
``analysis.hash_inputs``.
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from eventlint.analysis.event_fields import (
    Classification,
    FieldFacts,
    classify,
    envelope_field,
    sensitive_field,
)
from eventlint.analysis.event_types import EventTypes
from eventlint.analysis.hash_inputs import (
    NONDETERMINISTIC_CALLS,
    NONDETERMINISTIC_MODULES,
    FieldUse,
    Leaf,
    LeafCollector,
    NameUse,
    arg_at,
)
from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.name_words import any_word_matches, names_field, words
from eventlint.analysis.scopes import FunctionNode, Scope, scopes_of, string_value
from eventlint.analysis.walk import descendants, walk
from eventlint.config import Settings
from eventlint.project import ClassInfo
from eventlint.project.modules import FieldInfo
from eventlint.project.summaries import HashedParameter
from eventlint.rules.base import FileContext

HASHLIB_CONSTRUCTORS = frozenset(
    {
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s",
        "sha3_224", "sha3_256", "sha3_384", "sha3_512", "shake_128", "shake_256",
    }
)  # fmt: skip
# ``event_hash``, ``compute_event_digest``, ``dedupe_token``: a digest word ending a name that
# also says what is being identified makes an ID, though no identity word is in it (and a
# trailing ``token`` or ``key`` is then no credential). Not ``payload_hash`` or
# ``record_digest``: content hashes for integrity checks and caches, more often than IDs.
# Not for builtin ``hash()``: a method named ``event_hash`` returning ``hash(...)`` usually
# serves a set in the same process.
_DIGEST_WORDS = frozenset({"hash", "digest", "token", "key", "fingerprint"})
_IDENTIFIED_WORDS = frozenset(
    {"event", "message", "msg", "dedup", "dedupe", "deduplication", "idempotency", "idempotent"}
)  # fmt: skip

# Words in an identifying name that say it is not an event identifier after all.
_NOT_AN_ID_WORDS = re.compile(
    r"password|passwd|pwd|checksum|crc|etag|signature|sig|integrity|secret|salt|nonce"
)


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
    # Inputs a project helper parses and dumps again with sorted keys: their fields reach
    # the hash, the key order of their JSON does not.
    reparsed: list[ast.expr] = field(default_factory=list)


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
        """The project class an expression is an instance of, when the code says so
        (``analysis.event_types``: ``self``, annotated parameters, constructors, fields of
        those, generic envelopes' type arguments)."""
        return self.types.class_of(expr, scope)

    @cached_property
    def types(self) -> EventTypes:
        return EventTypes(self.context.project, self.context.module, self.imports)


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
    identifying = _Identifying(id_pattern, sensitive, digest_names=True)
    identifying_builtin = _Identifying(id_pattern, sensitive, digest_names=False)
    sites: list[HashSite] = []
    functions = _functions_with_hashes(module, imports, extra, helper)
    if functions is None:
        return EventIdAnalysis(sites=sites, imports=imports, context=context)
    for scope in scopes_of(module, functions):
        for call in scope.calls:
            hashed = _classify(call, scope, imports, extra, helper)
            if hashed is None:
                continue
            id_name: str | None
            id_value: ast.expr | None = None
            if hashed.kind is HashKind.UUID:
                id_name = scope.display_name
            else:
                builtin = hashed.kind is HashKind.BUILTIN
                id_name, id_value = _identifying_name(
                    call, scope, identifying_builtin if builtin else identifying
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
                collector = LeafCollector(scope, imports)
                for expr in hashed.inputs:
                    site.leaves.extend(collector.collect(expr))
                for expr in hashed.reparsed:
                    site.leaves.extend(collector.collect(expr, key_order_matters=False))
                for expr in hashed.namespace:
                    site.namespace_leaves.extend(collector.collect(expr))
            sites.append(site)
    return EventIdAnalysis(sites=sites, imports=imports, context=context)


def _project_helpers(
    context: FileContext,
) -> Callable[[str], tuple[HashedParameter, ...] | None]:
    """Asks the project whether a called name is one of its hash helpers: only for names this
    module defines or imports (a method call on a local object is not)."""
    names = context.project.project.hash_helper_names
    imported_tops = {
        target.split(".")[0]
        for target in context.imports.aliases.values()
        if not target.startswith(".")
    }
    known: dict[str, tuple[HashedParameter, ...] | None] = {}

    def helper(qualified: str) -> tuple[HashedParameter, ...] | None:
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


_HASH_NAMES = frozenset(
    {"uuid.uuid3", "uuid.uuid5", "builtins.hash", "hashlib.new", "hmac.new", "hmac.digest"}
)
_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)


def _functions_with_hashes(
    module: ast.Module,
    imports: ImportMap,
    extra: frozenset[str],
    helper: Callable[[str], tuple[HashedParameter, ...] | None],
) -> set[int] | None:
    """The ids of the functions that hold a call ``_classify`` may call a hash, or that
    hold such a function; None when the module holds no such call. Most functions of a
    module that hashes hash nothing (a class with one ``__hash__``): their scopes are not
    built. The test is ``_classify``'s, loosened (any ``hashlib.`` name), never tightened."""
    functions: set[int] = set()
    enclosing: list[ast.AST] = []
    found = False

    def enter(node: ast.AST) -> bool:
        nonlocal found
        if isinstance(node, _FUNCTION_NODES):
            enclosing.append(node)
        elif isinstance(node, ast.Call):
            qualified = imports.qualify(node.func)
            if qualified is not None and (
                qualified in _HASH_NAMES
                or qualified.startswith("hashlib.")
                or qualified in extra
                or helper(qualified) is not None
            ):
                found = True
                functions.update(id(function) for function in enclosing)
        return True

    def leave(node: ast.AST) -> None:
        enclosing.pop()

    walk(module, enter, leave, _FUNCTION_NODES)
    return functions if found else None


def _classify(
    call: ast.Call,
    scope: Scope,
    imports: ImportMap,
    extra: frozenset[str],
    helper: Callable[[str], tuple[HashedParameter, ...] | None],
) -> HashCall | None:
    """What a call hashes, when it is a hash."""
    qualified = imports.qualify(call.func)
    if qualified is None:
        return None
    if qualified in ("uuid.uuid3", "uuid.uuid5"):
        name = arg_at(call, 1, "name")
        namespace = arg_at(call, 0, "namespace")
        return HashCall(HashKind.UUID, [name] if name else [], [namespace] if namespace else [])
    if qualified == "builtins.hash":
        data = arg_at(call, 0)
        return HashCall(HashKind.BUILTIN, [data] if data else [], [])
    inputs: list[ast.expr] = []
    kind: HashKind
    if qualified.startswith("hashlib.") and qualified[8:] in HASHLIB_CONSTRUCTORS:
        kind, data = HashKind.HASHLIB, arg_at(call, 0, "data", "string")
    elif qualified == "hashlib.new":
        kind, data = HashKind.HASHLIB, arg_at(call, 1, "data", "string")
    elif qualified in ("hmac.new", "hmac.digest"):
        kind, data = HashKind.HMAC, arg_at(call, 1, "msg")
    elif qualified in extra:
        kind, data = HashKind.CONFIGURED, arg_at(call, 0)
    elif (parameters := helper(qualified)) is not None:
        # Only what the helper hashes whole is the caller's choice (``hashed_parameters``).
        whole: list[ast.expr] = []
        reparsed: list[ast.expr] = []
        for parameter in parameters:
            value = _passed_for(call, parameter)
            if value is not None:
                (reparsed if parameter.reparsed else whole).append(value)
        return HashCall(HashKind.PROJECT_HELPER, whole, [], reparsed)
    else:
        return None
    if data is not None:
        inputs.append(data)
    # ``h = hashlib.sha256(); h.update(x)``: the updates feed the same hash.
    for bound, value in scope.sinks:
        if value is call and scope.is_bound(bound):
            inputs.extend(v for v in scope.values_of(bound) if v is not call)
    return HashCall(kind, inputs, [])


def _passed_for(call: ast.Call, parameter: HashedParameter) -> ast.expr | None:
    """What a call passes for a parameter: by keyword, else by position."""
    if parameter.position is None:
        return next((k.value for k in call.keywords if k.arg == parameter.name), None)
    return arg_at(call, parameter.position, parameter.name)


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
