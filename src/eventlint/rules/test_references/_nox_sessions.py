"""The pytest commands of a noxfile: ``session.run("pytest", "tests/x.py", ...)`` calls, as
words with exact offsets, with the folder ``session.chdir`` moved to (EVT305 judges their
paths as it judges a shell command's)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from eventlint.analysis.walk import walk
from eventlint.rules.base import FileContext
from eventlint.rules.test_references._shell import Word, pytest_arguments


def nox_commands(context: FileContext) -> Iterator[tuple[list[Word], str]]:
    """Each ``session.run`` pytest command's arguments after ``pytest``, and its folder."""
    finder = _SessionRuns(context)
    walk(context.module, finder.enter, finder.leave)
    yield from finder.commands


# One string literal token (no implicit concatenation): its prefix and quote.
_STRING_TOKEN = re.compile(
    r"(?P<prefix>[rRuU]?)(?:"
    r"(?P<triple>\"\"\"|''')(?:(?!(?P=triple))[^\\]|\\.)*(?P=triple)"
    r"|(?P<single>[\"'])(?:(?!(?P=single))[^\\\n]|\\.)*(?P=single))",
    re.DOTALL,
)


class _SessionRuns:
    """``session.run(...)`` calls in a noxfile, with the folder ``session.chdir`` moved to
    (an unknown one ends the search in that function)."""

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.commands: list[tuple[list[Word], str]] = []
        self._cd: list[str | None] = [""]

    def enter(self, node: ast.AST) -> bool:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._cd.append("")
        elif isinstance(node, ast.Call):
            self._call(node)
        return True

    def leave(self, node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._cd.pop()

    def _call(self, node: ast.Call) -> None:
        function = node.func
        if not isinstance(function, ast.Attribute):
            return
        method = function.attr
        if method in ("chdir", "cd"):
            arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
            first = min(arguments, key=_position, default=None)
            self._cd[-1] = self._string(first)
            return
        if method not in ("run", "run_always", "run_install") or self._cd[-1] is None:
            return
        argv: list[Word] = []
        # The arguments before the first keyword one, in source order (``*args`` and
        # ``**kwargs`` are words nobody knows).
        in_order: list[ast.expr | ast.keyword] = [*node.args, *node.keywords]
        for argument in sorted(in_order, key=_position):
            if isinstance(argument, ast.keyword):
                if argument.arg is not None:
                    break
                argv.append(_UNKNOWN_WORD)
            else:
                argv.append(self._word(argument))
        start = pytest_arguments([word.text for word in argv])
        if start is not None:
            self.commands.append((argv[start:], self._cd[-1]))

    def _token(self, node: ast.AST | None) -> tuple[str, str] | None:
        """``(prefix, quote)`` of a plain string written as one token, else None."""
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            return None
        match = _STRING_TOKEN.fullmatch(self.context.source_of(node))
        return None if match is None else (match["prefix"], match["triple"] or match["single"])

    def _string(self, node: ast.AST | None) -> str | None:
        if self._token(node) is None:
            return None
        assert isinstance(node, ast.Constant) and isinstance(node.value, str)
        return node.value

    def _word(self, argument: ast.expr) -> Word:
        token = self._token(argument)
        if token is None or "\\" in self.context.source_of(argument):
            return _UNKNOWN_WORD  # not a string, or its text is not its source (escapes)
        assert isinstance(argument, ast.Constant) and isinstance(argument.value, str)
        prefix, quote = token
        content = self.context.span(argument)[0] + len(prefix) + len(quote)
        return Word(argument.value, content, content + len(argument.value), True)


_UNKNOWN_WORD = Word("\0", 0, 0, False)


def _position(node: ast.expr | ast.keyword) -> tuple[int, int]:
    return node.lineno, node.col_offset
