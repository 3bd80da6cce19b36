"""The project as one file's rules see it: :class:`ProjectView`.

Questions are asked from the linted file (its imports, its import roots, its own text, which
may differ from the disk mid-fix), and what they read is recorded for its cache entry. Rules
reach it as ``context.project``; nothing in ``rules/`` walks the file system or reads another
file. Queries about one kind of fact that need more than a few lines live in their own module
(``kafka``) and the view hands them itself.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Collection
from functools import cached_property
from pathlib import Path

from eventlint import sourcefile
from eventlint.project import kafka
from eventlint.project.classes import ClassInfo
from eventlint.project.dependencies import dir_key, file_key, index_key, listing_fingerprint
from eventlint.project.generated import GeneratedModules
from eventlint.project.kafka import KafkaHelper
from eventlint.project.layout import PytestConfig, expand_testpaths, read_pytest_config
from eventlint.project.linted_file import LintedFile
from eventlint.project.model import Project
from eventlint.project.modules import ByteTest, ModuleIndex
from eventlint.project.raises import RaiseIndex
from eventlint.project.summaries import HashedParameter, ModuleSummary


class ProjectView:
    """The project as one file's rules see it: questions are asked from that file (its
    imports, its import roots), and what they read is recorded for its cache entry."""

    def __init__(self, project: Project, file: Path, text: str) -> None:
        self.project = project
        self.file = file
        self._text = text
        self._tree: Callable[[], ast.Module | None] | None = None

    def take_tree_from(self, tree: Callable[[], ast.Module | None]) -> None:
        """Read the file's own facts from the tree the rules judge (not parsed twice)."""
        self._tree = tree

    @cached_property
    def own(self) -> LintedFile:
        """This file as the linted text says (which may differ from the disk mid-fix)."""
        return LintedFile(self._text, self._tree)

    @property
    def modules(self) -> ModuleIndex:
        return self.project.modules

    @property
    def generated(self) -> GeneratedModules:
        return self.project.generated

    @property
    def raises(self) -> RaiseIndex:
        return self.project.raises

    @property
    def roots(self) -> tuple[Path, ...]:
        return self.modules.roots_for(self.file)

    def resolve_class(self, spelled: str) -> ClassInfo | None:
        """The class a dotted name written in this file refers to, wherever it is defined."""
        return self.project.classes.resolve_class(spelled, self.file, self.own.summary)

    def class_named(self, qualified: str) -> ClassInfo | None:
        """The class of a qualified name (``orders.events.OrderPlaced``), from this file's
        import roots."""
        return self.project.classes.class_named(qualified, self.roots)

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

    def hash_helper(self, qualified: str) -> tuple[HashedParameter, ...] | None:
        """The parameters a project function that returns a digest of its arguments
        (``fingerprint_of(value)``) hashes whole, by its qualified name."""
        found = self.definer(qualified)
        if found is None:
            return None
        summary, name = found
        helpers = self.own.hash_helpers if summary is None else summary.hash_helpers
        return helpers.get(name)

    def definer(
        self, qualified: str, readable: ByteTest | None = None
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

    # -- Kafka readiness (the queries are in ``kafka``) ------------------------------------

    def consumer_fixtures(self) -> frozenset[str]:
        """Fixtures of ``conftest.py`` files and ``pytest_plugins`` modules in this file's
        reach that construct a Kafka consumer."""
        return frozenset(self._consumer_fixtures)

    @cached_property
    def _consumer_fixtures(self) -> dict[str, Path]:
        # Asked by EVT404's pre-check and again by its analysis: the view lives for one
        # file's lint, whose recording holds what the first answer read.
        return kafka.consumer_fixtures(self)

    def fixture_source(self, name: str) -> tuple[Path, bytes] | None:
        """The file and text of the module (a ``conftest.py``, a ``pytest_plugins`` module)
        that defines consumer fixture ``name`` for this file; its content is recorded."""
        path = self._consumer_fixtures.get(name)
        if path is None:
            return None
        data = self.read_text_of(path)
        return None if data is None else (path, data)

    def kafka_helper(self, qualified: str) -> KafkaHelper | None:
        """Whether a project function, by its qualified name, checks Kafka topics (or waits
        for a consumer's assignment), and whether it waits for the assignment."""
        return kafka.kafka_helper(self, qualified)

    def ready_by_deployment(self) -> str | None:
        """What makes this file's Kafka topics ready before it runs, if the deployment does."""
        return kafka.ready_by_deployment(self)

    def fixtures_make_topics_ready(
        self, requested: Collection[str], configured: frozenset[str]
    ) -> bool:
        """Whether a test requesting these fixtures (or any autouse fixture in its reach) has
        its Kafka topics checked or created first."""
        return kafka.fixtures_make_topics_ready(self, requested, configured)
