"""Generic annotations of function signatures (``envelope: EventEnvelope[OrderPlaced]``):
where the event inventory finds an envelope's payloads."""

from __future__ import annotations

import ast

from eventlint.project.readers.syntax import dotted_names, module_functions


def read_signature_generics(tree: ast.Module) -> list[tuple[str, tuple[str, ...]]]:
    """Subscripted annotations of module-level functions and methods: the function and the
    names the annotation mentions (two at least: a generic and what it is applied to)."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for name, function in module_functions(tree):
        arguments = function.args
        parameters = [
            *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
            *(extra for extra in (arguments.vararg, arguments.kwarg) if extra is not None),
        ]  # fmt: skip
        annotations = [parameter.annotation for parameter in parameters]
        for annotation in (*annotations, function.returns):
            if isinstance(annotation, ast.Subscript):
                names = dotted_names(annotation)
                if len(names) >= 2:
                    found.append((name, tuple(names)))
    return found
