"""Which project class a value in a function is an instance of, when the code says so.

``self`` in a method, an annotated parameter (``event: OrderPlaced``), a name assigned a
constructor call (``payload = Payload(...)``), and a field of one of those
(``envelope.data``), through the field's declared type; the result of a function of the file
by its return annotation, and of a pydantic ``TypeAdapter(T)``'s ``validate_json``. Generic
envelopes are followed:
``class Envelope(BaseModel, Generic[T]): data: T`` used as ``envelope: Envelope[OrderShipped]``
makes ``envelope.data`` an ``OrderShipped`` (the type argument at the use site, in the
parameter annotation, the constructor ``Envelope[OrderShipped](...)`` or a forward reference
``"Envelope[OrderShipped]"``).

What the code does not say is not guessed: ``Optional[X]``, unions, containers of models, and
type variables bound by a subclass (``class OrderEnvelope(Envelope[OrderShipped])``) give no
class, and the rules fall back to field names.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from eventlint.analysis.hash_inputs import is_constructor
from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.scopes import Scope
from eventlint.project import ClassInfo
from eventlint.project.classes import FieldInfo
from eventlint.project.view import ProjectView

# How many attribute steps (``envelope.data.customer``) are followed.
_MAX_DEPTH = 4


@dataclass(frozen=True)
class Typed:
    """A class, with the classes its type arguments name at this use (``Envelope[X]``)."""

    info: ClassInfo
    arguments: tuple[Typed | None, ...] = ()


# pydantic's validators of a ``TypeAdapter(T)``: their result is a ``T``.
_ADAPTER_METHODS = frozenset({"validate_json", "validate_python", "validate_strings"})


class EventTypes:
    """Answers for one linted file; classes come from the project model (recorded for the
    results cache like every other cross-file fact)."""

    def __init__(self, project: ProjectView, module: ast.Module, imports: ImportMap) -> None:
        self._project = project
        self._imports = imports
        # Module-level ``NAME = value`` (a ``TypeAdapter`` made once per module).
        self._module_values: dict[str, list[ast.expr]] = {}
        for statement in module.body:
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        self._module_values.setdefault(target.id, []).append(statement.value)
        # The file's own functions, for what their return annotations say.
        self._returns = {
            statement.name: statement.returns
            for statement in module.body
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            and statement.returns is not None
        }

    def class_of(self, expr: ast.expr, scope: Scope) -> ClassInfo | None:
        typed = self.typed(expr, scope, 0)
        return typed.info if typed is not None else None

    def typed(self, expr: ast.expr, scope: Scope, depth: int) -> Typed | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Name):
            return self._of_name(expr.id, scope)
        if isinstance(expr, ast.Attribute):
            owner = self.typed(expr.value, scope, depth + 1)
            if owner is None:
                return None
            declared = owner.info.fields.get(expr.attr)
            return self._of_field(owner, declared) if declared is not None else None
        return None

    def _of_name(self, name: str, scope: Scope) -> Typed | None:
        if name == "self" and scope.class_name:
            return self._spelled(scope.class_name)
        if name in scope.parameters:
            annotation = scope.parameters[name]
            return self.annotated(annotation) if annotation is not None else None
        for value in scope.values_of(name):
            made = value.value if isinstance(value, ast.Await) else value
            if isinstance(made, ast.Call):
                typed = self._made_by(made, scope)
                if typed is not None:
                    return typed
        return None

    def _made_by(self, call: ast.Call, scope: Scope) -> Typed | None:
        """The class of what a call returns, when the code says: a constructor
        (``Envelope[OrderShipped](...)`` names its type argument; ``Model(...)`` is a class by
        the naming convention), a function of this file by its return annotation, or a
        pydantic ``TypeAdapter(Envelope[X])``'s ``validate_json(...)``. ``json.loads(...)``
        and other calls are not looked up."""
        func = call.func
        if isinstance(func, ast.Subscript) or is_constructor(func):
            return self.annotated(func)
        if isinstance(func, ast.Name) and func.id in self._returns:
            annotation = self._returns[func.id]
            return self.annotated(annotation) if annotation is not None else None
        if isinstance(func, ast.Attribute) and func.attr in _ADAPTER_METHODS:
            adapted = self._adapted_type(func.value, scope)
            return self.annotated(adapted) if adapted is not None else None
        return None

    def _adapted_type(self, adapter: ast.expr, scope: Scope) -> ast.expr | None:
        """``T`` of ``TypeAdapter(T)``, given inline or through a name of the function or the
        module."""
        candidates: list[ast.expr] = [adapter]
        if isinstance(adapter, ast.Name):
            candidates = list(scope.values_of(adapter.id)) or list(
                self._module_values.get(adapter.id, ())
            )
        for candidate in candidates:
            if (
                isinstance(candidate, ast.Call)
                and self._imports.qualify(candidate.func) == "pydantic.TypeAdapter"
                and candidate.args
            ):
                return candidate.args[0]
        return None

    def annotated(self, node: ast.expr) -> Typed | None:
        """The class an annotation spells: ``X``, ``a.X``, ``X[Y]``, ``"X[Y]"``."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                parsed = ast.parse(node.value.strip(), mode="eval").body
            except SyntaxError:
                return None
            return None if isinstance(parsed, ast.Constant) else self.annotated(parsed)
        if isinstance(node, ast.Subscript):
            base = dotted_name(node.value)
            info = self._project.resolve_class(base) if base else None
            if info is None:
                return None  # ``Optional[X]``, ``list[X]``: not one class
            elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return Typed(info, tuple(self.annotated(element) for element in elements))
        name = dotted_name(node)
        return self._spelled(name) if name else None

    def _spelled(self, name: str) -> Typed | None:
        info = self._project.resolve_class(name)
        return Typed(info) if info is not None else None

    def _of_field(self, owner: Typed, declared: FieldInfo) -> Typed | None:
        annotation = declared.annotation.strip()
        parameters = [argument.rpartition(".")[2] for argument in owner.info.base_arguments]
        if annotation in parameters:
            # ``data: T`` of ``Generic[T]``: the argument given at this use, if any.
            index = parameters.index(annotation)
            return owner.arguments[index] if index < len(owner.arguments) else None
        if not annotation.replace(".", "").isidentifier() or not declared.annotation_names:
            return None
        named = declared.annotation_names[0]
        if "." not in named:
            # Defined beside the declaring class (not imported there).
            module = declared.declared_in.rpartition(".")[0]
            if not module:
                return self._spelled(named)
            named = f"{module}.{named}"
        info = self._project.class_named(named)
        return Typed(info) if info is not None else None
