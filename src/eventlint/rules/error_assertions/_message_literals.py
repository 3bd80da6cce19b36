"""The string literals of the EVT2xx analysis: a message as a test writes it, the texts a
string is built from, and the strings a test *gives* the code under test (data it assigns,
passes, returns or raises) as opposed to what it expects of it."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventlint.analysis.scopes import string_value
from eventlint.analysis.walk import descendants, walk
from eventlint.rules.base import FileContext

SourceOf = Callable[[ast.AST], str]

# The statement lists of compound statements (an ``elif`` is an ``If`` in its ``orelse``).
BLOCKS = (
    ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.AsyncFor,
    ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try, ast.TryStar, ast.ExceptHandler,
    ast.match_case,
)  # fmt: skip
BLOCK_FIELDS = ("body", "orelse", "finalbody")


@dataclass(frozen=True, eq=False)
class StringLiteral:
    node: ast.expr
    text: str  # the string's value (an f-string: its source)
    is_tuple: bool = False


def literal_of(node: ast.expr, source_of: SourceOf) -> StringLiteral | None:
    """A string literal (implicit concatenation included), an f-string (its text is its
    source) or a one-string tuple (``("message",)``, what ``err.args`` is compared to)."""
    value = string_value(node)
    if value is not None:
        return StringLiteral(node, value)
    if isinstance(node, ast.JoinedStr):
        return StringLiteral(node, source_of(node))
    if isinstance(node, ast.Tuple) and len(node.elts) == 1:
        inner = string_value(node.elts[0])
        if inner is not None:
            return StringLiteral(node, inner, is_tuple=True)
    return None


def literal_texts(node: ast.AST, source_of: SourceOf) -> list[str]:
    """The text of every string literal in ``node``'s subtree (an f-string's literal parts
    and format specification are part of it, not literals of their own)."""
    found: list[str] = []
    parts: set[int] = set()
    for inner in descendants(node):  # a parent comes before its children
        if isinstance(inner, ast.JoinedStr):
            if id(inner) not in parts:
                found.append(source_of(inner))
            parts.update(id(part) for part in parts_of(inner))
        elif id(inner) not in parts:
            value = string_value(inner)
            if value is not None:
                found.append(value)
    return found


def parts_of(node: ast.JoinedStr) -> list[ast.AST]:
    """The literal text and format specifications an f-string is made of."""
    parts: list[ast.AST] = []
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            if value.format_spec is not None:
                parts.append(value.format_spec)
        else:
            parts.append(value)
    return parts


def given_literals(context: FileContext, judged: list[ast.expr]) -> set[str]:
    """Every string the module holds outside what it expects, and outside docstrings: data
    the test gives the code under test (assigned, passed, returned, raised, set as
    ``side_effect``), whatever it does with it.

    Expected values are not given: the comparisons and patterns being judged, other
    comparisons, arguments of ``assert*`` calls (``self.assertRaisesMessage(E, msg)``,
    ``mock.assert_called_with(...)``), ``match=`` patterns, and variables used only there
    (``msg = "..."`` then ``assertRaisesMessage(E, msg)``). A name counts as used wherever
    it is written, as a variable or otherwise (``self.MESSAGE``, ``f(msg=...)``, a parameter,
    an import). One walk over the module."""
    finder = _GivenFinder({id(node) for node in judged}, context)
    walk(context.module, finder.enter, finder.leave)
    return finder.given()


def _identifiers(node: Any) -> list[str]:
    """The identifiers a node writes other than as an ``ast.Name``."""
    kind = type(node)
    if kind is ast.Attribute:
        return [node.attr]
    if kind is ast.keyword or kind is ast.arg:
        return [node.arg] if node.arg else []
    if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler):
        return [node.name] if node.name else []
    if kind is ast.alias:
        return [*node.name.split("."), *([node.asname] if node.asname else [])]
    if kind is ast.ImportFrom:
        return node.module.split(".") if node.module else []
    if kind is ast.Global or kind is ast.Nonlocal:
        return list(node.names)
    if kind is ast.MatchAs or kind is ast.MatchStar:
        return [node.name] if node.name else []
    if kind is ast.MatchMapping:
        return [node.rest] if node.rest else []
    if kind is ast.MatchClass:
        return list(node.kwd_attrs)
    return []


_WRITES_IDENTIFIERS = frozenset(
    {
        ast.Attribute, ast.keyword, ast.arg, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
        ast.ExceptHandler, ast.alias, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.MatchAs,
        ast.MatchStar, ast.MatchMapping, ast.MatchClass,
    }
)  # fmt: skip


class _GivenFinder:
    def __init__(self, judged: set[int], context: FileContext) -> None:
        self._context = context
        self._expected_roots = set(judged)  # nodes whose subtree holds expected values
        self._depth = 0  # how many expected regions the walk is inside
        self._targets: set[int] = set()  # names being assigned, not used
        self._uses: dict[str, list[bool]] = {}  # name -> whether each use is expected
        self._found: list[tuple[str, str | None]] = []  # (text, the name it is assigned to)
        self._assigned: dict[int, str] = {}  # string node -> the name it is assigned to
        self._parts: set[int] = set()  # an f-string's literal parts: not literals themselves

    def enter(self, node: ast.AST) -> bool:
        if id(node) in self._expected_roots:
            self._depth += 1
        kind = type(node)
        if kind in _WRITES_IDENTIFIERS:
            for name in _identifiers(node):
                self._uses.setdefault(name, []).append(self._depth > 0)
        if kind in BLOCKS:
            self._docstrings(node)
        if isinstance(node, ast.Compare):
            self._expected_roots.add(id(node.left))
            self._expected_roots.update(id(comparator) for comparator in node.comparators)
        elif isinstance(node, ast.Call):
            expectation = _is_expectation(node.func)
            for arg in node.args:
                if expectation:
                    self._expected_roots.add(id(arg))
            for keyword in node.keywords:
                if expectation or keyword.arg == "match":
                    self._expected_roots.add(id(keyword.value))
        elif isinstance(node, ast.Assign):
            self._targets.update(id(target) for target in node.targets)
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self._assigned[id(node.value)] = node.targets[0].id
        elif isinstance(node, ast.Name) and id(node) not in self._targets:
            self._uses.setdefault(node.id, []).append(self._depth > 0)
        elif isinstance(node, ast.JoinedStr):
            if self._depth == 0 and id(node) not in self._parts:
                self._found.append((self._context.source_of(node), self._assigned.get(id(node))))
            self._parts.update(id(part) for part in parts_of(node))
        elif self._depth == 0 and id(node) not in self._parts:
            value = string_value(node)
            if value is not None:
                self._found.append((value, self._assigned.get(id(node))))
        return True

    def _docstrings(self, node: ast.AST) -> None:
        """The expression a block starts with is its docstring (whatever it is), unless the
        block is the rest of its header's line (``if x: f("...")``)."""
        for name in BLOCK_FIELDS:
            statements = getattr(node, name, None)
            if not isinstance(statements, list) or not statements:
                continue
            first = statements[0]
            if isinstance(first, ast.Expr) and (
                isinstance(node, ast.Module) or not self._after_its_header(first)
            ):
                self._expected_roots.add(id(first.value))

    def _after_its_header(self, statement: ast.stmt) -> bool:
        where = self._context.position(statement)
        return bool(self._context.lines[where.start.line - 1][: where.start.column].strip())

    def leave(self, node: ast.AST) -> None:
        if id(node) in self._expected_roots:
            self._depth -= 1

    def given(self) -> set[str]:
        return {
            text
            for text, name in self._found
            if name is None or not self._uses.get(name) or not all(self._uses[name])
        }


def _is_expectation(func: ast.expr) -> bool:
    """``self.assertEqual``, ``mock.assert_called_with``, an ``assert_message(...)`` helper."""
    name = (
        func.attr
        if isinstance(func, ast.Attribute)
        else (func.id if isinstance(func, ast.Name) else "")
    )
    return name.startswith("assert")
