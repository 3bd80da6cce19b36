"""Which project class a value in a function is an instance of, when the code says so.

``self`` in a method, an annotated parameter (``event: OrderPlaced``), a name assigned a
constructor call (``payload = Payload(...)``), and a field of one of those
(``envelope.data``), through the field's declared type. Generic envelopes are followed:
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
from eventlint.analysis.imports import dotted_name
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


class EventTypes:
    """Answers for one linted file; classes come from the project model (recorded for the
    results cache like every other cross-file fact)."""

    def __init__(self, project: ProjectView) -> None:
        self._project = project

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
            if not isinstance(value, ast.Call):
                continue
            func = value.func
            # ``Envelope[OrderShipped](...)`` names its type argument; ``Model(...)`` is a class
            # by the naming convention; ``json.loads(...)`` is not looked up.
            if isinstance(func, ast.Subscript) or is_constructor(func):
                typed = self.annotated(func)
                if typed is not None:
                    return typed
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
