"""EVT501: an in-memory Redis fake that accepts TTLs and ignores them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst

from eventlint.analysis.imports import dotted_name
from eventlint.analysis.walk import descendants
from eventlint.rules.base import Rule

_FAKE_NAME = re.compile(r"^(Mock\w*Redis\w*|Fake\w*Redis\w*|\w*RedisStub\w*)$")
_SET_TTL_PARAMETERS = ("ex", "px", "exat", "pxat", "keepttl")
# Methods whose second parameter (after the key) is the TTL.
_TTL_METHODS = frozenset({"setex", "psetex", "expire", "pexpire", "expireat", "pexpireat"})
_ADVICE = (
    "keys never expire in the tests, so expiry is never exercised; simulate it with an "
    "injectable clock, or use fakeredis"
)


class FakeRedisIgnoresTtl(Rule):
    """A Redis test double accepts a TTL and ignores it.

    Idempotency keys and locks live in Redis with a TTL, and that expiry is behaviour: a
    duplicate event after the TTL must be processed again. An in-memory fake whose ``set``
    takes ``ex=`` and drops it lets every test pass while expiry is never exercised.

    Classes judged: in test files, any class with a ``get`` method and a ``set`` or ``setex``
    method; anywhere, a class named like a Redis fake (``Mock*Redis*``, ``Fake*Redis*``,
    ``*RedisStub*``). Flagged, at the method:

    - ``set`` with an ``ex``/``px``/``exat``/``pxat``/``keepttl`` parameter its body never
      uses;
    - ``setex``/``psetex``/``expire``/``pexpire``/``expireat``/``pexpireat`` whose TTL
      parameter (the one after the key) is never used;
    - ``get``, when the class records expiry (a TTL parameter is stored in a ``self.``
      attribute) but ``get`` never reads that attribute, directly or through another method.

    A method that takes ``**kwargs`` instead of the TTL parameters, or whose body is only
    ``...`` or a ``raise`` (``NotImplementedError``), is left alone: it does not pretend to honour
    TTLs. No fix: how time advances in the tests is the test author's design.

    Incorrect::

        class FakeRedis:
            def set(self, key, value, ex=None):
                self.data[key] = value

    Correct::

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
    # A fake that takes a TTL defines one of these methods.
    triggers = (
        "def set(", "def setex(", "def psetex(", "def expire", "def pexpire",
    )  # fmt: skip

    def check(self) -> None:
        for node in descendants(self.context.module):
            if isinstance(node, cst.ClassDef) and self._judged(node):
                self._check_class(node)

    def _judged(self, node: cst.ClassDef) -> bool:
        if _FAKE_NAME.match(node.name.value):
            return True
        methods = _methods(node)
        return (
            self.context.is_test_file and "get" in methods and bool({"set", "setex"} & set(methods))
        )

    def _check_class(self, node: cst.ClassDef) -> None:
        methods = _methods(node)
        expiry_attributes: set[str] = set()
        for name, method in methods.items():
            for parameter in _ttl_parameters(name, method):
                used = _uses(method, parameter)
                if not used and not _is_placeholder(method):
                    self.report(
                        method.name,
                        f"`{name}` accepts the TTL `{parameter}` and ignores it; {_ADVICE}",
                    )
                expiry_attributes |= _attributes_fed_by(method, parameter)
        get = methods.get("get")
        if get is None or not expiry_attributes:
            return
        # A helper such as ``self._purge_expired()`` reads the expiry for ``get``; the
        # TTL-taking methods themselves do not count.
        readers = {
            name
            for name, method in methods.items()
            if name != "set"
            and name not in _TTL_METHODS
            and _self_attributes(method) & expiry_attributes
        }
        consults = _self_attributes(get) & expiry_attributes or _self_calls(get) & readers
        if not consults:
            self.report(
                get.name,
                "`get` never consults the expiry this fake records, so expired keys are still "
                f"returned; {_ADVICE}",
            )


def _methods(node: cst.ClassDef) -> dict[str, cst.FunctionDef]:
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    return {item.name.value: item for item in body if isinstance(item, cst.FunctionDef)}


def _ttl_parameters(name: str, method: cst.FunctionDef) -> Iterator[str]:
    params = method.params
    if name == "set":
        for param in (*params.params, *params.kwonly_params):
            if param.name.value in _SET_TTL_PARAMETERS:
                yield param.name.value
    elif name in _TTL_METHODS:
        positional = [*params.posonly_params, *params.params]
        # (self, key, ttl, ...): the TTL follows the key.
        if len(positional) >= 3:
            yield positional[2].name.value


def _uses(method: cst.FunctionDef, parameter: str) -> bool:
    return any(
        isinstance(node, cst.Name) and node.value == parameter for node in descendants(method.body)
    )


def _is_placeholder(method: cst.FunctionDef) -> bool:
    """A body of only a docstring, ``...`` or a ``raise``: it does not pretend to work."""
    body = method.body.body if isinstance(method.body, cst.IndentedBlock) else ()
    statements: list[cst.BaseSmallStatement] = []
    for line in body:
        if not isinstance(line, cst.SimpleStatementLine):
            return False
        statements += [
            small
            for small in line.body
            if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString))
        ]
    return all(
        (isinstance(small, cst.Expr) and isinstance(small.value, cst.Ellipsis))
        or isinstance(small, cst.Raise)
        for small in statements
    )


def _attributes_fed_by(method: cst.FunctionDef, parameter: str) -> set[str]:
    """``self.x`` attributes written in statements that use ``parameter``."""
    found: set[str] = set()
    for node in descendants(method.body):
        if not isinstance(node, (cst.Assign, cst.AugAssign, cst.Expr)):
            continue
        if not any(
            isinstance(inner, cst.Name) and inner.value == parameter for inner in descendants(node)
        ):
            continue
        for inner in descendants(node):
            name = dotted_name(inner) if isinstance(inner, cst.Attribute) else None
            if name is not None and name.startswith("self.") and name.count(".") == 1:
                found.add(name.removeprefix("self."))
    return found


def _self_attributes(method: cst.FunctionDef) -> set[str]:
    found: set[str] = set()
    for node in descendants(method.body):
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == "self"
        ):
            found.add(node.attr.value)
    return found


def _self_calls(method: cst.FunctionDef) -> set[str]:
    return {
        node.func.attr.value
        for node in descendants(method.body)
        if isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and isinstance(node.func.value, cst.Name)
        and node.func.value.value == "self"
    }
