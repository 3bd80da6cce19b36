"""Reading ``ast`` trees: the small helpers every reader shares.

Dotted names as spelled (``a.b.c``), the module's functions and methods, the statements
inside a scope, a function's plain assignments and simple values (``ValueRef``). None of
them knows what kind of fact it serves.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from eventlint.analysis.walk import breadth_first, children
from eventlint.project.summaries import ValueRef

Function = ast.FunctionDef | ast.AsyncFunctionDef


def module_functions(tree: ast.Module) -> Iterator[tuple[str, Function]]:
    """The module's functions and its classes' methods, named ``f`` and ``Class.m``."""
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield statement.name, statement
        elif isinstance(statement, ast.ClassDef):
            for inner in statement.body:
                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield f"{statement.name}.{inner.name}", inner


def dotted(node: ast.AST | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def dotted_names(node: ast.AST) -> list[str]:
    """The maximal dotted names an expression mentions (``Optional[models.Customer]`` gives
    ``Optional`` and ``models.Customer``), plus string forward references."""
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        name = dotted(current)
        if name is not None:
            found.append(name)
            continue
        if isinstance(current, ast.Constant) and isinstance(current.value, str):
            text = current.value.strip()
            if text.replace(".", "").isidentifier():
                found.append(text)
            continue
        stack.extend(reversed(children(current)))
    return found


def value_ref(value: ast.AST) -> ValueRef | None:
    name = dotted(value)
    if name is not None:
        return ValueRef(dotted=name)
    if isinstance(value, ast.Constant) and isinstance(value.value, (str, int, bytes)):
        return ValueRef(literal=ast.unparse(value))
    return None


def statements_within(scope: ast.AST) -> Iterator[ast.stmt]:
    """Every statement inside ``scope`` (a module, a function, a class), nested blocks and
    definitions included, in source order, without descending into expressions: an
    assignment or an import is always a statement, and expressions are most of the nodes."""
    pending: list[ast.AST] = [scope]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.stmt) and node is not scope:
            yield node
        # ExceptHandler and match_case are not statements but hold some.
        children: list[ast.AST] = []
        for name in ("body", "handlers", "orelse", "finalbody", "cases"):
            block = getattr(node, name, ())
            if isinstance(block, list):
                children += block
        pending.extend(reversed(children))


def plain_assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """Plain ``name = value`` assignments in a function (nested functions included: an
    over-approximation that only ever makes a name's value less certain)."""
    found: dict[str, list[ast.expr]] = {}
    for inner in breadth_first(scope):
        if isinstance(inner, ast.Assign):
            for target in inner.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(inner.value)
        elif isinstance(inner, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and isinstance(
            inner.target, ast.Name
        ):
            # ``x += "..."`` makes x's value unknowable here: a second value says so.
            value = inner.value if not isinstance(inner, ast.AugAssign) else None
            found.setdefault(inner.target.id, []).append(value or ast.Constant(None))
    return found
