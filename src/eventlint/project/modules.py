"""The project's modules, found by reading the file system and the source.

A dotted name exists when an import root holds it as a ``.py``/``.pyi`` file, a package
folder, a PEP 420 namespace folder (one that holds Python files), or a compiled extension
(``.so``/``.pyd``/``.pyx``). Extensions and generated protobuf modules (``*_pb2``) exist but
their names are unknown. Classes are found by ``class_index`` through this index.

Everything is lazy and memoised, and every answer records what it read (see
``dependencies``): a test run asks about the few modules its tests import, and only a stale
import makes the index look for where a name went.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from eventlint import sourcefile
from eventlint.paths import base_folder
from eventlint.project.classes import ClassInfo, FieldInfo
from eventlint.project.dependencies import (
    Recorder,
    TrackedMemo,
    dir_key,
    file_key,
    index_key,
    listing_fingerprint,
)
from eventlint.project.inventory import (
    EXTENSION_SUFFIXES,
    MODULE_SUFFIXES,
    NATIVE_SOURCE_SUFFIXES,
    FileInventory,
    Listing,
)
from eventlint.project.layout import ProjectLayout
from eventlint.project.store import SummaryStore
from eventlint.project.summaries import ModuleSummary

_MAX_STAR_DEPTH = 8
# Every module has these, whatever its source says.
_MODULE_ATTRIBUTES = frozenset(
    {"__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__path__",
     "__builtins__", "__dict__", "__cached__", "__annotations__"}
)  # fmt: skip


@dataclass(frozen=True)
class ByteTest:
    """A test of a file's bytes (see :meth:`ModuleIndex.fact`), kept in the store under its
    name while the file is unchanged: it rules a module out before it is summarised."""

    name: str
    test: Callable[[bytes], bool]


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
    def __init__(
        self,
        layout: ProjectLayout,
        inventory: FileInventory,
        *,
        store: SummaryStore,
        recorder: Recorder,
        index_fingerprint: Callable[[str], str],
        third_party: frozenset[str] = frozenset(),
    ) -> None:
        self.layout = layout
        self._inventory = inventory
        self._store = store
        self._recorder = recorder
        self._index_fingerprint = index_fingerprint
        self._third_party = third_party
        self._package_dirs: dict[Path, bool] = {}
        self._summaries: dict[Path, ModuleSummary] = {}
        self._locations: TrackedMemo[tuple[str, tuple[Path, ...]], Location | None] = TrackedMemo(
            recorder
        )
        self._definers: dict[str, tuple[Path, ...]] = {}
        self._installed: dict[str, bool] = {}
        self._module_files: tuple[Path, ...] | None = None

    def roots_for(self, file: Path) -> tuple[Path, ...]:
        """The file's own base folder first (pytest's prepend mode), then the project's."""
        own = base_folder(file)
        return (own, *(root for root in self.layout.roots if root != own))

    # -- reading, with what was read recorded ----------------------------------------------

    def _listing(self, folder: Path) -> Listing:
        listing = self._inventory.listing(folder)
        self._recorder.note(dir_key(folder), listing_fingerprint(listing.files, listing.folders))
        return listing

    def summary(self, file: Path) -> ModuleSummary:
        read = self._store.read(file)
        self._recorder.note(file_key(file), read.digest)
        self._summaries[file] = read.summary
        return read.summary

    def fact(self, file: Path, name: str, compute: Callable[[bytes], object]) -> object:
        """A fact computed from a module's bytes without a summary (kept while the file is
        unchanged), recorded as a read of the module."""
        self._recorder.note(file_key(file), self._store.digest(file))
        return self._store.fact(file, name, compute)

    # -- existence ---------------------------------------------------------------------

    def locate(self, dotted: str, roots: Sequence[Path]) -> Location | None:
        return self._locations.get((dotted, tuple(roots)), lambda: self._locate(dotted, roots))

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
            for depth, part in enumerate(packages):
                # Through listed folders only: an excluded ``build/`` is not a package.
                if part not in self._listing(folder).folders or not self._holds_modules(
                    folder / part, top_level=depth == 0
                ):
                    break
                folder = folder / part
            else:
                listing = self._listing(folder)
                files = listing.files
                sources += [folder / f"{last}{s}" for s in (".py", ".pyi") if f"{last}{s}" in files]
                if f"{last}.pyx" in files or any(
                    name.startswith(f"{last}.") and name.endswith(EXTENSION_SUFFIXES[:2])
                    for name in files
                ):
                    opaque = True
                if last in listing.folders and self._holds_modules(
                    folder / last, top_level=not packages
                ):
                    package = folder / last
                    folders.append(package)
                    package_files = self._listing(package).files
                    sources += [
                        package / name
                        for name in ("__init__.py", "__init__.pyi")
                        if name in package_files
                    ]
        if sources and last.endswith("_pb2"):
            opaque = True  # protoc-generated: its classes are built at runtime
        if not (sources or folders or opaque):
            if packages and self._builds_extensions(dotted.rpartition(".")[0], roots):
                # ``fastcodec._codec`` built from ``fastcodec/_codec.c`` (or from sources
                # in a folder of the package, as confluent-kafka's ``cimpl``).
                return Location(dotted, (), (), opaque=True)
            return None
        return Location(dotted, tuple(sources), tuple(folders), opaque)

    def is_first_party(self, top: str, roots: Sequence[Path]) -> bool:
        """Whether a top-level name is the project's.

        A root that really provides the name (a module or a regular package, in a root that
        is on ``sys.path``) makes it first-party. Otherwise, a name the project declares as
        a dependency, or one found only as a namespace folder (a ``redis/`` folder of
        deployment scripts) or only in a ``testpaths`` folder, loses to the library of that
        name, as it does at runtime. Standard-library names never are the project's."""
        if top in sys.stdlib_module_names:
            return False
        strong = tuple(root for root in roots if root not in self.layout.weak_roots)
        location = self.locate(top, strong)
        if location is not None and not location.is_namespace:
            return True
        if top in self._third_party:
            return False
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

    def _holds_modules(self, folder: Path, *, top_level: bool) -> bool:
        """Whether ``import ...folder`` finds a package there. Inside a package, any folder
        does (Python imports it as a namespace package, Python files or not: ``from . import
        assets`` works for a folder of static files). At the top level the folder must hold
        Python code somewhere, or a ``redis/`` folder of deployment files would shadow the
        library for eventlint where it does not for the project's own environment."""
        if not top_level:
            self._listing(folder)  # a dependency of whoever asks
            return True
        return self._is_package_dir(folder)

    def _is_package_dir(self, folder: Path) -> bool:
        """A regular package, or a namespace folder that holds Python code somewhere."""
        cached = self._package_dirs.get(folder)
        if cached is None:
            self._package_dirs[folder] = False  # a symlink loop ends here
            listing = self._listing(folder)
            cached = bool(listing.files or listing.folders) and (
                any(name.endswith(MODULE_SUFFIXES) for name in listing.files)
                or any(
                    self._is_package_dir(folder / name)
                    for name in sorted(listing.folders)
                    if name.isidentifier()
                )
            )
            self._package_dirs[folder] = cached
        else:
            self._listing(folder)  # still a dependency of whoever asks
        return cached

    # -- names -------------------------------------------------------------------------

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
                target = absolute_name(star, location.dotted, location.is_package)
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
            if self._holds_native_sources(folder):
                return None  # its compiled submodules cannot be listed
            names |= self._submodules(folder)
        if exported_only:
            # ``__all__`` built at runtime: what a star import brings is at most every public
            # name plus what the listed parts of ``__all__`` say.
            return frozenset(declared | {name for name in names if not name.startswith("_")})
        return frozenset(names)

    def _builds_extensions(self, package: str, roots: Sequence[Path]) -> bool:
        location = self.locate(package, roots)
        return location is not None and any(
            self._holds_native_sources(folder) for folder in location.package_dirs
        )

    def _holds_native_sources(self, folder: Path) -> bool:
        """Extension sources in the package folder or a folder directly inside it."""
        listing = self._listing(folder)
        if any(name.endswith(NATIVE_SOURCE_SUFFIXES) for name in listing.files):
            return True
        return any(
            name.endswith(NATIVE_SOURCE_SUFFIXES)
            for inner in sorted(listing.folders)
            for name in self._listing(folder / inner).files
        )

    def _submodules(self, folder: Path) -> set[str]:
        listing = self._listing(folder)
        found = {
            name.split(".")[0]
            for name in listing.files
            if name.endswith(MODULE_SUFFIXES) and name.split(".")[0].isidentifier()
        }
        # Inside a package, every folder is importable (a namespace package).
        found |= {name for name in listing.folders if name.isidentifier()}
        return found

    # -- the whole project ---------------------------------------------------------------

    @property
    def module_files(self) -> tuple[Path, ...]:
        """Every module file under the project root and under import roots outside it (and,
        for whoever asks, a dependency on all of them)."""
        files = self.all_module_files()
        self._recorder.note(index_key("modules"), self._index_fingerprint("modules"))
        return files

    def all_module_files(self) -> tuple[Path, ...]:
        if self._module_files is None:
            found = list(self._inventory.files(MODULE_SUFFIXES))
            seen = set(found)
            for root in self.layout.roots:
                if self._inventory.contains(root):
                    continue
                pending = [root]
                while pending:
                    folder = pending.pop()
                    listing = self._inventory.listing(folder)
                    for name in sorted(listing.files):
                        path = folder / name
                        if name.endswith(MODULE_SUFFIXES) and path not in seen:
                            seen.add(path)
                            found.append(path)
                    pending += [folder / name for name in sorted(listing.folders, reverse=True)]
            self._module_files = tuple(found)
        return self._module_files

    def definers(self, name: str) -> tuple[Path, ...]:
        """The project's module files that define ``name`` themselves (not by importing
        it), one per module: ``x.py`` and its stub ``x.pyi`` count once."""
        files = self.module_files  # records the dependency on every module
        cached = self._definers.get(name)
        if cached is None:
            needle = name.encode()
            found: dict[Path, Path] = {}
            for file in files:
                if not file.name.endswith((".py", ".pyi")) or file.with_suffix("") in found:
                    continue
                try:
                    if needle not in sourcefile.read(file, self._store.max_bytes):
                        continue
                except sourcefile.SourceError:
                    continue
                if name in self._store.read(file).summary.defined:
                    found[file.with_suffix("")] = file
            cached = self._definers[name] = tuple(found.values())
        return cached

    def modules_named(self, last: str) -> list[Path]:
        """Module files whose own name (the last part) is ``last``."""
        return [
            file
            for file in self.module_files
            if file.name.split(".")[0] == last
            or (file.stem == "__init__" and file.parent.name == last)
        ]

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

    def module_name(self, file: Path) -> str | None:
        """The name a file is imported by: from the deepest root holding it."""
        roots = sorted(self.roots_for(file), key=lambda root: len(str(root)), reverse=True)
        names = self.dotted_names(file, roots)
        return names[0] if names else None

    # -- names as written in a module ------------------------------------------------------

    def qualify(self, spelled: str, file: Path, summary: ModuleSummary) -> str | None:
        """What a dotted name written in ``file`` refers to, as an absolute dotted name."""
        head, _, rest = spelled.partition(".")
        if head in summary.classes or (head in summary.defined and head not in summary.imports):
            module = self.module_name(file)
            return f"{module}.{spelled}" if module else None
        target = summary.imports.get(head)
        if target is None:
            return None
        if target.startswith("."):
            resolved = self.resolve_relative(target, file)
            if resolved is None:
                return None
            target = resolved
        return f"{target}.{rest}" if rest else target

    def resolve_relative(self, name: str, file: Path) -> str | None:
        """A relative name written in ``file``, made absolute from the longest spelling of
        the file's module that has packages enough (a namespace package counts)."""
        spellings = sorted(
            self.dotted_names(file, self.roots_for(file)), key=lambda n: -n.count(".")
        )
        for module in spellings:
            resolved = absolute_name(name, module, file.stem == "__init__")
            if resolved is not None:
                return resolved
        return None


def closest(candidates: Iterable[str], stale: str) -> str:
    """The candidate that shares the most leading parts with the stale dotted name."""

    def shared(candidate: str) -> int:
        count = 0
        for ours, theirs in zip(candidate.split("."), stale.split("."), strict=False):
            if ours != theirs:
                break
            count += 1
        return count

    return max(candidates, key=lambda candidate: (shared(candidate), -len(candidate)))


def absolute_name(name: str, module: str, is_package: bool) -> str | None:
    """A possibly relative dotted name, as written in ``module``, made absolute; None when the
    dots climb past the top-level package (an import that fails at runtime)."""
    if not name.startswith("."):
        return name
    package = module if is_package else module.rpartition(".")[0]
    try:
        return importlib.util.resolve_name(name, package)
    except (ImportError, ValueError):
        return None


# Re-exported: analysis/id_hashes.py and rules/event_ids/ import FieldInfo from here (they are
# being rebuilt in the EVT1 dataflow rebuild, issue 24); new code imports project.classes.
__all__ = [
    "ByteTest",
    "ClassInfo",
    "FieldInfo",
    "Location",
    "ModuleIndex",
    "absolute_name",
    "closest",
]
