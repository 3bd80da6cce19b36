"""Raise sites: each ``raise X(...)`` (and ``assert x, "message"``) with its message as a
template of literal text and placeholders, and its keyword arguments. The templates are also
how an exception class's ``__init__`` builds its message (see ``classes``)."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eventlint.project.readers.syntax import dotted, value_ref
from eventlint.project.summaries import RaiseSummary, Template, ValueRef

MESSAGE_KEYWORDS = frozenset({"message", "msg", "detail", "reason", "description"})
_PERCENT_SPEC = re.compile(
    r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)
_FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_MAX_TEMPLATE_DEPTH = 6


def read_raises(tree: ast.Module, source: bytes) -> list[RaiseSummary]:
    """Every raise site of the module, in line order."""
    return _RaiseReader(source).read(tree)


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
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        # ``"..." % args``, or ``MESSAGE % args`` with the text kept in a name.
        text = _format_text(node.left, scope, depth + 1)
        return _split(text, _PERCENT_SPEC, {"%%": "%"}) if text is not None else None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        text = _format_text(node.func.value, scope, depth + 1)
        return _split(text, _FORMAT_FIELD, {"{{": "{", "}}": "}"}) if text is not None else None
    if isinstance(node, ast.Name):
        values = scope.get(node.id, [])
        if len(values) == 1:
            return message_template(values[0], scope, depth + 1)
    return None


def _format_text(node: ast.AST, scope: dict[str, list[ast.expr]], depth: int) -> str | None:
    """The format string a ``%`` or ``.format`` applies: a string literal, or a name that
    holds one (a local or a module constant, resolved as any name in a message)."""
    if depth > _MAX_TEMPLATE_DEPTH:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        values = scope.get(node.id, [])
        if len(values) == 1:
            return _format_text(values[0], scope, depth + 1)
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
        self._module_constants: dict[str, ast.expr] = {}

    def read(self, tree: ast.Module) -> list[RaiseSummary]:
        self._module_constants = _module_constants(tree.body)
        self._scope(tree.body)
        return sorted(self._found, key=lambda site: site.line)

    def _scope(
        self,
        body: list[ast.stmt],
        shadowed: frozenset[str] = frozenset(),
        outer: Mapping[str, ast.expr] | None = None,
        *,
        function: bool = False,
    ) -> None:
        """``shadowed``: the function's parameters, which hide outer names. ``outer``: the
        names a raise here reads when the scope neither assigns nor takes them (the module's
        constants; in a nested function, also what the enclosing function assigns once)."""
        outer = self._module_constants if outer is None else outer
        assignments: dict[str, list[_Assignment]] = {}
        raises: list[tuple[ast.Raise | ast.Assert, tuple[int, ...]]] = []
        nested: list[tuple[list[ast.stmt], frozenset[str] | None]] = []  # None: a class body
        pending: list[tuple[list[ast.stmt], tuple[int, ...]]] = [(body, (id(body),))]
        while pending:
            statements, blocks = pending.pop()
            for statement in statements:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    arguments = statement.args
                    parameters = [
                        *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                        *(star for star in (arguments.vararg, arguments.kwarg) if star),
                    ]  # fmt: skip
                    nested.append((statement.body, frozenset(p.arg for p in parameters)))
                    continue
                if isinstance(statement, ast.ClassDef):
                    nested.append((statement.body, None))
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
        hidden = shadowed | frozenset(assignments)
        for statement, blocks in raises:
            # ``TOO_MANY = "..."`` at module level, raised from a function: the constant.
            names = _Resolver(assignments, statement.lineno, blocks, outer, hidden)
            self._raise(statement, names)
        # A function nested in a function reads the names the enclosing one assigns exactly
        # once (a closure: ``message = f"..."`` then ``def fail(): raise X(message)``); a
        # class body's names are not visible to its methods, so it passes its outer on.
        enclosing: Mapping[str, ast.expr] = outer
        if function:
            enclosing = {name: value for name, value in outer.items() if name not in hidden}
            for name, candidates in assignments.items():
                if len(candidates) == 1 and name not in shadowed:
                    enclosing[name] = candidates[0].value
        for inner_body, taken in nested:
            if taken is None:
                self._scope(inner_body, frozenset(), enclosing)
            else:
                self._scope(inner_body, taken, enclosing, function=True)

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
        self,
        assignments: dict[str, list[_Assignment]],
        line: int,
        blocks: tuple[int, ...],
        outer: Mapping[str, ast.expr],
        hidden: frozenset[str],
    ) -> None:
        """``outer``: the module's constants, read for a name the function neither assigns
        nor takes as a parameter (``hidden``)."""
        super().__init__()
        self._outer = outer
        self._hidden = hidden
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

    def get(self, key: str, default: Any = None) -> Any:  # what ``message_template`` reads
        if key in self:
            return self[key]
        if key in self._outer and key not in self._hidden:
            return [self._outer[key]]
        return default


def _module_constants(body: list[ast.stmt]) -> dict[str, ast.expr]:
    """Names the module's top level assigns exactly once (``MESSAGE = "..."``)."""
    assigned: dict[str, list[ast.expr]] = {}
    for statement in body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(statement.value)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            value = statement.value
            assigned.setdefault(statement.target.id, []).append(value or ast.Constant(None))
    return {name: values[0] for name, values in assigned.items() if len(values) == 1}


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
