"""The linted file's own facts, in the shape of another module's summary, read part by part.

Rules ask about the file they lint as they ask about other modules (the Kafka rules for a
test's fixtures, EVT1 for the file's hash helpers, class resolution for its classes), but
from the linted text, which may differ from the disk mid-fix. Each part is read only when a
rule asks for it, from one ``ast`` parse shared by the parts, and only when the bytes can hold
it: a whole summary (names, classes, fields) of every file the Kafka rules judged took 0.6 s
of a 4 s faust run."""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from eventlint.parsing import parse_ast
from eventlint.project.readers import kafka as kafka_reader
from eventlint.project.readers import read_module
from eventlint.project.readers.hash_helpers import HASH_WORDS, read_hash_helpers
from eventlint.project.readers.names import read_imports
from eventlint.project.summaries import HashedParameter, KafkaSummary, ModuleSummary

T = TypeVar("T")


class LintedFile:
    def __init__(self, text: str, tree: Callable[[], ast.Module | None] | None = None) -> None:
        self._text = text
        self._parsed = tree  # the linted file's own tree, when the caller has one

    @cached_property
    def summary(self) -> ModuleSummary:
        """Everything but the raise sites (the file being linted needs its classes and
        helpers, not its raises)."""
        tree = self._tree
        if tree is None:
            return ModuleSummary.unknown()
        try:
            return read_module(tree, self._source, raises=False)
        except RecursionError:
            return ModuleSummary.unknown()

    @cached_property
    def kafka(self) -> KafkaSummary:
        if "summary" in self.__dict__:
            return self.summary.kafka
        if not kafka_reader.may_offer(self._source):
            return KafkaSummary()
        return self._read(lambda tree: kafka_reader.read_kafka(tree, self._source), KafkaSummary())

    @cached_property
    def hash_helpers(self) -> dict[str, tuple[HashedParameter, ...]]:
        if "summary" in self.__dict__:
            return self.summary.hash_helpers
        if not any(word in self._source for word in HASH_WORDS):
            return {}
        return self._read(lambda tree: read_hash_helpers(tree, self.imports), {})

    @cached_property
    def imports(self) -> dict[str, str]:
        if "summary" in self.__dict__:
            return self.summary.imports
        return self._read(lambda tree: read_imports(tree, self._source), {})

    def _read(self, reader: Callable[[ast.Module], T], default: T) -> T:
        tree = self._tree
        if tree is None:
            return default
        try:
            return reader(tree)
        except RecursionError:
            return default

    @cached_property
    def _source(self) -> bytes:
        return self._text.encode("utf-8", "surrogatepass")

    @cached_property
    def _tree(self) -> ast.Module | None:
        if self._parsed is not None:
            return self._parsed()
        try:
            return parse_ast(self._text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


__all__ = ["LintedFile"]
