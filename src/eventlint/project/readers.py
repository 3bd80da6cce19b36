"""The readers behind :func:`eventlint.project.summaries.summarise`, one per kind of fact.

Each reads what it needs from the ``ast`` tree and skips work a cheap byte check rules out:
most modules raise nothing, hash nothing and declare few classes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from eventlint.analysis.event_fields import MARKER_KINDS
from eventlint.project import kafka_readers
from eventlint.project.summaries import (
    ClassSummary,
    FieldSummary,
    ModuleSummary,
    RaiseSummary,
    Template,
    ValueRef,
    dotted,
    module_functions,
)

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_SCOPE_WORDS = (b"global", b"exec", b"modules", b"vars", b"locals", b"__path__", b"setattr")
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# A module without one of these defines no hash helper.
HASH_WORDS = (b"hashlib", b"uuid", b"hmac")


def read_imports(tree: ast.Module, source: bytes) -> dict[str, str]:
    """What each module-level imported name refers to (under ``try``/``if`` too)."""
    return _read_names(tree, source).imports


def read_module(tree: ast.Module, source: bytes, *, raises: bool = True) -> ModuleSummary:
    summary = _read_names(tree, source)
    if "__getattr__" in summary.defined | summary.imported:
        # ``__getattr__ = getattr_migration(__name__)`` is as dynamic as a ``def``.
        summary.names_unknown = True
    if b"class" in source:
        summary.classes = {
            node.name: read_class(node, source)
            for node in tree.body
            if isinstance(node, ast.ClassDef)
        }
    if raises and (b"raise" in source or b"assert" in source):
        summary.raises = _RaiseReader(source).read(tree)
    if any(word in source for word in HASH_WORDS):
        summary.hash_helpers = read_hash_helpers(tree, summary.imports)
    if b"[" in source:
        summary.signature_generics = read_signature_generics(tree)
    if kafka_readers.may_offer(source):
        summary.kafka = kafka_readers.read_kafka(tree, source)
    return summary


def _read_names(tree: ast.Module, source: bytes) -> ModuleSummary:
    names = _NameCollector()
    # Function bodies matter only for ``global`` and namespace rewrites: most files have none.
    names.scan_scopes = any(word in source for word in _SCOPE_WORDS)
    for statement in tree.body:
        names.statement(statement)
    return names.summary


class _NameCollector:
    def __init__(self) -> None:
        self.summary = ModuleSummary()
        self.scan_scopes = True
        self._all_seen = False

    def statement(self, node: ast.AST) -> None:
        summary = self.summary
        if _rewrites_namespace(node):
            summary.names_unknown = True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            summary.defined.add(node.name)
            if node.name == "__getattr__" and not isinstance(node, ast.ClassDef):
                summary.names_unknown = True
            self._inside_scope(node)
            for decorator in node.decorator_list:
                self.expression(decorator)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                summary.imported.add(local)
                # ``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``.
                summary.imports[local] = alias.name if alias.asname else local
            return
        if isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (f"{node.module}." if node.module else "")
            for alias in node.names:
                if alias.name == "*":
                    summary.star_imports.append("." * node.level + (node.module or ""))
                else:
                    summary.imported.add(alias.asname or alias.name)
                    summary.imports[alias.asname or alias.name] = prefix + alias.name
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self._all_entries(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self.statement(child)
            else:
                self.expression(child)

    def expression(self, node: ast.AST) -> None:
        """Bindings and dynamic-namespace tricks in a module-level expression or target."""
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.Name) and isinstance(current.ctx, ast.Store):
                self.summary.defined.add(current.id)
            elif isinstance(current, (ast.MatchAs, ast.MatchStar)) and current.name:
                self.summary.defined.add(current.name)
            elif isinstance(current, ast.MatchMapping) and current.rest:
                self.summary.defined.add(current.rest)
            elif isinstance(current, ast.ExceptHandler) and current.name:
                self.summary.defined.add(current.name)
            if _rewrites_namespace(current):
                self.summary.names_unknown = True
            if (
                isinstance(current, ast.Attribute)
                and isinstance(current.value, ast.Name)
                and current.value.id == "__all__"
            ):
                self.summary.all_is_literal = False  # __all__.extend(...), __all__.append(...)
            if isinstance(current, _SCOPES):
                self._inside_scope(current)
                continue
            if isinstance(current, _COMPREHENSIONS):
                # Comprehension variables do not leak, but a walrus inside one does.
                for inner in ast.walk(current):
                    if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name):
                        self.summary.defined.add(inner.target.id)
                continue
            for child in ast.iter_child_nodes(current):
                if isinstance(child, ast.stmt):
                    self.statement(child)
                else:
                    stack.append(child)

    def _inside_scope(self, scope: ast.AST) -> None:
        """A function may bind module names (``global``) or rewrite the namespace."""
        if not self.scan_scopes:
            return
        for inner in ast.walk(scope):
            if isinstance(inner, ast.Global):
                self.summary.defined.update(inner.names)
            elif _rewrites_namespace(inner):
                self.summary.names_unknown = True

    def _all_entries(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return
        value = node.value
        first = not self._all_seen
        self._all_seen = True
        literal = isinstance(value, (ast.List, ast.Tuple)) and not isinstance(node, ast.AugAssign)
        self.summary.all_is_literal = first and literal
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            for element in value.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    self.summary.declared.add(element.value)
                else:
                    self.summary.all_is_literal = False


def _rewrites_namespace(node: ast.AST) -> bool:
    """``exec(...)``, ``globals()[k] = v``, ``globals().update(...)``, ``vars()``-writes,
    ``sys.modules[...] = ...``, ``setattr(sys.modules[__name__], ...)``, ``__path__ = ...``,
    ``__path__.extend(...)``."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "exec":
            return True
        if (
            isinstance(func, ast.Attribute)
            and func.attr in {"extend", "append", "insert"}
            and isinstance(func.value, ast.Name)
            and func.value.id == "__path__"
        ):
            return True  # a plugin package: its submodules come from elsewhere
        if (
            isinstance(func, ast.Attribute)
            and func.attr in {"update", "setdefault", "__setitem__"}
            and _is_namespace_call(func.value)
        ):
            return True
        if isinstance(func, ast.Name) and func.id == "setattr" and node.args:
            return _mentions_sys_modules(node.args[0])
        return False
    if isinstance(node, (ast.Assign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and (
                _is_namespace_call(target.value) or _mentions_sys_modules(target.value)
            ):
                return True
            if isinstance(target, ast.Name) and target.id == "__path__":
                return True
    return False


def _is_namespace_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"globals", "vars", "locals"}
    )


def _mentions_sys_modules(node: ast.AST) -> bool:
    return any(
        isinstance(inner, ast.Attribute)
        and inner.attr == "modules"
        and isinstance(inner.value, ast.Name)
        and inner.value.id == "sys"
        for inner in ast.walk(node)
    )


# ---- classes --------------------------------------------------------------------------------

_SECRET_TYPES = frozenset({"SecretStr", "SecretBytes"})


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
        stack.extend(reversed(list(ast.iter_child_nodes(current))))
    return found


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
            for inner in ast.walk(statement)
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


def value_ref(value: ast.AST) -> ValueRef | None:
    name = dotted(value)
    if name is not None:
        return ValueRef(dotted=name)
    if isinstance(value, ast.Constant) and isinstance(value.value, (str, int, bytes)):
        return ValueRef(literal=ast.unparse(value))
    return None


def _method_attributes(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    found: set[str] = set()
    if method.name == "__init__":
        arguments = method.args
        parameters = [*arguments.posonlyargs, *arguments.args][1:] + arguments.kwonlyargs
        found |= {parameter.arg for parameter in parameters}
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


def _init_message(method: ast.FunctionDef | ast.AsyncFunctionDef) -> Template | None:
    """The template ``__init__`` builds its message from, when it adds text of its own
    (``super().__init__(f"Bad job {job!r}: {reason}")``)."""
    scope = _assignments(method)
    for inner in ast.walk(method):
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


# ---- raise sites ----------------------------------------------------------------------------

MESSAGE_KEYWORDS = frozenset({"message", "msg", "detail", "reason", "description"})
_PERCENT_SPEC = re.compile(
    r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)
_FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_MAX_TEMPLATE_DEPTH = 6


def _assignments(scope: ast.AST) -> dict[str, list[ast.expr]]:
    """Plain ``name = value`` assignments in a function (nested functions included: an
    over-approximation that only ever makes a name's value less certain)."""
    found: dict[str, list[ast.expr]] = {}
    for inner in ast.walk(scope):
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


def message_template(
    node: ast.AST, scope: dict[str, list[ast.expr]], depth: int = 0
) -> Template | None:
    """A message expression as literal text and placeholders; None when it is not text we can
    follow (a call, an attribute, a name assigned more than once)."""
    if depth > _MAX_TEMPLATE_DEPTH:
        return None
    if isinstance(node, ast.Constant):
        return (node.value,) if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        parts: list[str | None] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            else:
                parts.append(None)
        return _normal(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = message_template(node.left, scope, depth + 1) or (None,)
        right = message_template(node.right, scope, depth + 1) or (None,)
        return _normal([*left, *right])
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
    ):
        return _split(node.left.value, _PERCENT_SPEC, {"%%": "%"})
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    ):
        return _split(node.func.value.value, _FORMAT_FIELD, {"{{": "{", "}}": "}"})
    if isinstance(node, ast.Name):
        values = scope.get(node.id, [])
        if len(values) == 1:
            return message_template(values[0], scope, depth + 1)
    return None


def _split(text: str, placeholder: re.Pattern[str], escapes: dict[str, str]) -> Template:
    parts: list[str | None] = []
    position = 0
    for match in placeholder.finditer(text):
        parts.append(text[position : match.start()])
        escaped = escapes.get(match.group())
        parts.append(escaped)
        position = match.end()
    parts.append(text[position:])
    return _normal(parts)


def _normal(parts: list[str | None]) -> Template:
    """Adjacent literals joined, empty literals dropped, runs of placeholders collapsed."""
    normal: list[str | None] = []
    for part in parts:
        if part == "":
            continue
        if part is not None and normal and normal[-1] is not None:
            normal[-1] = f"{normal[-1]}{part}"
        elif part is None and normal and normal[-1] is None:
            continue
        else:
            normal.append(part)
    return tuple(normal)


@dataclass(frozen=True)
class _Assignment:
    line: int
    value: ast.expr
    blocks: tuple[int, ...]  # the statement lists that hold it, outermost first


class _RaiseReader:
    """Every ``raise X(...)`` (and ``assert x, "message"``) with its message, from one walk
    over the statements.

    A message passed as a name (``msg = "..."; raise X(msg)``) is resolved to the nearest
    assignment before the ``raise`` in the same block or one around it, so a function that
    assigns ``msg`` on several branches still has each raise read right."""

    def __init__(self, source: bytes) -> None:
        self._source = source
        self._found: list[RaiseSummary] = []

    def read(self, tree: ast.Module) -> list[RaiseSummary]:
        self._scope(tree.body)
        return sorted(self._found, key=lambda site: site.line)

    def _scope(self, body: list[ast.stmt]) -> None:
        assignments: dict[str, list[_Assignment]] = {}
        raises: list[tuple[ast.Raise | ast.Assert, tuple[int, ...]]] = []
        pending: list[tuple[list[ast.stmt], tuple[int, ...]]] = [(body, (id(body),))]
        while pending:
            statements, blocks = pending.pop()
            for statement in statements:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    self._scope(statement.body)
                    continue
                if isinstance(statement, ast.Assign):
                    for target in statement.targets:
                        if isinstance(target, ast.Name):
                            assignments.setdefault(target.id, []).append(
                                _Assignment(statement.lineno, statement.value, blocks)
                            )
                elif isinstance(statement, ast.Raise) or (
                    isinstance(statement, ast.Assert) and statement.msg is not None
                ):
                    raises.append((statement, blocks))
                for inner in _blocks_of(statement):
                    pending.append((inner, (*blocks, id(inner))))
        for statement, blocks in raises:
            self._raise(statement, _Resolver(assignments, statement.lineno, blocks))

    def _raise(self, node: ast.Raise | ast.Assert, names: _Resolver) -> None:
        if isinstance(node, ast.Assert):
            # ``assert self.brokers, "You should setup a broker"`` raises AssertionError(msg).
            assert node.msg is not None
            self._found.append(
                RaiseSummary(
                    line=node.lineno,
                    exception="AssertionError",
                    message=message_template(node.msg, names),
                )
            )
            return
        call = node.exc
        if not isinstance(call, ast.Call):
            return
        exception = dotted(call.func)
        if exception is None:
            return
        positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
        message_node: ast.AST | None = positional[0] if positional else None
        keywords: dict[str, ValueRef] = {}
        for keyword in call.keywords:
            if keyword.arg is None:
                continue
            if message_node is None and keyword.arg in MESSAGE_KEYWORDS:
                message_node = keyword.value
            if (ref := value_ref(keyword.value)) is not None:
                keywords[keyword.arg] = ref
        template = message_template(message_node, names) if message_node is not None else None
        self._found.append(
            RaiseSummary(line=node.lineno, exception=exception, message=template, keywords=keywords)
        )


class _Resolver(dict[str, list[ast.expr]]):
    """The value a name holds at a ``raise``: its nearest assignment before it, in the same
    block or an enclosing one (a mapping, as ``message_template`` reads names)."""

    def __init__(
        self, assignments: dict[str, list[_Assignment]], line: int, blocks: tuple[int, ...]
    ) -> None:
        super().__init__()
        for name, candidates in assignments.items():
            reaching = [
                candidate
                for candidate in candidates
                if candidate.line < line and blocks[: len(candidate.blocks)] == candidate.blocks
            ]
            if reaching:
                self[name] = [max(reaching, key=lambda candidate: candidate.line).value]
            elif len(candidates) == 1:
                self[name] = [candidates[0].value]


def _blocks_of(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists nested in a compound statement."""
    found: list[list[ast.stmt]] = []
    for name in ("body", "orelse", "finalbody"):
        block = getattr(statement, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            found.append(block)
    for handler in getattr(statement, "handlers", ()):
        found.append(handler.body)
    for case in getattr(statement, "cases", ()):
        found.append(case.body)
    return found


# ---- hash helpers ---------------------------------------------------------------------------

_HASHLIB_CONSTRUCTORS = frozenset(
    {
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s",
        "sha3_224", "sha3_256", "sha3_384", "sha3_512", "shake_128", "shake_256",
    }
)  # fmt: skip


def hashed_argument(qualified: str, call: ast.Call) -> ast.AST | None:
    """The argument a hashing call hashes, by the call's qualified name; None when the call
    is not a hash."""

    def argument(position: int, *names: str) -> ast.AST | None:
        if len(call.args) > position:
            return call.args[position]
        return next((k.value for k in call.keywords if k.arg in names), None)

    if qualified.startswith("hashlib.") and qualified[8:] in _HASHLIB_CONSTRUCTORS:
        return argument(0, "data", "string")
    if qualified in {"hashlib.new", "hmac.new", "hmac.digest"}:
        return argument(1, "data", "string", "msg")
    if qualified in {"uuid.uuid3", "uuid.uuid5"}:
        return argument(1, "name")
    return None


def _qualify(node: ast.AST, imports: dict[str, str]) -> str | None:
    name = dotted(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    target = imports.get(head)
    if target is None:
        return None
    return f"{target}.{rest}" if rest else target


def read_hash_helpers(tree: ast.Module, imports: dict[str, str]) -> dict[str, tuple[int, ...]]:
    """Module-level functions that return a digest of (something built from) their
    parameters: ``def fingerprint_of(value): return hashlib.sha256(value).hexdigest()``.

    A hash call is a ``hashlib``/``hmac`` constructor or ``uuid3``/``uuid5``, or ``.update(x)``
    on a name bound to one; what it hashes must come from a parameter, and what the function
    returns must come from the hash."""
    helpers: dict[str, tuple[int, ...]] = {}
    for function in tree.body:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        arguments = function.args
        parameters = [parameter.arg for parameter in (*arguments.posonlyargs, *arguments.args)]
        if not parameters:
            continue
        assignments = _assignments(function)
        hashes: list[ast.Call] = []
        hashed: set[str] = set()
        for inner in ast.walk(function):
            if not isinstance(inner, ast.Call):
                continue
            qualified = _qualify(inner.func, imports)
            data = hashed_argument(qualified, inner) if qualified is not None else None
            if qualified is not None and _is_hash(qualified):
                hashes.append(inner)
                if data is not None:
                    hashed |= _reaching_names(data, assignments)
        if not hashes:
            continue
        hash_names = _names_bound_to(hashes, assignments)
        for inner in ast.walk(function):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr == "update"
                and isinstance(inner.func.value, ast.Name)
                and inner.func.value.id in hash_names
                and inner.args
            ):
                hashed |= _reaching_names(inner.args[0], assignments)
        if not _returns_digest(function, hashes, hash_names, assignments):
            continue
        positions = tuple(index for index, name in enumerate(parameters) if name in hashed)
        if positions:
            helpers[function.name] = positions
    return helpers


def _is_hash(qualified: str) -> bool:
    return (
        qualified.startswith("hashlib.") and qualified[8:] in _HASHLIB_CONSTRUCTORS | {"new"}
    ) or qualified in {"hmac.new", "hmac.digest", "uuid.uuid3", "uuid.uuid5"}


def _names_bound_to(calls: list[ast.Call], assignments: dict[str, list[ast.expr]]) -> set[str]:
    """Local names whose value is (built from) one of the calls."""
    targets = {id(call) for call in calls}
    bound: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, values in assignments.items():
            if name in bound:
                continue
            for value in values:
                if any(
                    id(inner) in targets or (isinstance(inner, ast.Name) and inner.id in bound)
                    for inner in ast.walk(value)
                ):
                    bound.add(name)
                    changed = True
                    break
    return bound


def _returns_digest(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    hashes: list[ast.Call],
    hash_names: set[str],
    assignments: dict[str, list[ast.expr]],
) -> bool:
    targets = {id(call) for call in hashes}
    for inner in ast.walk(function):
        if isinstance(inner, ast.Return) and inner.value is not None:
            for part in ast.walk(inner.value):
                if id(part) in targets or (isinstance(part, ast.Name) and part.id in hash_names):
                    return True
    return False


def _reaching_names(node: ast.AST, assignments: dict[str, list[ast.expr]]) -> set[str]:
    """Every name the value depends on, through local assignments."""
    found: set[str] = set()
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        for inner in ast.walk(current):
            if isinstance(inner, ast.Name) and inner.id not in found:
                found.add(inner.id)
                stack.extend(assignments.get(inner.id, []))
    return found
