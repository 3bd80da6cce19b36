"""Commands in ``pyproject.toml``'s task-runner tables, as words with exact offsets.

``[tool.pdm.scripts]``, ``[tool.poe.tasks]``, ``[tool.taskipy.tasks]`` and
``[tool.hatch.envs.<env>.scripts]`` (and their sub-tables) hold commands as strings
(``test = "pytest tests"``), lists of command strings (hatch), or argument lists
(``cmd = ["pytest", "tests"]``). The strings are read from the text, so that a finding and
its fix point at the characters themselves; a string with escapes is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from eventlint.rules.test_references._shell import Word, words

_TABLE = re.compile(r"^\s*\[+\s*(?P<name>[^\]]+?)\s*\]+\s*(?:#.*)?$")
_TASK_TABLE = re.compile(
    r"^tool\.(?:pdm\.scripts|poe\.tasks|taskipy\.tasks|hatch\.envs\.[^.]+\.scripts)(?:\.|$)"
)
_KEY = re.compile(r"^\s*(?P<key>[\w.\"'-]+)\s*=\s*")
_STRING = re.compile(r"\"(?P<basic>(?:[^\"\\\n]|\\.)*)\"|'(?P<literal>[^'\n]*)'")


def pyproject_commands(text: str) -> Iterator[list[Word]]:
    """Each command of the task tables, as its words."""
    in_tasks = False
    values: list[Word] = []  # the strings of the value being read (an array may span lines)
    depth = 0
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        table = _TABLE.match(line) if depth == 0 else None
        if table is not None:
            in_tasks = _TASK_TABLE.match(table["name"].replace('"', "")) is not None
        elif in_tasks:
            key = _KEY.match(line) if depth == 0 else None
            body_start = key.end() if key is not None else 0
            if key is not None and key["key"].strip("\"'") in ("help", "env", "cwd", "deps"):
                body_start = len(line)
            body = line[body_start:]
            for match in _STRING.finditer(body):
                group = "basic" if match["basic"] is not None else "literal"
                content = match[group]
                start = offset + body_start + match.start(group)
                plain = group == "literal" or "\\" not in content
                values.append(Word(content, start, start + len(content), plain))
            depth += body.count("[") - body.count("]")
            depth = max(depth, 0)
            if depth == 0 and values:
                yield from _commands(text, values)
                values = []
        offset += len(raw)


def _commands(text: str, strings: list[Word]) -> Iterator[list[Word]]:
    """An argument list is one command; otherwise each string is a command line."""
    if len(strings) > 1 and not any(" " in string.text for string in strings):
        yield strings
        return
    for string in strings:
        if string.plain:
            yield list(words(text, string.start, string.end))
