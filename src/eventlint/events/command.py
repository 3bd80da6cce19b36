"""``eventlint events``: the command line of the inventory."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from eventlint import parsing, sourcefile
from eventlint.config import ConfigError, ConfigResolver
from eventlint.discovery import discover
from eventlint.engine import Engine
from eventlint.events import document, render
from eventlint.events.ids import event_ids
from eventlint.events.models import ModelFinder
from eventlint.events.records import Inventory
from eventlint.file_kinds import PYTHON
from eventlint.rules import known_codes

EXIT_CURRENT = 0
EXIT_STALE = 1
EXIT_ERROR = 2

_DESCRIPTION = """\
Write the inventory of the project's event models (every field classified envelope,
sensitive, business or unclassified, with the reason) and of every deterministic event ID
or idempotency key (the fields it hashes). Static: nothing is imported or run.

  eventlint events                         markdown on stdout
  eventlint events --write docs/events.md  regenerate the document's generated region
  eventlint events --check docs/events.md  exit 1 with a diff when it no longer matches

Only the region between <!-- eventlint events: begin --> and <!-- eventlint events: end -->
is generated; the rest of the document is kept as written.
"""


_EPILOG = """\
exit codes: 0 done (or the document is current), 1 the document is out of date (--check),
2 usage error, bad configuration, or a document that cannot be read or written.

How models are recognised and fields classified: README, "Event inventory". Options:
[tool.eventlint.events] base-classes; [tool.eventlint.event-ids] field-markers,
envelope-fields, sensitive-fields, allowed-fields.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"eventlint events: error: {message} (see `eventlint events --help`)\n")
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="eventlint events",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_EPILOG,
    )
    parser.add_argument(
        "paths", nargs="*", default=["."], help="files or folders to read (default: .)"
    )
    parser.add_argument(
        "--output-format",
        choices=("markdown", "json", "text"),
        default="markdown",
        help="markdown (default; the document), json (stable, sorted) or text",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--check",
        metavar="FILE",
        type=Path,
        help="exit 1 and print a diff when FILE's generated region does not match the code",
    )
    action.add_argument(
        "--write", metavar="FILE", type=Path, help="regenerate FILE's generated region"
    )
    parser.add_argument(
        "--config", type=Path, help="use this pyproject.toml instead of discovering one"
    )
    return parser


def main(arguments: Sequence[str]) -> int:
    options = build_parser().parse_args(list(arguments))
    if (options.check or options.write) and options.output_format != "markdown":
        sys.stderr.write("eventlint: error: --check and --write keep a markdown document\n")
        return EXIT_ERROR
    try:
        for argument in options.paths:
            if not os.path.exists(argument):
                raise ConfigError(f"path does not exist: {argument}")
        engine = Engine(ConfigResolver(known_codes(), config_file=options.config))
        inventory, unreadable = build(engine, [Path(p) for p in options.paths])
    except ConfigError as error:
        sys.stderr.write(f"eventlint: error: {error}\n")
        return EXIT_ERROR
    for message in unreadable:
        sys.stderr.write(message + "\n")
    fmt = options.output_format
    generated = _formatted(inventory, fmt)
    try:
        if options.check is not None:
            diff = document.check(options.check, generated)
            if diff:
                sys.stdout.write(diff)
                sys.stderr.write(
                    f"{options.check} is out of date: run eventlint events --write "
                    f"{options.check}\n"
                )
                return EXIT_STALE
            return EXIT_CURRENT
        if options.write is not None:
            changed = document.write(options.write, generated)
            sys.stderr.write(f"{options.write} {'written' if changed else 'already current'}\n")
            return EXIT_CURRENT
    except document.DocumentError as error:
        sys.stderr.write(f"eventlint: error: {error}\n")
        return EXIT_ERROR
    sys.stdout.write(generated if fmt != "markdown" else document.region(generated))
    return EXIT_CURRENT


def _formatted(inventory: Inventory, fmt: str) -> str:
    if fmt == "json":
        return render.as_json(inventory)
    if fmt == "text":
        return render.as_text(inventory)
    return render.as_markdown(inventory)


def build(engine: Engine, paths: list[Path]) -> tuple[Inventory, list[str]]:
    """The inventory of the production modules under ``paths``, and one EVT001-style line per
    module that could not be read."""
    files = _production_files(engine, paths)
    first = paths[0] if paths else Path(".")
    project = engine.project_for(first if first.is_dir() else first.parent)
    inventory = Inventory()
    unreadable: list[str] = []
    readable: list[Path] = []
    for path in files:
        # The summary parses the module anyway: only a module it could not parse is parsed
        # again, for the error's message and position.
        problem = None if project.modules.summary(path).parsed else _parse_problem(engine, path)
        if problem is None:
            readable.append(path)
        else:
            unreadable.append(
                f"{_display(path)}:{problem.line}:{problem.column}: "
                f"{problem.code} {problem.message}"
            )
    finder = ModelFinder(
        project,
        readable,
        project.settings.config.event_ids,
        project.settings.config.events.base_classes,
    )
    # Hashes that make keys of other things (a cache key, a file name) are not event IDs:
    # an ID is listed when its names say event or idempotency, or it hashes an event model.
    found = list(event_ids(engine, readable, finder.relative))
    hashed = {model for item, says_event in found if says_event for model in item.models}
    inventory.models = finder.models(hashed)
    events = {model.qualified for model in inventory.models}
    inventory.ids = [item for item, says_event in found if says_event or events & set(item.models)]
    inventory.unresolved = sorted(finder.unresolved, key=lambda u: (u.path, u.line))
    return inventory, unreadable


def _parse_problem(engine: Engine, path: Path) -> parsing.ParseFailure:
    settings = engine.resolver.for_path(path)
    try:
        text = sourcefile.decode(sourcefile.read(path, settings.config.max_file_size)).text
    except sourcefile.SourceError as error:
        return parsing.ParseFailure(str(error), 1, 1)
    try:
        parsing.parse_ast(text)
    except SyntaxError as error:
        return parsing.ParseFailure(
            f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1
        )
    except (ValueError, RecursionError, MemoryError):
        return parsing.ParseFailure(parsing.TOO_DEEP, 1, 1, parsing.NOT_ANALYSABLE)
    return parsing.ParseFailure("cannot be analysed", 1, 1, parsing.NOT_ANALYSABLE)


def _production_files(engine: Engine, paths: list[Path]) -> list[Path]:
    """The Python modules under ``paths`` that are not tests and not excluded."""
    found: list[Path] = []
    listings = engine.projects.listings
    for source in discover([str(path) for path in paths], engine.resolver, listings):
        if source.kind != PYTHON or source.path.suffix != ".py":
            continue
        settings = engine.resolver.for_path(source.path)
        if not settings.is_test_file(source.path):
            found.append(Path(os.path.abspath(source.path)))
    return found


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
