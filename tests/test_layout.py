"""The shape of the source tree: what CONTRIBUTING.md's layout map promises, checked.

- **No import cycle** between ``eventlint`` modules. Every import counts, at module level or
  inside a function (an import moved into a function to dodge a cycle is still a cycle: the
  two modules still need each other, and the first call imports one half-initialised), except
  those under ``if TYPE_CHECKING:``. Those never run, so a cycle through them cannot leave a
  module half-initialised; the one the tree has (``finding`` names ``fixes.tree.FixTree`` in a
  type) is how rules stay free of libcst at import time, which is worth more than a Protocol
  copying FixTree's interface. An edge goes to the module imported (``from a.b import c``
  to ``a.b.c`` when that is a module, else to ``a.b``); the implicit import of a package's
  ``__init__`` that Python makes first is not an edge, or every package front that
  re-exports its modules would be a cycle.
- Every module under ``rules/`` holds a rule (a class that sets ``code``), unless its name
  starts with ``_`` (a family's private helpers) or it is a package's ``__init__.py``.
- ``project/__init__.py`` stays a front (under 100 lines) and no module is over 500 lines.
- Every path CONTRIBUTING.md's layout map names exists.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
PACKAGE = SRC / "eventlint"

MAX_MODULE_LINES = 500
MAX_FRONT_LINES = 100
# Modules allowed over the limit while someone splits them (none now: analysis/id_hashes.py,
# 713 lines, was split in the EVT1 dataflow rebuild, issue 24).
TOO_LONG_FOR_NOW: set[str] = set()
# Not a rule and not private: the base classes every rule derives from (``Rule``,
# ``FileContext``), imported as ``eventlint.rules.base`` across the tree.
RULES_WITHOUT_A_RULE = {"src/eventlint/rules/base.py"}


def _modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the package by dotted name, with whether it is a package."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, anywhere (functions, ``try``, ``if``), except under
    ``if TYPE_CHECKING:`` (its ``else`` branch does run)."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
        else:
            pending.extend(ast.iter_child_nodes(node))
    return found


def _targets(
    node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, known: set[str]
) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = importer if is_package else importer.rpartition(".")[0]
            parts = package.split(".")
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join([*parts, *([node.module] if node.module else [])])
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                 for alias in node.names]  # fmt: skip
    found: set[str] = set()
    for name in names:
        parts = name.split(".")
        # ``import a.b.c`` imports the deepest of them that is a module.
        while parts and ".".join(parts) not in known:
            parts.pop()
        if parts and ".".join(parts) != importer:
            found.add(".".join(parts))
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        graph[name] = set()
        for node in _imports(tree):
            graph[name] |= _targets(node, name, is_package, known)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_imports_are_read_everywhere_but_under_type_checking() -> None:
    tree = ast.parse(
        "import eventlint.config\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from eventlint import engine\n"
        "else:\n    from eventlint import runner\n"
        "def f():\n    from . import cli\n"
    )
    known = {"eventlint", "eventlint.config", "eventlint.engine", "eventlint.runner",
             "eventlint.cli", "eventlint.x"}  # fmt: skip
    found = set().union(*(_targets(node, "eventlint.x", False, known) for node in _imports(tree)))
    assert found == {"eventlint.config", "eventlint.runner", "eventlint.cli"}


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_every_public_module_under_rules_holds_a_rule() -> None:
    lacking: list[str] = []
    for path in sorted((PACKAGE / "rules").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        if path.name.startswith("_") or relative in RULES_WITHOUT_A_RULE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not any(isinstance(node, ast.ClassDef) and _sets_code(node) for node in ast.walk(tree)):
            lacking.append(relative)
    assert not lacking, f"modules under rules/ with no rule class (make them _private): {lacking}"


def _sets_code(node: ast.ClassDef) -> bool:
    for statement in node.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        if any(isinstance(target, ast.Name) and target.id == "code" for target in targets):
            return True
    return False


def test_the_project_package_is_a_front() -> None:
    front = PACKAGE / "project" / "__init__.py"
    lines = len(front.read_text(encoding="utf-8").splitlines())
    assert lines < MAX_FRONT_LINES, f"project/__init__.py has {lines} lines: re-export only"


def test_no_module_is_over_500_lines() -> None:
    too_long = {
        relative: lines
        for path in sorted(SRC.rglob("*.py"))
        if (relative := path.relative_to(REPO).as_posix()) not in TOO_LONG_FOR_NOW
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not too_long, f"split these along what they model: {too_long}"


def layout_map_paths(guide: str) -> list[str]:
    """The paths the layout map names, repository-relative: an entry is indented two spaces
    per folder it is in, and the description after two spaces or more (lines indented
    further continue a description). ``rules/<family>/<rule>.py`` names ``rules/``."""
    block = guide.split("## How the code is laid out", 1)[1].split("```", 2)[1]
    folders: list[str] = []
    found: list[str] = []
    for line in block.splitlines()[1:]:
        indent = len(line) - len(line.lstrip(" "))
        if not line.strip() or indent >= 10:
            continue
        depth = indent // 2
        del folders[depth:]
        entry = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        for name in (part.strip() for part in entry.split(",")):
            path = "".join(folders) + name.split("<", 1)[0]
            found.append(path)
            if name.endswith("/") and "<" not in name:
                folders.append(name)
    return found


def test_the_layout_map_names_what_is_there() -> None:
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    paths = layout_map_paths(guide)
    assert "src/eventlint/project/__init__.py" in paths or "src/eventlint/project/" in paths
    missing = [path for path in paths if not (REPO / path).exists()]
    assert not missing, f"CONTRIBUTING.md's layout map names what is not there: {missing}"
