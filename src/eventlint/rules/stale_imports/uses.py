"""Where a test file names other modules: imports, patch targets and ``pytest_plugins``.

Imports that are *meant* to fail are left out: those inside a ``try`` that catches
``ImportError`` (or ``ModuleNotFoundError``, ``Exception``, a bare ``except``), inside
``with pytest.raises(ImportError)`` or ``assertRaises(ImportError)``, after a
``pytest.importorskip(...)`` in the same block, and those on a line carrying ``# type: ignore``
or any ``noqa``. ``if TYPE_CHECKING:`` blocks are still read: a stale path there breaks the type
checker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from eventlint.analysis.imports import ImportMap, dotted_name
from eventlint.analysis.walk import children, descendants

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


@dataclass(frozen=True, eq=False)
class PatchTarget:
    """A dotted string a patch or monkeypatch call resolves at runtime."""

    string: cst.SimpleString
    target: str


@dataclass(frozen=True, eq=False)
class PluginEntry:
    string: cst.SimpleString
    module: str


@dataclass
class ModuleUses:
    imports: list[cst.Import | cst.ImportFrom] = field(default_factory=list)
    patches: list[PatchTarget] = field(default_factory=list)
    plugins: list[PluginEntry] = field(default_factory=list)


def collect(module: cst.Module, imports: ImportMap, path: Path, text: str) -> ModuleUses:
    collector = _Collector(module, imports)
    # Expressions are entered only to find calls: skip them when no call we read is there.
    collector.enter_expressions = any(word in text for word in _CALL_WORDS)
    collector.read_comments = "noqa" in text.lower() or "type:" in text
    collector.block(module.body, silenced=False)
    if path.name == "conftest.py":
        collector.plugins(module)
    return collector.uses


class _Collector:
    def __init__(self, module: cst.Module, imports: ImportMap) -> None:
        self._module = module
        self._imports = imports
        self.uses = ModuleUses()
        self._skip_seen = False  # an importorskip call in the statement being read
        self.enter_expressions = True
        self.read_comments = True

    def block(self, statements: Sequence[cst.CSTNode], *, silenced: bool) -> None:
        outer = self._skip_seen
        for statement in statements:
            self._skip_seen = False
            self.node(statement, silenced=silenced)
            # ``x = pytest.importorskip("x")`` makes the imports after it optional.
            silenced = silenced or self._skip_seen
        self._skip_seen = outer

    def node(self, node: cst.CSTNode, *, silenced: bool) -> None:
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            if not silenced:
                self.uses.imports.append(node)
            return
        if isinstance(node, (cst.Try, cst.TryStar)):
            self.block(node.body.body, silenced=silenced or _catches_import_errors(node))
            for part in (*node.handlers, node.orelse, node.finalbody):
                if part is not None:
                    self.node(part, silenced=silenced)
            return
        if isinstance(node, cst.With):
            for item in node.items:
                self.node(item, silenced=silenced)
            expected = any(_expects_import_error(item.item) for item in node.items)
            self.node(node.body, silenced=silenced or expected)
            return
        if isinstance(node, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            self.block(node.body, silenced=silenced)
            return
        if (
            isinstance(node, cst.SimpleStatementLine)
            and self.read_comments
            and any(isinstance(small, (cst.Import, cst.ImportFrom)) for small in node.body)
        ):
            # A multi-line import may carry its comment on any of its lines.
            silenced = silenced or bool(_IGNORED_LINE.search(self._module.code_for_node(node)))
        if isinstance(node, cst.BaseExpression) and not self.enter_expressions:
            return
        if isinstance(node, cst.Call):
            self._call(node)
        for child in children(node):
            self.node(child, silenced=silenced)

    def _call(self, call: cst.Call) -> None:
        name = dotted_name(call.func)
        if name is None:
            return
        if name.split(".")[-1] == "importorskip":
            self._skip_seen = True
            return
        qualified = self._imports.qualify(call.func) or name
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        keywords = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
        head, _, method = name.partition(".")
        if qualified in _MOCK_PATCH or (
            head in _MOCKER_FIXTURES and method in {"patch", "patch.dict", "patch.multiple"}
        ):
            if "create" in keywords and not _is_false(keywords["create"]):
                return
            self._target(positional[0].value if positional else keywords.get("target"))
        elif head == "monkeypatch" and method in {"setattr", "delattr"}:
            # The string form: setattr("a.b.name", value) / delattr("a.b.name").
            string_form = len(positional) == (2 if method == "setattr" else 1)
            honoured = "raising" not in keywords or _is_true(keywords["raising"])
            if string_form and honoured:
                self._target(positional[0].value)

    def _target(self, value: cst.BaseExpression | None) -> None:
        if isinstance(value, cst.SimpleString):
            text = value.evaluated_value
            if (
                isinstance(text, str)
                and "." in text
                and all(part.isidentifier() for part in text.split("."))
            ):
                self.uses.patches.append(PatchTarget(value, text))

    def plugins(self, module: cst.Module) -> None:
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if not (
                    isinstance(small, cst.Assign)
                    and any(
                        isinstance(t.target, cst.Name) and t.target.value == "pytest_plugins"
                        for t in small.targets
                    )
                ):
                    continue
                value = small.value
                strings = (
                    [element.value for element in value.elements]
                    if isinstance(value, (cst.List, cst.Tuple))
                    else [value]
                )
                for string in strings:
                    if isinstance(string, cst.SimpleString) and isinstance(
                        string.evaluated_value, str
                    ):
                        self.uses.plugins.append(PluginEntry(string, string.evaluated_value))


def _catches_import_errors(node: cst.Try | cst.TryStar) -> bool:
    for handler in node.handlers:
        if handler.type is None:
            return True
        names = {
            inner.value for inner in (handler.type, *descendants(handler.type))
            if isinstance(inner, cst.Name)
        }  # fmt: skip
        if names & _IMPORT_ERRORS:
            return True
    return False


def _expects_import_error(expression: cst.BaseExpression) -> bool:
    if not isinstance(expression, cst.Call) or not expression.args:
        return False
    name = dotted_name(expression.func)
    if name is None or name.split(".")[-1] not in _RAISES:
        return False
    first = expression.args[0].value
    return any(
        isinstance(inner, cst.Name) and inner.value in _EXPECTED_ERRORS
        for inner in (first, *descendants(first))
    )


def _is_true(value: cst.BaseExpression | None) -> bool:
    return isinstance(value, cst.Name) and value.value == "True"


def _is_false(value: cst.BaseExpression | None) -> bool:
    return isinstance(value, cst.Name) and value.value == "False"
