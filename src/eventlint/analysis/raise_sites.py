"""Where the project raises a given message, found statically.

For a message string, production files (not test files, not excluded) that contain its text
are parsed and their ``raise`` statements inspected: which exception, with which error code.
Nothing is imported. Results are cached per message for the run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from eventlint.analysis.names import dotted_name
from eventlint.analysis.project import ModuleInfo, ProjectIndex, module_name_for, search_roots
from eventlint.analysis.scopes import string_value
from eventlint.analysis.walk import descendants
from eventlint.config import Settings
from eventlint.discovery import project_files
from eventlint.finding import ImportRequest

# A closing quote, whitespace (line breaks included) and an opening quote: the seam of an
# implicit concatenation ("Out of " "stock"). Removing seams lets a message written over several
# literals be found as one. Only used to search, never to edit.
_CONCATENATION_SEAM = re.compile(rb"""["'][ \t]*(?:\\?\r?\n[ \t]*)*[rRbBuUfF]{0,2}["']""")

_MESSAGE_KEYWORDS = frozenset({"message", "msg", "detail", "reason", "description"})


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
    exception: str
    code: ErrorCode | None


class RaiseIndex:
    def __init__(self, project: ProjectIndex) -> None:
        self._project = project
        self._files: dict[Path, list[tuple[Path, bytes]]] = {}
        self._cache: dict[tuple[Path, str], list[RaiseSite]] = {}

    def sites(
        self, settings: Settings, message: str, code_attributes: tuple[str, ...]
    ) -> list[RaiseSite]:
        key = (settings.root, message)
        if key not in self._cache:
            self._cache[key] = self._find(settings, message, code_attributes)
        return self._cache[key]

    def _production_files(self, settings: Settings) -> list[tuple[Path, bytes]]:
        files = self._files.get(settings.root)
        if files is None:
            files = []
            for path in project_files(settings):
                if not settings.is_test_file(path):
                    try:
                        files.append((path, _CONCATENATION_SEAM.sub(b"", path.read_bytes())))
                    except OSError:
                        continue
            self._files[settings.root] = files
        return files

    def is_fragment(self, settings: Settings, text: str) -> bool:
        """Whether production code holds ``text`` only inside longer strings (a fragment of
        its messages), never as a whole string literal."""
        needle = text.encode("utf-8", "replace")
        inside_longer = False
        for _, data in self._production_files(settings):
            start = data.find(needle)
            while start != -1:
                before = data[start - 1 : start]
                after = data[start + len(needle) : start + len(needle) + 1]
                if before in (b'"', b"'") and after == before:
                    return False  # the whole literal
                inside_longer = True
                start = data.find(needle, start + 1)
        return inside_longer

    def _find(
        self, settings: Settings, message: str, code_attributes: tuple[str, ...]
    ) -> list[RaiseSite]:
        needle = message.encode("utf-8", "replace")
        found: list[RaiseSite] = []
        for path, data in self._production_files(settings):
            if needle not in data:
                continue
            module = self._project.module_at(path)
            if module is None or module.tree is None:
                continue
            for node in descendants(module.tree):
                if isinstance(node, cst.Raise) and isinstance(node.exc, cst.Call):
                    site = self._site(settings, module, node.exc, message, code_attributes)
                    if site is not None:
                        found.append(site)
        return found

    def _site(
        self,
        settings: Settings,
        module: ModuleInfo,
        call: cst.Call,
        message: str,
        code_attributes: tuple[str, ...],
    ) -> RaiseSite | None:
        carries = any(
            string_value(arg.value) == message
            and (arg.keyword is None or arg.keyword.value in _MESSAGE_KEYWORDS)
            for arg in call.args
        )
        exception = dotted_name(call.func)
        if not carries or exception is None:
            return None
        code: ErrorCode | None = None
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in code_attributes:
                code = self._code(settings, module, arg.keyword.value, arg.value)
                break
        if code is None:
            roots = search_roots(settings.root, module.path)
            info = self._project.resolve_class(module, exception, roots)
            if info is not None:
                for attribute in code_attributes:
                    value = info.class_values.get(attribute)
                    if value is not None:
                        code = self._code(settings, module, attribute, value)
                        break
        return RaiseSite(path=module.path, exception=exception, code=code)

    @staticmethod
    def _code(
        settings: Settings, module: ModuleInfo, attribute: str, value: cst.BaseExpression
    ) -> ErrorCode | None:
        spelled = dotted_name(value)
        if spelled is None:
            literal = string_value(value)
            if literal is None and not isinstance(value, cst.Integer):
                return None
            text = cst.Module([]).code_for_node(value)
            return ErrorCode(attribute=attribute, expression=text, requires=None)
        head = spelled.split(".")[0]
        qualified = module.imports.aliases.get(head)
        if qualified is not None and not qualified.startswith("."):
            target_module, _, name = qualified.rpartition(".")
            requires = ImportRequest(target_module, name) if target_module else ImportRequest(name)
        elif head in module.classes or head in module.imports.module_bindings:
            dotted = module_name_for(module.path, search_roots(settings.root, module.path))
            if dotted is None:
                return None
            requires = ImportRequest(dotted, head)
        else:
            return None
        return ErrorCode(attribute=attribute, expression=spelled, requires=requires)
