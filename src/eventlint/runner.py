"""Runs the engine over files for the CLI: read, check or fix, write back safely.

Files go to a process pool when there are enough of them. A worker that dies (libcst's
native parser, used for fixes, can take the process down on input its guard did not foresee)
costs only the files it held: the pool is replaced, those files are retried one by one in a fresh
worker, and a file that kills its worker again is reported as EVT002. No
``BrokenProcessPool`` reaches the user.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from eventlint import diffs, parsing, sourcefile
from eventlint.cache import ResultsCache
from eventlint.config import CliOverrides, ConfigResolver
from eventlint.discovery import SourcePath
from eventlint.engine import Engine
from eventlint.file_kinds import PYTHON
from eventlint.finding import Applicability, Finding, Fix
from eventlint.process import install_termination_handler, tune_garbage_collector
from eventlint.project import Listings, Projects, Worked
from eventlint.project.inventory import Listing
from eventlint.project.shared_summaries import SharedSummaries
from eventlint.project.store import Entry
from eventlint.reports import engine_finding
from eventlint.rules import known_codes


@dataclass
class FileResult:
    display: str
    findings: list[Finding] = field(default_factory=list)
    fixed: int = 0
    fixed_codes: tuple[str, ...] = ()  # the code of each finding fixed, for --show-fixes
    # Remaining findings naming a moved module whose other references were fixed (written).
    left_behind: tuple[Finding, ...] = ()
    diff: bytes = b""
    warnings: list[str] = field(default_factory=list)
    # Module summaries a pool worker read, for the parent to store (see project.store).
    summaries: dict[str, dict[str, Entry]] = field(default_factory=dict)


@dataclass(frozen=True)
class Mode:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False  # compute fixes, print them, write nothing


def _snapshot(engine: Engine, source: SourcePath, result: FileResult) -> sourcefile.Snapshot | None:
    """The file as read, or None with a warning on the result (the file is skipped)."""
    limit = engine.resolver.for_path(source.path).config.max_file_size
    try:
        return sourcefile.snapshot(source.path, limit)
    except sourcefile.SourceError as error:
        result.warnings.append(f"{source.display}: {error}; skipped")
        return None


def triage(
    engine: Engine, source: SourcePath, mode: Mode, cache: ResultsCache | None
) -> FileResult | None:
    """The result when it is known without linting (unreadable, no trigger word, or a cache
    hit); None when the file must be linted."""
    result = FileResult(source.display)
    read = _snapshot(engine, source, result)
    if read is None:
        return result
    selection = engine.select(source.path, source.kind)
    # Most files contain none of the words any rule looks for: skip them before decoding.
    if not selection.runs_anything or not selection.may_fire(read.data):
        return result
    if cache is not None:
        project = engine.project_for(source.path)
        cached = cache.get(selection.settings, source.path, source.display, read.data, project)
        # A fix run needs the file only when one of its findings has a fix it may apply.
        if cached is not None and not (
            (mode.fix or mode.diff) and any(_applies(finding, mode) for finding in cached)
        ):
            result.findings = cached
            return result
    return None


def _applies(finding: Finding, mode: Mode) -> bool:
    """Whether a fix run in ``mode`` would apply ``finding``'s fix."""
    if finding.fix is None:
        return False
    return mode.unsafe_fixes or finding.fix.applicability is Applicability.SAFE


def lint_file(
    engine: Engine,
    source: SourcePath,
    mode: Mode,
    cache: ResultsCache | None = None,
    within: Sequence[Path] | None = None,
) -> FileResult:
    """Lint (and fix, by the mode) a file that triage could not settle."""
    result = FileResult(source.display)
    read = _snapshot(engine, source, result)
    if read is None:
        return result
    settings = engine.resolver.for_path(source.path)
    try:
        decoded = sourcefile.decode(read.data)
    except sourcefile.SourceError as error:
        if source.kind == PYTHON and parsing.SYNTAX_ERROR in settings.codes_for(source.path):
            result.findings.append(engine_finding(parsing.SYNTAX_ERROR, source.display, str(error)))
        return result
    if not (mode.fix or mode.diff):
        run = engine.lint(decoded.text, source.path, source.display, kind=source.kind)
        if cache is not None:
            cache.put(settings, source.path, read.data, run.findings, run.dependencies)
        result.findings = run.findings
        return result
    outcome = engine.fix_text(
        decoded.text, source.path, source.display, unsafe=mode.unsafe_fixes, kind=source.kind
    )
    result.findings = outcome.findings
    if outcome.refused:
        result.warnings.append(f"{source.display}: {outcome.refused}")
    if outcome.text == decoded.text:
        if cache is not None:
            cache.put(settings, source.path, read.data, outcome.findings, outcome.dependencies)
        return result

    def unfixed() -> list[Finding]:
        return engine.lint_text(decoded.text, source.path, source.display, kind=source.kind)

    try:
        new_data = decoded.encode(outcome.text)
    except UnicodeEncodeError:
        result.warnings.append(
            f"{source.display}: the fixed code cannot be encoded as {decoded.encoding}; not written"
        )
        result.findings = unfixed()
        return result
    result.fixed = outcome.applied
    result.fixed_codes = outcome.applied_codes
    if mode.diff:
        result.diff = diffs.unified(read.data, new_data, source.display)
        # Nothing is written, so what the diff would fix is still there.
        result.findings = unfixed()
        return result
    try:
        sourcefile.write_atomically(source.path, new_data, expected=read, within=within)
        result.left_behind = outcome.left_behind
        if cache is not None:  # what the fixed file still reports: the next run is warm
            cache.put(settings, source.path, new_data, outcome.findings, outcome.dependencies)
    except sourcefile.SourceError as error:
        result.warnings.append(f"{source.display}: {error}")
        result.fixed = 0
        result.fixed_codes = ()
        result.findings = unfixed()
    return result


@dataclass(frozen=True)
class EngineSettings:
    """What a worker process needs to build the same engine as the parent (picklable)."""

    config_file: Path | None = None
    overrides: CliOverrides = field(default_factory=CliOverrides)
    cache: bool = True
    cache_dir: Path | None = None
    within: tuple[Path, ...] | None = None  # the paths given: fixes stay inside them

    def resolver(self) -> ConfigResolver:
        return ConfigResolver(known_codes(), config_file=self.config_file, overrides=self.overrides)

    def engine(
        self,
        resolver: ConfigResolver,
        listings: Listings | None = None,
        worked: dict[Path, Worked] | None = None,
        shared: SharedSummaries | None = None,
    ) -> Engine:
        projects = Projects(
            listings or Listings(resolver),
            use_cache=self.cache,
            cache_dir=self.cache_dir,
            worked=worked,
            shared=shared,
        )
        return Engine(resolver, projects)

    def results_cache(self) -> ResultsCache | None:
        if not self.cache:
            return None
        return ResultsCache(self.cache_dir, frozenset(known_codes()))


# Below this many files, starting processes costs more than it saves.
PARALLEL_THRESHOLD = 32
_worker_engine: Engine | None = None
_worker_cache: ResultsCache | None = None
_worker_settings: EngineSettings | None = None


def _exit_with_parent(parent: int) -> None:
    # Workers share the task pipe, so none sees it close when the parent is killed
    # (SIGKILL, OOM): without this they would wait forever. SIGTERM first, so that a fix
    # being written removes its temporary file; then, if that did not end it, for good.
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
    os._exit(1)


def _start_worker(
    settings: EngineSettings,
    known: dict[Path, Listing],
    worked: dict[Path, Worked],
    shared: SharedSummaries | None,
) -> None:
    global _worker_engine, _worker_cache, _worker_settings
    install_termination_handler()
    tune_garbage_collector()
    # A worker reports through its results (warnings included) and errors reach the parent
    # through the futures. When a sibling dies, multiprocessing tears this one down and
    # prints its traceback: noise the user must not see, since the parent recovers.
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the worker's life
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    resolver = settings.resolver()
    listings = Listings(resolver, known=dict(known))
    _worker_engine = settings.engine(resolver, listings, worked, shared)
    _worker_cache = settings.results_cache()
    _worker_settings = settings


def _run_in_worker(source: SourcePath, mode: Mode) -> FileResult:
    assert _worker_engine is not None and _worker_settings is not None
    result = lint_file(_worker_engine, source, mode, _worker_cache, _worker_settings.within)
    result.summaries = {
        str(store.file): store.drain() for store in _worker_engine.projects.stores() if store.file
    }
    # Fixes hold ast nodes and builders; the parent only needs to know that (and how safely)
    # a finding is fixable.
    result.findings = [_portable(finding) for finding in result.findings]
    result.left_behind = tuple(_portable(finding) for finding in result.left_behind)
    return result


def _portable(finding: Finding) -> Finding:
    return replace(finding, fix=Fix(finding.fix.applicability, ())) if finding.fix else finding


def run_files(
    settings: EngineSettings,
    resolver: ConfigResolver,
    sources: Sequence[SourcePath],
    mode: Mode,
    *,
    jobs: int = 1,
    engine: Engine | None = None,
) -> list[FileResult]:
    """Results in the order of ``sources``, whatever the pool did.

    The parent first settles what needs no linting (no trigger word, a cache hit), so a warm
    run starts no pool at all; only the rest goes to the workers.
    """
    engine = engine or settings.engine(resolver)
    cache = settings.results_cache()
    results = [triage(engine, source, mode, cache) for source in sources]
    pending = [index for index, result in enumerate(results) if result is None]
    if jobs <= 1 or len(pending) < PARALLEL_THRESHOLD:
        for index in pending:
            results[index] = lint_file(engine, sources[index], mode, cache, settings.within)
    else:
        for index, result in _Pool(settings, engine, jobs).run(
            [(index, sources[index]) for index in pending], mode
        ):
            results[index] = result
            for store in engine.projects.stores():
                if store.file is not None:
                    store.absorb(result.summaries.get(str(store.file), {}))
    engine.projects.save()
    return [result for result in results if result is not None]


class _Pool:
    """A process pool that survives workers dying."""

    def __init__(self, settings: EngineSettings, engine: Engine, jobs: int) -> None:
        self._settings = settings
        self._engine = engine
        self._jobs = jobs
        self._shared: SharedSummaries | None = None

    def _executor(self, workers: int) -> ProcessPoolExecutor:
        # Workers are forked from this process: its objects so far (the imported rules, the
        # listings, the project model) move to the collector's permanent generation, so a
        # worker's collections neither walk them nor copy their pages.
        gc.freeze()
        projects = self._engine.projects
        return ProcessPoolExecutor(
            max_workers=workers,
            initializer=_start_worker,
            initargs=(
                self._settings,
                dict(projects.listings.known),
                projects.worked(),
                self._shared,
            ),
        )

    def run(self, jobs: list[tuple[int, SourcePath]], mode: Mode) -> list[tuple[int, FileResult]]:
        done: list[tuple[int, FileResult]] = []
        queue = list(reversed(jobs))
        self._shared = SharedSummaries.create()
        try:
            while queue:
                lost = self._run_until_broken(queue, mode, done)
                for index, source in lost:  # each alone, in a fresh worker
                    done.append((index, self._alone(source, mode)))
        finally:
            if self._shared is not None:
                self._shared.remove()
        return done

    def _run_until_broken(
        self,
        queue: list[tuple[int, SourcePath]],
        mode: Mode,
        done: list[tuple[int, FileResult]],
    ) -> list[tuple[int, SourcePath]]:
        """Run jobs (at most two per worker in flight) until the queue is empty or the pool
        breaks; then return the jobs that were in flight."""
        in_flight: dict[Future[FileResult], tuple[int, SourcePath]] = {}
        with self._executor(self._jobs) as executor:
            try:
                while queue or in_flight:
                    while queue and len(in_flight) < 2 * self._jobs:
                        job = queue.pop()
                        in_flight[executor.submit(_run_in_worker, job[1], mode)] = job
                    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in finished:
                        # The result first: a broken pool raises here, and the job must still
                        # be among those in flight, to be retried.
                        result = future.result()
                        done.append((in_flight.pop(future)[0], result))
            except BrokenProcessPool:
                return list(in_flight.values())
            except BaseException:
                executor.shutdown(wait=True, cancel_futures=True)
                raise
        return []

    def _alone(self, source: SourcePath, mode: Mode) -> FileResult:
        with self._executor(1) as executor:
            try:
                return executor.submit(_run_in_worker, source, mode).result()
            except BrokenProcessPool:
                result = FileResult(source.display)
                codes = self._engine.resolver.for_path(source.path).codes_for(source.path)
                if parsing.NOT_ANALYSABLE in codes:
                    result.findings.append(
                        engine_finding(
                            parsing.NOT_ANALYSABLE,
                            source.display,
                            "eventlint's parser crashed on this file; it was not analysed",
                        )
                    )
                result.warnings.append(f"{source.display}: the parser crashed; skipped")
                return result
