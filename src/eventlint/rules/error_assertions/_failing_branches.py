"""Branches that fail the running test: what makes an ``if`` on a caught error's message an
assertion in disguise (``if str(err) != "...": self.fail(...)``, ``if err.args == (...):
pass / else: raise``)."""

from __future__ import annotations

import ast

# unittest's ``self.fail(...)``, ``pytest.fail(...)``.
_FAILING_CALLS = frozenset({"fail"})


def fails_the_test(block: list[ast.stmt]) -> bool:
    """Whether a branch starts with a ``raise`` or a ``fail(...)`` call."""
    if not block:
        return False
    first = block[0]
    if isinstance(first, ast.Raise):
        return True
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Call):
        func = first.value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in _FAILING_CALLS
    return False
