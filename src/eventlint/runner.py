"""Runs the engine over files for the CLI: read, check or fix, write back safely."""

from __future__ import annotations

import difflib
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from eventlint import sourcefile
from eventlint.analysis.project import ProjectIndex
from eventlint.analysis.summary_store import STORE_NAME, Entry, SummaryStore
from eventlint.cache import CACHE_DIR_NAME, ResultsCache
from eventlint.config import CliOverrides, ConfigResolver
from eventlint.discovery import CONFIG_FILE_NAMES, SourcePath
from eventlint.engine import Engine, syntax_error_finding
from eventlint.finding import Finding, Fix
from eventlint.rules import known_codes
from eventlint.rules.stale_imports.pytest_config import check_pytest_config


@dataclass
class FileResult:
    display: str
    findings: list[Finding] = field(default_factory=list)
    fixed: int = 0
    diff: str = ""
    warnings: list[str] = field(default_factory=list)
    # Module summaries a pool worker read, for the parent to store (see summary_store).
    summaries: dict[str, Entry] = field(default_factory=dict)


@dataclass(frozen=True)
class Mode:
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False  # compute fixes, print them, write nothing


def _read(source: SourcePath, result: FileResult) -> bytes | None:
    """The file's bytes, or None with a warning on the result (an unreadable file is skipped)."""
    try:
        return sourcefile.read(source.path)
    except sourcefile.SourceError as error:
        result.warnings.append(f"{source.display}: {error}; skipped")
        return None


def triage(
    engine: Engine, source: SourcePath, mode: Mode, cache: ResultsCache | None
) -> FileResult | None:
    """The result when it is known without linting (unreadable, no trigger word, or a cache
    hit); None when the file must be linted."""
    result = FileResult(source.display)
    if source.path.name in CONFIG_FILE_NAMES:
        result.findings = check_pytest_config(
            source.path, source.display, engine.resolver.for_path(source.path)
        )
        return result
    data = _read(source, result)
    if data is None:
        return result
    selection = engine.select(source.path)
    # Most files contain none of the words any rule looks for: skip them before decoding.
    if not selection.rules or not selection.may_fire(data):
        return result
    if cache is not None and not (mode.fix or mode.diff):
        cached = cache.get(selection.settings, source.path, source.display, data)
        if cached is not None:
            result.findings = cached
            return result
    return None


def lint_file(
    engine: Engine, source: SourcePath, mode: Mode, cache: ResultsCache | None = None
) -> FileResult:
    """Lint (and fix, by the mode) a file that triage could not settle."""
    result = FileResult(source.display)
    data = _read(source, result)
    if data is None:
        return result
    selection = engine.select(source.path)
    try:
        decoded = sourcefile.decode(data)
    except sourcefile.SourceError as error:
        if selection.report_syntax_errors:
            result.findings.append(syntax_error_finding(source.display, str(error)))
        return result
    if not (mode.fix or mode.diff):
        if cache is None:
            result.findings = engine.lint_text(decoded.text, source.path, source.display)
            return result
        findings, read_other_files = engine.lint_for_cache(
            decoded.text, source.path, source.display
        )
        cache.put(selection.settings, source.path, data, findings, read_other_files)
        result.findings = findings
        return result
    outcome = engine.fix_text(decoded.text, source.path, source.display, unsafe=mode.unsafe_fixes)
    result.findings = outcome.findings
    if outcome.refused:
        result.warnings.append(f"{source.display}: {outcome.refused}")
    if outcome.text == decoded.text:
        return result
    try:
        new_data = decoded.encode(outcome.text)
    except UnicodeEncodeError:
        result.warnings.append(
            f"{source.display}: the fixed code cannot be encoded as {decoded.encoding}; not written"
        )
        result.findings = engine.lint_text(decoded.text, source.path, source.display)
        return result
    result.fixed = outcome.applied
    if mode.diff:
        result.diff = "".join(
            difflib.unified_diff(
                decoded.text.splitlines(keepends=True),
                outcome.text.splitlines(keepends=True),
                fromfile=f"a/{source.display}",
                tofile=f"b/{source.display}",
            )
        )
        # Nothing is written, so what the diff would fix is still there.
        result.findings = engine.lint_text(decoded.text, source.path, source.display)
        return result
    try:
        sourcefile.write_atomically(source.path, new_data)
    except OSError as error:
        result.warnings.append(f"{source.display}: cannot write the fix: {error}")
        result.fixed = 0
        result.findings = engine.lint_text(decoded.text, source.path, source.display)
    return result


@dataclass(frozen=True)
class EngineSettings:
    """What a worker process needs to build the same engine as the parent (picklable)."""

    config_file: Path | None = None
    overrides: CliOverrides = CliOverrides()
    cache: bool = True
    cache_dir: Path | None = None
    summary_store: Path | None = None  # where the module index keeps what it read

    def project_index(self) -> ProjectIndex:
        return ProjectIndex(SummaryStore(self.summary_store if self.cache else None))

    def results_cache(self) -> ResultsCache | None:
        return ResultsCache(self.cache_dir) if self.cache else None

    def resolver(self) -> ConfigResolver:
        return ConfigResolver(known_codes(), config_file=self.config_file, overrides=self.overrides)


# Below this many files, starting processes costs more than it saves.
PARALLEL_THRESHOLD = 32
_worker_engine: Engine | None = None
_worker_cache: ResultsCache | None = None


def _exit_with_parent(parent: int) -> None:
    # Workers share the task pipe, so none sees it close when the parent is killed
    # (SIGKILL, OOM): without this they would wait forever.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _start_worker(settings: EngineSettings) -> None:
    global _worker_engine, _worker_cache
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _worker_engine = Engine(settings.resolver(), settings.project_index())
    _worker_cache = settings.results_cache()


def _run_in_worker(job: tuple[SourcePath, Mode]) -> FileResult:
    assert _worker_engine is not None
    result = lint_file(_worker_engine, *job, cache=_worker_cache)
    result.summaries = _worker_engine.project.summaries.drain()
    # Fixes hold libcst trees; the parent only needs to know that (and how safely) a
    # finding is fixable.
    result.findings = [
        replace(finding, fix=Fix(finding.fix.applicability, ())) if finding.fix else finding
        for finding in result.findings
    ]
    return result


def run_files(
    settings: EngineSettings,
    resolver: ConfigResolver,
    sources: Sequence[SourcePath],
    mode: Mode,
    *,
    jobs: int = 1,
) -> list[FileResult]:
    """Results in the order of ``sources``, whatever the pool did.

    The parent first settles what needs no linting (no trigger word, a cache hit), so a warm
    run starts no pool at all; only the rest goes to the workers.
    """
    if sources and settings.cache and settings.summary_store is None:
        # One store per run, in the cache folder of the first file's project.
        folder = settings.cache_dir or resolver.for_path(sources[0].path).root / CACHE_DIR_NAME
        settings = replace(settings, summary_store=folder / STORE_NAME)
    engine = Engine(resolver, settings.project_index())
    cache = settings.results_cache()
    results = [triage(engine, source, mode, cache) for source in sources]
    pending = [index for index, result in enumerate(results) if result is None]
    if jobs <= 1 or len(pending) < PARALLEL_THRESHOLD:
        for index in pending:
            results[index] = lint_file(engine, sources[index], mode, cache)
    else:
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_start_worker, initargs=(settings,)
        ) as pool:
            jobs_list = [(sources[index], mode) for index in pending]
            for index, result in zip(pending, pool.map(_run_in_worker, jobs_list, chunksize=4)):
                results[index] = result
                engine.project.summaries.absorb(result.summaries)
    engine.project.summaries.save()
    return [result for result in results if result is not None]
