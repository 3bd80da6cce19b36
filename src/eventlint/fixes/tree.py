"""The libcst tree a fix is built on: loaded only when a fix is applied, on that file alone.

Rules find problems on ``ast`` nodes; an :class:`~eventlint.finding.Edit` names its target
by an ``ast`` node and the libcst class it expects there. libcst's syntactic positions
(``PositionProvider``: no surrounding whitespace, no enclosing parentheses) are the same
character ranges as ``ast``'s for the nodes fixes edit (calls, arguments, keywords, dicts,
strings, imports, statements, definitions from their ``def``), so a target is found by its
range and class; where a class's range differs (a compound statement's block end), by the
same start.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from typing import TypeVar, cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from eventlint.analysis.positions import Positions, line_starts
from eventlint.finding import Edit, TextEdit
from eventlint.fixes import Span, whole_lines
from eventlint.fixes.libcst_guard import too_deep_for_libcst
from eventlint.fixes.unavailable import FixUnavailable

_NodeT = TypeVar("_NodeT", bound=cst.CSTNode)
_Key = tuple[int, int, int, int]


def compute_positions(
    module: cst.Module, *, public: bool = False
) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's position: one position-tracking code generation. The provider's
    ``_gen_impl`` is a private API (pyproject bounds libcst below 2) that skips the public
    route's copy and dependency resolution; a test checks both agree."""
    if not public:
        try:
            provider = PositionProvider()
            provider._gen_impl(module)
            return provider._computed  # type: ignore[return-value]
        except (AttributeError, TypeError):  # pragma: no cover - a libcst without them
            pass
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return wrapper.resolve(PositionProvider)


class FixTree:
    """One file's libcst module, with the way from an ``ast`` node to its libcst node."""

    def __init__(self, text: str, tree: ast.Module, positions: Positions) -> None:
        if too_deep_for_libcst(text, tree):
            raise FixUnavailable("nested too deeply for libcst to rewrite it safely")
        try:
            self.module = cst.parse_module(text)
            self._ranges = compute_positions(self.module)
        except cst.ParserSyntaxError as error:
            reason = str(error.message).removeprefix("parser error: ").splitlines()[0]
            raise FixUnavailable(f"libcst cannot parse it ({reason})") from None
        except (RecursionError, MemoryError):
            raise FixUnavailable("nested too deeply for libcst to rewrite it") from None
        self.text = text
        self._positions = positions
        self._starts = line_starts(text)
        self._by_range: dict[_Key, list[cst.CSTNode]] = {}
        self._by_start: dict[tuple[int, int], list[cst.CSTNode]] = {}
        for node, where in self._ranges.items():
            key = (where.start.line, where.start.column, where.end.line, where.end.column)
            self._by_range.setdefault(key, []).append(node)
            self._by_start.setdefault(key[:2], []).append(node)

    def node(self, target: ast.AST, kind: str) -> cst.CSTNode:
        """The libcst node of class ``kind`` (``"Call"``) at ``target``'s position."""
        cls: type[cst.CSTNode] = getattr(cst, kind)
        where = self._positions.range_of(target)
        key = (where.start.line, where.start.column, where.end.line, where.end.column)
        for candidate in self._by_range.get(key, ()):
            if isinstance(candidate, cls):
                return candidate
        same_start: list[cst.CSTNode] = [
            candidate for candidate in self._by_start.get(key[:2], ()) if isinstance(candidate, cls)
        ]
        if same_start:
            return min(same_start, key=self._length)
        raise FixUnavailable(f"no libcst {kind} at line {where.start.line}")

    def typed(self, target: ast.AST, kind: type[_NodeT]) -> _NodeT:
        """:meth:`node`, typed for the builder that asks."""
        return cast("_NodeT", self.node(target, kind.__name__))

    def _length(self, node: cst.CSTNode) -> int:
        start, end = self.span(node)
        return end - start

    def span(self, node: cst.CSTNode) -> Span:
        """A libcst node's character offsets in the text."""
        where = self._ranges[node]
        return (
            self._starts[where.start.line - 1] + where.start.column,
            self._starts[where.end.line - 1] + where.end.column,
        )

    def resolve(self, edits: Sequence[Edit]) -> list[TextEdit]:
        """The text edits that node edits amount to."""
        if not edits:
            return []
        replacements: dict[int, cst.CSTNode | cst.RemovalSentinel] = {}
        spans: list[tuple[Span, cst.CSTNode | cst.RemovalSentinel]] = []
        for edit in edits:
            original = self.node(edit.target, edit.kind)
            replacement = edit.build(original, self)
            replacements[id(original)] = replacement
            spans.append((self.span(original), replacement))
        try:
            replaced = self.module.visit(_Replacer(replacements))
            code = replaced.code
            new_positions = compute_positions(replaced)
        except (RecursionError, MemoryError):
            raise FixUnavailable("nested too deeply for libcst to rewrite it") from None
        starts = line_starts(code)
        resolved: list[TextEdit] = []
        for span, replacement in spans:
            start, end = span
            if isinstance(replacement, cst.RemovalSentinel):
                resolved.append(TextEdit(*whole_lines(self.text, start, end), ""))
                continue
            where = new_positions[replacement]
            resolved.append(
                TextEdit(
                    start,
                    end,
                    code[
                        starts[where.start.line - 1] + where.start.column : starts[
                            where.end.line - 1
                        ]
                        + where.end.column
                    ],
                )
            )
        return resolved


class _Replacer(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, cst.CSTNode | cst.RemovalSentinel]) -> None:
        super().__init__()
        self._replacements = replacements

    def on_leave(
        self, original_node: _NodeT, updated_node: _NodeT
    ) -> _NodeT | cst.RemovalSentinel | cst.FlattenSentinel[_NodeT]:
        replacement = self._replacements.get(id(original_node))
        if replacement is None:
            return updated_node
        # A rule's replacement has the type of the node it replaces (or is a removal).
        return cast("_NodeT | cst.RemovalSentinel", replacement)


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    """``name=value`` formatted as PEP 8 wants (libcst's default puts spaces around ``=``)."""
    return cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )


def append_arg(call: cst.Call, new_arg: cst.Arg) -> cst.Call:
    """Add an argument at the end, keeping a trailing comma (and its line break) last.

    A call written one argument per line (a line break after its opening parenthesis) gets
    the new argument on its own line, indented like the first (whose indentation is the
    whitespace after the parenthesis, a comment after it not copied), with a trailing comma
    when the last argument had one; without one, the line break before the closing
    parenthesis moves after the new argument."""
    args = list(call.args)
    if args:
        last = args[-1]
        separator: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
        exploded = isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace)
        if exploded:
            assert isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace)
            separator = call.whitespace_before_args.with_changes(
                first_line=cst.TrailingWhitespace(), empty_lines=()
            )
        if isinstance(last.comma, cst.Comma):
            new_arg = new_arg.with_changes(comma=last.comma)
            if not exploded or not isinstance(
                last.comma.whitespace_after, cst.ParenthesizedWhitespace
            ):
                # ``f(a, b,)`` or a hanging ``f(a,\n  b,)``: the new one follows on the line.
                separator = cst.SimpleWhitespace(" ")
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=separator))
        elif exploded and isinstance(last.whitespace_after_arg, cst.ParenthesizedWhitespace):
            new_arg = new_arg.with_changes(whitespace_after_arg=last.whitespace_after_arg)
            args[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=separator),
                whitespace_after_arg=cst.SimpleWhitespace(""),
            )
        else:
            args[-1] = last.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            )
    return call.with_changes(args=[*args, new_arg])


def code_of(node: cst.CSTNode) -> str:
    """A libcst node's code on its own."""
    return cst.Module([]).code_for_node(node)
