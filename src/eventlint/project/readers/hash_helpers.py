"""Hash helpers: module-level functions that return a digest of their arguments
(``def fingerprint_of(value): return hashlib.sha256(value).hexdigest()``), with the
parameters they hash *whole* (``analysis.hashed_parameters``: a parameter the function only
selects fields from is its own choice, not the caller's). Calls to them make event IDs as
``hashlib`` does (EVT1)."""

from __future__ import annotations

import ast

from eventlint.analysis.hashed_parameters import Intake, names_taken_whole
from eventlint.analysis.walk import breadth_first
from eventlint.project.readers.syntax import dotted, plain_assignments
from eventlint.project.summaries import HashedParameter

# A module without one of these defines no hash helper.
HASH_WORDS = (b"hashlib", b"uuid", b"hmac")

_HASHLIB_CONSTRUCTORS = frozenset(
    {
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s",
        "sha3_224", "sha3_256", "sha3_384", "sha3_512", "shake_128", "shake_256",
    }
)  # fmt: skip


def hashed_argument(qualified: str, call: ast.Call) -> ast.AST | None:
    """The argument a hashing call hashes, by the call's qualified name; None when the call
    is not a hash."""

    def argument(position: int, *names: str) -> ast.AST | None:
        if len(call.args) > position:
            return call.args[position]
        return next((k.value for k in call.keywords if k.arg in names), None)

    if qualified.startswith("hashlib.") and qualified[8:] in _HASHLIB_CONSTRUCTORS:
        return argument(0, "data", "string")
    if qualified in {"hashlib.new", "hmac.new", "hmac.digest"}:
        return argument(1, "data", "string", "msg")
    if qualified in {"uuid.uuid3", "uuid.uuid5"}:
        return argument(1, "name")
    return None


def _qualify(node: ast.AST, imports: dict[str, str]) -> str | None:
    name = dotted(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    target = imports.get(head)
    if target is None:
        return None
    return f"{target}.{rest}" if rest else target


def read_hash_helpers(
    tree: ast.Module, imports: dict[str, str]
) -> dict[str, tuple[HashedParameter, ...]]:
    """Module-level functions that return a digest of their parameters, taken whole:
    ``def fingerprint_of(value): return hashlib.sha256(value).hexdigest()``.

    A hash call is a ``hashlib``/``hmac`` constructor or ``uuid3``/``uuid5``, or ``.update(x)``
    on a name bound to one; what it hashes must come from a parameter as given (see
    ``analysis.hashed_parameters``), and what the function returns must come from the hash."""
    helpers: dict[str, tuple[HashedParameter, ...]] = {}
    for function in tree.body:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        arguments = function.args
        positional = [parameter.arg for parameter in (*arguments.posonlyargs, *arguments.args)]
        keyword_only = [parameter.arg for parameter in arguments.kwonlyargs]
        if not positional and not keyword_only:
            continue
        hashed = _taken_whole(function, imports)
        parameters = [
            HashedParameter(name, position, hashed[name] is Intake.REPARSED)
            for position, name in [*enumerate(positional), *((None, k) for k in keyword_only)]
            if name in hashed
        ]
        if parameters:
            helpers[function.name] = tuple(parameters)
    return helpers


def _taken_whole(
    function: ast.FunctionDef | ast.AsyncFunctionDef, imports: dict[str, str]
) -> dict[str, Intake]:
    """The names the function's hashes take in whole; none unless it returns a digest."""
    assignments = plain_assignments(function)

    def qualify(node: ast.AST) -> str | None:
        return _qualify(node, imports)

    hashes: list[ast.Call] = []
    data: list[ast.AST] = []
    for inner in breadth_first(function):
        if isinstance(inner, ast.Call):
            qualified = _qualify(inner.func, imports)
            if qualified is not None and _is_hash(qualified):
                hashes.append(inner)
                hashed = hashed_argument(qualified, inner)
                if hashed is not None:
                    data.append(hashed)
    if not hashes:
        return {}
    hash_names = _names_bound_to(hashes, assignments)
    for inner in breadth_first(function):
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr == "update"
            and isinstance(inner.func.value, ast.Name)
            and inner.func.value.id in hash_names
            and inner.args
        ):
            data.append(inner.args[0])
    if not _returns_digest(function, hashes, hash_names, assignments):
        return {}
    taken: dict[str, Intake] = {}
    for value in data:
        for name, intake in names_taken_whole(value, assignments, qualify).items():
            if taken.get(name) is not Intake.WHOLE:
                taken[name] = intake
    return taken


def _is_hash(qualified: str) -> bool:
    return (
        qualified.startswith("hashlib.") and qualified[8:] in _HASHLIB_CONSTRUCTORS | {"new"}
    ) or qualified in {"hmac.new", "hmac.digest", "uuid.uuid3", "uuid.uuid5"}


def _names_bound_to(calls: list[ast.Call], assignments: dict[str, list[ast.expr]]) -> set[str]:
    """Local names whose value is (built from) one of the calls."""
    targets = {id(call) for call in calls}
    bound: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, values in assignments.items():
            if name in bound:
                continue
            for value in values:
                if any(
                    id(inner) in targets or (isinstance(inner, ast.Name) and inner.id in bound)
                    for inner in breadth_first(value)
                ):
                    bound.add(name)
                    changed = True
                    break
    return bound


def _returns_digest(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    hashes: list[ast.Call],
    hash_names: set[str],
    assignments: dict[str, list[ast.expr]],
) -> bool:
    targets = {id(call) for call in hashes}
    for inner in breadth_first(function):
        if isinstance(inner, ast.Return) and inner.value is not None:
            for part in breadth_first(inner.value):
                if id(part) in targets or (isinstance(part, ast.Name) and part.id in hash_names):
                    return True
    return False
