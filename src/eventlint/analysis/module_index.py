"""The project's modules, found by reading the file system and the source (never imported).

A dotted name exists when a root holds it as a ``.py``/``.pyi`` file, a package folder, a
PEP 420 namespace folder (one that holds Python files), or a compiled extension
(``.so``/``.pyd``/``.pyx``). Extensions and generated protobuf modules (``*_pb2``) exist but
their names are unknown. Lookups are lazy and memoised: a test run asks about the few modules
its tests import, and only a stale import makes the index look for where a name went.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from eventlint.analysis.layout import MODULE_SUFFIXES, ProjectLayout, base_folder
from eventlint.analysis.module_summary import ModuleSummary, summarise
from eventlint.analysis.summary_store import SummaryStore

_EXTENSION_SUFFIXES = (".so", ".pyd")
_MAX_STAR_DEPTH = 8
# Every module has these, whatever its source says.
_MODULE_ATTRIBUTES = frozenset(
    {"__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__path__",
     "__builtins__", "__dict__", "__cached__", "__annotations__"}
)  # fmt: skip


@dataclass(frozen=True)
class Location:
    """Where a dotted module name was found (in any root)."""

    dotted: str
    sources: tuple[Path, ...]  # .py/.pyi files: the module itself or a package's __init__
    package_dirs: tuple[Path, ...]  # its folders, when it is a package
    opaque: bool  # an extension or generated module: it exists, its names are unknown

    @property
    def is_package(self) -> bool:
        return bool(self.package_dirs)

    @property
    def is_namespace(self) -> bool:
        return self.is_package and not self.sources and not self.opaque


class ModuleIndex:
    def __init__(self, layout: ProjectLayout, store: SummaryStore | None = None) -> None:
        self.layout = layout
        self._store = store or SummaryStore(None)
        self._listings: dict[Path, tuple[frozenset[str], frozenset[str]]] = {}
        self._package_dirs: dict[Path, bool] = {}
        self._summaries: dict[Path, ModuleSummary] = {}
        self._locations: dict[tuple[str, tuple[Path, ...]], Location | None] = {}
        self._definers: dict[str, tuple[Path, ...]] = {}
        self._installed: dict[str, bool] = {}

    def roots_for(self, file: Path) -> tuple[Path, ...]:
        """The file's own base folder first (pytest's prepend mode), then the project's."""
        own = base_folder(file)
        return (own, *(root for root in self.layout.roots if root != own))

    # -- existence ---------------------------------------------------------------------

    def locate(self, dotted: str, roots: Sequence[Path]) -> Location | None:
        key = (dotted, tuple(roots))
        if key not in self._locations:
            self._locations[key] = self._locate(dotted, roots)
        return self._locations[key]

    def _locate(self, dotted: str, roots: Sequence[Path]) -> Location | None:
        parts = dotted.split(".")
        if not all(part.isidentifier() for part in parts):
            return None
        *packages, last = parts
        sources: list[Path] = []
        folders: list[Path] = []
        opaque = False
        for root in roots:
            folder = root
            for part in packages:
                if not self._is_package_dir(folder / part):
                    break
                folder = folder / part
            else:
                files, subfolders = self._listing(folder)
                sources += [folder / f"{last}{s}" for s in (".py", ".pyi") if f"{last}{s}" in files]
                if f"{last}.pyx" in files or any(
                    name.startswith(f"{last}.") and name.endswith(_EXTENSION_SUFFIXES)
                    for name in files
                ):
                    opaque = True
                if last in subfolders and self._is_package_dir(folder / last):
                    package = folder / last
                    folders.append(package)
                    package_files, _ = self._listing(package)
                    sources += [
                        package / name
                        for name in ("__init__.py", "__init__.pyi")
                        if name in package_files
                    ]
        if sources and last.endswith("_pb2"):
            opaque = True  # protoc-generated: its classes are built at runtime
        if not (sources or folders or opaque):
            return None
        return Location(dotted, tuple(sources), tuple(folders), opaque)

    def is_first_party(self, top: str, roots: Sequence[Path]) -> bool:
        """Whether a top-level name is the project's. A name found only as a namespace
        folder (say a ``redis/`` folder of deployment scripts), or only in a ``testpaths``
        folder, loses to an installed package of that name, as it does at runtime."""
        if top in sys.stdlib_module_names:
            return False  # a local json.py shadowing the standard library is not our call
        strong = tuple(root for root in roots if root not in self.layout.weak_roots)
        location = self.locate(top, strong)
        if location is not None and not location.is_namespace:
            return True
        if location is None and self.locate(top, roots) is None:
            return False
        return not self._installed_elsewhere(top)

    def _installed_elsewhere(self, top: str) -> bool:
        if top not in self._installed:
            try:
                # A top-level lookup searches sys.path; it runs no code of the package.
                spec = importlib.util.find_spec(top)
            except (ImportError, ValueError):
                spec = None
            self._installed[top] = spec is not None and spec.origin not in (None, "namespace")
        return self._installed[top]

    def _listing(self, folder: Path) -> tuple[frozenset[str], frozenset[str]]:
        cached = self._listings.get(folder)
        if cached is None:
            files: set[str] = set()
            folders: set[str] = set()
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        try:
                            (folders if entry.is_dir() else files).add(entry.name)
                        except OSError:
                            continue
            except OSError:
                pass
            cached = self._listings[folder] = (frozenset(files), frozenset(folders))
        return cached

    def _is_package_dir(self, folder: Path) -> bool:
        """A regular package, or a namespace folder that holds Python code somewhere."""
        cached = self._package_dirs.get(folder)
        if cached is None:
            self._package_dirs[folder] = False  # a symlink loop ends here
            files, subfolders = self._listing(folder)
            cached = bool(files or subfolders) and (
                any(name.endswith(MODULE_SUFFIXES) for name in files)
                or any(
                    self._is_package_dir(folder / name)
                    for name in sorted(subfolders)
                    if name.isidentifier()
                )
            )
            self._package_dirs[folder] = cached
        return cached

    # -- names -------------------------------------------------------------------------

    def summary(self, file: Path) -> ModuleSummary:
        cached = self._summaries.get(file) or self._store.get(file)
        if cached is None:
            try:
                data = file.read_bytes()
            except OSError:
                cached = ModuleSummary.unknown()
            else:
                cached = summarise(data)
                self._store.put(file, cached)
        self._summaries[file] = cached
        return cached

    def names(self, location: Location, roots: Sequence[Path]) -> frozenset[str] | None:
        """Every name ``from <location> import name`` can find; None when unknown."""
        return self._names(location, roots, 0, exported_only=False)

    def _names(
        self, location: Location, roots: Sequence[Path], depth: int, *, exported_only: bool
    ) -> frozenset[str] | None:
        if location.opaque or depth > _MAX_STAR_DEPTH:
            return None
        if exported_only and location.sources:
            summaries = [self.summary(source) for source in location.sources]
            if all(summary.all_is_literal for summary in summaries):
                return frozenset(name for summary in summaries for name in summary.declared)
        names: set[str] = set(_MODULE_ATTRIBUTES)
        declared: set[str] = set()
        for source in location.sources:
            summary = self.summary(source)
            if summary.names_unknown:
                return None
            names |= summary.defined | summary.imported | summary.declared
            declared |= summary.declared
            for star in summary.star_imports:
                target = _absolute(star, location)
                if target is None:
                    return None
                found = self.locate(target, roots)
                if found is None or not self.is_first_party(target.split(".")[0], roots):
                    return None  # a star import of another library: anything may come in
                brought = self._names(found, roots, depth + 1, exported_only=True)
                if brought is None:
                    return None
                names |= brought
        for folder in location.package_dirs:
            names |= self._submodules(folder)
        if exported_only:
            # ``__all__`` built at runtime: what a star import brings is at most every public
            # name plus what the listed parts of ``__all__`` say.
            return frozenset(declared | {name for name in names if not name.startswith("_")})
        return frozenset(names)

    def _submodules(self, folder: Path) -> set[str]:
        files, subfolders = self._listing(folder)
        found = {
            name.split(".")[0]
            for name in files
            if name.endswith(MODULE_SUFFIXES) and name.split(".")[0].isidentifier()
        }
        found |= {
            name
            for name in subfolders
            if name.isidentifier() and self._is_package_dir(folder / name)
        }
        return found

    # -- where did it go ---------------------------------------------------------------

    def definers(self, name: str) -> tuple[Path, ...]:
        """The project's module files that define ``name`` themselves (not by importing
        it), one per module: ``x.py`` and its stub ``x.pyi`` count once."""
        cached = self._definers.get(name)
        if cached is None:
            needle = name.encode()
            found: dict[Path, Path] = {}
            for file in self.layout.module_files:
                if not file.name.endswith((".py", ".pyi")) or file.with_suffix("") in found:
                    continue
                try:
                    if needle not in file.read_bytes():
                        continue
                except OSError:
                    continue
                if name in self.summary(file).defined:
                    found[file.with_suffix("")] = file
            cached = self._definers[name] = tuple(found.values())
        return cached

    def dotted_names(self, file: Path, roots: Sequence[Path]) -> list[str]:
        """Every dotted name ``file`` can be imported by from these roots."""
        names: list[str] = []
        for root in roots:
            try:
                parts = list(file.with_suffix("").relative_to(root).parts)
            except ValueError:
                continue
            if parts and parts[-1] == "__init__":
                parts.pop()
            dotted = ".".join(parts)
            if parts and all(part.isidentifier() for part in parts) and dotted not in names:
                names.append(dotted)
        return names

    def modules_named(self, last: str) -> list[Path]:
        """Module files whose own name (the last part) is ``last``."""
        return [
            file
            for file in self.layout.module_files
            if file.name.split(".")[0] == last
            or (file.stem == "__init__" and file.parent.name == last)
        ]


def closest(candidates: Iterable[str], stale: str) -> str:
    """The candidate that shares the most leading parts with the stale dotted name."""

    def shared(candidate: str) -> int:
        count = 0
        for ours, theirs in zip(candidate.split("."), stale.split(".")):
            if ours != theirs:
                break
            count += 1
        return count

    return max(candidates, key=lambda candidate: (shared(candidate), -len(candidate)))


def _absolute(star: str, location: Location) -> str | None:
    """A star import's module as an absolute name, relative to the importing module."""
    level = len(star) - len(star.lstrip("."))
    if not level:
        return star
    package = location.dotted.split(".")
    return resolve_relative(package if location.is_package else package[:-1], level, star[level:])


def resolve_relative(package: Sequence[str], level: int, module: str) -> str | None:
    """``from <level dots><module> import ...`` inside ``package``, as an absolute name; None
    when the dots climb past the top-level package (an import that fails at runtime)."""
    if level - 1 >= len(package):
        return None
    base = list(package[: len(package) - (level - 1)])
    return ".".join([*base, module] if module else base)
