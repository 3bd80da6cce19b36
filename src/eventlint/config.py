"""``[tool.eventlint]``: how the configuration is found and validated, and what it selects.

The options themselves (their defaults and validation) are in ``options``.

Both front doors (the CLI and the flake8 plugin) ask a :class:`ConfigResolver` for the settings
of each file, so a file is judged the same way however eventlint was invoked. The nearest
``pyproject.toml`` with a ``[tool.eventlint]`` table, walking up from the file, wins (as with
ruff); ``--config`` overrides that for every file.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from eventlint import globs, paths
from eventlint.errors import ConfigError as ConfigError  # noqa: PLC0414 - re-exported
from eventlint.options import EventlintConfig, kebab_case

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class CliOverrides:
    """Selection given on the command line: ``--select`` replaces, the others extend."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def resolve_enabled(
    known: Mapping[str, bool],
    select: Sequence[str] | None,
    extend_select: Sequence[str],
    ignore: Sequence[str],
) -> frozenset[str]:
    """Which codes run. ``known`` maps each code to whether it is on by default.

    As in ruff, the most specific matching prefix decides and an ignore wins a tie. A rule
    that is off by default is turned on only by naming its full code.
    """
    enabled: set[str] = set()
    for code, on_by_default in known.items():
        chosen: list[tuple[int, bool]] = []
        positives = list(extend_select) + (list(select) if select is not None else [])
        for prefix in positives:
            if code.startswith(prefix) and (on_by_default or prefix == code):
                chosen.append((len(prefix), True))
        if select is None and on_by_default:
            chosen.append((0, True))
        for prefix in ignore:
            if code.startswith(prefix):
                chosen.append((len(prefix), False))
        if chosen:
            # The longest prefix decides; at equal length an ignore beats a select.
            longest = max(length for length, _ in chosen)
            if all(keep for length, keep in chosen if length == longest):
                enabled.add(code)
    return frozenset(enabled)


@dataclass(frozen=True)
class Settings:
    """Effective settings for the files under one configuration root."""

    root: Path
    config_path: Path | None
    config: EventlintConfig
    enabled: frozenset[str]
    _ignore_cache: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)
    _test_cache: dict[str, bool] = field(default_factory=dict, compare=False)

    def relative(self, path: Path) -> str:
        """``path`` relative to the root, posix style; the absolute path if outside it."""
        # String operations, not pathlib: asked for every file and folder of a run (a warm
        # run of django asks 25,000 times).
        absolute = os.path.abspath(path)
        root = str(self.root)
        if absolute == root:
            return "."
        prefix = root if root.endswith(os.sep) else root + os.sep
        if absolute.startswith(prefix):
            absolute = absolute[len(prefix) :]
        return absolute.replace(os.sep, "/") if os.sep != "/" else absolute

    def is_excluded(self, path: Path, *, with_ancestors: bool = False) -> bool:
        """Whether ``exclude``/``extend-exclude`` match ``path`` (and, if asked, a folder
        above it inside the root: for files named on the command line with
        ``--force-exclude``)."""
        patterns = self.config.exclude + self.config.extend_exclude
        relative = self.relative(path)
        if globs.matches_any(patterns, relative):
            return True
        if with_ancestors and not relative.startswith("/"):
            parts = relative.split("/")[:-1]
            return any(
                globs.matches_any(patterns, "/".join(parts[: end + 1])) for end in range(len(parts))
            )
        return False

    def is_test_file(self, path: Path) -> bool:
        # Asked by discovery, every file's rule selection and the project model's list of
        # production modules: once per file.
        relative = self.relative(path)
        found = self._test_cache.get(relative)
        if found is None:
            found = self._test_cache[relative] = globs.matches_any(self.config.test_paths, relative)
        return found

    def codes_for(self, path: Path) -> frozenset[str]:
        """The enabled codes minus what ``per-file-ignores`` turns off for ``path``."""
        relative = self.relative(path)
        cached = self._ignore_cache.get(relative)
        if cached is not None:
            return cached
        ignored = [
            prefix
            for pattern, prefixes in self.config.per_file_ignores.items()
            if globs.matches(pattern, relative)
            for prefix in prefixes
        ]
        codes = frozenset(
            code for code in self.enabled if not any(code.startswith(p) for p in ignored)
        )
        self._ignore_cache[relative] = codes
        return codes


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML: the file is not UTF-8") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None


def _describe_validation_error(path: Path, error: ValidationError) -> str:
    first = error.errors()[0]
    location = [str(part) for part in first["loc"]]
    table = "[tool.eventlint" + "".join(f".{part}" for part in location[:-1]) + "]"
    key = location[-1] if location else "?"
    if first["type"] == "extra_forbidden":
        model: type[BaseModel] = EventlintConfig
        for part in location[:-1]:
            annotation = model.model_fields.get(part.replace("-", "_"))
            if annotation is None or not isinstance(annotation.annotation, type):
                break
            if issubclass(annotation.annotation, BaseModel):
                model = annotation.annotation
        valid = [kebab_case(name) for name in model.model_fields]
        close = difflib.get_close_matches(key, valid, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = f"unknown key '{key}' in {table}{hint}"
    else:
        message = f"invalid value for '{key}' in {table}: {_plain(first)}"
    more = len(error.errors()) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return f"{path}: {message}"


# pydantic's error types, said in TOML's terms.
_EXPECTED = {
    "tuple_type": 'a list (key = ["..."])',
    "list_type": 'a list (key = ["..."])',
    "frozen_set_type": 'a list (key = ["..."])',
    "string_type": 'a string (key = "...")',
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a table",
    "mapping_type": "a table",
}
_TOML_TYPES = {
    str: "a string", int: "a number", float: "a number", bool: "a boolean",
    list: "a list", dict: "a table",
}  # fmt: skip


def _plain(error: Any) -> str:
    """A validation error as a user of TOML reads it: what was expected, what was given."""
    expected = _EXPECTED.get(error["type"])
    if expected is None:
        return str(error["msg"])
    given = _TOML_TYPES.get(type(error.get("input")), "something else")
    return f"expected {expected}, got {given}"


def parse_config(path: Path, table: Mapping[str, Any]) -> EventlintConfig:
    try:
        return EventlintConfig.model_validate(dict(table))
    except ValidationError as error:
        raise ConfigError(_describe_validation_error(path, error)) from None


def _eventlint_table(path: Path, document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The eventlint table of a config file: ``[tool.eventlint]`` in a pyproject.toml, the
    whole document in any other TOML file given with ``--config`` — or its
    ``[tool.eventlint]`` table when that is all it holds (a shared team file written as a
    pyproject.toml fragment)."""
    tool = document.get("tool")
    if path.name != "pyproject.toml" and not (
        set(document) == {"tool"} and isinstance(tool, Mapping) and "eventlint" in tool
    ):
        return document
    if tool is None:
        return None
    if not isinstance(tool, Mapping):
        raise ConfigError(f"{path}: `tool` must be a table, not {type(tool).__name__}")
    table = tool.get("eventlint")
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [tool.eventlint] must be a table")
    return table


def _validate_codes(path: Path | None, config: EventlintConfig, known: Mapping[str, bool]) -> None:
    where = str(path) if path else "command line"
    entries: list[tuple[str, str]] = (
        [("select", code) for code in (config.select or ())]
        + [("extend-select", code) for code in config.extend_select]
        + [("ignore", code) for code in config.ignore]
    )
    entries += [
        (f"per-file-ignores '{pattern}'", code)
        for pattern, codes in config.per_file_ignores.items()
        for code in codes
    ]
    for key, code in entries:
        if not any(known_code.startswith(code) for known_code in known) or not code:
            close = difflib.get_close_matches(code, list(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{where}: unknown rule code '{code}' in {key}{hint}")


class ConfigResolver:
    """Finds and caches the settings for each file and folder."""

    def __init__(
        self,
        known_rules: Mapping[str, bool],
        *,
        config_file: Path | None = None,
        overrides: CliOverrides = CliOverrides(),
    ) -> None:
        self._known = dict(known_rules)
        self._overrides = overrides
        self._by_directory: dict[Path, Settings] = {}
        self._by_path: dict[str, Settings] = {}
        self._by_config: dict[Path | None, Settings] = {}
        self._tables: dict[Path, Mapping[str, Any] | None] = {}
        # Folders with no configured pyproject.toml at or above them, and the markers above
        # each folder: a large tree's folders share their parents' answers.
        self._unconfigured: set[Path] = set()
        self._marked = paths.MarkedFolders()
        for code in (overrides.select or ()) + overrides.extend_select + overrides.ignore:
            if not code or not any(known.startswith(code) for known in self._known):
                close = difflib.get_close_matches(code, list(self._known), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ConfigError(f"unknown rule code '{code}' on the command line{hint}")
        self._forced: Settings | None = None
        self._forced_by_root: dict[Path, Settings] = {}
        if config_file is not None:
            if config_file.is_dir():
                raise ConfigError(
                    f"--config {config_file} is a folder; give the file "
                    "(pyproject.toml or eventlint.toml)"
                )
            if not config_file.is_file():
                raise ConfigError(f"config file not found: {config_file}")
            table = _eventlint_table(config_file, _load_toml(config_file)) or {}
            root = Path(os.path.abspath(config_file)).parent
            self._forced = self._settings(root, config_file, parse_config(config_file, table))

    def _settings(self, root: Path, path: Path | None, config: EventlintConfig) -> Settings:
        _validate_codes(path, config, self._known)
        select = self._overrides.select if self._overrides.select is not None else config.select
        enabled = resolve_enabled(
            self._known,
            select,
            config.extend_select + self._overrides.extend_select,
            config.ignore + self._overrides.ignore,
        )
        return Settings(root=root, config_path=path, config=config, enabled=enabled)

    def for_directory(self, directory: Path) -> Settings:
        directory = Path(os.path.abspath(directory))
        if self._forced is not None:
            return self._forced_for(directory, self._forced)
        cached = self._by_directory.get(directory)
        if cached is not None:
            return cached
        settings = self._discover(directory)
        self._by_directory[directory] = settings
        return settings

    def _forced_for(self, directory: Path, forced: Settings) -> Settings:
        """``--config FILE`` configures; it does not say where the project is. A config
        inside the linted project is its root, as a pyproject.toml would be; one from
        elsewhere (a team's shared file) leaves the root to the linted paths (their VCS
        root, else their topmost project marker), so module resolution, test paths and the
        cache stay with the code."""
        root = paths.root_without_config(directory, self._marked)
        if forced.root == root or root in forced.root.parents:
            return forced
        settings = self._forced_by_root.get(root)
        if settings is None:
            # Fresh per-root memos: what they hold is judged relative to the root.
            settings = dataclasses.replace(forced, root=root, _ignore_cache={}, _test_cache={})
            self._forced_by_root[root] = settings
        return settings

    def for_path(self, path: Path) -> Settings:
        # Asked several times for every file of a run (discovery, triage, the rules): the
        # answer is kept per path, which saves a stat and the path arithmetic.
        key = str(path)
        found = self._by_path.get(key)
        if found is None:
            absolute = Path(os.path.abspath(path))
            found = self.for_directory(absolute if absolute.is_dir() else absolute.parent)
            self._by_path[key] = found
        return found

    def _discover(self, directory: Path) -> Settings:
        walked: list[Path] = []
        for candidate in (directory, *directory.parents):
            if candidate in self._unconfigured:
                break
            known = self._by_directory.get(candidate) if candidate != directory else None
            if known is not None and known.config_path is not None:
                # No config between here and there (each folder on the way was checked).
                return known
            pyproject = candidate / "pyproject.toml"
            if paths.is_regular_file(pyproject):
                table = self._table_of(pyproject)
                if table is not None:
                    return self._cached_config(candidate, pyproject, table)
            walked.append(candidate)
        self._unconfigured.update(walked)
        return self._cached_config(paths.root_without_config(directory, self._marked), None, {})

    def _table_of(self, pyproject: Path) -> Mapping[str, Any] | None:
        """The ``[tool.eventlint]`` table of a pyproject.toml, read once per run: every folder
        below a project without one would read it again on its way up."""
        if pyproject not in self._tables:
            self._tables[pyproject] = _eventlint_table(pyproject, _load_toml(pyproject))
        return self._tables[pyproject]

    def _cached_config(self, root: Path, path: Path | None, table: Mapping[str, Any]) -> Settings:
        key = path if path is not None else root
        cached = self._by_config.get(key)
        if cached is None:
            config = parse_config(path or root / "pyproject.toml", table)
            cached = self._settings(root, path, config)
            self._by_config[key] = cached
        return cached
