"""Kafka readiness queries: what makes the topics a file's consumers read ready first.

A project function that checks topics or waits for a consumer's assignment (read per module
by ``readers.kafka``), a pytest fixture that does (in this module, the ``conftest.py`` files
above it or the ``pytest_plugins`` they name), or the deployment (a compose job that creates
the topics, or the ``ready-by-deployment`` option). The project view hands itself to these
functions: they ask only what :class:`Asker` offers, and record what they read through it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from eventlint import globs
from eventlint.project.dependencies import dir_key, index_key, listing_fingerprint
from eventlint.project.linted_file import LintedFile
from eventlint.project.model import Project
from eventlint.project.modules import ByteTest, ModuleIndex
from eventlint.project.readers import kafka as kafka_reader
from eventlint.project.summaries import FixtureSummary, KafkaSummary, ModuleSummary


@dataclass(frozen=True)
class KafkaHelper:
    waits_for_assignment: bool


class Asker(Protocol):
    """What the queries need of the project view they are asked through."""

    project: Project
    file: Path

    @property
    def own(self) -> LintedFile: ...

    @property
    def modules(self) -> ModuleIndex: ...

    @property
    def roots(self) -> tuple[Path, ...]: ...

    def definer(
        self, qualified: str, readable: ByteTest | None = None
    ) -> tuple[ModuleSummary | None, str] | None: ...


class _FixtureModule(Protocol):
    """What fixtures are read from: another module's summary or the linted file's own."""

    @property
    def kafka(self) -> KafkaSummary: ...

    @property
    def imports(self) -> dict[str, str]: ...


_MAY_CHECK_TOPICS = ByteTest("may-check-topics", kafka_reader.may_check)


def kafka_helper(asker: Asker, qualified: str) -> KafkaHelper | None:
    """Whether a project function, by its qualified name, checks Kafka topics (or waits for a
    consumer's assignment), and whether it waits for the assignment."""
    found = asker.definer(qualified, readable=_MAY_CHECK_TOPICS)
    if found is None:
        return None
    summary, name = found
    kafka = asker.own.kafka if summary is None else summary.kafka
    if name not in kafka.ready:
        return None
    return KafkaHelper(waits_for_assignment=name in kafka.waits_for_assignment)


def ready_by_deployment(asker: Asker) -> str | None:
    """What makes the file's Kafka topics ready before it runs, if the deployment does: a
    compose job (named in the answer) or the ``ready-by-deployment`` option."""
    project = asker.project
    settings = project.settings
    if globs.matches_any(settings.config.kafka.ready_by_deployment, settings.relative(asker.file)):
        return "ready-by-deployment"
    project.recorder.note(index_key("deployment"), project.index_fingerprint("deployment"))
    for ready in project.deployment:
        if ready.folder in asker.file.parents:
            return f"{ready.compose_file.name}: {ready.service} after {ready.job}"
    return None


def fixtures_make_topics_ready(
    asker: Asker, requested: Collection[str], configured: frozenset[str]
) -> bool:
    """Whether a test requesting these fixtures (or any autouse fixture in its reach) has its
    Kafka topics checked or created first. Fixtures are found as pytest finds them: this
    module, the ``conftest.py`` files from its folder up to the project root, and the
    ``pytest_plugins`` modules those name."""
    definitions: dict[str, tuple[FixtureSummary, _FixtureModule]] = {}
    for module in _fixture_modules(asker):
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
                or any(_call_is_ready(asker, call, module, configured) for call in fixture.calls)
                or any(is_ready(request, depth + 1) for request in fixture.requests)
            )
        return ready[name]

    autouse = [name for name, (fixture, _) in definitions.items() if fixture.autouse]
    return any(is_ready(name) for name in (*requested, *autouse))


def _call_is_ready(
    asker: Asker, spelled: str, module: _FixtureModule, configured: frozenset[str]
) -> bool:
    if spelled.rsplit(".", 1)[-1] in configured:
        return True
    head, _, rest = spelled.partition(".")
    target = module.imports.get(head)
    if target is None or target.startswith("."):
        return False
    qualified = f"{target}.{rest}" if rest else target
    return kafka_helper(asker, qualified) is not None


def _fixture_modules(asker: Asker) -> list[_FixtureModule]:
    return [module for _, module in _fixture_sources(asker)]


def consumer_fixtures(asker: Asker) -> dict[str, Path]:
    """The fixtures another module defines for the linted file that construct a consumer,
    with that module's file. As pytest finds them: the nearest definition of a name wins (the
    linted file's own, then the ``conftest.py`` files up to the project root, then the
    ``pytest_plugins`` modules they name), so a nearer one that makes no consumer hides it."""
    nearest: dict[str, tuple[Path | None, bool]] = {}
    for path, module in _fixture_sources(asker):
        for name, fixture in module.kafka.fixtures.items():
            nearest.setdefault(name, (path, fixture.makes_consumer))
    return {
        name: path
        for name, (path, makes_consumer) in nearest.items()
        if makes_consumer and path is not None
    }


def _fixture_sources(asker: Asker) -> list[tuple[Path | None, _FixtureModule]]:
    """The modules fixtures come from, nearest first, with their files (None: the linted
    file itself)."""
    project, modules = asker.project, asker.modules
    found: list[tuple[Path | None, _FixtureModule]] = [(None, asker.own)]
    root = project.root
    folder = asker.file.parent
    conftests: list[tuple[Path | None, _FixtureModule]] = []
    while True:
        listing = project.inventory.listing(folder)
        project.recorder.note(dir_key(folder), listing_fingerprint(listing.files, listing.folders))
        if "conftest.py" in listing.files and folder / "conftest.py" != asker.file:
            conftest = folder / "conftest.py"
            conftests.append((conftest, modules.summary(conftest)))
        if folder == root or root not in folder.parents:
            break
        folder = folder.parent
    found += conftests
    for _, summary in list(found):
        for plugin in summary.kafka.plugins:
            location = modules.locate(plugin, asker.roots)
            if location is not None:
                found += [(source, modules.summary(source)) for source in location.sources]
    return found
