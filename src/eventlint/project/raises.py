"""Where the project raises a given message, found statically, across the whole project.

Production modules (not test files, not excluded) that contain ``raise`` are read once per run
(with implicit concatenations joined, so ``"Out of " "stock"`` is found as one message). A
message is looked for in that text first (its distinctive words, for a rendered template);
only the modules holding it are summarised (``ast``, stored), and their ``raise`` statements
inspected: which exception, with which keywords, and whether the exception's ``__init__`` wraps
its argument in more text (then the argument is only a fragment of the message). The text
search only picks which modules to read: ``ast`` decides. Nothing is imported.

A message an extension module raises (C, C++, Cython, Rust: ``PyErr_SetString(...,
"num_messages must be between 0 and 1000000")``) has no Python ``raise``: when no Python site
gives it, a string literal that is exactly the message, in an extension source that raises
something, counts as a raise site (no exception class, no code, never a fix).

Every answer depends on every production module (a new ``raise`` anywhere could change it),
which the results cache records as one project-wide dependency.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eventlint import sourcefile
from eventlint.config import Settings
from eventlint.finding import ImportRequest
from eventlint.project.class_index import ClassIndex
from eventlint.project.dependencies import Recorder, index_key
from eventlint.project.modules import ModuleIndex
from eventlint.project.summaries import ModuleSummary, RaiseSummary, Template, ValueRef

# A closing quote, whitespace (some: ``""`` is an empty string, not a seam) and an opening
# quote: the seam of an implicit concatenation ("Out of " "stock").
_CONCATENATION_SEAM = re.compile(
    rb"""["'](?:[ \t]*(?:\\?\r?\n[ \t]*)+|[ \t]+)[rRbBuUfF]{0,2}["']"""
)
# Trailing punctuation and whitespace do not make a whole message a fragment:
# "...cannot be empty" is the whole of "...cannot be empty." and of f"...got '{t}' ".
_TRAILING_PUNCTUATION = ".!:; \t\n"

# What an extension source that raises contains: the CPython error API, Cython's ``raise``,
# PyO3's ``new_err``.
_EXTENSION_RAISES = re.compile(rb"PyErr_\w+\(|\braise\b|::new_err\(")


@dataclass(frozen=True)
class ErrorCode:
    """How to name the code a raise site attaches: ``ErrorCode.OUT_OF_STOCK`` and the import
    that makes that spelling work in a test file."""

    attribute: str  # the attribute the error carries it in (``error_code``)
    expression: str  # ``ErrorCode.OUT_OF_STOCK``
    requires: ImportRequest | None


@dataclass(frozen=True)
class RaiseSite:
    path: Path
    line: int
    exception: str  # as spelled at the raise
    template: Template
    wraps: bool  # the exception's ``__init__`` adds text around the argument
    keywords: dict[str, ValueRef]
    constants: dict[str, ValueRef]  # class-level values of the exception (its code)
    summary: ModuleSummary


def _same_message(template: Template, message: str) -> bool:
    if len(template) != 1 or template[0] is None:
        return False
    raised = template[0]
    return raised == message or raised.rstrip(_TRAILING_PUNCTUATION) == message.rstrip(
        _TRAILING_PUNCTUATION
    )


# A template whose literal text is shorter than this says too little to match a message:
# ``f"{error}"`` would match anything.
_MIN_TEMPLATE_TEXT = 8
_WORD = re.compile(r"[A-Za-z]{4,}")
# A word standing alone, as prose is written (not part of an identifier, a quoted value, a
# path or a number): the likely text of a template rather than a value rendered into it.
_PROSE_WORD = re.compile(r"(?<![\w'\"`./:-])[A-Za-z]{4,}(?![\w'\"`/-]|[.:]\w)")


def anchor_words(message: str) -> list[str]:
    """The words a module whose template renders ``message`` is looked for by: the longest
    three, prose words first. A rendered value (``settlement_currency_conversion``, a quoted
    name, a path) is often the longest text of a message, and the template holds none of it:
    anchoring on its parts alone would rule out the very module that raises the message."""
    prose = set(_PROSE_WORD.findall(message))
    rest = set(_WORD.findall(message)) - prose

    def longest(words: set[str]) -> list[str]:
        return sorted(words, key=lambda word: (-len(word), word))  # deterministic

    return [*longest(prose), *longest(rest)][:3]


def _says_enough(template: Template) -> bool:
    return sum(len(part) for part in template if part) >= _MIN_TEMPLATE_TEXT


def fills(template: Template, message: str) -> bool:
    """Whether ``message`` is ``template`` with each hole (None) filled by one or more
    characters: a match of literals left to right, without backtracking.

    A regular expression (``literal(?:.+?)literal(?:.+?)...``) backtracks catastrophically
    on a long message when a template has several holes. Here each literal is found at its
    earliest place after the previous one (leaving the holes at least their one character
    each), which is optimal for patterns of literals and holes: if any way of placing the
    literals fits, the earliest one does. Linear in the message for each literal."""
    # Literals side by side are one literal: then a hole stands between any two.
    parts: list[str | None] = []
    for part in template:
        if part == "":
            continue
        if part is not None and parts and parts[-1] is not None:
            parts[-1] = f"{parts[-1]}{part}"
        else:
            parts.append(part)
    end = len(message)
    start = 0
    if parts and parts[0] is not None:
        if not message.startswith(parts[0]):
            return False
        start = len(parts[0])
        parts = parts[1:]
    if parts and parts[-1] is not None:
        if not message.endswith(parts[-1]):
            return False
        end -= len(parts[-1])
        parts = parts[:-1]
    if end < start:
        return False
    gap = 0  # holes since the last literal: each needs a character
    for part in parts:
        if part is None:
            gap += 1
            continue
        found = message.find(part, start + gap, end)
        if found < 0 or found + len(part) > end:
            return False
        start, gap = found + len(part), 0
    return end - start >= gap if gap else end == start


def renders(template: Template, message: str) -> bool:
    """Whether the message is what the template gives, every part of it (trailing punctuation
    aside): ``f"Only {n} units of {sku} left"`` renders "Only 3 units of sku-1 left"."""
    if _same_message(template, message):
        return True
    if all(part is not None for part in template) or not _says_enough(template):
        return False
    if template[-1] is not None:
        template = (*template[:-1], template[-1].rstrip(_TRAILING_PUNCTUATION))
    return fills(template, message.rstrip(_TRAILING_PUNCTUATION))


class RaiseIndex:
    def __init__(
        self,
        modules: ModuleIndex,
        *,
        classes: ClassIndex,
        production_files: Callable[[], list[Path]],
        extension_sources: Callable[[], list[Path]],
        recorder: Recorder,
        fingerprint: Callable[[str], str],
        max_bytes: int | None,
    ) -> None:
        self._modules = modules
        self._classes = classes
        self._production_files = production_files
        self._extension_sources = extension_sources
        self._extension_texts: list[tuple[Path, bytes]] | None = None
        self._recorder = recorder
        self._fingerprint = fingerprint
        self._max_bytes = max_bytes
        self._texts: list[tuple[Path, bytes]] | None = None
        self._init_texts: list[tuple[Path, bytes]] = []  # modules that call an ``__init__``
        self._sites: dict[str, list[RaiseSite]] = {}
        self._rendered: dict[str, list[RaiseSite]] = {}

    def _note(self) -> None:
        self._recorder.note(index_key("production"), self._fingerprint("production"))

    def _production_texts(self) -> list[tuple[Path, bytes]]:
        """The production modules that raise anything, concatenation seams joined (and, read
        in the same pass, those that call an ``__init__``: where exception classes that
        build their message are defined)."""
        if self._texts is None:
            self._texts = []
            for path in self._production_files():
                try:
                    data = sourcefile.read(path, self._max_bytes)
                except sourcefile.SourceError:
                    continue
                raises = b"raise" in data or b"assert" in data
                builds = b"__init__(" in data
                if raises or builds:
                    text = _CONCATENATION_SEAM.sub(b"", data)
                    if raises:
                        self._texts.append((path, text))
                    if builds:
                        self._init_texts.append((path, text))
        return self._texts

    def _extension_sources_raising(self) -> list[tuple[Path, bytes]]:
        if self._extension_texts is None:
            self._extension_texts = []
            for path in self._extension_sources():
                try:
                    data = sourcefile.read(path, self._max_bytes)
                except sourcefile.SourceError:
                    continue
                if _EXTENSION_RAISES.search(data):
                    self._extension_texts.append((path, _CONCATENATION_SEAM.sub(b"", data)))
        return self._extension_texts

    def _extension_sites(self, message: str) -> list[RaiseSite]:
        """String literals that are exactly the message, in extension sources that raise."""
        stripped = message.rstrip(_TRAILING_PUNCTUATION)
        if not stripped:
            return []
        literal = re.compile(
            b'"' + re.escape(stripped.encode("utf-8", "surrogatepass")) + b'[.!:;]?"'
        )
        found: list[RaiseSite] = []
        for path, text in self._extension_sources_raising():
            match = literal.search(text)
            if match is not None:
                found.append(
                    RaiseSite(
                        path=path,
                        line=text.count(b"\n", 0, match.start()) + 1,
                        exception="",
                        template=(message,),
                        wraps=False,
                        keywords={},
                        constants={},
                        summary=ModuleSummary(),
                    )
                )
        return found

    def sites(self, message: str) -> list[RaiseSite]:
        """Raise sites whose whole message is ``message`` (trailing punctuation aside)."""
        self._note()
        cached = self._sites.get(message)
        if cached is None:
            cached = self._sites[message] = self._find(message)
        return cached

    def _find(self, message: str) -> list[RaiseSite]:
        needle = message.rstrip(_TRAILING_PUNCTUATION).encode("utf-8", "surrogatepass")
        if not needle:
            return []
        found: list[RaiseSite] = []
        for path, text in self._production_texts():
            if needle not in text:
                continue
            summary = self._modules.summary(path)
            for site in summary.raises:
                if site.message is not None and _same_message(site.message, message):
                    found.append(self._site(path, summary, site))
        return found

    def _site(self, path: Path, summary: ModuleSummary, site: RaiseSummary) -> RaiseSite:
        info = self._classes.resolve_class(site.exception, path, summary)
        template = info.message_template if info is not None else None
        return RaiseSite(
            path=path,
            line=site.line,
            exception=site.exception,
            template=site.message or (None,),
            wraps=template is not None and any(template),
            keywords=site.keywords,
            constants=dict(info.constants) if info is not None else {},
            summary=summary,
        )

    def rendering(self, message: str) -> list[RaiseSite]:
        """Raise sites whose whole message can be ``message``: an exact literal, or a
        template (f-string, ``%``, ``.format``) that renders to it in full."""
        self._note()
        cached = self._rendered.get(message)
        if cached is None:
            cached = self._rendered[message] = self._render(message)
        return cached

    def _render(self, message: str) -> list[RaiseSite]:
        exact = self.sites(message)
        if any(not site.wraps for site in exact):
            return exact
        native = self._extension_sites(message)
        if native:
            return native
        # The template's literal text holds the message's words that are not placeholders:
        # the modules holding its longest words are the candidates.
        # Deterministic: the longest words first, then alphabetical.
        anchors = anchor_words(message)
        if not anchors:
            return []
        needles = [anchor.encode() for anchor in anchors]
        found: list[RaiseSite] = []
        texts = self._production_texts()
        # Exception classes whose ``__init__`` builds this message around its arguments: a
        # raise of one produces the message in full, whatever it is given.
        builders = self._building_classes(message, needles)
        needles += [name.encode() for name in builders]
        for path, text in texts:
            if not any(needle in text for needle in needles):
                continue
            summary = self._modules.summary(path)
            for site in summary.raises:
                if site.message is not None and renders(site.message, message):
                    found.append(self._site(path, summary, site))
                elif builders:  # the class raised may inherit a builder's ``__init__``
                    built = self._built_by_class(path, summary, site, message)
                    if built is not None:
                        found.append(built)
        return found

    def _building_classes(self, message: str, needles: list[bytes]) -> set[str]:
        """The names of the project's classes whose ``__init__`` renders ``message`` in full
        from its arguments (``super().__init__(f"Column {column} must ...")``)."""
        names: set[str] = set()
        for path, text in self._init_texts:
            if not any(needle in text for needle in needles):
                continue
            for name, summary in self._modules.summary(path).classes.items():
                template = summary.message_template
                if template is not None and renders(template, message):
                    names.add(name)
        return names

    def _built_by_class(
        self, path: Path, summary: ModuleSummary, site: RaiseSummary, message: str
    ) -> RaiseSite | None:
        """The raise site, when the class it raises builds ``message`` in full: its whole
        message, not a fragment (``wraps`` is False)."""
        info = self._classes.resolve_class(site.exception, path, summary)
        template = info.message_template if info is not None else None
        if info is None or template is None or not renders(template, message):
            return None
        return RaiseSite(
            path=path,
            line=site.line,
            exception=site.exception,
            template=template,
            wraps=False,
            keywords=site.keywords,
            constants=dict(info.constants),
            summary=summary,
        )

    def error_code(self, site: RaiseSite, code_attributes: tuple[str, ...]) -> ErrorCode | None:
        """The error code the site attaches (a keyword, or a class-level value of the
        exception), spelled so that a test file can import it."""
        for attribute in code_attributes:
            value = site.keywords.get(attribute)
            if value is not None:
                return self._spelled(site.path, site.summary, attribute, value)
        for attribute in code_attributes:
            value = site.constants.get(attribute)
            if value is not None:
                return self._spelled(site.path, site.summary, attribute, value)
        return None

    def _spelled(
        self, path: Path, summary: ModuleSummary, attribute: str, value: ValueRef
    ) -> ErrorCode | None:
        if value.dotted is None:
            if value.literal is None:
                return None
            return ErrorCode(attribute=attribute, expression=value.literal, requires=None)
        qualified = self._modules.qualify(value.dotted, path, summary)
        if qualified is None:
            return None
        head_qualified = (
            qualified[: len(qualified) - len(value.dotted)] + value.dotted.split(".")[0]
        )
        module, _, name = head_qualified.rpartition(".")
        requires = ImportRequest(module, name) if module else ImportRequest(name)
        return ErrorCode(attribute=attribute, expression=value.dotted, requires=requires)


def production_files(settings_for: Callable[[Path], Settings], files: list[Path]) -> list[Path]:
    return [path for path in files if not settings_for(path).is_test_file(path)]
