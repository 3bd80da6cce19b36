"""Read-only walks over CPython's ``ast`` tree, iterative so that no depth of nesting CPython
accepts can exhaust Python's recursion limit.

``walk`` calls ``enter`` on the way down (return False to skip a node's children) and
``leave`` on the way up, like a visitor; ``descendants`` yields a node and everything below
it. Child order is ``ast.iter_child_nodes``'s, which is source order for every node an
analysis reads.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Callable, Iterator

# Fields that never hold a node, in any class that has them: leaving them out of the
# per-class field lists is what makes ``children`` cheaper than ``ast.iter_child_nodes``
# (which tries every field of every node). A field missing here only costs time.
_SCALAR_FIELDS = frozenset(
    {"id", "attr", "arg", "module", "asname", "level", "type_comment", "kind", "conversion"}
    | {"is_async", "simple", "tag", "lineno", "col_offset", "end_lineno", "end_col_offset"}
)
# Names and values are strings or constants except in these classes.
_SCALAR_IN = {"name": ("TypeAlias",), "value": ("Constant", "MatchSingleton")}
_NODE_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def _node_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    def may_hold_nodes(field: str) -> bool:
        if field in _SCALAR_FIELDS:
            return False
        if field == "name":
            return kind.__name__ in _SCALAR_IN["name"]  # TypeAlias's name is a Name node
        if field == "value":
            return kind.__name__ not in _SCALAR_IN["value"]
        return True

    fields = tuple(field for field in kind._fields if may_hold_nodes(field))
    _NODE_FIELDS[kind] = fields
    return fields


def children(node: ast.AST) -> list[ast.AST]:
    """``list(ast.iter_child_nodes(node))``, in the same order, at a fraction of the cost:
    every analysis walks whole trees, and this is the inner loop."""
    kind = type(node)
    fields = _NODE_FIELDS.get(kind)
    if fields is None:
        fields = _node_fields(kind)
    found: list[ast.AST] = []
    for field in fields:
        value = getattr(node, field, None)
        if value is None:
            continue
        if isinstance(value, list):
            found.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


# A stack entry: the node, and whether it is being left (its children are done).
_Entry = tuple[ast.AST, bool]


def walk(
    node: ast.AST,
    enter: Callable[[ast.AST], bool],
    leave: Callable[[ast.AST], None] | None = None,
    leaving: tuple[type[ast.AST], ...] | None = None,
) -> None:
    """Depth-first in source order; ``enter`` returns False to skip a node's children.
    ``leaving`` names the only node classes ``leave`` acts on (the others are not left,
    which spares a stack entry per node)."""
    stack: list[_Entry] = [(node, False)]
    pop = stack.pop
    while stack:
        current, is_leaving = pop()
        if is_leaving:
            leave(current)  # type: ignore[misc]  # pushed only when there is one
            continue
        descend = enter(current)
        if leave is not None and (leaving is None or isinstance(current, leaving)):
            stack.append((current, True))
        if descend:
            found = children(current)
            if found:
                found.reverse()
                stack.extend([(child, False) for child in found])


def breadth_first(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk``: the same nodes in the same (breadth-first) order, faster."""
    todo = deque([node])
    while todo:
        current = todo.popleft()
        todo.extend(children(current))
        yield current


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
        stack.extend(reversed(children(current)))
