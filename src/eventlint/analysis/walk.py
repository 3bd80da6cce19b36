"""Read-only walks over CPython's ``ast`` tree, iterative so that no depth of nesting CPython
accepts can exhaust Python's recursion limit.

``walk`` calls ``enter`` on the way down (return False to skip a node's children) and
``leave`` on the way up, like a visitor; ``descendants`` yields a node and everything below
it. Child order is ``ast.iter_child_nodes``'s, which is source order for every node an
analysis reads.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

children = ast.iter_child_nodes

# A stack entry: the node, and whether it is being left (its children are done).
_Entry = tuple[ast.AST, bool]


def walk(
    node: ast.AST,
    enter: Callable[[ast.AST], bool],
    leave: Callable[[ast.AST], None] | None = None,
) -> None:
    """Depth-first in source order; ``enter`` returns False to skip a node's children."""
    stack: list[_Entry] = [(node, False)]
    while stack:
        current, leaving = stack.pop()
        if leaving:
            if leave is not None:
                leave(current)
            continue
        descend = enter(current)
        if leave is not None:
            stack.append((current, True))
        if descend:
            stack.extend((child, False) for child in reversed(list(children(current))))


def descendants(node: ast.AST) -> Iterator[ast.AST]:
    """``node`` and everything below it, in no particular order (iterative)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))


def in_source_order(node: ast.AST) -> Iterator[ast.AST]:
    """``node`` and everything below it, depth-first in source order (iterative)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))
