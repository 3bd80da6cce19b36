"""The classes a module defines: bases as spelled, annotated fields (with secret types and
classification markers), instance attributes, class-level constants, how ``__init__`` builds
an exception's message, and whether ``hash()`` of an instance stays at object identity."""

from __future__ import annotations

import ast

from eventlint.analysis.event_fields import MARKER_KINDS
from eventlint.analysis.walk import breadth_first
from eventlint.project.readers.raise_sites import message_template
from eventlint.project.readers.syntax import (
    dotted,
    dotted_names,
    plain_assignments,
    statements_within,
    value_ref,
)
from eventlint.project.summaries import ClassSummary, FieldSummary, Template, ValueRef

_SECRET_TYPES = frozenset({"SecretStr", "SecretBytes"})


def read_class(node: ast.ClassDef, source: bytes) -> ClassSummary:
    bases: list[str] = []
    arguments: list[str] = []
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        name = dotted(target)
        if name is not None:
            bases.append(name)
        if isinstance(base, ast.Subscript):
            arguments += dotted_names(base.slice)
    fields: list[FieldSummary] = []
    attributes: set[str] = set()
    constants: dict[str, ValueRef] = {}
    template: Template | None = None
    init_assigned: set[str] = set()
    message_attributes: tuple[str, ...] = ()
    identity_hash = not node.decorator_list and not node.keywords
    for statement in node.body:
        if _binds_any(statement, _HASH_DEFINING):
            identity_hash = False
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            fields.append(_field(statement, statement.target.id))
            attributes.add(statement.target.id)
            if statement.value is not None and (ref := value_ref(statement.value)) is not None:
                constants[statement.target.id] = ref
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    attributes.add(target.id)
                    if (ref := value_ref(statement.value)) is not None:
                        constants[target.id] = ref
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            attributes |= _method_attributes(statement)
            if statement.name == "__init__":
                template = _init_message(statement)
                init_assigned = _self_assigned(statement)
                message_attributes = _message_attributes(statement)
    return ClassSummary(
        name=node.name,
        line=node.lineno,
        bases=tuple(bases),
        base_arguments=tuple(arguments),
        decorators=tuple(
            name
            for decorator in node.decorator_list
            if (name := dotted(decorator.func if isinstance(decorator, ast.Call) else decorator))
        ),
        fields=tuple(fields),
        attributes=tuple(sorted(attributes)),
        constants=constants,
        message_template=template,
        identity_hash=identity_hash,
        init_assigned=tuple(sorted(init_assigned)),
        message_attributes=message_attributes,
    )


# Defining either replaces identity hashing (``__eq__`` alone sets ``__hash__`` to None).
_HASH_DEFINING = frozenset({"__hash__", "__eq__"})


def _binds_any(statement: ast.stmt, names: frozenset[str]) -> bool:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return statement.name in names
    if isinstance(statement, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id in names for t in statement.targets)
    if isinstance(statement, ast.AnnAssign):
        return isinstance(statement.target, ast.Name) and statement.target.id in names
    # Defined conditionally: assume it may be.
    if isinstance(statement, (ast.If, ast.Try)):
        return any(
            isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Name))
            and getattr(inner, "name", getattr(inner, "id", None)) in names
            for inner in breadth_first(statement)
        )
    return False


def _field(statement: ast.AnnAssign, name: str) -> FieldSummary:
    annotation = statement.annotation
    names = dotted_names(annotation)
    markers: list[str] = []
    marker = _classification(statement.value)
    if isinstance(annotation, ast.Subscript) and (dotted(annotation.value) or "").endswith(
        "Annotated"
    ):
        metadata = annotation.slice.elts[1:] if isinstance(annotation.slice, ast.Tuple) else []
        for item in metadata:
            target = item.func if isinstance(item, ast.Call) else item
            if (spelled := dotted(target)) is not None:
                markers.append(spelled)
            marker = marker or _classification(item)
    return FieldSummary(
        name=name,
        line=statement.lineno,
        annotation=ast.unparse(annotation),
        annotation_names=tuple(names),
        secret_typed=any(found.rsplit(".", 1)[-1] in _SECRET_TYPES for found in names),
        marker=marker,
        annotated_markers=tuple(markers),
    )


def _classification(value: ast.AST | None) -> str | None:
    """``Field(json_schema_extra={"sensitive": True})`` -> "sensitive";
    ``{"classification": "pii"}`` -> "pii"; ``{"pii": True}`` -> "pii"."""
    if not isinstance(value, ast.Call):
        return None
    for keyword in value.keywords:
        if keyword.arg != "json_schema_extra" or not isinstance(keyword.value, ast.Dict):
            continue
        for key, item in zip(keyword.value.keys, keyword.value.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            if not isinstance(item, ast.Constant):
                continue
            if key.value == "classification" and isinstance(item.value, str):
                return item.value.lower()
            if item.value is True and key.value.lower() in MARKER_KINDS:
                return key.value.lower()
    return None


def _method_attributes(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    found: set[str] = set()
    if method.name == "__init__":
        arguments = method.args
        parameters = [*arguments.posonlyargs, *arguments.args][1:] + arguments.kwonlyargs
        found |= {parameter.arg for parameter in parameters}
    return found | _self_assigned(method)


def _self_assigned(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The attributes a method sets on ``self``."""
    found: set[str] = set()
    for inner in statements_within(method):
        targets: list[ast.AST] = []
        if isinstance(inner, ast.Assign):
            targets = list(inner.targets)
        elif isinstance(inner, (ast.AnnAssign, ast.AugAssign)):
            targets = [inner.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                found.add(target.attr)
    return found


def _init_message(method: ast.FunctionDef | ast.AsyncFunctionDef) -> Template | None:
    """The template ``__init__`` builds its message from, when it adds text of its own
    (``super().__init__(f"Bad job {job!r}: {reason}")``)."""
    scope = plain_assignments(method)
    for inner in breadth_first(method):
        if not isinstance(inner, ast.Call) or not isinstance(inner.func, ast.Attribute):
            continue
        if inner.func.attr != "__init__":
            continue
        owner = inner.func.value
        explicit = not (isinstance(owner, ast.Call) and dotted(owner.func) == "super")
        arguments = inner.args[1:] if explicit else inner.args
        if arguments:
            template = message_template(arguments[0], scope)
            if template is not None and any(part for part in template if part):
                return template
    return None


def _message_attributes(method: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The attributes ``__init__`` stores the constructor's message in: ``self.X = message``
    for the parameter it hands to ``super().__init__(...)`` (or, when it calls no base
    ``__init__`` with an argument, its first parameter after ``self``)."""
    arguments = method.args
    positional = [parameter.arg for parameter in (*arguments.posonlyargs, *arguments.args)][1:]
    handed: str | None = None
    hands_on = False  # ``super().__init__(...)`` is called: only what it is given counts
    for inner in breadth_first(method):
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr == "__init__"
        ):
            owner = inner.func.value
            explicit = not (isinstance(owner, ast.Call) and dotted(owner.func) == "super")
            passed = inner.args[1:] if explicit else inner.args
            hands_on = bool(passed)
            if passed and isinstance(passed[0], ast.Name):
                handed = passed[0].id
            break
    message = handed if hands_on else (positional[0] if positional else None)
    if message is None:
        return ()
    found: list[str] = []
    for inner in breadth_first(method):
        if isinstance(inner, ast.Assign) and isinstance(inner.value, ast.Name):
            if inner.value.id != message:
                continue
            for target in inner.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == "self"
                ):
                    found.append(target.attr)
    return tuple(sorted(set(found)))
