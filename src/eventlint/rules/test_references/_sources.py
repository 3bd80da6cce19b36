"""Where each kind of file keeps its commands, read as text so that every position is exact.

Each reader yields :class:`Segment` s: a stretch of the file that is shell text, with the
folders its relative paths may be relative to (``bases``, relative to the file's folder).
A path is judged missing only when it exists under none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# The kinds of files EVT305 reads, by how they hold commands.
MAKE = "make"  # Makefile, *.mk, justfile: every logical line may be a command
YAML_CI = "yaml-ci"  # GitHub workflows, .gitlab-ci.yml: run/script values
PRE_COMMIT = "pre-commit"  # .pre-commit-config.yaml: entry commands and files/exclude
TOX = "tox"  # tox.ini: commands of the testenv sections
PYPROJECT = "pyproject"  # task-runner tables
MARKDOWN = "markdown"
RESTRUCTURED_TEXT = "rst"

# Keys whose values are commands, in CI YAML; other keys' values (name:, uses:, with:) are
# not.
_COMMAND_KEYS = frozenset(
    {"run", "script", "before_script", "after_script", "command", "commands", "entry"}
)
_YAML_KEY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][\w.-]*):(?:\s+|$)")
_LIST_ITEM = re.compile(r"^(\s*)-\s+")
_WORKING_DIRECTORY = re.compile(r"^\s*(?:-\s+)?working-directory:\s*(.+?)\s*$")


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    bases: tuple[str, ...] = ("",)


def logical_lines(text: str) -> Iterator[tuple[int, int]]:
    """Offsets of each line, a backslash at its end joining the next one to it."""
    start = 0
    length = len(text)
    while start < length:
        end = start
        while True:
            newline = text.find("\n", end)
            if newline < 0:
                end = length
                break
            line_end = newline - 1 if newline > 0 and text[newline - 1] == "\r" else newline
            if line_end > start and text[line_end - 1] == "\\":
                end = newline + 1
                continue
            end = newline
            break
        yield start, end
        start = end + 1


def _unquote_yaml(value: str) -> str | None:
    value = value.strip()
    if value[:1] in ("|", ">", "[", "{", "&", "*", "!"):
        return None  # block scalars, flow collections, anchors, tags: not read
    if value[:1] == "'":
        return value[1:-1].replace("''", "'") if value.endswith("'") and len(value) > 1 else None
    if value[:1] == '"':
        if not value.endswith('"') or len(value) < 2:
            return None
        inner = value[1:-1]
        return inner.replace('\\"', '"').replace("\\\\", "\\")
    return value.partition(" #")[0].rstrip()


def make_segments(text: str) -> Iterator[Segment]:
    for start, end in logical_lines(text):
        if not text[start:end].lstrip().startswith("#"):
            yield Segment(start, end)


def yaml_ci_segments(text: str, *, github: bool) -> Iterator[Segment]:
    """Command values of a CI file. In a GitHub workflow a step's ``working-directory``
    moves its commands; defaults set elsewhere in the file are tried as alternatives."""
    lines = list(_lines(text))
    outline = _Outline(lines)
    defaults = tuple(
        _unquote_yaml(match[1]) or "\0unknown"
        for number, (_, _, line) in enumerate(lines)
        if (match := _WORKING_DIRECTORY.match(line)) and outline.under("defaults", number)
    )

    def bases(number: int) -> tuple[str, ...]:
        if not github:
            return ("",)
        own = outline.step_directory(number)
        return (own,) if own is not None else ("", *defaults)

    block: tuple[int, tuple[str, ...]] | None = None  # a block scalar: its key's indent, bases
    for number, (start, end, line) in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if block is not None:
            if stripped and indent <= block[0]:
                block = None
            else:
                if stripped and not stripped.startswith("#"):
                    yield Segment(start, end, block[1])
                continue
        key = _YAML_KEY.match(line)
        if key is not None:
            value_start = key.end()
            value = line[value_start:].strip()
            if key[2] not in _COMMAND_KEYS:
                continue
            if value.startswith(("|", ">")):
                block = (len(key[1]), bases(number))
            elif value and not value.startswith("#"):
                yield Segment(start + value_start, end, bases(number))
            continue
        item = _LIST_ITEM.match(line)
        if item is not None and outline.in_command_list(number):
            yield Segment(start + item.end(), end, bases(number))


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        yield offset, offset + len(line), line
        offset += len(raw)


class _Outline:
    """The nesting of a YAML file by indentation, built in one pass: each line's parent (the
    key or list item it belongs to), so that every question about a line costs its depth, not
    the file's length (a workflow with 20,000 command lines must not take minutes)."""

    def __init__(self, lines: list[tuple[int, int, str]]) -> None:
        self._lines = lines
        self.parent: list[int | None] = []
        self._directories: dict[int, str | None] = {}
        stack: list[tuple[int, int, bool]] = []  # (indent, line, is a list item)
        for number, (_, _, line) in enumerate(lines):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                self.parent.append(stack[-1][1] if stack else None)
                continue
            indent = len(line) - len(line.lstrip())
            item = _LIST_ITEM.match(line) is not None
            # At the same indent a key closes everything; a list item closes only items (its
            # key may sit at the same indent: ``script:`` then ``- pytest``).
            while stack and (
                stack[-1][0] > indent or (stack[-1][0] == indent and (stack[-1][2] or not item))
            ):
                stack.pop()
            self.parent.append(stack[-1][1] if stack else None)
            stack.append((indent, number, item))

    def _key(self, number: int) -> str | None:
        match = _YAML_KEY.match(self._lines[number][2])
        return match[2] if match is not None else None

    def under(self, key: str, number: int) -> bool:
        """Whether line ``number`` is inside a mapping under ``key`` (``defaults:``)."""
        ancestor = self.parent[number]
        while ancestor is not None:
            if self._key(ancestor) == key and not _LIST_ITEM.match(self._lines[ancestor][2]):
                return True
            ancestor = self.parent[ancestor]
        return False

    def in_command_list(self, number: int) -> bool:
        """Whether a ``- item`` line belongs to a ``script:``-like key's list."""
        ancestor = self.parent[number]
        if ancestor is None:
            return False
        line = self._lines[ancestor][2]
        key = _YAML_KEY.match(line)
        return key is not None and key[2] in _COMMAND_KEYS and not line[key.end() :].strip()

    def step_directory(self, number: int) -> str | None:
        """The ``working-directory`` of the step (a ``- `` list item) holding line ``number``."""
        step: int | None = number
        while step is not None and not _LIST_ITEM.match(self._lines[step][2]):
            step = self.parent[step]
        if step is None:
            return None
        if step not in self._directories:
            self._directories[step] = self._read_directory(step)
        return self._directories[step]

    def _read_directory(self, step: int) -> str | None:
        step_line = self._lines[step][2]
        step_indent = len(step_line) - len(step_line.lstrip())
        for index in range(step, len(self._lines)):
            candidate = self._lines[index][2]
            own = len(candidate) - len(candidate.lstrip())
            if index > step and candidate.strip() and own <= step_indent:
                break
            match = _WORKING_DIRECTORY.match(candidate)
            if match is not None:
                return _unquote_yaml(match[1]) or "\0unknown"
        return None


_TOX_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]\s*$")
_INI_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*[=:]\s*")


def tox_segments(text: str) -> Iterator[Segment]:
    """Each line of ``commands`` in a ``[testenv...]`` section, relative to its
    ``changedir`` when one is set (``{toxinidir}`` is the tox.ini folder)."""
    section = ""
    in_commands = False
    changedir: dict[str, str] = {}
    by_section: dict[str, list[tuple[int, int]]] = {}
    for start, end, line in _lines(text):
        header = _TOX_SECTION.match(line)
        if header is not None:
            section = header["name"].strip()
            in_commands = False
            continue
        if not section.startswith("testenv"):
            continue
        key = _INI_KEY.match(line)
        if key is not None:
            in_commands = key["key"] == "commands"
            if key["key"] == "changedir":
                changedir[section] = line[key.end() :].strip()
            if in_commands and line[key.end() :].strip():
                by_section.setdefault(section, []).append((start + key.end(), end))
            continue
        if in_commands and line[:1] in (" ", "\t") and line.strip():
            by_section.setdefault(section, []).append((start, end))
        elif line.strip() and line[:1] not in (" ", "\t"):
            in_commands = False
    for name, spans in by_section.items():
        directory = changedir.get(name, "").replace("{toxinidir}/", "").replace("{toxinidir}", "")
        base = directory if "{" not in directory else "\0unknown"
        for start, end in spans:
            yield Segment(start, end, (base or "",))


_FENCE = re.compile(r"^(?P<indent>\s{0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[\w+-]*)")
_SHELL_INFO = frozenset(
    {"", "bash", "sh", "shell", "console", "shell-session", "zsh", "text", "none", "ini", "yaml"}
)
_PROMPT = re.compile(r"^\s*(?:\(\S+\)\s*)?[$%>]\s+")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def markdown_segments(text: str) -> Iterator[Segment]:
    fence: str | None = None
    shell = False
    for start, end, line in _lines(text):
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
                continue
            if shell:
                prompt = _PROMPT.match(line)
                yield Segment(start + (prompt.end() if prompt else 0), end, _DOC_BASES)
            continue
        opening = _FENCE.match(line)
        if opening is not None:
            fence = opening["fence"]
            shell = opening["info"].lower() in _SHELL_INFO
            continue
        if line.startswith("    "):
            continue  # an indented code block: could be anything
        for span in _CODE_SPAN.finditer(line):
            yield Segment(start + span.start(2), start + span.end(2), _DOC_BASES)


_RST_DIRECTIVE = re.compile(
    r"^(?P<indent>\s*)\.\.\s+(?:code-block|code|sourcecode)::\s*(?P<lang>\S*)"
)
_RST_LITERAL = re.compile(r"``(?P<code>[^`]+)``")


def rst_segments(text: str) -> Iterator[Segment]:
    block_indent: int | None = None
    shell = False
    for start, end, line in _lines(text):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if stripped and indent <= block_indent:
                block_indent = None
            else:
                if shell and stripped and not stripped.startswith(":"):
                    prompt = _PROMPT.match(line)
                    yield Segment(start + (prompt.end() if prompt else 0), end, _DOC_BASES)
                continue
        directive = _RST_DIRECTIVE.match(line)
        if directive is not None:
            block_indent = len(directive["indent"])
            shell = directive["lang"].lower() in _SHELL_INFO
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            block_indent = indent
            shell = True
        for span in _RST_LITERAL.finditer(line):
            yield Segment(start + span.start("code"), start + span.end("code"), _DOC_BASES)


# Docs name paths from the project root or from their own folder (a fix writes the first).
ROOT = "\0root"
_DOC_BASES = (ROOT, "")
