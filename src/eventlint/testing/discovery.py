"""The ID functions the static EVT1xx analysis knows, for ``pytest --event-id-contracts``.

Each production module of the project (not its tests) is read and analysed as the linter
does, without importing it; every function holding a deterministic ID or idempotency key is
listed with the model its event parameter is annotated with, or the reason it cannot be
exercised with one event.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from eventlint import parsing, sourcefile
from eventlint.analysis.id_hashes import analysis_for, annotation_class
from eventlint.analysis.scopes import FunctionNode, Scope
from eventlint.analysis.walk import walk
from eventlint.config import ConfigError, ConfigResolver
from eventlint.engine import Engine
from eventlint.file_kinds import PYTHON
from eventlint.rules import known_codes


@dataclass(frozen=True)
class IdFunction:
    """An ID function: where it is, how to import it, and its event's model (or why it
    cannot be called with one event)."""

    path: Path
    line: int
    module: str | None
    qualname: str
    model: str | None  # the dotted annotation of its one parameter, as written
    problem: str | None = None
    # The event's fields the function reads (``event.order_id``); None when it hands the
    # whole event on (``event.model_dump_json()``, ``f(event)``).
    reads: frozenset[str] | None = None

    @property
    def label(self) -> str:
        return f"{self.module or self.path.name}.{self.qualname}"


def id_functions(root: Path) -> list[IdFunction]:
    """Every function of the project's production code that builds an event ID."""
    try:
        engine = Engine(ConfigResolver(known_codes()))
    except ConfigError:
        return []
    found: dict[tuple[Path, str], IdFunction] = {}
    # The project's listing: the linter's excludes, virtualenvs left out.
    for path in engine.project_for(root).inventory.files(suffixes=(".py",)):
        settings = engine.resolver.for_path(path)
        if settings.is_test_file(path) or settings.is_excluded(path):
            continue
        try:
            text = sourcefile.decode(sourcefile.read(path, settings.config.max_file_size)).text
        except sourcefile.SourceError:
            continue
        if "hash" not in text and "uuid" not in text and "digest" not in text:
            continue
        parsed = parsing.parse(text)
        if isinstance(parsed, parsing.ParseFailure):
            continue
        context = engine.context(text, path, str(path), PYTHON)
        context.attach(parsed)
        module = context.project.module_name()
        for site in analysis_for(context).sites:
            scope = site.scope
            if not site.is_id_context or not isinstance(scope.node, FunctionNode):
                continue
            key = (path, scope.display_name)
            if key not in found:
                line = context.position(scope.node).start.line
                found[key] = _describe(path, line, module, scope, scope.node)
    return sorted(found.values(), key=lambda item: (str(item.path), item.line))


def _describe(
    path: Path, line: int, module: str | None, scope: Scope, function: FunctionNode
) -> IdFunction:
    name = function.name
    if scope.class_name is not None:
        qualname = f"{scope.class_name}.{name}"
        return IdFunction(path, line, module, qualname, None, "a method: needs an instance")
    parameters = list(scope.parameters.items())
    if module is None:
        return IdFunction(path, line, module, name, None, "its module has no importable name")
    if len(parameters) != 1:
        count = len(parameters)
        return IdFunction(path, line, module, name, None, f"takes {count} arguments, not one event")
    annotation = parameters[0][1]
    if isinstance(annotation, ast.Subscript):
        spelled = ast.unparse(annotation)
        return IdFunction(
            path, line, module, name, None,
            f"its parameter is a generic model (`{spelled}`): mark a test with "
            f"`@pytest.mark.event_id_contract({name}, model={spelled})`",
        )  # fmt: skip
    model = annotation_class(annotation)
    if model is None:
        return IdFunction(path, line, module, name, None, "its parameter has no model annotation")
    return IdFunction(
        path, line, module, name, model, reads=_fields_read(function, parameters[0][0])
    )


# Methods of a pydantic model that hand the whole event on.
_WHOLE_EVENT_METHODS = frozenset({"model_dump", "model_dump_json", "dict", "json", "model_copy"})


def _fields_read(function: FunctionNode, parameter: str) -> frozenset[str] | None:
    """The attributes read from ``parameter`` in the body; None if the event is used whole
    (passed on, stored, dumped or copied)."""
    names: set[str] = set()
    whole = False

    def enter(node: ast.AST) -> bool:
        nonlocal whole
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == parameter:
                if node.attr in _WHOLE_EVENT_METHODS:
                    whole = True
                else:
                    names.add(node.attr)
                return False
        elif isinstance(node, ast.Name) and node.id == parameter:
            whole = True  # the event itself is passed on or stored
        return True

    for statement in function.body:
        walk(statement, enter)
    return None if whole else frozenset(names)
