"""Shell command lines, read as far as EVT305 needs: the pytest invocations in them and the
arguments of each, with their offsets in the file.

Not a shell: words, quotes, command separators, ``cd DIR &&`` in front of a command, and
whether a word holds a variable or a glob (those are never judged). Anything cleverer
(functions, here-documents, ``eval``) simply yields no invocation, which is silence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A word holding one of these depends on something eventlint cannot know: a variable of the
# shell, make, tox, GitHub Actions or just, or a glob.
_UNKNOWABLE = re.compile(r"[$%{}*?\[\]~<>`]")
_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "(", ")"})
_KEYWORDS = frozenset({"if", "then", "do", "else", "elif", "while", "until", "!", "{"})
# Words allowed before ``pytest`` in a command that runs it: runners, interpreters, wrappers.
_LAUNCHERS = frozenset(
    {
        "uv",
        "uvx",
        "poetry",
        "pdm",
        "hatch",
        "pipenv",
        "rye",
        "run",
        "exec",
        "time",
        "env",
        "nice",
        "sudo",
        "xvfb-run",
        "coverage",
        "-m",
        "--",
    }
)
_INTERPRETER = re.compile(r"^(?:.*/)?python(?:\d+(?:\.\d+)?)?(?:\.exe)?$")
_PYTEST = re.compile(r"^(?:.*/)?(?:pytest|py\.test)(?:\.exe)?$")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Word:
    """A shell word: its text without quotes, where that text is in the file, and whether it
    can be judged (no variable, glob or mixed quoting)."""

    text: str
    start: int
    end: int
    plain: bool


@dataclass(frozen=True)
class Invocation:
    """A pytest command: its arguments, and the folder a ``cd`` in front of it moved to
    (relative; None when there was none, ``UNKNOWN_CD`` when it cannot be known)."""

    arguments: tuple[Word, ...]
    cd: str | None


UNKNOWN_CD = "\0unknown"


def words(text: str, start: int = 0, end: int | None = None) -> Iterator[Word]:
    """The words and separators of ``text[start:end]``. A ``#`` starting a word starts a
    comment; a backslash before a line break joins the lines.

    Every step consumes at least one character (a word starts at a character that
    :func:`_ends_word` does not stop at, so :func:`_word` takes it): the reading ends
    whatever the text, however it is cut (a file or a segment that ends in a backslash, an
    open quote)."""
    end = len(text) if end is None else min(end, len(text))
    index = start
    while index < end:
        char = text[index]
        if char in _BLANKS:
            index += 1
            continue
        if _line_continuation(text, index, end):
            index += 2
            continue
        if char == "#":
            newline = text.find("\n", index, end)
            index = end if newline < 0 else newline
            continue
        two = text[index : index + 2]
        if two in ("&&", "||") and index + 2 <= end:
            yield Word(two, index, index + 2, False)
            index += 2
            continue
        if char in _OPERATORS:
            yield Word(char, index, index + 1, False)
            index += 1
            continue
        item, index = _word(text, index, end)
        yield item


_BLANKS = frozenset(" \t\r\n")
_OPERATORS = frozenset(";|&()")
_WORD_ENDS = _BLANKS | _OPERATORS
# A run of characters that stand for themselves in a word.
_ORDINARY = re.compile(r"[^ \t\r\n;|&()'\"\\]+")


def _line_continuation(text: str, index: int, end: int) -> bool:
    """A backslash before a line break, or the last character of the text read: it joins
    lines (or ends the text), and is no part of a word."""
    return text[index] == "\\" and (index + 1 >= end or text[index + 1] in "\r\n")


def _ends_word(text: str, index: int, end: int) -> bool:
    return text[index] in _WORD_ENDS or _line_continuation(text, index, end)


def _word(text: str, index: int, end: int) -> tuple[Word, int]:
    """The word starting at ``index`` (where :func:`_ends_word` is false), and where the text
    after it starts: always after ``index``."""
    begin = index
    pieces: list[str] = []
    quotes = 0
    unquoted = 0
    content_start = index
    while index < end:
        char = text[index]
        if _ends_word(text, index, end):
            break
        if char in "'\"":
            close = text.find(char, index + 1, end)
            if close < 0:
                close = end
            quotes += 1
            content_start = index + 1
            pieces.append(text[index + 1 : close])
            index = close + 1
            continue
        if char == "\\":  # an escaped character (there is one: see _line_continuation)
            pieces.append(text[index + 1])
            unquoted += 2
            index += 2
            continue
        run = _ORDINARY.match(text, index, end)
        assert run is not None  # ``char`` is none of the characters above
        pieces.append(run.group())
        unquoted += run.end() - index
        index = run.end()
    value = "".join(pieces)
    plain = not _UNKNOWABLE.search(value) and (quotes == 0 or (quotes == 1 and unquoted == 0))
    if quotes == 1 and unquoted == 0:
        return Word(value, content_start, content_start + len(value), plain), index
    return Word(value, begin, min(index, end), plain and quotes == 0), index


def commands(items: list[Word]) -> Iterator[list[Word]]:
    """Split words into simple commands at separators (``;``, ``&&``, ``|``...), dropping the
    shell keywords that may start one (``then pytest tests``)."""
    current: list[Word] = []
    for item in items:
        if item.text in _SEPARATORS and not item.plain:
            if current:
                yield current
            current = []
        elif item.text in _KEYWORDS and not current:
            continue
        else:
            current.append(item)
    if current:
        yield current


def invocations(items: list[Word]) -> Iterator[Invocation]:
    """The pytest commands among ``items`` (the words of one logical line or script)."""
    cd: str | None = None
    for command in commands(items):
        if command[0].text in ("cd", "pushd"):
            target = command[1] if len(command) == 2 else None
            cd = target.text if target is not None and target.plain else UNKNOWN_CD
            continue
        found = pytest_arguments([item.text for item in command])
        if found is not None:
            yield Invocation(tuple(command[found:]), cd)


def pytest_arguments(argv: list[str]) -> int | None:
    """Where pytest's arguments start in a command's words, if the command runs pytest:
    ``pytest ...``, ``python -m pytest ...``, ``uv run pytest``, ``coverage run -m pytest``.
    A command that merely mentions pytest (``pip install pytest``) is not one."""
    for index, text in enumerate(argv):
        if _PYTEST.match(text):
            return index + 1
        if text == "-m" and argv[index + 1 : index + 2] in (["pytest"], ["py.test"]):
            return index + 2
        launcher = (
            text in _LAUNCHERS
            or _INTERPRETER.match(text) is not None
            or _ASSIGNMENT.match(text) is not None
            or text.isdigit()
            or text.startswith("-")
        )
        if not launcher:
            return None
    return None
