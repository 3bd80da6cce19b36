"""How a fix may refer to a module: through the file's own import of it, or a new import
under a name nothing else in scope uses.

``import regex as re`` at the top, or a pytest fixture parameter named ``re``, means ``re``
is not the standard library here: a fix that writes ``re.escape(...)`` must use another
name (``import re as re_``), never shadow or be shadowed.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from eventlint.analysis.imports import ImportMap
from eventlint.analysis.walk import descendants, walk
from eventlint.finding import ImportRequest


def module_reference(
    module: cst.Module, imports: ImportMap, at: cst.CSTNode, wanted: str
) -> tuple[str, ImportRequest | None]:
    """The name to write for module ``wanted`` at node ``at``, and the import that the name
    needs (None when the file already imports it so)."""
    local = set(_bound_in_functions(module, at))
    taken = local | set(imports.aliases) | imports.module_bindings
    for name, target in imports.aliases.items():
        if target == wanted and name not in local:
            return name, None
    candidates = [wanted, f"{wanted}_", *(f"{wanted}_{n}" for n in range(2, 100))]
    name = next(candidate for candidate in candidates if candidate not in taken)
    return name, ImportRequest(wanted, alias=None if name == wanted else name)


def _enclosing_functions(module: cst.Module, at: cst.CSTNode) -> list[cst.FunctionDef]:
    stack: list[cst.FunctionDef] = []
    found: list[cst.FunctionDef] = []

    def enter(node: cst.CSTNode) -> bool:
        if found:
            return False
        if node is at:
            found.extend(stack)
            return False
        if isinstance(node, cst.FunctionDef):
            stack.append(node)
        return True

    def leave(node: cst.CSTNode) -> None:
        if isinstance(node, cst.FunctionDef) and stack and stack[-1] is node:
            stack.pop()

    walk(module, enter, leave)
    return found


def _bound_in_functions(module: cst.Module, at: cst.CSTNode) -> Iterator[str]:
    """Parameters and every name a function enclosing ``at`` binds."""
    for function in _enclosing_functions(module, at):
        params = function.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            yield param.name.value
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                yield star.name.value
        for node in descendants(function.body):
            if isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign)):
                target = node.target
                if isinstance(target, cst.Name):
                    yield target.value
            elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                yield node.name.value
            elif isinstance(node, cst.ImportAlias):
                bound = node.asname.name if node.asname is not None else node.name
                if isinstance(bound, cst.Name):
                    yield bound.value
            elif isinstance(node, (cst.For, cst.CompFor)):
                if isinstance(node.target, cst.Name):
                    yield node.target.value
            elif isinstance(node, cst.AsName) and isinstance(node.name, cst.Name):
                yield node.name.value
