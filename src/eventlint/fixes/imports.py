"""Where a fix's import goes: where isort and ruff's ``I`` rules would put it.

Imports at the top of a module form sections: ``__future__``, the standard library, other
libraries, the project's own modules, relative imports, separated by blank lines. Within a
section, ``import x`` lines come first, then ``from x import y`` lines, each sorted by module
name (case-insensitively); names inside one ``from`` import are ordered constants, classes,
then the rest. A new ``from m import n`` joins an existing ``from m import ...`` line. A
section that does not exist yet is created in its place, with the blank lines around it. So a
fixed file gains no finding under isort's defaults (or ruff's ``I001``).
"""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from eventlint.finding import ImportRequest, TextEdit


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a libcst Name/Attribute chain, None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base is not None else None
    return None


class Section(enum.IntEnum):
    FUTURE = 0
    STANDARD_LIBRARY = 1
    THIRD_PARTY = 2
    FIRST_PARTY = 3
    LOCAL = 4


def standard_section(top: str, is_first_party: Callable[[str], bool]) -> Section:
    if top == "__future__":
        return Section.FUTURE
    if top in sys.stdlib_module_names:
        return Section.STANDARD_LIBRARY
    return Section.FIRST_PARTY if is_first_party(top) else Section.THIRD_PARTY


@dataclass(frozen=True)
class _Existing:
    node: cst.Import | cst.ImportFrom
    section: Section
    module: str  # the sort key: the imported module (a from-import's module)
    straight: bool  # ``import x`` rather than ``from x import y``
    start: int  # where the statement's line starts (its comment lines included)
    end: int  # just after its line break


_COMMENT_LINE = re.compile(r"[ \t]*#")


class ImportPlacer:
    """Computes the text edits that add imports to one module."""

    def __init__(
        self,
        text: str,
        module: cst.Module,
        offsets: Callable[[cst.CSTNode], tuple[int, int]],
        classify: Callable[[str], Section],
    ) -> None:
        self._text = text
        self._module = module
        self._offsets = offsets
        self._classify = classify
        self._newline = module.default_newline
        self._existing = self._read_header()

    # -- what is there -------------------------------------------------------------------

    def _read_header(self) -> list[_Existing]:
        found: list[_Existing] = []
        body = list(self._module.body)
        if body and _is_docstring(body[0]):
            body = body[1:]
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine) or not all(
                isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
            ):
                break
            start, end = self._line_span(statement)
            for small in statement.body:
                assert isinstance(small, (cst.Import, cst.ImportFrom))
                found.append(self._describe(small, start, end))
        return found

    def _describe(self, node: cst.Import | cst.ImportFrom, start: int, end: int) -> _Existing:
        if isinstance(node, cst.Import):
            module = dotted_name(node.names[0].name) or ""
            return _Existing(node, self._classify(module.split(".")[0]), module, True, start, end)
        module = (dotted_name(node.module) if node.module is not None else None) or ""
        if node.relative:
            return _Existing(
                node, Section.LOCAL, "." * len(node.relative) + module, False, start, end
            )
        return _Existing(node, self._classify(module.split(".")[0]), module, False, start, end)

    def _line_span(self, statement: cst.SimpleStatementLine) -> tuple[int, int]:
        start, end = self._offsets(statement)
        line_start = self._text.rfind("\n", 0, start) + 1
        line_start = max(line_start, self._text.rfind("\r", 0, start) + 1)
        # Comment lines right above belong to the statement (isort moves them with it).
        while line_start > 0:
            previous_end = line_start - 1
            if (
                self._text[previous_end] == "\n"
                and previous_end > 0
                and self._text[previous_end - 1] == "\r"
            ):
                previous_end -= 1
            previous_start = (
                max(
                    self._text.rfind("\n", 0, previous_end), self._text.rfind("\r", 0, previous_end)
                )
                + 1
            )
            if not _COMMENT_LINE.match(self._text, previous_start, previous_end):
                break
            line_start = previous_start
        return line_start, _after_line_break(self._text, end)

    # -- what to add ---------------------------------------------------------------------

    def edits(self, requests: Sequence[ImportRequest]) -> list[TextEdit]:
        edits: list[TextEdit] = []
        for request in requests:
            edit = self._edit(request)
            if edit is not None:
                edits.append(edit)
        return edits

    def satisfied(self, request: ImportRequest) -> bool:
        for existing in self._existing:
            node = existing.node
            if isinstance(node, cst.Import) and request.name is None:
                for alias in node.names:
                    spelled = dotted_name(alias.name)
                    asname = _asname(alias)
                    if spelled == request.module and asname == request.alias:
                        return True
            elif isinstance(node, cst.ImportFrom) and request.name is not None:
                if node.relative or existing.module != request.module:
                    continue
                if isinstance(node.names, cst.ImportStar):
                    continue
                for alias in node.names:
                    if dotted_name(alias.name) == request.name and _asname(alias) == request.alias:
                        return True
        return False

    def _edit(self, request: ImportRequest) -> TextEdit | None:
        if self.satisfied(request):
            return None
        if request.name is not None:
            joined = self._join_existing(request)
            if joined is not None:
                return joined
        statement = _statement_text(request)
        section = self._classify(request.module.split(".")[0])
        straight = request.name is None
        in_section = [existing for existing in self._existing if existing.section == section]
        nl = self._newline
        if in_section:
            key = _statement_key(straight, request.module)
            for existing in in_section:
                if _statement_key(existing.straight, existing.module) > key:
                    return TextEdit(existing.start, existing.start, statement + nl)
            last = in_section[-1]
            return TextEdit(last.end, last.end, statement + nl)
        before = [existing for existing in self._existing if existing.section < section]
        if before:
            last = before[-1]
            return TextEdit(last.end, last.end, nl + statement + nl)
        if self._existing:
            first = self._existing[0]
            return TextEdit(first.start, first.start, statement + nl + nl)
        return self._first_import(statement)

    def _join_existing(self, request: ImportRequest) -> TextEdit | None:
        for existing in self._existing:
            node = existing.node
            if (
                not isinstance(node, cst.ImportFrom)
                or node.relative
                or existing.module != request.module
                or isinstance(node.names, cst.ImportStar)
            ):
                continue
            names = list(node.names)
            assert request.name is not None
            new = cst.ImportAlias(
                name=cst.Name(request.name),
                asname=cst.AsName(cst.Name(request.alias)) if request.alias else None,
            )
            position = next(
                (
                    index
                    for index, alias in enumerate(names)
                    if _name_key(dotted_name(alias.name) or "") > _name_key(request.name)
                ),
                len(names),
            )
            # The separator between names, as this statement writes it.
            separator = names[0].comma if len(names) > 1 else cst.MaybeSentinel.DEFAULT
            if position < len(names):
                names.insert(position, new.with_changes(comma=separator))
            else:
                last = names[-1]
                names[-1] = last.with_changes(comma=separator)
                names.append(new.with_changes(comma=last.comma))
            replacement = node.with_changes(names=names)
            start, end = self._offsets(node)
            return TextEdit(start, end, cst.Module([]).code_for_node(replacement))
        return None

    def _first_import(self, statement: str) -> TextEdit:
        """No imports at the top yet: after the docstring, or before the first statement."""
        nl = self._newline
        body = self._module.body
        if body and _is_docstring(body[0]):
            assert isinstance(body[0], cst.SimpleStatementLine)
            _, end = self._offsets(body[0])
            return TextEdit(
                _after_line_break(self._text, end),
                _after_line_break(self._text, end),
                nl + statement + nl,
            )
        if body:
            first = body[0]
            start, _ = self._offsets(first)
            line_start = max(self._text.rfind("\n", 0, start), self._text.rfind("\r", 0, start)) + 1
            return TextEdit(line_start, line_start, statement + nl + nl)
        end = len(self._text)
        prefix = "" if not self._text or self._text.endswith(("\n", "\r")) else nl
        return TextEdit(end, end, prefix + statement + nl)


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _asname(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None:
        return None
    return dotted_name(alias.asname.name) if isinstance(alias.asname.name, cst.Name) else None


def _name_key(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then everything else."""
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, name.lower())


def _statement_key(straight: bool, module: str) -> tuple[int, str]:
    """Plain ``import x`` lines first, then ``from x import y``, each by module name."""
    return (0 if straight else 1, module.lower())


def _statement_text(request: ImportRequest) -> str:
    alias = f" as {request.alias}" if request.alias else ""
    if request.name is None:
        return f"import {request.module}{alias}"
    return f"from {request.module} import {request.name}{alias}"


def _after_line_break(text: str, offset: int) -> int:
    """The offset just after the line break that ends the line holding ``offset``."""
    match = re.compile(r"\r\n|\r|\n").search(text, offset)
    return match.end() if match else len(text)
