"""Summarising a module: its ``ast`` tree read by one reader per kind of fact.

``names`` (what the module binds, what its imports refer to), ``classes``, ``raise_sites``
(raises and their message templates), ``hash_helpers``, ``signatures`` (generic annotations)
and ``kafka`` (what makes Kafka topics ready) each fill in their part of a
:class:`~eventlint.project.summaries.ModuleSummary`; ``syntax`` holds the ``ast`` helpers they
share. Each reader skips work a cheap byte check rules out: most modules raise nothing, hash
nothing and declare few classes.

A new kind of cross-file fact is a new reader here, a field of the summary (bump the store's
``_FORMAT``) and a query on the project view.

``ast`` parses about ten times faster than libcst, and none of this needs formatting.
"""

from __future__ import annotations

import ast

from eventlint.parsing import parse_ast
from eventlint.project.readers import kafka
from eventlint.project.readers.classes import read_class
from eventlint.project.readers.hash_helpers import HASH_WORDS, read_hash_helpers
from eventlint.project.readers.names import read_imports, read_names
from eventlint.project.readers.raise_sites import read_raises
from eventlint.project.readers.signatures import read_signature_generics
from eventlint.project.summaries import HashedParameter, ModuleSummary


def summarise(source: bytes | str, *, raises: bool = True) -> ModuleSummary:
    """The module's summary; ``raises=False`` leaves out the raise sites (the file being
    linted needs its classes and helpers, not its raises)."""
    try:
        tree = parse_ast(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ModuleSummary.unknown()
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    try:
        return read_module(tree, data, raises=raises)
    except RecursionError:
        return ModuleSummary.unknown()


def read_module(tree: ast.Module, source: bytes, *, raises: bool = True) -> ModuleSummary:
    summary = read_names(tree, source)
    if "__getattr__" in summary.defined | summary.imported:
        # ``__getattr__ = getattr_migration(__name__)`` is as dynamic as a ``def``.
        summary.names_unknown = True
    if b"class" in source:
        summary.classes = {
            node.name: read_class(node, source)
            for node in tree.body
            if isinstance(node, ast.ClassDef)
        }
    if raises and (b"raise" in source or b"assert" in source):
        summary.raises = read_raises(tree, source)
    if any(word in source for word in HASH_WORDS):
        summary.hash_helpers = read_hash_helpers(tree, summary.imports)
    if b"[" in source:
        summary.signature_generics = read_signature_generics(tree)
    if kafka.may_offer(source):
        summary.kafka = kafka.read_kafka(tree, source)
    return summary


def hash_helpers_of(source: bytes) -> dict[str, tuple[HashedParameter, ...]]:
    """Only the hash helpers a module defines (no names, classes or raises)."""
    try:
        tree = parse_ast(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    return read_hash_helpers(tree, read_imports(tree, source))


__all__ = ["HASH_WORDS", "hash_helpers_of", "read_imports", "read_module", "summarise"]
