"""Whether a test path or node ID names something, and where a moved one went.

Test modules are read statically (``ast``), never imported. A node ID whose test cannot be
settled statically (a class with base classes that may define it, a module with a star
import, a doctest ID) counts as existing: silence is the answer when unsure.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from eventlint.parsing import parse_ast

_PARAMETERS = re.compile(r"\[.*\]$")
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")


@dataclass(frozen=True)
class TestNames:
    """The test functions and classes a module defines (``None``: cannot be known)."""

    functions: frozenset[str]
    classes: dict[str, frozenset[str] | None]  # class -> its methods, None if inherited too


def read_test_names(source: bytes) -> TestNames | None:
    """The test names a module's source defines (None: it does not parse)."""
    try:
        tree = parse_ast(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    functions: set[str] = set()
    classes: dict[str, frozenset[str] | None] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.add(node.name)
        elif isinstance(node, ast.ClassDef):
            methods = frozenset(
                child.name
                for child in node.body
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            ) | _assigned(node.body)
            classes[node.name] = None if node.bases else methods
        elif isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            return None
        else:
            functions |= _assigned([node])
    return TestNames(frozenset(functions), classes)


def _assigned(body: list[ast.stmt]) -> frozenset[str]:
    names: set[str] = set()
    for node in body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return frozenset(names)


def defines(names: TestNames | None, node: tuple[str, ...]) -> bool:
    """Whether the module defines the node ID's test (True when it cannot be told)."""
    if names is None or not node:
        return True
    parts = [_PARAMETERS.sub("", part) for part in node]
    if not all(_IDENTIFIER.match(part) for part in parts):
        return True  # a doctest ID (``module.function``) or a plugin's own item
    first = parts[0]
    if len(parts) == 1:
        return first in names.functions or first in names.classes
    if first not in names.classes:
        return first in names.functions  # something assigned that pytest may collect
    methods = names.classes[first]
    return methods is None or len(parts) > 2 or parts[1] in methods


def closest(missing: str, known: list[str], count: int = 3) -> list[str]:
    return difflib.get_close_matches(missing, known, n=count, cutoff=0.6)


def relative(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()
