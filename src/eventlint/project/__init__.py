"""The project model: every fact about *other* files, gathered in one place, lazily.

One :class:`Project` per project root (see ``eventlint.paths``) is built once per run by the
runner (once per process by the flake8 plugin). It owns the file inventory (from the run's
shared folder listings), the layout (import roots), one module index with class resolution
merged in, the raise-site index and the per-module summaries kept between runs. Rules reach
it as ``context.project`` (a :class:`ProjectView` bound to the file being linted); nothing in
``rules/`` walks the file system or reads another file.

Every query records what it consulted (``dependencies``), so the results cache keys a file's
findings on exactly the modules, folders and project-wide indexes they depended on.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

from eventlint import globs, paths, sourcefile
from eventlint.cache_folder import CACHE_DIR_NAME
from eventlint.config import Settings
from eventlint.project.dependencies import (
    Dependencies,
    Recorder,
    dir_key,
    file_key,
    index_key,
    listing_fingerprint,
)
from eventlint.project.deployment import COMPOSE_FILE, ReadyFolder, ready_folders
from eventlint.project.inventory import (
    MODULE_SUFFIXES,
    NATIVE_SOURCE_SUFFIXES,
    FileInventory,
    Listings,
)
from eventlint.project.layout import (
    ProjectLayout,
    PytestConfig,
    build_layout,
    expand_testpaths,
    read_pytest_config,
)
from eventlint.project.linted_file import LintedFile
from eventlint.project.modules import ClassInfo, ModuleIndex
from eventlint.project.raises import RaiseIndex
from eventlint.project.readers import hash_helpers_of
from eventlint.project.readers import kafka as kafka_reader
from eventlint.project.readers.hash_helpers import HASH_WORDS
from eventlint.project.store import STORE_NAME, SummaryStore, identity_of
from eventlint.project.summaries import FixtureSummary, KafkaSummary, ModuleSummary

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Worked:
    """What the run's parent process already worked out about a project, handed to pool
    workers so that each need not work it out again (picklable)."""

    hash_helper_names: frozenset[str] | None = None


class Project:
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
    def raises(self) -> RaiseIndex:
        return RaiseIndex(
            self.modules,
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
        """Import names of the libraries the project declares it depends on (distribution
        names normalised: ``confluent-kafka`` is ``confluent_kafka``); never its own."""
        names: set[str] = set()
        own: set[str] = set()
        for folder in (self.root, *self.inventory.sub_projects(("pyproject.toml",))):
            document = _toml(folder / "pyproject.toml")
            project = document.get("project")
            if isinstance(project, dict):
                if isinstance(project.get("name"), str):
                    own.add(_normal(project["name"]))
                names |= _requirements(project.get("dependencies"))
                extras = project.get("optional-dependencies")
                if isinstance(extras, dict):
                    for group in extras.values():
                        names |= _requirements(group)
            groups = document.get("dependency-groups")
            if isinstance(groups, dict):
                for group in groups.values():
                    names |= _requirements(group)
            poetry = document.get("tool", {})
            poetry = poetry.get("poetry", {}) if isinstance(poetry, dict) else {}
            if isinstance(poetry, dict):
                for key in ("dependencies", "dev-dependencies"):
                    table = poetry.get(key)
                    if isinstance(table, dict):
                        names |= {_normal(name) for name in table if name != "python"}
        return frozenset(names - own)

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

    def view(self, file: Path, text: str) -> ProjectView:
        return ProjectView(self, file, text)


class ProjectView:
    """The project as one file's rules see it: questions are asked from that file (its
    imports, its import roots), and what they read is recorded for its cache entry."""

    def __init__(self, project: Project, file: Path, text: str) -> None:
        self.project = project
        self.file = file
        self._text = text

    @cached_property
    def own(self) -> LintedFile:
        """This file as the linted text says (which may differ from the disk mid-fix)."""
        return LintedFile(self._text)

    @property
    def modules(self) -> ModuleIndex:
        return self.project.modules

    @property
    def raises(self) -> RaiseIndex:
        return self.project.raises

    @property
    def roots(self) -> tuple[Path, ...]:
        return self.modules.roots_for(self.file)

    def resolve_class(self, spelled: str) -> ClassInfo | None:
        """The class a dotted name written in this file refers to, wherever it is defined."""
        return self.modules.resolve_class(spelled, self.file, self.own.summary)

    def module_name(self) -> str | None:
        return self._module_name

    @cached_property
    def _module_name(self) -> str | None:
        # Asked for every call a rule resolves; the view lives for one file's lint, whose
        # recording holds what the first answer read.
        return self.modules.module_name(self.file)

    def is_first_party(self, top: str) -> bool:
        return self.modules.is_first_party(top, self.roots)

    def pytest_config_of(self, file: Path) -> PytestConfig | None:
        """The pytest config ``file`` holds, if it is the one pytest reads in its folder."""
        folder = file.parent
        listing = self.project.inventory.listing(folder)
        self.project.recorder.note(
            dir_key(folder), listing_fingerprint(listing.files, listing.folders)
        )
        config = read_pytest_config(folder)
        return config if config is not None and config.path == file else None

    def testpath_exists(self, base: Path, entry: str) -> bool:
        """Whether a ``testpaths`` entry names something, as pytest globs it."""
        found = expand_testpaths(base, entry)
        for path in found:
            listing = self.project.inventory.listing(path.parent)
            self.project.recorder.note(
                dir_key(path.parent), listing_fingerprint(listing.files, listing.folders)
            )
        if any(char in entry for char in "*?["):
            self.project.recorder.note(
                index_key("modules"), self.project.index_fingerprint("modules")
            )
        return any(os.path.lexists(path) for path in found)

    # -- files by name, for references to tests (EVT305) -----------------------------------

    def exists(self, path: Path) -> bool:
        """Whether ``path`` exists (any kind of entry), recording its folder's listing."""
        folder = path.parent
        if self.project.inventory.contains(folder):
            listing = self.project.inventory.listing(folder)
            self.project.recorder.note(
                dir_key(folder), listing_fingerprint(listing.files, listing.folders)
            )
        return os.path.lexists(path)

    def project_files(self) -> list[Path]:
        """Every listed file of the project (excluded folders and virtualenvs left out)."""
        self._note_files()
        return list(self.project.inventory.all_files())

    def files_named(self, name: str) -> list[Path]:
        self._note_files()
        return self.project.files_named(name)

    def folders_named(self, name: str) -> list[Path]:
        self._note_files()
        return self.project.folders_named(name)

    def read_text_of(self, path: Path) -> bytes | None:
        """Another file's bytes (None when unreadable), recorded by content."""
        try:
            data = sourcefile.read(path, self.project.store.max_bytes)
        except sourcefile.SourceError:
            self.project.recorder.note(file_key(path), "")  # what the store says of it too
            return None
        self.project.recorder.note(file_key(path), sourcefile.content_digest(data))
        return data

    def _note_files(self) -> None:
        self.project.recorder.note(index_key("files"), self.project.index_fingerprint("files"))

    def hash_helper(self, qualified: str) -> tuple[int, ...] | None:
        """The hashed parameter positions of a project function that returns a digest of
        its arguments (``fingerprint_of(value)``), by its qualified name."""
        found = self._definer(qualified)
        if found is None:
            return None
        summary, name = found
        helpers = self.own.hash_helpers if summary is None else summary.hash_helpers
        return helpers.get(name)

    def kafka_helper(self, qualified: str) -> KafkaHelper | None:
        """Whether a project function, by its qualified name, checks Kafka topics (or waits
        for a consumer's assignment), and whether it waits for the assignment."""
        found = self._definer(qualified, readable=_MAY_CHECK_TOPICS)
        if found is None:
            return None
        summary, name = found
        kafka = self.own.kafka if summary is None else summary.kafka
        if name not in kafka.ready:
            return None
        return KafkaHelper(waits_for_assignment=name in kafka.waits_for_assignment)

    def _definer(
        self, qualified: str, readable: _ByteTest | None = None
    ) -> tuple[ModuleSummary | None, str] | None:
        """The summary of the first-party module that defines ``qualified`` (None when it is
        this module: ask ``own``), and the name in it. ``readable``, a test of the module's
        bytes, rules out modules that cannot hold the answer before they are summarised: the
        Kafka rules ask about every call a consumer's module makes."""
        own = self.module_name()
        if qualified.startswith("."):
            resolved = self.modules.resolve_relative(qualified, self.file)
            if resolved is None:
                return None
            qualified = resolved
        module, _, name = qualified.rpartition(".")
        if not module or module == own:
            return None, name
        if not self.is_first_party(module.split(".")[0]):
            return None
        location = self.modules.locate(module, self.roots)
        if location is None:
            return None
        for source in location.sources:
            if readable is not None and not self.modules.fact(source, readable.name, readable.test):
                continue
            summary = self.modules.summary(source)
            if name in summary.defined or name in summary.imported:
                return summary, name
        return None

    def ready_by_deployment(self) -> str | None:
        """What makes this file's Kafka topics ready before it runs, if the deployment does:
        a compose job (named in the answer) or the ``ready-by-deployment`` option."""
        settings = self.project.settings
        if globs.matches_any(
            settings.config.kafka.ready_by_deployment, settings.relative(self.file)
        ):
            return "ready-by-deployment"
        self.project.recorder.note(
            index_key("deployment"), self.project.index_fingerprint("deployment")
        )
        for ready in self.project.deployment:
            if ready.folder in self.file.parents:
                return f"{ready.compose_file.name}: {ready.service} after {ready.job}"
        return None

    def fixtures_make_topics_ready(
        self, requested: Collection[str], configured: frozenset[str]
    ) -> bool:
        """Whether a test requesting these fixtures (or any autouse fixture in its reach) has
        its Kafka topics checked or created first. Fixtures are found as pytest finds them:
        this module, the ``conftest.py`` files from its folder up to the project root, and
        the ``pytest_plugins`` modules those name."""
        definitions: dict[str, tuple[FixtureSummary, _FixtureModule]] = {}
        for module in self._fixture_modules():
            for name, fixture in module.kafka.fixtures.items():
                definitions.setdefault(name, (fixture, module))  # the nearest one wins
        ready: dict[str, bool] = {}

        def is_ready(name: str, depth: int = 0) -> bool:
            if name in ready or depth > 8:
                return ready.get(name, False)
            ready[name] = False  # a cycle is not readiness
            found = definitions.get(name)
            if found is not None:
                fixture, module = found
                ready[name] = (
                    fixture.ready
                    or any(self._call_is_ready(call, module, configured) for call in fixture.calls)
                    or any(is_ready(request, depth + 1) for request in fixture.requests)
                )
            return ready[name]

        autouse = [name for name, (fixture, _) in definitions.items() if fixture.autouse]
        return any(is_ready(name) for name in (*requested, *autouse))

    def _call_is_ready(
        self, spelled: str, module: _FixtureModule, configured: frozenset[str]
    ) -> bool:
        if spelled.rsplit(".", 1)[-1] in configured:
            return True
        head, _, rest = spelled.partition(".")
        target = module.imports.get(head)
        if target is None or target.startswith("."):
            return False
        qualified = f"{target}.{rest}" if rest else target
        return self.kafka_helper(qualified) is not None

    def _fixture_modules(self) -> list[_FixtureModule]:
        found: list[_FixtureModule] = [self.own]
        root = self.project.root
        folder = self.file.parent
        conftests: list[_FixtureModule] = []
        while True:
            listing = self.project.inventory.listing(folder)
            self.project.recorder.note(
                dir_key(folder), listing_fingerprint(listing.files, listing.folders)
            )
            if "conftest.py" in listing.files and folder / "conftest.py" != self.file:
                conftests.append(self.modules.summary(folder / "conftest.py"))
            if folder == root or root not in folder.parents:
                break
            folder = folder.parent
        found += conftests
        for summary in list(found):
            for plugin in summary.kafka.plugins:
                location = self.modules.locate(plugin, self.roots)
                if location is not None:
                    found += [self.modules.summary(source) for source in location.sources]
        return found


@dataclass(frozen=True)
class KafkaHelper:
    waits_for_assignment: bool


class _FixtureModule(Protocol):
    """What fixtures are read from: another module's summary or the linted file's own."""

    @property
    def kafka(self) -> KafkaSummary: ...

    @property
    def imports(self) -> dict[str, str]: ...


class Projects:
    """Every project of a run, each built once, sharing one set of folder listings."""

    def __init__(
        self,
        listings: Listings,
        *,
        use_cache: bool = True,
        cache_dir: Path | None = None,
        worked: dict[Path, Worked] | None = None,
    ) -> None:
        self.listings = listings
        self._use_cache = use_cache
        self._cache_dir = cache_dir
        self._worked = worked or {}
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
            store = self._stores[folder] = SummaryStore(file, settings.config.max_file_size)
        return store

    def stores(self) -> list[SummaryStore]:
        return list(self._stores.values())

    def save(self) -> None:
        for store in self._stores.values():
            store.save()


@dataclass(frozen=True)
class _ByteTest:
    """A test of a file's bytes, kept in the store under its name while the file is
    unchanged."""

    name: str
    test: Callable[[bytes], bool]


_MAY_CHECK_TOPICS = _ByteTest("may-check-topics", kafka_reader.may_check)


def _hash_helpers_of(data: bytes) -> list[str]:
    if not any(word in data for word in HASH_WORDS):
        return []
    return sorted(hash_helpers_of(data))


def _toml(path: Path) -> dict[str, object]:
    if not paths.is_regular_file(path):
        return {}
    try:
        document = tomllib.loads(sourcefile.read(path).decode("utf-8"))
    except (sourcefile.SourceError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return document


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _requirements(entries: object) -> set[str]:
    if not isinstance(entries, list):
        return set()
    found: set[str] = set()
    for entry in entries:
        if isinstance(entry, str) and (match := _REQUIREMENT_NAME.match(entry)):
            found.add(_normal(match.group(1)))
    return found


__all__ = [
    "MODULE_SUFFIXES",
    "ClassInfo",
    "Listings",
    "Project",
    "ProjectView",
    "Projects",
    "Worked",
]
