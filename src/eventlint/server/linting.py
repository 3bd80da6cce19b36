"""The engine as the server uses it: one buffer at a time, linted as its path.

A :class:`Buffer` is a snapshot of an open document (its text and version when it was
taken). The :class:`Linter` owns the engine and is confined to the server's one lint thread:
everything here may take long (a large file, the project model built on first use) and none
of it runs on the event loop. The buffer is linted, never the file saved at its path; the
path decides the configuration, whether it is a test file and its module, and every fact
about *other* files comes from the project on disk, as with ``--stdin-filename``.
:meth:`Linter.rebuild` starts over (configuration and project model read again), for when a
file on disk changed.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from eventlint import paths
from eventlint.config import CliOverrides
from eventlint.engine import Engine, LintPass
from eventlint.file_kinds import PYTHON, kind_of
from eventlint.finding import Finding
from eventlint.runner import EngineSettings

# Linted although their names say nothing: an editor says the buffer is Python.
PYTHON_LANGUAGE_IDS = frozenset({"python"})


@dataclass(frozen=True)
class Buffer:
    """An open document as it was when the snapshot was taken."""

    uri: str
    path: Path
    text: str
    version: int | None
    kind: str

    @property
    def display(self) -> str:
        return str(self.path)


def kind_of_buffer(path: Path, language_id: str | None) -> str | None:
    """The kind of file an open document is, or None when eventlint reads no such file (a
    text file, a stub): a file no rule reads, that the editor says is Python, is Python."""
    if path.name.endswith(".pyi"):
        return None
    return kind_of(path) or (PYTHON if language_id in PYTHON_LANGUAGE_IDS else None)


# Lints kept for the code actions of the versions the editor shows: one per document
# recently linted (each holds its tree, and its libcst tree once a fix was asked for).
_KEPT_RUNS = 4


class Linter:
    """The engine, rebuilt when what it read from disk may have changed, and the last lint
    of the documents linted most recently: the code actions for the diagnostics the editor
    shows reuse it instead of linting the same text again."""

    def __init__(self) -> None:
        self.engine = self._build()
        self._runs: OrderedDict[str, tuple[str, str, LintPass]] = OrderedDict()

    @staticmethod
    def _build() -> Engine:
        settings = EngineSettings(cache=False, config_file=None, overrides=CliOverrides())
        return settings.engine(settings.resolver())

    def rebuild(self) -> None:
        """Read the configuration and the project again (a pyproject.toml or another file
        changed on disk). Raises nothing: a bad configuration is found when a buffer is
        linted."""
        paths._base_of.cache_clear()
        self.engine = self._build()
        self._runs.clear()  # their cross-file facts may be stale

    def excluded(self, buffer: Buffer) -> bool:
        """Whether the configuration excludes the buffer's path (as ``--force-exclude``
        does for a file named on the command line): then it is not linted."""
        settings = self.engine.resolver.for_path(buffer.path)
        return settings.is_excluded(buffer.path, with_ancestors=True)

    def lint(self, buffer: Buffer) -> list[Finding]:
        """The buffer's findings; ConfigError when its configuration is invalid."""
        if self.excluded(buffer):
            return []
        return self._run(buffer).findings

    def _run(self, buffer: Buffer) -> LintPass:
        """The lint of the buffer's text: the one kept, when the text is the same."""
        kept = self._runs.get(buffer.uri)
        if kept is not None and kept[0] == buffer.text and kept[1] == buffer.kind:
            self._runs.move_to_end(buffer.uri)
            return kept[2]
        run = self.engine.lint(buffer.text, buffer.path, buffer.display, kind=buffer.kind)
        self._runs[buffer.uri] = (buffer.text, buffer.kind, run)
        self._runs.move_to_end(buffer.uri)
        while len(self._runs) > _KEPT_RUNS:
            self._runs.popitem(last=False)
        return run

    def fix_finding(self, buffer: Buffer, finding: Finding) -> str | None:
        """The buffer with only ``finding``'s fix applied, or None when it cannot be."""
        if self.excluded(buffer):
            return None
        return self.engine.fix_finding(
            buffer.text, buffer.path, buffer.display, finding, kind=buffer.kind,
            run=self._run(buffer),
        )  # fmt: skip

    def fix_all_safe(self, buffer: Buffer) -> str:
        """The buffer with every safe fix applied (as ``--fix``), unchanged when none does."""
        if self.excluded(buffer):
            return buffer.text
        outcome = self.engine.fix_text(
            buffer.text, buffer.path, buffer.display, unsafe=False, kind=buffer.kind,
            first=self._run(buffer),
        )  # fmt: skip
        return outcome.text


def path_of(uri_path: str | None) -> Path | None:
    """The absolute path of a document's ``file:`` URI (pygls decodes it); None for other
    schemes (an unsaved buffer has no path to take configuration from)."""
    if not uri_path:
        return None
    return Path(os.path.abspath(uri_path))
