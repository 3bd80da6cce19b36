"""The shared judgement of the EVT3xx rules: which module paths in a file do not resolve.

Each rule reports the problems of its own code; the file is read, and the project's module
index consulted, once for all four.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from eventlint.analysis.layout import build_layout, project_root
from eventlint.analysis.module_index import (
    Location,
    ModuleIndex,
    closest,
    resolve_relative,
)
from eventlint.analysis.names import dotted_name
from eventlint.analysis.project import ProjectIndex
from eventlint.config import Settings
from eventlint.finding import Applicability, Edit, Fix
from eventlint.parsing import parse_ast
from eventlint.rules.base import FileContext
from eventlint.rules.stale_imports.uses import collect

_MAX_LISTED = 3


@dataclass(frozen=True, eq=False)
class Problem:
    code: str
    node: cst.CSTNode
    message: str
    fix: Fix | None = None


@dataclass
class Problems:
    found: list[Problem] = field(default_factory=list)

    def of(self, code: str) -> list[Problem]:
        return [problem for problem in self.found if problem.code == code]


def module_index_for(settings: Settings, file: Path, project: ProjectIndex) -> ModuleIndex:
    """The run-wide index of the project ``file`` belongs to."""
    root = project_root(settings, file)
    return project.shared(
        f"module-index:{root}",
        lambda: ModuleIndex(build_layout(settings, root), project.summaries),
    )


def module_index(context: FileContext) -> ModuleIndex:
    return module_index_for(context.settings, Path(context.absolute_path), context.project)


def problems_for(context: FileContext) -> Problems:
    return context.analysis(Problems, _judge)


def may_have_problems(text: str, path: Path, settings: Settings, project: ProjectIndex) -> bool:
    """A cheap ``ast`` pass that says whether the libcst judgement could find anything.

    Most test files import only what exists: they need no libcst parse for these rules. It
    errs on the side of parsing: every import is checked, wherever it stands (the silences
    only ever remove findings), and so is the first string given to anything called like a
    patch, whatever it was imported as."""
    try:
        tree = parse_ast(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # let the real parse report it
    file = Path(os.path.abspath(path))
    index = module_index_for(settings, file, project)
    checker = _Checker(index, index.roots_for(file), file)
    for target in _PATCH_STRING.findall(text):
        if checker.unresolved_attribute(target) is not None:
            return True
    for node in _statements(tree):
        if isinstance(node, ast.Import):
            if any(checker.missing_part(alias.name) is not None for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            absolute = checker.relative_to_absolute(node.module or "", node.level)
            if not absolute or not index.is_first_party(absolute.split(".")[0], checker.roots):
                continue
            if checker.missing_part(absolute) is not None:
                return True
            known = checker.known_names(absolute)
            if known is not None and any(
                alias.name not in known for alias in node.names if alias.name != "*"
            ):
                return True
        else:
            for target in _plugin_paths(node):
                if checker.missing_part(target) is not None:
                    return True
    return False


# The first string given to anything called like a patch, or a ``target=`` keyword: a
# superset of the targets the libcst pass reads (which also resolves what was called).
_PATCH_STRING = re.compile(
    r"""(?:\b(?:patch|dict|multiple|setattr|delattr)\(\s*|\btarget\s*=\s*)"""
    r"""[rRuU]?["']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)["']"""
)


def _statements(tree: ast.Module) -> Iterator[ast.stmt]:
    stack: list[ast.stmt] = list(reversed(tree.body))
    while stack:
        statement = stack.pop()
        yield statement
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in reversed(getattr(statement, name, ())):
                if isinstance(child, ast.stmt):
                    stack.append(child)
                elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                    stack.extend(reversed(child.body))


def _plugin_paths(node: ast.stmt) -> list[str]:
    """The entries of a ``pytest_plugins = [...]`` assignment."""
    if not isinstance(node, ast.Assign) or not any(
        isinstance(target, ast.Name) and target.id == "pytest_plugins" for target in node.targets
    ):
        return []
    value = node.value
    values = list(value.elts) if isinstance(value, (ast.List, ast.Tuple)) else [value]
    return [
        item.value
        for item in values
        if isinstance(item, ast.Constant)
        and isinstance(item.value, str)
        and all(part.isidentifier() for part in item.value.split("."))
    ]


@dataclass(frozen=True)
class _Missing:
    """The first part of a dotted name that does not resolve."""

    existing: str  # the longest prefix that does ("" for none)
    missing: str  # that prefix plus the next part

    def describe(self) -> str:
        return f"`{self.existing}` has no module `{self.missing.rpartition('.')[2]}`"


def _judge(context: FileContext) -> Problems:
    context.read_other_files = True
    file = Path(context.absolute_path)
    index = module_index(context)
    roots = index.roots_for(file)
    checker = _Checker(index, roots, file)
    uses = collect(context.module, context.imports, file, context.text)
    for statement in uses.imports:
        if isinstance(statement, cst.Import):
            checker.plain_import(statement)
        else:
            checker.from_import(statement)
    for patch in uses.patches:
        checker.patch_target(patch.string, patch.target)
    for plugin in uses.plugins:
        checker.plugin(plugin.string, plugin.module)
    return checker.problems


class _Checker:
    def __init__(self, index: ModuleIndex, roots: tuple[Path, ...], file: Path) -> None:
        self.index = index
        self.roots = roots
        self.file = file
        self.problems = Problems()

    def _report(self, code: str, node: cst.CSTNode, message: str, fix: Fix | None = None) -> None:
        self.problems.found.append(Problem(code, node, message, fix))

    # -- resolution --------------------------------------------------------------------

    def missing_part(self, dotted: str) -> _Missing | None:
        """None when ``dotted`` exists, is not first-party, or cannot be judged."""
        parts = dotted.split(".")
        if not self.index.is_first_party(parts[0], self.roots):
            return None
        parent: Location | None = None
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            location = self.index.locate(prefix, self.roots)
            if location is None:
                assert parent is not None  # the top level is first-party, so it exists
                if self.index.names(parent, self.roots) is None:
                    return None  # ``__getattr__``, ``__path__`` tricks: anything may exist
                return _Missing(parent.dotted, prefix)
            parent = location
        return None

    def known_names(self, dotted: str) -> frozenset[str] | None:
        """The names of an existing module; None when it is missing or they are unknown."""
        location = self.index.locate(dotted, self.roots)
        return None if location is None else self.index.names(location, self.roots)

    def unresolved_attribute(self, target: str) -> tuple[Location, str] | None:
        """For a dotted runtime target: the longest existing module prefix and its first
        attribute, when that attribute does not exist. None when it resolves or cannot be
        judged (not first-party, names unknown, or the whole target is a module)."""
        parts = target.split(".")
        if not self.index.is_first_party(parts[0], self.roots):
            return None
        module: Location | None = None
        for end in range(len(parts), 0, -1):
            module = self.index.locate(".".join(parts[:end]), self.roots)
            if module is not None:
                break
        if module is None or module.dotted == target:
            return None
        known = self.index.names(module, self.roots)
        attribute = parts[len(module.dotted.split("."))]
        if known is None or attribute in known:
            return None  # deeper attributes (a class's methods) are not judged
        return module, attribute

    def definer_names(self, name: str, near: str) -> list[str]:
        """Importable names of the modules that define ``name``, each spelled the way that
        is closest to ``near`` (the stale path), excluding this file. A definer this file
        cannot import is listed as None, so that it still counts against a fix."""
        found: list[str] = []
        unreachable = 0
        for definer in self.index.definers(name):
            if definer.with_suffix("") == self.file.with_suffix(""):
                continue
            spellings = self.index.dotted_names(definer, self.roots)
            if spellings:
                found.append(closest(spellings, near))
            else:
                unreachable += 1
        return sorted(found) + ["?"] * unreachable

    def relative_to_absolute(self, module: str, level: int) -> str | None:
        if not level:
            return module
        names = self.index.dotted_names(self.file, self.roots)
        if not names or not (self.file.parent / "__init__.py").is_file():
            return None  # a relative import outside a package fails anyway; not ours to say
        package = closest(names, "").split(".")
        return resolve_relative(
            package if self.file.stem == "__init__" else package[:-1], level, module
        )

    # -- the checks --------------------------------------------------------------------

    def plain_import(self, statement: cst.Import) -> None:
        for alias in statement.names:
            dotted = dotted_name(alias.name)
            if dotted is None:  # pragma: no cover - the grammar guarantees a dotted name
                continue
            missing = self.missing_part(dotted)
            if missing is not None:
                self._report("EVT301", alias.name, self._module_message(missing, dotted))

    def _module_message(self, missing: _Missing, dotted: str) -> str:
        message = f"`{dotted}` does not exist ({missing.describe()})"
        if missing.missing == dotted:
            message += self._same_name_modules(dotted)
        return message

    def _same_name_modules(self, dotted: str) -> str:
        """``; did you mean `a.new.place`?`` for modules with the stale one's last name."""
        last = dotted.rpartition(".")[2]
        moved = sorted(
            {
                closest(spellings, dotted)
                for file in self.index.modules_named(last)
                if (spellings := self.index.dotted_names(file, self.roots))
            }
        )
        return f"; did you mean {_listed(moved)}?" if moved else ""

    def from_import(self, statement: cst.ImportFrom) -> None:
        module = dotted_name(statement.module) if statement.module is not None else ""
        absolute = self.relative_to_absolute(module or "", len(statement.relative))
        if not absolute or not self.index.is_first_party(absolute.split(".")[0], self.roots):
            return
        node: cst.CSTNode = statement.module if statement.module is not None else statement
        missing = self.missing_part(absolute)
        names = (
            [alias for alias in statement.names if isinstance(alias.name, cst.Name)]
            if not isinstance(statement.names, cst.ImportStar)
            else []
        )
        if missing is not None:
            self._stale_module(statement, node, absolute, missing, names)
            return
        known = self.known_names(absolute) if names else None
        if known is None:
            return
        for alias in names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else ""
            if name in known:
                continue
            message = f"`{name}` is not defined in `{absolute}`"
            elsewhere = [home for home in self.definer_names(name, absolute) if home != "?"]
            if elsewhere:
                message += f"; it is defined in {_listed(elsewhere)}"
            self._report("EVT302", alias.name, message)

    def _stale_module(
        self,
        statement: cst.ImportFrom,
        node: cst.CSTNode,
        absolute: str,
        missing: _Missing,
        names: list[cst.ImportAlias],
    ) -> None:
        message = f"`{absolute}` does not exist"
        if missing.missing != absolute:
            message += f" ({missing.describe()})"
        homes: dict[str, list[str]] = {}
        for alias in names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else ""
            homes[name] = self.definer_names(name, absolute)
        placed = {
            name: [home for home in found if home != "?"]
            for name, found in homes.items()
            if any(home != "?" for home in found)
        }
        if placed:
            described = "; ".join(
                f"`{name}` is defined in {_listed(found)}" for name, found in placed.items()
            )
            message += f"; {described}"
        elif missing.missing == absolute:
            message += self._same_name_modules(absolute)
        fix = None
        targets = {tuple(found) for found in homes.values()}
        if (
            names
            and not statement.relative
            and len(targets) == 1
            and len(next(iter(targets))) == 1
            and next(iter(targets))[0] != "?"
        ):
            new_module = next(iter(targets))[0]
            replacement = cst.parse_expression(new_module)
            if statement.module is not None and isinstance(replacement, (cst.Name, cst.Attribute)):
                fix = Fix(Applicability.SAFE, (Edit(statement.module, replacement),))
        self._report("EVT301", node, message, fix)

    def patch_target(self, string: cst.SimpleString, target: str) -> None:
        unresolved = self.unresolved_attribute(target)
        if unresolved is None:
            return
        module, attribute = unresolved
        parts = target.split(".")
        message = (
            f"patch target `{target}` does not resolve: `{module.dotted}` has no `{attribute}`"
        )
        attribute_owner = ".".join(parts[:-1])
        elsewhere = self.definer_names(parts[-1], attribute_owner)
        reachable = [home for home in elsewhere if home != "?"]
        if reachable:
            message += f"; `{parts[-1]}` is defined in {_listed(reachable)}"
        fix = None
        # Only ``package.gone_module.name``: a missing attribute of a plain module may be a
        # class whose method is patched, and a method's new home cannot be told by its name.
        moved_module = module.is_package and len(parts) == len(module.dotted.split(".")) + 2
        if moved_module and len(elsewhere) == 1 and reachable:
            new_target = f"{elsewhere[0]}.{parts[-1]}"
            quote = string.quote
            fix = Fix(
                Applicability.UNSAFE,
                (
                    Edit(
                        string,
                        string.with_changes(value=f"{string.prefix}{quote}{new_target}{quote}"),
                    ),
                ),
            )
        self._report("EVT303", string, message, fix)

    def plugin(self, string: cst.SimpleString, module: str) -> None:
        missing = self.missing_part(module)
        if missing is not None:
            self._report(
                "EVT304",
                string,
                f"pytest plugin `{module}` does not exist ({missing.describe()})",
            )


def _listed(names: list[str]) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:_MAX_LISTED])
    more = len(names) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")
