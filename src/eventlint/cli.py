"""The ``eventlint`` command: argument parsing, exit codes and output selection.

Exit codes: 0 nothing left to report (or ``--exit-zero``), 1 findings remain (or ``--diff``
has a diff), 2 usage error, bad configuration, missing path or internal error, always with one
line on stderr and never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from eventlint import __version__
from eventlint.errors import ConfigError
from eventlint.printable import printable
from eventlint.process import Terminated, install_termination_handler, tune_garbage_collector

if TYPE_CHECKING:
    from eventlint import config
    from eventlint.discovery import SourcePath
    from eventlint.engine import Engine
    from eventlint.finding import Finding

# Everything else is imported where it is needed: ``eventlint --version``, ``eventlint
# rules`` and a usage error start in a fraction of a lint run's start-up.

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"eventlint: error: {printable(message)} (see `eventlint --help`)\n")
        raise SystemExit(EXIT_ERROR)


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return jobs


def _codes(value: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="eventlint",
        description="Lint event-driven Python services. "
        "`eventlint rules` lists the rules; `eventlint rule CODE` explains one; "
        "`eventlint events` writes the inventory of event models and IDs "
        "(`eventlint events --help`); `eventlint server` is a Language Server for editors "
        "(the lsp extra).",
    )
    parser.add_argument(
        "paths", nargs="*", default=["."], help="files or folders (default: .); - reads stdin"
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the path of the buffer read from stdin (with -): its configuration and project",
    )
    parser.add_argument("--fix", action="store_true", help="apply safe fixes")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix, also apply unsafe fixes"
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff, write nothing"
    )
    parser.add_argument(
        "--add-noqa",
        action="store_true",
        help="add a `# noqa: CODE` comment for every finding reported (Python files)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="check again whenever a file changes, until Ctrl-C (the watch extra)",
    )
    # Repeated, each adds to the list (``--select EVT1 --select EVT2``), as in ruff.
    parser.add_argument(
        "--select", type=_codes, action="extend", help="codes or prefixes to enable (replaces)"
    )
    parser.add_argument(
        "--extend-select", type=_codes, action="extend", default=[], help="codes to add"
    )
    parser.add_argument(
        "--ignore", type=_codes, action="extend", default=[], help="codes or prefixes to disable"
    )
    parser.add_argument(
        "--extend-ignore",
        type=_codes,
        action="extend",
        default=[],
        dest="ignore",
        help="the same as --ignore (ruff's name)",
    )
    parser.add_argument(
        "--output-format", choices=("text", "json", "sarif", "github"), default="text"
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=os.cpu_count() or 1,
        help="processes to lint with (default: the CPU count)",
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument("--config", type=Path, help="a pyproject.toml or eventlint TOML file")
    parser.add_argument("--statistics", action="store_true", help="count findings per code")
    parser.add_argument(
        "--show-fixes", action="store_true", help="with --fix or --diff, list what was fixed"
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply exclude settings to files named on the command line too (for pre-commit)",
    )
    parser.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record the current findings in FILE and exit 0",
    )
    parser.add_argument(
        "--baseline", type=Path, metavar="FILE", help="report only findings not recorded in FILE"
    )
    parser.add_argument(
        "--show-stale-baseline",
        action="store_true",
        help="with --baseline, list entries that no longer match anything",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the results cache"
    )
    parser.add_argument(
        "--cache-dir", type=Path, help="where to keep the cache (default: .eventlint_cache/)"
    )
    parser.add_argument("--version", action="version", version=f"eventlint {__version__}")
    return parser


def _overrides(options: argparse.Namespace) -> config.CliOverrides:
    from eventlint.config import CliOverrides  # imports pydantic: not for --version

    return CliOverrides(
        select=tuple(options.select) if options.select is not None else None,
        extend_select=tuple(options.extend_select),
        ignore=tuple(options.ignore),
    )


def _print_rules() -> int:
    from eventlint.rules import all_rules

    width = max(len(rule.name) for rule in all_rules())
    for rule in all_rules():
        state = "on " if rule.default_enabled else "off"
        print(f"{rule.code}  {state}  {rule.name:<{width}}  {rule.summary}")
    return EXIT_CLEAN


def _print_rule(arguments: Sequence[str]) -> int:
    if len(arguments) != 1:
        sys.stderr.write("eventlint: error: usage: eventlint rule CODE\n")
        return EXIT_ERROR
    from eventlint.docs import rule_doc
    from eventlint.rules import rules_by_code

    rule = rules_by_code().get(arguments[0].upper())
    if rule is None:
        sys.stderr.write(f"eventlint: error: unknown rule code '{printable(arguments[0])}'\n")
        return EXIT_ERROR
    print(rule_doc(rule), end="")
    return EXIT_CLEAN


def _lint(options: argparse.Namespace) -> int:
    from eventlint.discovery import check_paths_exist

    if options.unsafe_fixes and not (options.fix or options.diff):
        raise ConfigError("--unsafe-fixes needs --fix or --diff")
    if options.write_baseline and (options.fix or options.diff or options.baseline):
        raise ConfigError("--write-baseline cannot be combined with --fix, --diff or --baseline")
    if options.show_stale_baseline and not options.baseline:
        raise ConfigError("--show-stale-baseline needs --baseline")
    stdin = "-" in options.paths or options.stdin_filename is not None
    if options.add_noqa and (options.fix or options.diff or stdin or options.write_baseline):
        raise ConfigError(
            "--add-noqa cannot be combined with --fix, --diff, --write-baseline or stdin"
        )
    if options.watch and (stdin or options.add_noqa or options.write_baseline):
        raise ConfigError("--watch cannot be combined with --add-noqa, --write-baseline or stdin")
    if stdin:
        return _lint_stdin(options)
    check_paths_exist(options.paths)
    if options.watch:
        return _watch(options)
    return _lint_files(options)


def _lint_files(options: argparse.Namespace) -> int:
    from eventlint import baseline
    from eventlint.discovery import discover
    from eventlint.runner import EngineSettings, Mode, run_files

    settings = EngineSettings(
        cache=not options.no_cache,
        cache_dir=options.cache_dir,
        config_file=options.config,
        overrides=_overrides(options),
        within=tuple(Path(os.path.abspath(path)) for path in options.paths),
    )
    resolver = settings.resolver()
    engine = settings.engine(resolver)
    warnings: list[str] = []
    engine.projects.listings.warn = warnings.append
    mode = Mode(fix=options.fix, unsafe_fixes=options.unsafe_fixes, diff=options.diff)
    sources = list(
        discover(
            options.paths,
            resolver,
            engine.projects.listings,
            force_exclude=options.force_exclude,
            warn=warnings.append,
        )
    )
    results = run_files(settings, resolver, sources, mode, jobs=options.jobs, engine=engine)
    findings = sorted(
        (finding for result in results for finding in result.findings),
        key=lambda finding: finding.sort_key,
    )
    for warning in [*warnings, *(w for result in results for w in result.warnings)]:
        sys.stderr.write(f"eventlint: warning: {printable(warning)}\n")
    if options.write_baseline:
        entries = baseline.write(options.write_baseline, findings)
        print(
            f"Wrote {len(findings)} findings ({entries} entries) to "
            f"{printable(str(options.write_baseline))}."
        )
        return EXIT_CLEAN
    if options.baseline:
        filtered = baseline.apply(options.baseline, findings)
        findings = filtered.new
        if options.show_stale_baseline:
            for path, code, print_, count in filtered.stale:
                times = f" (x{count})" if count > 1 else ""
                sys.stderr.write(
                    f"eventlint: stale baseline entry: {path} {code} {print_}{times}\n"
                )
    if options.add_noqa:
        return _add_noqa(options, engine, sources, findings, settings.within)
    if options.diff:
        sys.stdout.flush()
        for result in results:
            sys.stdout.buffer.write(result.diff)
        sys.stdout.buffer.flush()
    fixed = sum(result.fixed for result in results)
    _print_report(
        findings,
        options,
        fixed=fixed,
        fixes=[(result.display, result.fixed_codes) for result in results],
        out=sys.stdout,
        text_report=not options.diff,
        left_behind=[finding for result in results for finding in result.left_behind],
    )
    if options.exit_zero:
        return EXIT_CLEAN
    if options.diff:
        return EXIT_FINDINGS if any(result.diff for result in results) else EXIT_CLEAN
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def _watch(options: argparse.Namespace) -> int:
    from eventlint.runner import EngineSettings
    from eventlint.watch import watch, watched_paths

    resolver = EngineSettings(config_file=options.config, overrides=_overrides(options)).resolver()
    watched = watched_paths(options.paths, lambda path: resolver.for_path(path).root)
    return watch(watched, lambda: _lint_files(options), cache_dir=options.cache_dir)


def _add_noqa(
    options: argparse.Namespace,
    engine: Engine,
    sources: Sequence[SourcePath],
    findings: Sequence[Finding],
    within: Sequence[Path] | None,
) -> int:
    """``--add-noqa``: what would be reported gets a comment; says how many, as ruff does."""
    from eventlint.add_noqa import add_to_files

    added = add_to_files(engine, sources, findings, within)
    for warning in added.warnings:
        sys.stderr.write(f"eventlint: warning: {printable(warning)}\n")
    if added.directives:
        plural = "" if added.directives == 1 else "s"
        sys.stderr.write(f"Added {added.directives} noqa directive{plural}.\n")
    return EXIT_FINDINGS if added.left and not options.exit_zero else EXIT_CLEAN


def _lint_stdin(options: argparse.Namespace) -> int:
    """One buffer from stdin (``eventlint --stdin-filename PATH -``): see ``stdin_door``."""
    from eventlint.runner import EngineSettings
    from eventlint.stdin_door import lint_buffer

    if options.paths not in (["-"], ["."]) or (
        options.paths == ["."] and options.stdin_filename is None
    ):
        raise ConfigError("stdin (-) is linted alone: give no other path")
    if options.write_baseline or options.baseline:
        raise ConfigError("--baseline and --write-baseline need files, not stdin")
    filename = options.stdin_filename
    settings = EngineSettings(
        cache=False,
        config_file=options.config,
        overrides=_overrides(options),
        within=(Path(os.path.abspath(filename or ".")),),
    )
    engine = settings.engine(settings.resolver())
    result = lint_buffer(
        engine,
        sys.stdin.buffer.read(),
        filename,
        fix=options.fix,
        diff=options.diff,
        unsafe_fixes=options.unsafe_fixes,
        force_exclude=options.force_exclude,
    )
    for warning in result.warnings:
        sys.stderr.write(f"eventlint: warning: {printable(warning)}\n")
    findings = sorted(result.findings, key=lambda finding: finding.sort_key)
    if result.output is not None:
        sys.stdout.flush()
        sys.stdout.buffer.write(result.output)
        sys.stdout.buffer.flush()
    # The code (or the diff) owns stdout: the report then goes to stderr, as ruff does.
    report = sys.stderr if result.output is not None else sys.stdout
    _print_report(findings, options, fixed=result.fixed, fixes=[], out=report)
    if options.exit_zero:
        return EXIT_CLEAN
    if options.diff:
        return EXIT_FINDINGS if result.output else EXIT_CLEAN
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def _print_report(
    findings: Sequence[Finding],
    options: argparse.Namespace,
    *,
    fixed: int,
    fixes: Sequence[tuple[str, Sequence[str]]],
    out: TextIO,
    text_report: bool = True,
    left_behind: Sequence[Finding] = (),
) -> None:
    """The findings in the chosen format; the text report (findings, statistics, fixes,
    summary) only when ``text_report`` (``--diff`` prints the diff instead)."""
    from eventlint.output import github, json_output, sarif, text

    if options.output_format == "json":
        print(json_output.render(findings), file=out)
    elif options.output_format == "sarif":
        print(sarif.render(findings), file=out)
    elif options.output_format == "github":
        if findings:
            print(github.render(findings), file=out)
    elif text_report:
        colour = text.use_colour(out)
        for finding in findings:
            line = text.format_finding(finding, colour=colour, unsafe_fixes=options.unsafe_fixes)
            print(line, file=out)
        if options.statistics and findings:
            print("\n".join(text.statistics(findings, unsafe_fixes=options.unsafe_fixes)), file=out)
        if options.show_fixes:
            for line in text.fixes_shown(fixes):
                print(line, file=out)
        for line in text.left_behind(left_behind, unsafe_fixes=options.unsafe_fixes):
            print(line, file=out)
        print(text.summary(findings, fixed=fixed, unsafe_fixes=options.unsafe_fixes), file=out)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    install_termination_handler()
    tune_garbage_collector()
    exit_zero = "--exit-zero" in arguments
    try:
        if arguments[:1] == ["check"]:
            arguments = arguments[1:]  # ``eventlint check .``, as ``ruff check .``
        if arguments[:1] == ["rules"]:
            return _print_rules()
        if arguments[:1] == ["rule"]:
            return _print_rule(arguments[1:])
        if arguments[:1] == ["events"]:
            from eventlint.events import command  # only this subcommand needs it

            return command.main(arguments[1:])
        if arguments[:1] == ["server"]:
            from eventlint import server  # the Language Server: needs the lsp extra

            return server.main(arguments[1:])
        return _lint(build_parser().parse_args(arguments))
    except ConfigError as error:
        sys.stderr.write(f"eventlint: error: {error}\n")
        return EXIT_ERROR
    except (KeyboardInterrupt, Terminated):
        sys.stderr.write("eventlint: interrupted\n")
        return EXIT_ERROR
    except BrokenPipeError:
        # `eventlint | head`: the reader went away; not an error worth a message, and not a
        # reason to fail a pipeline that asked for --exit-zero.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLEAN if exit_zero else EXIT_FINDINGS
    except Exception as error:  # the promise: never a traceback
        if os.environ.get("EVENTLINT_DEBUG"):
            raise
        sys.stderr.write(
            f"eventlint: internal error: {type(error).__name__}: {error} "
            "(set EVENTLINT_DEBUG=1 for a traceback, and please report it)\n"
        )
        return EXIT_ERROR
