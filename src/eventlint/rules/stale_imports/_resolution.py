"""What the EVT3xx rules share: resolving dotted module paths from a test file, and saying
where a name went.

Each rule asks a :class:`Resolver` (built once per file) about the paths it judges: imports
(EVT301, EVT302), patch targets (EVT303), plugin paths (EVT304). The resolver asks the project
model's module index, which never imports anything.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from eventlint.parsing import ParseFailure
from eventlint.project.generated import GeneratedModules
from eventlint.project.modules import Location, ModuleIndex, absolute_name, closest
from eventlint.project.readers.syntax import statements_within
from eventlint.rules.base import FileContext
from eventlint.rules.stale_imports._import_uses import ModuleUses, collect

_MAX_LISTED = 3


@dataclass(frozen=True)
class Missing:
    """The first part of a dotted name that does not resolve."""

    existing: str  # the longest prefix that does ("" for none)
    missing: str  # that prefix plus the next part

    def describe(self) -> str:
        return f"`{self.existing}` has no module `{self.missing.rpartition('.')[2]}`"


def listed(names: list[str]) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:_MAX_LISTED])
    more = len(names) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


class Resolver:
    """Dotted paths as one test file sees them (its own base folder first)."""

    def __init__(self, index: ModuleIndex, file: Path, generated: GeneratedModules) -> None:
        self.index = index
        self.roots = index.roots_for(file)
        self.file = file
        self._generated = generated

    def is_generated(self, dotted: str, parent: Location) -> bool:
        """Whether the missing module ``dotted``, below ``parent``, is one a build writes
        (absent from a fresh checkout, so not stale): by its name, the git ignore rules or
        the build configuration (see ``project.generated``)."""
        return self._generated.is_generated(dotted, parent.package_dirs)

    def is_generated_file(self, location: Location) -> bool:
        """Whether an existing module's files are all ones a build writes (git-ignored or
        named by build config): present here, absent from a fresh checkout."""
        files = [*location.sources] or [folder / "__init__.py" for folder in location.package_dirs]
        return bool(files) and all(self._generated.is_generated_path(file) for file in files)

    def is_first_party(self, dotted: str) -> bool:
        return self.index.is_first_party(dotted.split(".", maxsplit=1)[0], self.roots)

    def missing_part(self, dotted: str) -> Missing | None:
        """None when ``dotted`` exists, is not first-party, or cannot be judged."""
        parts = dotted.split(".")
        if not self.is_first_party(dotted):
            return None
        parent: Location | None = None
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            location = self.index.locate(prefix, self.roots)
            if location is None:
                assert parent is not None  # the top level is first-party, so it exists
                if self.index.names(parent, self.roots) is None:
                    return None  # ``__getattr__``, ``__path__`` tricks: anything may exist
                if self.is_generated(prefix, parent):
                    return None  # written by the build, absent from a fresh checkout
                return Missing(parent.dotted, prefix)
            parent = location
        return None

    def is_generated_submodule(self, package: str, name: str) -> bool:
        """Whether ``from package import name`` names a submodule the build writes."""
        location = self.index.locate(package, self.roots)
        return (
            location is not None
            and location.is_package
            and self.is_generated(f"{package}.{name}", location)
        )

    def known_names(self, dotted: str) -> frozenset[str] | None:
        """The names of an existing module; None when it is missing or they are unknown."""
        location = self.index.locate(dotted, self.roots)
        return None if location is None else self.index.names(location, self.roots)

    def unresolved_attribute(self, target: str) -> tuple[Location, str] | None:
        """For a dotted runtime target: the longest existing module prefix and its first
        attribute, when that attribute does not exist. None when it resolves or cannot be
        judged (not first-party, names unknown, or the whole target is a module)."""
        parts = target.split(".")
        if not self.is_first_party(target):
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
        if module.is_package and self.is_generated(f"{module.dotted}.{attribute}", module):
            return None  # a submodule the build writes
        return module, attribute

    def definer_names(self, name: str, near: str) -> list[str]:
        """Importable names of the modules that define ``name``, each spelled the way that
        is closest to ``near`` (the stale path), excluding this file. A definer this file
        cannot import is listed as "?", so that it still counts against a fix."""
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
        here = closest(names, "")
        return absolute_name("." * level + module, here, self.file.stem == "__init__")

    def same_name_modules(self, dotted: str) -> str:
        """``; did you mean `a.new.place`?`` for modules with the stale one's last name."""
        last = dotted.rpartition(".")[2]
        moved = sorted(
            {
                closest(spellings, dotted)
                for file in self.index.modules_named(last)
                if (spellings := self.index.dotted_names(file, self.roots))
            }
        )
        return f"; did you mean {listed(moved)}?" if moved else ""


def resolver_for(context: FileContext) -> Resolver:
    return context.analysis(
        Resolver,
        lambda c: Resolver(c.project.modules, Path(c.absolute_path), c.project.generated),
    )


def uses_of(context: FileContext) -> ModuleUses:
    return context.analysis(
        ModuleUses,
        lambda c: collect(c.module, c.imports, Path(c.absolute_path), c.text, c.positions),
    )


# -- the cheap pre-check -------------------------------------------------------------------


class _MayHaveProblems:
    """The key of the pre-check's answer among the file's analyses."""


def may_have_problems(context: FileContext) -> bool:
    return context.analysis(_MayHaveProblems, _may_have_problems)


def _may_have_problems(context: FileContext) -> bool:
    """A cheap look at the file's statements that says whether the rules could find anything.

    Most test files import only what exists: for them the rules' walk of the whole tree
    (expressions included, for the patch targets) is not needed. It errs on the side of
    judging: every import is checked, wherever it stands (the silences only ever remove
    findings), and so is the first string given to anything called like a patch, whatever it
    was imported as."""
    tree = context.parse()
    if isinstance(tree, ParseFailure):
        return True  # let the engine report it
    resolver = resolver_for(context)
    for target in _PATCH_STRING.findall(context.text):
        if resolver.unresolved_attribute(target) is not None:
            return True
    for node in statements_within(tree):
        if isinstance(node, ast.Import):
            if any(resolver.missing_part(alias.name) is not None for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            absolute = resolver.relative_to_absolute(node.module or "", node.level)
            if not absolute or not resolver.is_first_party(absolute):
                continue
            if resolver.missing_part(absolute) is not None:
                return True
            known = resolver.known_names(absolute)
            if known is not None and any(
                alias.name not in known for alias in node.names if alias.name != "*"
            ):
                return True
        else:
            for target in _plugin_paths(node):
                if resolver.missing_part(target) is not None:
                    return True
    return False


# The first string given to anything called like a patch, or a ``target=`` keyword: a
# superset of the targets the rules read (which also resolve what was called).
_PATCH_STRING = re.compile(
    r"""(?:\b(?:patch|dict|multiple|setattr|delattr)\(\s*|\btarget\s*=\s*)"""
    r"""[rRuU]?["']([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)["']"""
)


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
