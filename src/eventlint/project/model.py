"""The project model: one :class:`Project` per project root, and :class:`Projects`, a run's.

One :class:`Project` per project root (see ``eventlint.paths``) is built once per run by the
runner (once per process by the flake8 plugin). It owns the file inventory (from the run's
shared folder listings), the layout (import roots), one module index, the class index, the
raise-site index and the per-module summaries kept between runs. Rules reach
it through a ``ProjectView`` (``view.py``) bound to the file being linted.

Every index records what it consulted (``dependencies``), and the project fingerprints what
a dependency names (a file, a folder's listing, a project-wide index), so the results cache
keys a file's findings on exactly what they depended on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from eventlint import sourcefile
from eventlint.cache_folder import CACHE_DIR_NAME
from eventlint.config import Settings
from eventlint.project.class_index import ClassIndex
from eventlint.project.dependencies import Dependencies, Recorder, listing_fingerprint
from eventlint.project.deployment import COMPOSE_FILE, ReadyFolder, ready_folders
from eventlint.project.generated import GeneratedModules
from eventlint.project.inventory import NATIVE_SOURCE_SUFFIXES, FileInventory, Listings
from eventlint.project.layout import ProjectLayout, build_layout
from eventlint.project.modules import ModuleIndex
from eventlint.project.raises import RaiseIndex
from eventlint.project.readers import hash_helpers_of
from eventlint.project.readers.hash_helpers import HASH_WORDS
from eventlint.project.requirements import declared_dependencies
from eventlint.project.shared_summaries import SharedSummaries
from eventlint.project.store import STORE_NAME, SummaryStore, identity_of


@dataclass(frozen=True)
class Worked:
    """What the run's parent process already worked out about a project, handed to pool
    workers so that each need not work it out again (picklable)."""

    hash_helper_names: frozenset[str] | None = None


class Project:
    """One project root's model: its file inventory, layout, module index, raise-site index
    and the facts gathered from every production module, each built when first asked."""

    def __init__(
        self,
        settings: Settings,
        listings: Listings,
        store: SummaryStore,
        worked: Worked | None = None,
    ) -> None:
        if worked is not None and worked.hash_helper_names is not None:
            # Where ``cached_property`` keeps its value: set, it is never computed here.
            self.__dict__["hash_helper_names"] = worked.hash_helper_names
        self.settings = settings
        self.root = settings.root
        self.recorder = Recorder()
        self.inventory = FileInventory(self.root, listings)
        self.store = store
        self._resolver = listings.resolver
        self._listings = listings
        self._fingerprints: dict[str, str] = {}
        self._current: dict[str, str | None] = {}

    @cached_property
    def layout(self) -> ProjectLayout:
        return build_layout(self.settings, self.inventory)

    @cached_property
    def modules(self) -> ModuleIndex:
        return ModuleIndex(
            self.layout,
            self.inventory,
            store=self.store,
            recorder=self.recorder,
            index_fingerprint=self.index_fingerprint,
            third_party=self.declared_dependencies,
        )

    @cached_property
    def generated(self) -> GeneratedModules:
        """Which missing modules a build writes (git-ignored, or named by build config)."""
        return GeneratedModules(self.inventory, self.store, self.recorder)

    @cached_property
    def classes(self) -> ClassIndex:
        return ClassIndex(self.modules, recorder=self.recorder)

    @cached_property
    def raises(self) -> RaiseIndex:
        return RaiseIndex(
            self.modules,
            classes=self.classes,
            production_files=self.production_files,
            extension_sources=self.extension_sources,
            recorder=self.recorder,
            fingerprint=self.index_fingerprint,
            max_bytes=self.store.max_bytes,
        )

    def production_files(self) -> list[Path]:
        """The project's Python modules that are not tests."""
        return list(self._production_files)

    @cached_property
    def _production_files(self) -> tuple[Path, ...]:
        # The inventory is fixed for the run; the hash helpers and the raise index both ask.
        return tuple(
            path
            for path in self.modules.all_module_files()
            if path.suffix == ".py" and not self._resolver.for_path(path).is_test_file(path)
        )

    @cached_property
    def deployment(self) -> list[ReadyFolder]:
        """Code folders whose topics a compose file's job creates before they start."""
        found: list[ReadyFolder] = []
        for path in self.compose_files():
            try:
                data = sourcefile.read(path, self.store.max_bytes)
            except sourcefile.SourceError:
                continue
            found += ready_folders(path, data.decode("utf-8", "replace"))
        return found

    def compose_files(self) -> list[Path]:
        return [
            path
            for path in self.inventory.files((".yml", ".yaml"))
            if COMPOSE_FILE.match(path.name)
        ]

    def extension_sources(self) -> list[Path]:
        """The project's C, C++, Cython and Rust sources that are not tests: an extension
        module's messages are raised there (``PyErr_SetString``, ``new_err``)."""
        return [
            path
            for path in self.inventory.files(NATIVE_SOURCE_SUFFIXES)
            if not self._resolver.for_path(path).is_test_file(path)
        ]

    @cached_property
    def declared_dependencies(self) -> frozenset[str]:
        """Import names of the libraries the project declares it depends on (see
        ``requirements``); never its own."""
        return declared_dependencies((self.root, *self.inventory.sub_projects(("pyproject.toml",))))

    def worked(self) -> Worked:
        return Worked(hash_helper_names=self.__dict__.get("hash_helper_names"))

    @cached_property
    def hash_helper_names(self) -> frozenset[str]:
        """Names of the project's functions that return a digest of their arguments: calls
        to them make hashes as ``hashlib`` does (so files that call them are worth parsing).
        Every production module is read for them: the parent hands them to pool workers."""
        names: set[str] = set()
        for path in self.production_files():
            found = self.store.fact(path, "hash-helpers", _hash_helpers_of)
            if isinstance(found, list):
                names.update(name for name in found if isinstance(name, str))
        return frozenset(names)

    # -- fingerprints, for the results cache ---------------------------------------------

    def index_fingerprint(self, name: str) -> str:
        """A project-wide index's fingerprint: the identity of every file it reads."""
        found = self._fingerprints.get(name)
        if found is None:
            if name == "files":
                return self._files_fingerprint()
            if name == "modules":
                files = list(self.modules.all_module_files())
            elif name == "deployment":
                files = self.compose_files()
            else:
                files = [*self.production_files(), *self.extension_sources()]
            hasher = hashlib.sha256()
            for path in files:
                hasher.update(f"{path}\0{identity_of(path)}\n".encode("utf-8", "surrogateescape"))
            found = self._fingerprints[name] = hasher.hexdigest()[:32]
        return found

    def _files_fingerprint(self) -> str:
        """Which files and folders the project has (names, not contents): what a search for
        a moved test file read."""
        hasher = hashlib.sha256()
        for folder in self.inventory.folders():
            listing = self.inventory.listing(folder)
            fingerprint = listing_fingerprint(listing.files, listing.folders)
            hasher.update(f"{folder}\0{fingerprint}\n".encode("utf-8", "surrogateescape"))
        found = self._fingerprints["files"] = hasher.hexdigest()[:32]
        return found

    def files_named(self, name: str) -> list[Path]:
        """Every listed file called ``name``, in a stable order."""
        return list(self.inventory.files(names=frozenset({name})))

    def folders_named(self, name: str) -> list[Path]:
        return [folder for folder in self.inventory.folders() if folder.name == name]

    def current_fingerprint(self, key: str) -> str | None:
        # Many cached files share a dependency (a package's __init__, a folder's listing):
        # each is fingerprinted once per run.
        if key not in self._current:
            self._current[key] = self._fingerprint_now(key)
        return self._current[key]

    def _fingerprint_now(self, key: str) -> str | None:
        kind, _, rest = key.partition(":")
        if kind == "file":
            return self.store.digest(Path(rest))
        if kind == "dir":
            listing = self._listings.of(Path(rest))
            return listing_fingerprint(listing.files, listing.folders)
        if kind == "index" and rest in ("modules", "production", "deployment", "files"):
            return self.index_fingerprint(rest)
        return None

    def still_valid(self, dependencies: Dependencies) -> bool:
        return all(
            self.current_fingerprint(key) == fingerprint
            for key, fingerprint in dependencies.items()
        )


class Projects:
    """Every project of a run, each built once, sharing one set of folder listings."""

    def __init__(
        self,
        listings: Listings,
        *,
        use_cache: bool = True,
        cache_dir: Path | None = None,
        worked: dict[Path, Worked] | None = None,
        shared: SharedSummaries | None = None,
    ) -> None:
        self.listings = listings
        self._use_cache = use_cache
        self._cache_dir = cache_dir
        self._worked = worked or {}
        self._shared = shared
        self._projects: dict[Path, Project] = {}
        self._stores: dict[Path | None, SummaryStore] = {}

    def for_settings(self, settings: Settings) -> Project:
        project = self._projects.get(settings.root)
        if project is None:
            project = self._projects[settings.root] = Project(
                settings, self.listings, self._store(settings), self._worked.get(settings.root)
            )
        return project

    def worked(self) -> dict[Path, Worked]:
        """What this process worked out about each project, for pool workers."""
        return {root: project.worked() for root, project in self._projects.items()}

    def for_path(self, path: Path) -> Project:
        return self.for_settings(self.listings.resolver.for_path(path))

    def _store(self, settings: Settings) -> SummaryStore:
        folder = (self._cache_dir or settings.root / CACHE_DIR_NAME) if self._use_cache else None
        store = self._stores.get(folder)
        if store is None:
            file = folder / STORE_NAME if folder is not None else None
            store = self._stores[folder] = SummaryStore(
                file, settings.config.max_file_size, self._shared
            )
        return store

    def stores(self) -> list[SummaryStore]:
        return list(self._stores.values())

    def save(self) -> None:
        for store in self._stores.values():
            store.save()


def _hash_helpers_of(data: bytes) -> list[str]:
    if not any(word in data for word in HASH_WORDS):
        return []
    return sorted(hash_helpers_of(data))
