"""The flake8 front door: ``flake8 --select EVT``.

flake8 hands over the file's lines and name; the engine parses with libcst itself and reports
exactly what the CLI reports. flake8 applies ``# noqa`` and its own select/ignore; the plugin
applies ``[tool.eventlint]`` (which flake8 cannot read) for rule options, per-file ignores and
off-by-default rules. No fixes under flake8.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from eventlint import __version__
from eventlint.config import ConfigError, ConfigResolver
from eventlint.engine import Engine
from eventlint.rules import known_codes

_STDIN_NAMES = frozenset({"-", "stdin", "<stdin>"})


class EventlintChecker:
    name = "eventlint"
    version = __version__

    _engine: ClassVar[Engine | None] = None

    # flake8 classifies plugins by their parameters and refuses one that asks for none of
    # ``tree``, ``logical_line`` or ``physical_line``. ``tree`` costs nothing extra (flake8
    # builds it for pyflakes anyway); the rules need libcst's tree, so it goes unused.
    def __init__(self, tree: object, lines: Sequence[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    @classmethod
    def engine(cls) -> Engine:
        if cls._engine is None:
            try:
                cls._engine = Engine(ConfigResolver(known_codes()))
            except ConfigError as error:
                # flake8 has no channel for "bad configuration": say it once, exit as the CLI.
                sys.stderr.write(f"eventlint: error: {error}\n")
                raise SystemExit(2) from None
        return cls._engine

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        path = (
            Path(os.getcwd(), "stdin.py") if self.filename in _STDIN_NAMES else Path(self.filename)
        )
        try:
            findings = self.engine().lint_text(
                "".join(self.lines), path, self.filename, honour_noqa=False
            )
        except ConfigError as error:
            sys.stderr.write(f"eventlint: error: {error}\n")
            raise SystemExit(2) from None
        for finding in findings:
            # flake8 columns are 0-based offsets; it adds 1 when it prints them.
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
