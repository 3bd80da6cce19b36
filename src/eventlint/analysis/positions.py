"""Source positions of reported nodes, without position-tracking the whole file.

Positions come from libcst's ``PositionProvider``. Its public route (``MetadataWrapper``)
costs a second pass and a dependency resolver on top of the position pass itself, so the
pass is run directly through the provider's ``_gen_impl``, a private API: pyproject bounds
libcst below 2, and if the private route is ever missing the public one is used instead (a
test runs both and checks they agree).


libcst's PositionProvider regenerates the entire module with position bookkeeping, about ten
times the cost of plain code generation. Findings are few, so instead: plain code generation
gives each top-level statement's first line, and only the statements that hold a reported
node are position-tracked (as a one-statement module). Columns need no shift: a top-level
statement starts at column 0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from eventlint.analysis.walk import descendants

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# Past this many statements with findings, one pass over the whole module is cheaper.
_WHOLE_MODULE_THRESHOLD = 24


def compute(module: cst.Module, *, public: bool = False) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's position: one position-tracking code generation."""
    if not public:
        try:
            provider = PositionProvider()
            provider._gen_impl(module)
            return provider._computed  # type: ignore[return-value]
        except (AttributeError, TypeError):  # pragma: no cover - a libcst without them
            pass
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    return wrapper.resolve(PositionProvider)


def _positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    return compute(module)


class LazyPositions:
    def __init__(self, module: cst.Module) -> None:
        self._module = module
        self._first_lines: list[int] = []
        self._owner: dict[int, int] | None = None
        self._ranges: dict[int, Mapping[cst.CSTNode, CodeRange]] = {}
        self._whole: Mapping[cst.CSTNode, CodeRange] | None = None

    def prepare(self, nodes: list[cst.CSTNode]) -> None:
        """Say up front which nodes will be asked about, so the cheapest strategy is used."""
        self._index()
        assert self._owner is not None
        statements = {self._owner.get(id(node)) for node in nodes}
        if None in statements or len(statements) > _WHOLE_MODULE_THRESHOLD:
            self._whole_module()

    def range_of(self, node: cst.CSTNode) -> CodeRange:
        if self._whole is not None:
            return self._whole[node]
        index = self._index().get(id(node))
        if index is None:
            return self._whole_module()[node]
        ranges = self._ranges.get(index)
        if ranges is None:
            module = self._module
            alone = module.with_changes(body=[module.body[index]], header=[], footer=[])
            ranges = _positions(alone)
            self._ranges[index] = ranges
        local = ranges[node]
        shift = self._first_lines[index] - 1
        return CodeRange(
            CodePosition(local.start.line + shift, local.start.column),
            CodePosition(local.end.line + shift, local.end.column),
        )

    def _index(self) -> dict[int, int]:
        """Which top-level statement holds each node, and the line each statement starts."""
        if self._owner is None:
            self._owner = {}
            for index, statement in enumerate(self._module.body):
                for inner in descendants(statement):
                    self._owner[id(inner)] = index
            line = 1 + len(self._module.header)
            for statement in self._module.body:
                self._first_lines.append(line)
                line += len(_LINE_BREAK.findall(self._module.code_for_node(statement)))
        return self._owner

    def _whole_module(self) -> Mapping[cst.CSTNode, CodeRange]:
        if self._whole is None:
            self._whole = _positions(self._module)
        return self._whole
