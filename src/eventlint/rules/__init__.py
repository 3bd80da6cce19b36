"""The registry of every rule: discovered, so adding a rule is adding its module.

Every module under ``eventlint.rules`` is imported once, and each class it defines that
derives from :class:`~eventlint.rules.base.Rule` or :class:`~eventlint.rules.base.EngineRule`
and sets a ``code`` is registered. Modules whose name starts with ``_`` and the shared analyses
of a family are imported too, but define no rule classes.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from functools import cache

from eventlint.rules.base import EngineRule, Rule, RuleDocs

_CODE = re.compile(r"^EVT\d{3}$")


@cache
def _discover() -> tuple[type[RuleDocs], ...]:
    found: dict[str, type[RuleDocs]] = {}
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, RuleDocs):
                continue
            code = vars(cls).get("code")
            if code is None:
                continue  # a family's base class
            if not _CODE.match(code):
                raise RuntimeError(f"{cls.__qualname__}: bad rule code {code!r}")
            if code in found:
                raise RuntimeError(f"{code} is defined twice: {found[code]} and {cls}")
            found[code] = cls
    return tuple(found[code] for code in sorted(found))


def all_rules() -> tuple[type[RuleDocs], ...]:
    """Every documented code, in code order."""
    return _discover()


def checking_rules() -> tuple[type[Rule], ...]:
    """The rules with a check of their own (every code but the engine's)."""
    return tuple(rule for rule in _discover() if issubclass(rule, Rule))


def rules_by_code() -> dict[str, type[RuleDocs]]:
    return {rule.code: rule for rule in _discover()}


def known_codes() -> dict[str, bool]:
    """Every code with whether it is on by default (what selection needs)."""
    return {rule.code: rule.default_enabled for rule in _discover()}


__all__ = [
    "EngineRule",
    "Rule",
    "RuleDocs",
    "all_rules",
    "checking_rules",
    "known_codes",
    "rules_by_code",
]
