"""A read-only walk over a libcst tree, several times faster than a CSTVisitor.

libcst's visitors rebuild every node they pass (``_visit_and_replace_children``), which is
the price of supporting transforms. Analyses only read, so they walk the dataclass fields
directly and skip the whitespace and punctuation nodes that carry no meaning for them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import libcst as cst

# Fields that hold only formatting: every ``whitespace*`` field, plus these.
_FORMATTING_FIELDS = frozenset(
    {
        "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "comma", "semicolon",
        "header", "footer", "leading_lines", "lines_after_decorators", "trailing_whitespace",
        "leading_whitespace", "newline", "equal", "colon", "first_colon", "second_colon",
        "dot", "star", "operator", "first_line", "empty_lines", "last_line", "indent",
        "comment", "asynchronous",
    }
)  # fmt: skip

_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


def _fields_of(node: cst.CSTNode) -> tuple[str, ...]:
    kind = type(node)
    names = _FIELDS.get(kind)
    if names is None:
        names = tuple(
            field.name
            for field in dataclasses.fields(kind)
            if field.name not in _FORMATTING_FIELDS and not field.name.startswith("whitespace")
        )
        _FIELDS[kind] = names
    return names


# libcst's node classes are ABCs, which makes isinstance() slow; remember the answer per type.
_IS_NODE: dict[type, bool] = {}


def _is_node(value: object) -> bool:
    kind = type(value)
    known = _IS_NODE.get(kind)
    if known is None:
        known = _IS_NODE[kind] = isinstance(value, cst.CSTNode)
    return known


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The meaningful child nodes, in field order."""
    for name in _fields_of(node):
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            for item in value:
                if _is_node(item):
                    yield item
        elif _is_node(value):
            yield value


def walk(
    node: cst.CSTNode,
    enter: Callable[[cst.CSTNode], bool],
    leave: Callable[[cst.CSTNode], None] | None = None,
) -> None:
    """Depth-first; ``enter`` returns False to skip a node's children."""
    if enter(node):
        for child in children(node):
            walk(child, enter, leave)
    if leave is not None:
        leave(node)


def descendants(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """``node`` and everything below it (iterative: no recursion limit)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))
