"""The tree walks every analysis uses: ``walk.children`` must be ``ast.iter_child_nodes``
exactly (same nodes, same order), for every node class the running Python has."""

from __future__ import annotations

import ast
import sys
import sysconfig
from pathlib import Path

import pytest

from eventlint.analysis.walk import breadth_first, children, descendants, in_source_order, walk

_STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Big, varied modules: every statement and expression kind CPython's own code uses.
_SAMPLES = [
    "ast.py",
    "typing.py",
    "dataclasses.py",
    "inspect.py",
    "argparse.py",
    "asyncio/tasks.py",
]
_EVERY_SYNTAX = """
import a.b as c
from . import (d as e, f)
global_name: int = 1
async def g(x, /, y=2, *args, z, **kw) -> None:
    global q
    async with h() as (i, j), k:
        async for l in m:
            await n
    try:
        pass
    except* ValueError as err:
        raise
    match o:
        case {"k": p, **rest}: pass
        case [1, *others] | Point(x=0) as pt if pt: pass
        case None: pass
    lam = lambda r=1, *, s: r
    t = [u for u in v if u async for w in x]
    y = {a: b for a, b in c}
    f"{d!r:>{e}}" "x"
    del z[1:2:3], aa.bb
    assert cc, dd
    ee += 1
    ff = (gg := 3) if hh else ~ii
    yield from jj
"""


def _assert_same_children(tree: ast.AST) -> int:
    count = 0
    for node in ast.walk(tree):
        assert children(node) == list(ast.iter_child_nodes(node)), ast.dump(node)[:200]
        count += 1
    return count


@pytest.mark.parametrize("name", _SAMPLES)
def test_children_are_iter_child_nodes_on_the_standard_library(name: str) -> None:
    tree = ast.parse((_STDLIB / name).read_text(encoding="utf-8"))
    assert _assert_same_children(tree) > 1000


def test_children_are_iter_child_nodes_on_every_kind_of_syntax() -> None:
    tree = ast.parse(_EVERY_SYNTAX)
    kinds = {type(node).__name__ for node in ast.walk(tree)}
    assert {"MatchMapping", "MatchOr", "TryStar", "NamedExpr", "JoinedStr"} <= kinds
    _assert_same_children(tree)


def test_children_include_a_type_alias_name() -> None:
    """PEP 695's ``type X = ...`` (3.12) is the one class whose ``name`` is a node; built by
    hand so that every Python runs the check (3.12's own tree is checked there too)."""
    source = "type Pair[T: int, *Ts, **P] = tuple[T, T]\ndef f[U](u: U) -> U: ...\n"
    if sys.version_info >= (3, 12):
        _assert_same_children(ast.parse(source))
    alias_class = getattr(ast, "TypeAlias", None) or type(
        "TypeAlias", (ast.stmt,), {"_fields": ("name", "type_params", "value")}
    )
    name = ast.Name(id="Pair", ctx=ast.Store())
    value = ast.Name(id="int", ctx=ast.Load())
    alias = alias_class(name=name, type_params=[], value=value)
    assert children(alias) == [name, value]


def test_the_walks_visit_every_node_once() -> None:
    tree = ast.parse((_STDLIB / "dataclasses.py").read_text(encoding="utf-8"))
    expected = sorted(id(node) for node in ast.walk(tree))
    assert sorted(id(node) for node in descendants(tree)) == expected
    assert sorted(id(node) for node in in_source_order(tree)) == expected
    entered: list[int] = []
    left: list[int] = []

    def enter(node: ast.AST) -> bool:
        entered.append(id(node))
        return True

    walk(tree, enter, lambda node: left.append(id(node)))
    assert sorted(entered) == expected == sorted(left)


def test_source_order_is_depth_first() -> None:
    tree = ast.parse("a(b, c)\nd = e\n")
    names = [node.id for node in in_source_order(tree) if isinstance(node, ast.Name)]
    assert names == ["a", "b", "c", "d", "e"]


def test_breadth_first_is_ast_walk_in_order() -> None:
    tree = ast.parse((_STDLIB / "inspect.py").read_text(encoding="utf-8"))
    assert [id(node) for node in breadth_first(tree)] == [id(node) for node in ast.walk(tree)]
