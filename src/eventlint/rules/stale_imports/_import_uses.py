"""Where a test file names other modules: imports, patch targets and ``pytest_plugins``.

Imports that are *meant* to fail are left out: those inside a ``try`` that catches
``ImportError`` (or ``ModuleNotFoundError``, ``Exception``, a bare ``except``), inside
``with pytest.raises(ImportError)`` or ``assertRaises(ImportError)``, after a
``pytest.importorskip(...)`` in the same block, and those on a line carrying ``# type: ignore``
or any ``noqa``. ``if TYPE_CHECKING:`` blocks are still read: a stale path there breaks the type
checker.

One walk of the module, iterative: statements are read block by block (a block's later
statements are silenced by an ``importorskip`` in an earlier one), and expressions only for
the calls in them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.positions import Positions
from eventlint.analysis.walk import descendants, in_source_order

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_EXPECTED_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
_RAISES = frozenset({"raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})
_IGNORED_LINE = re.compile(r"#\s*(type:\s*ignore|noqa)", re.IGNORECASE)
_MOCK_PATCH = frozenset(
    {"unittest.mock.patch", "mock.patch", "unittest.mock.patch.dict", "mock.patch.dict",
     "unittest.mock.patch.multiple", "mock.patch.multiple"}
)  # fmt: skip
_CALL_WORDS = ("patch", "setattr", "delattr", "importorskip")
_MOCKER_FIXTURES = frozenset(
    {"mocker", "class_mocker", "module_mocker", "package_mocker", "session_mocker"}
)
# One string literal token (no implicit concatenation), with its prefix and quote.
_STRING_TOKEN = re.compile(
    r"(?P<prefix>[rRuU]?)(?:"
    r"(?P<triple>\"\"\"|''')(?:(?!(?P=triple))[^\\]|\\.)*(?P=triple)"
    r"|(?P<single>[\"'])(?:(?!(?P=single))[^\\\n]|\\.)*(?P=single))",
    re.DOTALL,
)
# ``a.b.c`` as written in an import, up to an ``as`` (dots may have whitespace around them).
_ALIAS_NAME_END = re.compile(r"[\s\\]+as\b")
# ``from ..a.b import``: the module's dotted name.
_FROM_MODULE = re.compile(r"from\b[\s\\.]*(?P<module>\w.*?)[\s\\]+import\b", re.DOTALL)


@dataclass(frozen=True, eq=False)
class PatchTarget:
    """A dotted string a patch or monkeypatch call resolves at runtime."""

    string: ast.Constant
    target: str


@dataclass(frozen=True, eq=False)
class PluginEntry:
    string: ast.Constant
    module: str


@dataclass
class ModuleUses:
    imports: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    patches: list[PatchTarget] = field(default_factory=list)
    plugins: list[PluginEntry] = field(default_factory=list)


def collect(
    module: ast.Module, imports: ImportMap, path: Path, text: str, positions: Positions
) -> ModuleUses:
    collector = _Collector(imports, text, positions)
    # Expressions are entered only to find calls: skip them when no call we read is there.
    collector.enter_expressions = any(word in text for word in _CALL_WORDS)
    collector.read_comments = "noqa" in text.lower() or "type:" in text
    collector.run(module.body)
    if path.name == "conftest.py":
        collector.plugins(module)
    return collector.uses


def string_token(positions: Positions, node: ast.AST) -> tuple[str, str] | None:
    """``(prefix, quote)`` of a plain string literal written as one token (``"a.b"``,
    ``r'a.b'``); None for anything else, implicit concatenation included."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return None
    match = _STRING_TOKEN.fullmatch(positions.source_of(node))
    return None if match is None else (match["prefix"], match["triple"] or match["single"])


def alias_name_span(positions: Positions, alias: ast.alias) -> tuple[int, int]:
    """The character offsets of an alias's (dotted) name, without its ``as`` part."""
    start, end = positions.span(alias)
    source = positions.source_of(alias)
    cut = _ALIAS_NAME_END.search(source)
    return start, (start + cut.start()) if cut is not None else end


def module_name_span(positions: Positions, statement: ast.ImportFrom) -> tuple[int, int] | None:
    """The character offsets of a ``from`` import's module name (None for ``from . import``)."""
    if statement.module is None:
        return None
    match = _FROM_MODULE.match(positions.source_of(statement))
    if match is None:  # pragma: no cover - the grammar guarantees the shape
        return None
    start = positions.span(statement)[0]
    return start + match.start("module"), start + match.end("module")


# A unit of work of the walk: a generator that yields the blocks it needs read before it
# goes on (driven from an explicit stack, so nesting never reaches the recursion limit).
_Task = Iterator["_Task"]


class _Collector:
    def __init__(self, imports: ImportMap, text: str, positions: Positions) -> None:
        self._imports = imports
        self._text = text
        self._positions = positions
        self.uses = ModuleUses()
        self._skip_seen = False  # an importorskip call in the statement being read
        self.enter_expressions = True
        self.read_comments = True

    def run(self, body: Sequence[ast.stmt]) -> None:
        stack: list[_Task] = [self._block(body, silenced=False)]
        while stack:
            task = next(stack[-1], None)
            if task is None:
                stack.pop()
            else:
                stack.append(task)

    def _block(self, statements: Sequence[ast.stmt], *, silenced: bool) -> _Task:
        outer = self._skip_seen
        for statement in statements:
            self._skip_seen = False
            yield self._statement(statement, silenced=silenced)
            # ``x = pytest.importorskip("x")`` makes the imports after it optional.
            silenced = silenced or self._skip_seen
        self._skip_seen = outer

    def _statement(self, node: ast.stmt, *, silenced: bool) -> _Task:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if not silenced and not (self.read_comments and self._ignored_lines(node)):
                self.uses.imports.append(node)
            return
        if isinstance(node, (ast.Try, ast.TryStar)):
            yield self._block(node.body, silenced=silenced or _catches_import_errors(node))
            for handler in node.handlers:
                assert isinstance(handler, ast.ExceptHandler)
                self._expression(handler.type)
                yield self._block(handler.body, silenced=silenced)
            yield self._block(node.orelse, silenced=silenced)
            yield self._block(node.finalbody, silenced=silenced)
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self._expression(item.context_expr)
                self._expression(item.optional_vars)
            expected = any(_expects_import_error(item.context_expr) for item in node.items)
            yield self._block(node.body, silenced=silenced or expected)
            return
        if isinstance(node, ast.If):
            self._expression(node.test)
            yield self._block(node.body, silenced=silenced)
            if self._is_elif(node.orelse):
                # An ``elif`` belongs to its ``if`` statement: an importorskip in its
                # condition makes the statements after the whole ``if`` optional too.
                yield self._statement(node.orelse[0], silenced=silenced)
            else:
                yield self._block(node.orelse, silenced=silenced)
            return
        if isinstance(node, ast.Match):
            self._expression(node.subject)
            for case in node.cases:
                self._expression(case.guard)
                yield self._block(case.body, silenced=silenced)
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in node.decorator_list:
                self._expression(decorator)
        for name, value in ast.iter_fields(node):
            if name == "decorator_list":
                continue
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                yield self._block(value, silenced=silenced)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self._expression(item)
            elif isinstance(value, ast.AST):
                self._expression(value)

    def _is_elif(self, orelse: list[ast.stmt]) -> bool:
        if len(orelse) != 1 or not isinstance(orelse[0], ast.If):
            return False
        start = self._positions.span(orelse[0])[0]
        return self._text.startswith("elif", start)

    def _ignored_lines(self, node: ast.stmt) -> bool:
        """A ``# type: ignore`` or ``noqa`` on any line of the statement (a multi-line import
        may carry its comment on any of its lines)."""
        starts = self._positions.starts
        end_line = node.end_lineno or node.lineno
        start = starts[node.lineno - 1]
        end = starts[end_line] if end_line < len(starts) else len(self._text)
        return bool(_IGNORED_LINE.search(self._text, start, end))

    def _expression(self, node: ast.AST | None) -> None:
        """The calls in an expression (or in a function's parameters, a class's bases)."""
        if node is None or not self.enter_expressions:
            return
        for inner in in_source_order(node):
            if isinstance(inner, ast.Call):
                self._call(inner)

    def _call(self, call: ast.Call) -> None:
        name = dotted_name(call.func)
        if name is None:
            return
        if name.split(".")[-1] == "importorskip":
            self._skip_seen = True
            return
        qualified = self._imports.qualify(call.func) or name
        positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
        keywords = {
            keyword.arg: keyword.value for keyword in call.keywords if keyword.arg is not None
        }
        head, _, method = name.partition(".")
        if qualified in _MOCK_PATCH or (
            head in _MOCKER_FIXTURES and method in {"patch", "patch.dict", "patch.multiple"}
        ):
            if "create" in keywords and not _is_false(keywords["create"]):
                return
            self._target(positional[0] if positional else keywords.get("target"))
        elif head == "monkeypatch" and method in {"setattr", "delattr"}:
            # The string form: setattr("a.b.name", value) / delattr("a.b.name").
            string_form = len(positional) == (2 if method == "setattr" else 1)
            honoured = "raising" not in keywords or _is_true(keywords["raising"])
            if string_form and honoured:
                self._target(positional[0])

    def _target(self, value: ast.expr | None) -> None:
        if not isinstance(value, ast.Constant) or string_token(self._positions, value) is None:
            return
        text = value.value
        if isinstance(text, str) and "." in text and all(p.isidentifier() for p in text.split(".")):
            self.uses.patches.append(PatchTarget(value, text))

    def plugins(self, module: ast.Module) -> None:
        for statement in module.body:
            if not (
                isinstance(statement, ast.Assign)
                and any(
                    isinstance(target, ast.Name) and target.id == "pytest_plugins"
                    for target in statement.targets
                )
            ):
                continue
            value = statement.value
            strings = list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else [value]
            for string in strings:
                if isinstance(string, ast.Constant) and string_token(self._positions, string):
                    assert isinstance(string.value, str)
                    self.uses.plugins.append(PluginEntry(string, string.value))


def _names_in(node: ast.AST) -> set[str]:
    """The names an expression mentions, attribute names included (``builtins.ImportError``)."""
    found: set[str] = set()
    for inner in descendants(node):
        if isinstance(inner, ast.Name):
            found.add(inner.id)
        elif isinstance(inner, ast.Attribute):
            found.add(inner.attr)
    return found


def _catches_import_errors(node: ast.Try | ast.TryStar) -> bool:
    for handler in node.handlers:
        assert isinstance(handler, ast.ExceptHandler)
        if handler.type is None or _names_in(handler.type) & _IMPORT_ERRORS:
            return True
    return False


def _expects_import_error(expression: ast.expr) -> bool:
    if not isinstance(expression, ast.Call):
        return False
    arguments = [*expression.args, *(keyword.value for keyword in expression.keywords)]
    if not arguments:
        return False
    name = dotted_name(expression.func)
    if name is None or name.split(".")[-1] not in _RAISES:
        return False
    first = min(arguments, key=lambda argument: (argument.lineno, argument.col_offset))
    return bool(_names_in(first) & _EXPECTED_ERRORS)


def _is_true(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is True


def _is_false(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and value.value is False
