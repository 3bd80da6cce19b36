"""The flake8 front door: ``flake8 --select EVT``.

flake8 hands over the file's name, its lines and the ``ast`` tree it parsed; the engine
judges that tree (nothing is parsed twice) and reports exactly what the CLI reports. What is
judged is always flake8's text: the saved file when flake8 read it, the buffer when it came
on stdin (``--stdin-display-name``), never a file on disk that differs from it. flake8
applies ``# noqa`` and its own select/ignore; the plugin applies ``[tool.eventlint]`` (which
flake8 cannot read) for rule options, per-file ignores and off-by-default rules. No fixes
under flake8.

A bad ``[tool.eventlint]`` is reported as an EVT000 finding, once per flake8 process, never by
exiting: flake8 runs plugins in a multiprocessing pool, and a worker that exits makes flake8
wait forever.
"""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

# ``python -m flake8`` puts the working directory first on sys.path: a linted project's own
# ``pydantic.py`` or ``libcst/`` would be imported in place of eventlint's dependencies (and
# run). Import them, and every rule module, without that entry; then put it back for flake8.
_SAVED_PATH = list(sys.path)
sys.path[:] = [entry for entry in sys.path if entry not in ("", os.getcwd())]
try:
    from eventlint import __version__, parsing, paths, sourcefile
    from eventlint.config import ConfigError, ConfigResolver
    from eventlint.engine import Engine
    from eventlint.rules import all_rules, known_codes

    all_rules()
finally:
    sys.path[:] = _SAVED_PATH

_STDIN_NAMES = frozenset({"-", "stdin", "<stdin>"})
Result = tuple[int, int, str, type[Any]]


class EventlintChecker:
    name = "eventlint"
    version = __version__

    _engine: ClassVar[Engine | None] = None
    _config_error_reported: ClassVar[bool] = False

    # flake8 classifies plugins by their parameters and refuses one that asks for none of
    # ``tree``, ``logical_line`` or ``physical_line``; the tree is the one the rules judge.
    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def engine(cls) -> Engine:
        if cls._engine is None:
            cls._engine = Engine(ConfigResolver(known_codes()))
        return cls._engine

    def _text(self, path: Path) -> str | Result:
        """flake8's text, checked against the file as the CLI decodes it (flake8 falls back to
        latin-1 where Python would refuse the file: EVT001 then, as from the CLI)."""
        given = "".join(self.lines)
        if self.filename in _STDIN_NAMES or not paths.is_regular_file(path):
            return given
        try:
            saved = sourcefile.decode(sourcefile.read(path, max_bytes=None)).text
        except sourcefile.SourceError as error:
            return (1, 0, f"{parsing.SYNTAX_ERROR} {error}", type(self))
        # The same file, or a buffer flake8 read from stdin under this file's name.
        return saved if saved == given or _same_lines(saved, given) else given

    def run(self) -> Iterator[Result]:
        path = (
            Path(os.getcwd(), "stdin.py") if self.filename in _STDIN_NAMES else Path(self.filename)
        )
        try:
            engine = self.engine()
            text = self._text(path)
            if not isinstance(text, str):
                if parsing.SYNTAX_ERROR in engine.resolver.for_path(path).codes_for(path):
                    yield text
                return
            limit = engine.resolver.for_path(path).config.max_file_size
            if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
                return  # as the CLI: a file over max-file-size is not linted
            # flake8's tree is of its lines: the same positions as the saved text's.
            same = _same_lines(text, "".join(self.lines))
            tree = self.tree if isinstance(self.tree, ast.Module) and same else None
            findings = engine.lint_text(text, path, self.filename, honour_noqa=False, tree=tree)
        except ConfigError as error:
            if not EventlintChecker._config_error_reported:
                EventlintChecker._config_error_reported = True
                yield 1, 0, f"EVT000 eventlint configuration error: {error}", type(self)
            return
        for finding in findings:
            # flake8 columns are 0-based offsets; it adds 1 when it prints them.
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)


def _same_lines(saved: str, given: str) -> bool:
    """flake8 reads lines with universal newlines: ``\r\n`` or a lone ``\r`` in the file
    come as ``\n``. The saved text keeps its own line ends (positions and fixes need them)."""
    return saved.replace("\r\n", "\n").replace("\r", "\n") == given.replace("\r\n", "\n")
