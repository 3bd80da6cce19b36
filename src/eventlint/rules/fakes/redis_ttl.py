"""EVT501: an in-memory Redis fake that accepts TTLs and ignores them."""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections.abc import Iterator

from eventlint.analysis.imports import dotted_name
from eventlint.analysis.name_words import words
from eventlint.analysis.walk import descendants
from eventlint.rules.base import FileContext, Rule

_Method = ast.FunctionDef | ast.AsyncFunctionDef

_FAKE_NAME = re.compile(r"^(Mock\w*Redis\w*|Fake\w*Redis\w*|\w*RedisStub\w*)$")
_SET_TTL_PARAMETERS = ("ex", "px", "exat", "pxat", "keepttl")
# Methods whose second parameter (after the key) is the TTL.
_TTL_METHODS = frozenset({"setex", "psetex", "expire", "pexpire", "expireat", "pexpireat"})
# Parameter names that say "time to live", whatever the method is called.
_TTL_WORDS = frozenset({"ttl", "expire", "expires", "expiry", "expiration"})
# Methods that only set the expiry of a stored key: they store nothing of their own.
_EXPIRY_SETTERS = frozenset({"expire", "pexpire", "expireat", "pexpireat"})
_TTL_NAMES = frozenset({"max_age", "ttl_ms", "ttl_seconds", "expires_in", "expire_in"})
# ``timeout`` is a TTL only where a value is set or a lock taken.
_TIMEOUT_METHOD_WORDS = frozenset({"set", "add", "put", "lock", "acquire", "store", "save"})
# How a key is read back: without one, a fake's expiry cannot be observed.
_READ_METHODS = frozenset(
    {"get", "mget", "getex", "getdel", "exists", "hget", "hgetall", "keys", "scan_iter",
     "ttl", "pttl", "__contains__", "__getitem__", "get_if_exists", "lookup", "fetch"}
)  # fmt: skip
# Methods that take the TTL: reading the expiry there is writing it, not honouring it.
_WRITE_ONLY = frozenset({"set"}) | _TTL_METHODS
# Calls that put something into a container held by the fake.
_MUTATORS = frozenset(
    {"append", "add", "update", "setdefault", "insert", "extend", "put", "__setitem__",
     "set", "hset", "sadd", "lpush", "rpush", "zadd"}
)  # fmt: skip
# What a TTL-taking method leaves in the (lower-cased) text: a TTL word, a TTL method's name
# (``setex``, ``expire``...) or ``timeout``.
_TTL_HINTS = ("ttl", "expir", "setex", "max_age", "expires_in", "timeout")
_SIMULATE = "simulate it with an injectable clock, or use fakeredis"
# ``def`` (or ``async def``) up to the function's name.
_DEF_KEYWORDS = re.compile(r"(?:async[\s\\]+)?def[\s\\]+")
_ADVICE = f"keys never expire in the tests, so expiry is never exercised; {_SIMULATE}"


class FakeRedisIgnoresTtl(Rule):
    """A Redis test double accepts a TTL and ignores it.

    Idempotency keys and locks live in Redis with a TTL, and that expiry is behaviour: a
    duplicate event after the TTL must be processed again. An in-memory fake whose ``set``
    takes ``ex=`` and drops it lets every test pass while expiry is never exercised.

    Classes judged: in test files, any class with a ``get`` method and a ``set`` or ``setex``
    method or a method taking a TTL; anywhere, a class named like a Redis fake
    (``Mock*Redis*``, ``Fake*Redis*``, ``*RedisStub*``). The fake's behaviour is judged, not
    its signatures. Flagged, at the method:

    - a method that takes a TTL and stores the value but never uses the TTL: ``set`` with
      ``ex``/``px``/``exat``/``pxat``/``keepttl``; ``setex``/``psetex``/``expire``/
      ``pexpire``/``expireat``/``pexpireat`` (the parameter after the key); and any method
      with a TTL-named parameter (``ttl``, ``ttl_seconds``, ``expire``, ``expires_in``,
      ``expiry``, ``expiration``, ``max_age``, and ``timeout`` in a method that sets, adds,
      locks or acquires), such as a project's own ``set_if_not_exists(key, value,
      ttl_seconds)``;
    - a TTL appended to a call log (``self.calls.append(("set", key, value, ex))``) when
      nothing reads the log to expire keys: the TTL is recorded, not simulated;
    - ``get``, when the class keeps the expiry (a TTL stored in a ``self.`` attribute) but
      ``get`` never reads it, directly or through another method.

    Not flagged: a stub that stores nothing (``return True``) has nothing to expire; a fake
    with no way to read a key back (publish/subscribe only) is not a key-value store whose
    expiry a test could observe; a method that takes ``**kwargs`` instead of the TTL
    parameters, or whose body is only ``...`` or a ``raise`` (``NotImplementedError``): it
    does not pretend to honour TTLs. No fix: how time advances in the tests is the test
    author's design.

    Incorrect::

        class FakeRedis:
            def __init__(self):
                self.data = {}

            def set(self, key, value, ex=None):
                self.data[key] = value

            def get(self, key):
                return self.data.get(key)

    Correct::

        import time


        class FakeRedis:
            def __init__(self, clock=time.monotonic):
                self.clock, self.data, self.expires = clock, {}, {}

            def set(self, key, value, ex=None):
                self.data[key] = value
                if ex is not None:
                    self.expires[key] = self.clock() + ex

            def get(self, key):
                if key in self.expires and self.expires[key] <= self.clock():
                    self.data.pop(key, None)
                return self.data.get(key)
    """

    code = "EVT501"
    name = "fake-redis-ignores-ttl"
    summary = "Fake Redis client accepts TTLs and ignores them"
    # A class named like a Redis fake, or (in tests) a class with a ``get`` method.
    triggers = ("Redis", "def get(")

    @classmethod
    def precheck(cls, context: FileContext) -> bool:
        """Outside tests only classes named like a Redis fake are judged; in a test file also
        a class with ``get`` and a ``set`` or a TTL-named parameter, which leaves its words."""
        text = context.text
        if "Redis" in text:
            return True
        if not context.is_test_file or "def get(" not in text:
            return False
        if "def set(" in text or "def setex(" in text:
            return True
        lowered = text.lower()  # parameter names are split into words case-insensitively
        return any(word in lowered for word in _TTL_HINTS)

    def check(self) -> None:
        for node in descendants(self.context.module):
            if isinstance(node, ast.ClassDef) and self._judged(node):
                self._check_class(node)

    def _report_name(self, method: _Method, message: str) -> None:
        """Report at the method's name (after ``def``)."""
        start, _ = self.context.span(method)
        keywords = _DEF_KEYWORDS.match(self.context.source_of(method))
        start += keywords.end() if keywords is not None else 0
        starts = self.context.line_starts
        line = bisect_right(starts, start) - 1
        column = start - starts[line]
        self.report_span((line + 1, column, line + 1, column + len(method.name)), message)

    def _judged(self, node: ast.ClassDef) -> bool:
        if _FAKE_NAME.match(node.name):
            return True
        if not self.context.is_test_file:
            return False
        methods = _methods(node)
        return "get" in methods and (
            bool({"set", "setex"} & set(methods))
            or any(any(_ttl_parameters(name, method)) for name, method in methods.items())
        )

    def _check_class(self, node: ast.ClassDef) -> None:
        methods = _methods(node)
        if not _READ_METHODS & set(methods):
            return  # nothing reads a key back: expiry could not be observed
        if not any(_stores_directly(method) for method in methods.values()):
            return  # a stub that keeps nothing has nothing to expire
        expiry_attributes: set[str] = set()
        logged: dict[str, tuple[str, str]] = {}  # log attribute -> (method, TTL parameter)
        for name, method in methods.items():
            if _is_placeholder(method):
                continue
            if name not in _EXPIRY_SETTERS and not _stores(method, methods):
                continue  # ``return True``: this method keeps nothing, so nothing to expire
            for parameter in _ttl_parameters(name, method):
                if not _uses(method, parameter):
                    self._report_name(
                        method, f"`{name}` accepts the TTL `{parameter}` and ignores it; {_ADVICE}"
                    )
                    continue
                fed = _attributes_fed_by(method, parameter)
                for attribute in _logs_fed_by(method, parameter):
                    logged.setdefault(attribute, (name, parameter))
                expiry_attributes |= fed - set(logged)
        # Methods that read what the TTL-taking methods wrote (``__init__`` only sets it up).
        readers = {
            name
            for name, method in methods.items()
            if name not in _WRITE_ONLY
            and name != "__init__"
            and not any(_ttl_parameters(name, method))
            and _self_attributes(method) & (expiry_attributes | set(logged))
        }
        for attribute, (name, parameter) in logged.items():
            if not any(attribute in _self_attributes(methods[reader]) for reader in readers):
                self._report_name(
                    methods[name],
                    f"`{name}` records the TTL `{parameter}` in `self.{attribute}` but keys "
                    f"never expire, so expiry is never exercised; {_SIMULATE}",
                )
        get = methods.get("get")
        if get is None or not expiry_attributes:
            return
        # A helper such as ``self._purge_expired()`` reads the expiry for ``get``; the
        # TTL-taking methods themselves do not count.
        consults = _self_attributes(get) & expiry_attributes or _self_calls(get) & readers
        if not consults:
            self._report_name(
                get,
                "`get` never consults the expiry this fake records, so expired keys are still "
                f"returned; {_ADVICE}",
            )


def _methods(node: ast.ClassDef) -> dict[str, _Method]:
    return {
        item.name: item
        for item in node.body
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def _body_nodes(method: _Method) -> Iterator[ast.AST]:
    """Every node of the method's body (not its decorators or parameters)."""
    for statement in method.body:
        yield from descendants(statement)


def _ttl_parameters(name: str, method: _Method) -> Iterator[str]:
    params = method.args
    named = [*params.args, *params.kwonlyargs]
    if name in _TTL_METHODS:
        positional = [*params.posonlyargs, *params.args]
        # (self, key, ttl, ...): the TTL follows the key.
        if len(positional) >= 3:
            yield positional[2].arg
        return
    method_words = set(words(name))
    for param in named:
        parameter = param.arg
        if (
            (name == "set" and parameter in _SET_TTL_PARAMETERS)
            or parameter in _TTL_NAMES
            or set(words(parameter)) & _TTL_WORDS
            or (parameter == "timeout" and method_words & _TIMEOUT_METHOD_WORDS)
        ):
            yield parameter


def _mentions(node: ast.AST, parameter: str) -> bool:
    return any(isinstance(inner, ast.Name) and inner.id == parameter for inner in descendants(node))


def _uses(method: _Method, parameter: str) -> bool:
    return any(_mentions(statement, parameter) for statement in method.body)


def _is_placeholder(method: _Method) -> bool:
    """A body of only a docstring, ``...`` or a ``raise``: it does not pretend to work."""
    for statement in method.body:
        if isinstance(statement, ast.Raise):
            continue
        if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Constant):
            return False
        if not isinstance(statement.value.value, str) and statement.value.value is not Ellipsis:
            return False
    return True


def _stores(method: _Method, methods: dict[str, _Method]) -> bool:
    """Whether the method keeps anything: assigns to an attribute or an item, calls a
    mutator on something, or calls another method of the fake that does. ``return True``
    stores nothing, so there is nothing to expire."""
    return _stores_directly(method) or any(
        called in methods and called != method.name and _stores_directly(methods[called])
        for called in _self_calls(method)
    )


def _stores_directly(method: _Method) -> bool:
    for node in _body_nodes(method):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(not isinstance(target, ast.Name) for target in targets):
                return True
        elif isinstance(node, ast.Delete) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
        ):
            return True
    return False


def _logs_fed_by(method: _Method, parameter: str) -> set[str]:
    """``self.x`` lists the parameter is appended to (``self.calls.append((key, ex))``)."""
    found: set[str] = set()
    for node in _body_nodes(method):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("append", "extend")
            and isinstance(node.func.value, ast.Attribute)
            and isinstance(node.func.value.value, ast.Name)
            and node.func.value.value.id == "self"
            and any(
                _mentions(argument, parameter)
                for argument in (*node.args, *(keyword.value for keyword in node.keywords))
            )
        ):
            found.add(node.func.value.attr)
    return found


def _attributes_fed_by(method: _Method, parameter: str) -> set[str]:
    """``self.x`` attributes written in statements that use ``parameter``."""
    found: set[str] = set()
    for node in _body_nodes(method):
        if not isinstance(node, (ast.Assign, ast.AugAssign, ast.Expr)):
            continue
        if not _mentions(node, parameter):
            continue
        for inner in descendants(node):
            name = dotted_name(inner) if isinstance(inner, ast.Attribute) else None
            if name is not None and name.startswith("self.") and name.count(".") == 1:
                found.add(name.removeprefix("self."))
    return found


def _self_attributes(method: _Method) -> set[str]:
    return {
        node.attr
        for node in _body_nodes(method)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }


def _self_calls(method: _Method) -> set[str]:
    return {
        node.func.attr
        for node in _body_nodes(method)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    }
