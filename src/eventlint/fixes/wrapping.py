"""Fixes that make a line too long: the call or import they lengthened is wrapped as ruff's
and black's formatters wrap it, or left as it is.

After a round of fixes, every line an edit touched that now exceeds the project's line
length (``fixes.line_length``) while the original line did not is looked at. Exactly two
shapes are wrapped, each only when the whole construct sits on that one line:

- a **call**, the outermost one on the line around the edit, not inside another bracket on
  the line and followed on it by no bracket or string (``x = json.dumps(payload,
  sort_keys=True)``, ``with pytest.raises(E, match=re.escape("...")):``): that is the
  bracket the formatters split at. The arguments go on one line of their own, indented four
  spaces more than the line, and the closing parenthesis on the next, at the line's
  indentation; when that argument line is still too long, or the call had a trailing comma
  (the "magic trailing comma"), one argument per line, each with a trailing comma;
- a **from import** alone on its line (``from app.events import a, b``): one name per line
  inside parentheses, each with a trailing comma, as the formatters write a split import.

Anything else (a line indented with tabs, a call nested in another bracket, a string that
is too long on its own, a statement already over several lines) keeps the fix unwrapped:
the fix is correct code, and eventlint is not a formatter. A call already written one
argument per line gets its new argument on its own line when it is built
(``tree.append_arg``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange

from eventlint.finding import TextEdit
from eventlint.fixes.tree import code_of, compute_positions

_INDENT = "    "
_LINE_BREAK = re.compile(r"\r\n?|\n")
_BRACKETS = frozenset("()[]{}'\"")
_BRACKETED = (
    cst.Call, cst.List, cst.Tuple, cst.Set, cst.Dict, cst.Subscript, cst.ListComp,
    cst.SetComp, cst.DictComp, cst.GeneratorExp, cst.FormattedString,
)  # fmt: skip


def wrap_long_lines(
    before: str, after: str, edits: Sequence[TextEdit], limit_of: Callable[[], int]
) -> str:
    """``after`` (``before`` with ``edits`` spliced in) with the lines the edits pushed past
    the line length wrapped where the formatters would wrap them (see the module doc)."""
    long_lines = _pushed_too_long(before, after, edits, limit_of)
    if not long_lines:
        return after
    limit = limit_of()
    try:
        module = cst.parse_module(after)
        ranges = compute_positions(module)
    except (cst.ParserSyntaxError, RecursionError, MemoryError):
        return after
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(after)]
    parents = _parents(module)
    replacements: dict[tuple[int, int], str] = {}
    for line in sorted(long_lines):
        found = _wrappable(ranges, parents, line)
        if found is None:
            continue
        node, statement_only = found
        where = ranges[node]
        start = starts[line - 1] + where.start.column
        end = starts[line - 1] + where.end.column
        text = _wrapped(node, after, starts[line - 1], (start, end), limit=limit)
        if text is not None and (not statement_only or _alone(after, starts[line - 1], start)):
            replacements[(start, end)] = text
    for (start, end), text in sorted(replacements.items(), reverse=True):
        after = after[:start] + text + after[end:]
    return after


def _line_end(text: str, line_start: int) -> int:
    match = _LINE_BREAK.search(text, line_start)
    return match.start() if match else len(text)


def _pushed_too_long(
    before: str, after: str, edits: Sequence[TextEdit], limit_of: Callable[[], int]
) -> set[int]:
    """The 1-based lines of ``after`` that an edit touched, now too long while the lines the
    edit replaced were not."""
    shift = 0
    touched: list[tuple[int, int, int, int]] = []  # old start, old end, new start, new end
    for edit in sorted(edits, key=lambda edit: (edit.start, edit.end)):
        new_start = edit.start + shift
        touched.append((edit.start, edit.end, new_start, new_start + len(edit.text)))
        shift += len(edit.text) - (edit.end - edit.start)
    candidates: list[tuple[int, int, int, int]] = []
    for old_start, old_end, new_start, new_end in touched:
        if _new_lines(before, after, (old_start, old_end), (new_start, new_end)):
            # Whole lines inserted (a readiness call, an import): only they are judged.
            old_longest, last = 0, new_end - 1
        else:
            old_longest, last = _longest(before, old_start, old_end), new_end
        if _longest(after, new_start, last) > old_longest:
            candidates.append((old_longest, new_start, last, 0))
    if not candidates:
        return set()
    limit = limit_of()
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(after)]
    lines: set[int] = set()
    for old_longest, new_start, new_end, _ in candidates:
        if old_longest > limit:
            continue  # already too long: not the fix's doing
        first = _line_of(starts, new_start)
        last = _line_of(starts, new_end)
        for line in range(first, last + 1):
            begin = starts[line - 1]
            if _line_end(after, begin) - begin > limit:
                lines.add(line)
    return lines


def _new_lines(before: str, after: str, old: tuple[int, int], new: tuple[int, int]) -> bool:
    """Whether an edit inserts whole lines at the start of a line."""
    old_start, old_end = old
    new_start, new_end = new
    at_line_start = old_start == 0 or before[old_start - 1] in "\r\n"
    return (
        old_start == old_end
        and new_end > new_start
        and at_line_start
        and after[new_end - 1] in "\r\n"
    )


def _line_of(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts)
    while low + 1 < high:
        middle = (low + high) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle
    return low + 1


def _longest(text: str, start: int, end: int) -> int:
    """The length of the longest line holding some of ``text[start:end]``."""
    begin = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    stop = _line_end(text, end)
    return max(len(line) for line in _LINE_BREAK.split(text[begin:stop]))


class _ParentCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.parents: dict[int, cst.CSTNode] = {}
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.parents[id(node)] = self._stack[-1]
        self._stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()


def _parents(module: cst.Module) -> dict[int, cst.CSTNode]:
    collector = _ParentCollector()
    module.visit(collector)
    return collector.parents


def _has_parentheses(node: cst.CSTNode) -> bool:
    lpar = getattr(node, "lpar", None)
    return isinstance(lpar, cst.LeftParen) or (isinstance(lpar, Sequence) and len(lpar) > 0)


def _wrappable(
    ranges: Mapping[cst.CSTNode, CodeRange],
    parents: dict[int, cst.CSTNode],
    line: int,
) -> tuple[cst.CSTNode, bool] | None:
    """The node to wrap on ``line``: the outermost call on it, or a from import alone on
    it; the flag says the node must be alone on its line."""
    on_line = [
        node
        for node, where in ranges.items()
        if where.start.line == line and where.end.line == line
        and isinstance(node, (cst.Call, cst.ImportFrom))
    ]  # fmt: skip
    imports = [node for node in on_line if isinstance(node, cst.ImportFrom)]
    if imports:
        node = imports[0]
        if isinstance(node.names, cst.ImportStar):
            return None
        return node, True
    calls = [node for node in on_line if isinstance(node, cst.Call)]
    outer = [
        call
        for call in calls
        if not any(
            isinstance(ancestor, _BRACKETED) or _has_parentheses(ancestor)
            for ancestor in _ancestors(parents, call)
            if ancestor in ranges and ranges[ancestor].start.line == line
        )
    ]
    if len(outer) != 1 or _has_parentheses(outer[0]) or not outer[0].args:
        return None
    return outer[0], False


def _ancestors(parents: dict[int, cst.CSTNode], node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    current = parents.get(id(node))
    while current is not None:
        found.append(current)
        current = parents.get(id(current))
    return found


def _alone(text: str, line_start: int, start: int) -> bool:
    return not text[line_start:start].strip(" ")


def _wrapped(
    node: cst.CSTNode, text: str, line_start: int, span: tuple[int, int], *, limit: int
) -> str | None:
    start, end = span
    line_end = _line_end(text, line_start)
    indent_end = (
        line_start + len(text[line_start:line_end]) - len(text[line_start:line_end].lstrip(" \t\f"))
    )
    indent = text[line_start:indent_end]
    if indent.strip(" "):
        return None  # tabs or form feeds: no faithful way to indent
    suffix = text[end:line_end]
    if any(char in _BRACKETS for char in suffix.partition("#")[0]):
        return None  # the formatters would split at a later bracket
    break_match = _LINE_BREAK.search(text, line_end)
    newline = break_match.group() if break_match else (_first_break(text) or "\n")
    inner = indent + _INDENT
    if isinstance(node, cst.ImportFrom):
        if not _alone(text, line_start, start) or suffix.partition("#")[0].strip():
            return None
        assert not isinstance(node.names, cst.ImportStar)
        names = [
            code_of(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for alias in node.names
        ]
        module = "." * len(node.relative) + (code_of(node.module) if node.module else "")
        lines = [f"from {module} import ("] + [f"{inner}{name}," for name in names]
        if max(len(indent + lines[0]), *(len(line) for line in lines[1:])) > limit:
            return None
        return newline.join([*lines, f"{indent})"])
    assert isinstance(node, cst.Call)
    if not isinstance(node.whitespace_before_args, cst.SimpleWhitespace):
        return None
    args = [
        code_of(
            arg.with_changes(
                comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace("")
            )
        )
        for arg in node.args
    ]
    head = text[start:end][: len(code_of(node.func)) + len(code_of(node.whitespace_after_func))]
    magic = isinstance(node.args[-1].comma, cst.Comma)
    first = text[line_start:start] + head + "("
    last = indent + ")" + suffix
    body = inner + ", ".join(args)
    if not magic and len(body) <= limit:
        lines = [f"{head}(", body, f"{indent})"]
    elif len(args) > 1 or magic:
        lines = [f"{head}(", *(f"{inner}{arg}," for arg in args), f"{indent})"]
    else:
        return None  # one argument too long on its own: the formatters would split inside it
    if max(len(first), len(last), *(len(line) for line in lines[1:-1])) > limit:
        return None  # still too long: the formatters would go on splitting
    return newline.join(lines)


def _first_break(text: str) -> str | None:
    match = _LINE_BREAK.search(text)
    return match.group() if match else None
