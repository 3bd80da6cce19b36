"""Where the project raises a given message, found statically, across the whole project.

Production modules (not test files, not excluded) are read once per run and only their string
literals are kept (with implicit concatenations joined, so ``"Out of " "stock"`` is found as
one message). A message is looked for in those literals first; only the modules holding it
are summarised (``ast``, stored), and their ``raise`` statements inspected: which exception,
with which keywords, and whether the exception's ``__init__`` wraps its argument in more text
(then the argument is only a fragment of the message). Nothing is imported.

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
from eventlint.project.dependencies import Recorder, index_key
from eventlint.project.modules import ModuleIndex
from eventlint.project.summaries import ModuleSummary, RaiseSummary, Template, ValueRef

# A closing quote, whitespace (line breaks included) and an opening quote: the seam of an
# implicit concatenation ("Out of " "stock").
_CONCATENATION_SEAM = re.compile(rb"""["'][ \t]*(?:\\?\r?\n[ \t]*)*[rRbBuUfF]{0,2}["']""")
# String literals, quotes included. Approximate on purpose: this only picks which modules to
# parse, and ``ast`` decides.
_LITERAL = re.compile(
    rb"""'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*\""""
)
_TRAILING_PUNCTUATION = ".!:;"


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


class RaiseIndex:
    def __init__(
        self,
        modules: ModuleIndex,
        production_files: Callable[[], list[Path]],
        recorder: Recorder,
        fingerprint: Callable[[str], str],
        max_bytes: int | None,
    ) -> None:
        self._modules = modules
        self._production_files = production_files
        self._recorder = recorder
        self._fingerprint = fingerprint
        self._max_bytes = max_bytes
        self._literals: list[tuple[Path, bytes]] | None = None
        self._sites: dict[str, list[RaiseSite]] = {}

    def _note(self) -> None:
        self._recorder.note(index_key("production"), self._fingerprint("production"))

    def _literal_blobs(self) -> list[tuple[Path, bytes]]:
        if self._literals is None:
            self._literals = []
            for path in self._production_files():
                try:
                    data = sourcefile.read(path, self._max_bytes)
                except sourcefile.SourceError:
                    continue
                if b"raise" not in data:
                    continue
                joined = _CONCATENATION_SEAM.sub(b"", data)
                self._literals.append(
                    (path, b"\0".join(match.group() for match in _LITERAL.finditer(joined)))
                )
        return self._literals

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
        for path, blob in self._literal_blobs():
            if needle not in blob:
                continue
            summary = self._modules.summary(path)
            for site in summary.raises:
                if site.message is not None and _same_message(site.message, message):
                    found.append(self._site(path, summary, site))
        return found

    def _site(self, path: Path, summary: ModuleSummary, site: RaiseSummary) -> RaiseSite:
        info = self._modules.resolve_class(site.exception, path, summary)
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

    def only_inside_longer_strings(self, text: str) -> bool:
        """Whether production code holds ``text`` only inside longer string literals, never
        as a whole one: it is a fragment of the project's messages already."""
        self._note()
        needle = text.encode("utf-8", "surrogatepass")
        inside_longer = False
        for _, blob in self._literal_blobs():
            start = blob.find(needle)
            while start != -1:
                before = blob[start - 1 : start]
                after = blob[start + len(needle) : start + len(needle) + 1]
                if before in (b'"', b"'") and after == before:
                    return False
                inside_longer = True
                start = blob.find(needle, start + 1)
        return inside_longer

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
