"""How a fix may refer to a module: through the file's own import of it, or a new import
under a name nothing else in scope uses.

``import regex as re`` at the top, or a pytest fixture parameter named ``re``, means ``re``
is not the standard library here: a fix that writes ``re.escape(...)`` must use another
name (``import re as re_``), never shadow or be shadowed. An ``import re`` only under ``if
TYPE_CHECKING:`` binds nothing at run time, nor does one inside another function: the fix adds
a module-level import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from eventlint.analysis.imports import ImportMap
from eventlint.analysis.scopes import names_in_target
from eventlint.analysis.walk import descendants, walk
from eventlint.finding import ImportRequest

_Function = ast.FunctionDef | ast.AsyncFunctionDef


def module_reference(
    module: ast.Module, imports: ImportMap, at: ast.AST, wanted: str
) -> tuple[str, ImportRequest | None]:
    """The name to write for module ``wanted`` at node ``at``, and the import that the name
    needs (None when the file already imports it so)."""
    local = set(_bound_in_functions(module, at))
    # A typing-only import of the very module is no clash: the runtime import joins it. An
    # import inside another function binds nothing here.
    typing_only_wanted = {
        name for name in imports.typing_only if imports.aliases.get(name) == wanted
    }
    unbound_here = typing_only_wanted | imports.function_only
    taken = local | (set(imports.aliases) - unbound_here) | imports.module_bindings
    for name, target in imports.aliases.items():
        if (
            target == wanted
            and name not in local
            and name not in imports.typing_only
            and name not in imports.function_only
        ):
            return name, None
    candidates = [wanted, f"{wanted}_", *(f"{wanted}_{n}" for n in range(2, 100))]
    name = next(candidate for candidate in candidates if candidate not in taken)
    return name, ImportRequest(wanted, alias=None if name == wanted else name)


def _enclosing_functions(module: ast.Module, at: ast.AST) -> list[_Function]:
    stack: list[_Function] = []
    found: list[_Function] = []

    line = getattr(at, "lineno", None)

    def enter(node: ast.AST) -> bool:
        if found:
            return False
        if node is at:
            found.extend(stack)
            return False
        # A statement whose lines do not hold ``at`` cannot enclose it: skipping it keeps a
        # file with a finding per test linear, not quadratic, in its length.
        if line is not None and isinstance(node, ast.stmt):
            decorators = getattr(node, "decorator_list", None)
            start = decorators[0].lineno if decorators else node.lineno  # above the `def`
            end = node.end_lineno if node.end_lineno is not None else node.lineno
            if not start <= line <= end:
                return False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.append(node)
        return True

    def leave(node: ast.AST) -> None:
        if stack and stack[-1] is node:
            stack.pop()

    walk(module, enter, leave)
    return found


def _bound_in_functions(module: ast.Module, at: ast.AST) -> Iterator[str]:
    """Parameters and every name a function enclosing ``at`` binds."""
    for function in _enclosing_functions(module, at):
        args = function.args
        for param in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            yield param.arg
        for star in (args.vararg, args.kwarg):
            if star is not None:
                yield star.arg
        for statement in function.body:
            for node in descendants(statement):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    yield node.id
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    yield node.name
                elif isinstance(node, ast.alias):
                    yield (node.asname or node.name).split(".")[0]
                elif isinstance(node, ast.ExceptHandler) and node.name:
                    yield node.name
                elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                    yield from names_in_target(node.target)
