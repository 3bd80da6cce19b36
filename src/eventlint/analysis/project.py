"""A static view of the project's classes, for rules that need to know what a type declares.

Files are read and parsed, never imported. A class's fields are the annotated names in its
body plus those of the bases that can be found (in the same file or in a first-party module
reachable from the project root), so ``OrderPlaced(EventEnvelope)`` inherits ``event_id``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import libcst as cst

from eventlint import parsing, sourcefile
from eventlint.analysis.names import ImportMap
from eventlint.analysis.summary_store import SummaryStore
from eventlint.analysis.walk import descendants

_SharedT = TypeVar("_SharedT")
_SECRET_TYPES = frozenset({"SecretStr", "SecretBytes"})
_MAX_BASE_DEPTH = 8


@dataclass(frozen=True)
class FieldInfo:
    name: str
    secret_typed: bool = False
    marked_sensitive: bool = False


@dataclass
class ClassInfo:
    name: str
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    base_names: tuple[str, ...] = ()  # as qualified through the defining module's imports
    # Every attribute an instance has: class-level names, ``self.x = ...`` in methods and
    # ``__init__`` parameters; and the values of class-level assignments.
    attributes: set[str] = field(default_factory=set)
    class_values: dict[str, cst.BaseExpression] = field(default_factory=dict)


@dataclass
class ModuleInfo:
    path: Path
    imports: ImportMap
    classes: dict[str, ClassInfo]
    tree: cst.Module | None = None  # kept for modules read from disk (raise-site lookups)


def _is_sensitive_marker(value: cst.BaseExpression | None) -> bool:
    """``Field(json_schema_extra={"sensitive": True})``."""
    if not isinstance(value, cst.Call):
        return False
    for arg in value.args:
        if arg.keyword is not None and arg.keyword.value == "json_schema_extra":
            if isinstance(arg.value, cst.Dict):
                for element in arg.value.elements:
                    if (
                        isinstance(element, cst.DictElement)
                        and isinstance(element.key, cst.SimpleString)
                        and element.key.evaluated_value == "sensitive"
                        and isinstance(element.value, cst.Name)
                        and element.value.value == "True"
                    ):
                        return True
    return False


def _mentions_secret_type(annotation: cst.BaseExpression) -> bool:
    return any(
        isinstance(node, cst.Name) and node.value in _SECRET_TYPES
        for node in descendants(annotation)
    )


def _method_attributes(method: cst.FunctionDef, info: ClassInfo) -> None:
    if method.name.value == "__init__":
        for param in (*method.params.params[1:], *method.params.kwonly_params):
            info.attributes.add(param.name.value)
    for node in descendants(method.body):
        if isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Attribute):
            target = node.target
            if isinstance(target.value, cst.Name) and target.value.value == "self":
                info.attributes.add(target.attr.value)


def classes_of(module: cst.Module, imports: ImportMap) -> dict[str, ClassInfo]:
    """Top-level classes of a module with the fields their bodies annotate."""
    classes: dict[str, ClassInfo] = {}
    for statement in module.body:
        if not isinstance(statement, cst.ClassDef):
            continue
        info = ClassInfo(name=statement.name.value)
        bases = []
        for base in statement.bases:
            qualified = imports.qualify(base.value)
            if qualified is not None:
                bases.append(qualified)
        info.base_names = tuple(bases)
        body = statement.body.body if isinstance(statement.body, cst.IndentedBlock) else ()
        for line in body:
            if isinstance(line, cst.FunctionDef):
                _method_attributes(line, info)
                continue
            if not isinstance(line, cst.SimpleStatementLine):
                continue
            for small in line.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    name = small.target.value
                    info.fields[name] = FieldInfo(
                        name=name,
                        secret_typed=_mentions_secret_type(small.annotation.annotation),
                        marked_sensitive=_is_sensitive_marker(small.value),
                    )
                    info.attributes.add(name)
                    if small.value is not None:
                        info.class_values[name] = small.value
                elif isinstance(small, cst.Assign):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            info.attributes.add(target.target.value)
                            info.class_values[target.target.value] = small.value
        classes[info.name] = info
    return classes


class ProjectIndex:
    """Finds first-party modules by dotted name and caches what they declare."""

    def __init__(self, summaries: SummaryStore | None = None) -> None:
        # What the module index read in earlier runs (see analysis/summary_store).
        self.summaries = summaries or SummaryStore(None)
        self._modules: dict[Path, ModuleInfo | None] = {}
        self._shared: dict[str, object] = {}

    def shared(self, key: str, factory: Callable[[], _SharedT]) -> _SharedT:
        """A run-wide cache that lives as long as the index (the raise-site index, say)."""
        if key not in self._shared:
            self._shared[key] = factory()
        return self._shared[key]  # type: ignore[return-value]

    def module_at(self, path: Path) -> ModuleInfo | None:
        path = Path(os.path.abspath(path))
        if path not in self._modules:
            self._modules[path] = self._load(path)
        return self._modules[path]

    def register(self, path: Path, module: cst.Module, imports: ImportMap) -> ModuleInfo:
        """Record a module the engine has already parsed, so it is not parsed again."""
        info = ModuleInfo(path=path, imports=imports, classes=classes_of(module, imports))
        self._modules[Path(os.path.abspath(path))] = info
        return info

    @staticmethod
    def _load(path: Path) -> ModuleInfo | None:
        try:
            source = sourcefile.decode(sourcefile.read(path))
        except sourcefile.SourceError:
            return None
        module = parsing.parse(source.text)
        if isinstance(module, parsing.ParseFailure):
            return None
        imports = ImportMap.build(module)
        return ModuleInfo(
            path=path, imports=imports, classes=classes_of(module, imports), tree=module
        )

    @staticmethod
    def module_file(search_roots: list[Path], dotted: str) -> Path | None:
        parts = dotted.split(".")
        for root in search_roots:
            candidate = root.joinpath(*parts)
            for file in (candidate.with_suffix(".py"), candidate / "__init__.py"):
                if file.is_file():
                    return file
        return None

    def resolve_class(
        self, module: ModuleInfo, name: str, roots: list[Path], depth: int = 0
    ) -> ClassInfo | None:
        """The class ``name`` refers to in ``module``, with inherited fields merged in."""
        if depth > _MAX_BASE_DEPTH:
            return None
        local = module.classes.get(name.rsplit(".", maxsplit=1)[-1]) if "." not in name else None
        if local is not None:
            return self._with_inherited(module, local, roots, depth)
        qualified = module.imports.aliases.get(name.split(".", maxsplit=1)[0])
        if qualified is None:
            return None
        remainder = name.split(".")[1:]
        full = ".".join([qualified, *remainder])
        target_module, _, class_name = full.rpartition(".")
        file = self._locate(module.path, target_module, roots)
        if file is None:
            return None
        info = self.module_at(file)
        if info is None or class_name not in info.classes:
            return None
        return self._with_inherited(info, info.classes[class_name], roots, depth)

    def _locate(self, importer: Path, dotted: str, roots: list[Path]) -> Path | None:
        if dotted.startswith("."):
            level = len(dotted) - len(dotted.lstrip("."))
            base = importer.parent
            for _ in range(level - 1):
                base = base.parent
            rest = dotted.lstrip(".")
            return (
                self.module_file([base], rest)
                if rest
                else (base / "__init__.py" if (base / "__init__.py").is_file() else None)
            )
        return self.module_file(roots, dotted)

    def _with_inherited(
        self, module: ModuleInfo, info: ClassInfo, roots: list[Path], depth: int
    ) -> ClassInfo:
        merged = ClassInfo(name=info.name, base_names=info.base_names)
        for base in info.base_names:
            parent = self.resolve_class(module, _local_spelling(module, base), roots, depth + 1)
            if parent is not None:
                merged.fields.update(parent.fields)
                merged.attributes |= parent.attributes
                merged.class_values.update(parent.class_values)
        merged.fields.update(info.fields)
        merged.attributes |= info.attributes
        merged.class_values.update(info.class_values)
        return merged


def _local_spelling(module: ModuleInfo, qualified: str) -> str:
    """Turn a qualified base name back into how the defining module spells it."""
    for local, target in module.imports.aliases.items():
        if qualified == target:
            return local
        if qualified.startswith(target + "."):
            return local + qualified[len(target) :]
    return qualified


def search_roots(project_root: Path, file: Path) -> list[Path]:
    """Where absolute imports of ``file`` may be found: the project root, its ``src``, and
    the folder above ``file``'s top-level package."""
    roots = [project_root, project_root / "src"]
    package = Path(os.path.abspath(file)).parent
    while (package / "__init__.py").is_file():
        package = package.parent
    roots.append(package)
    unique: list[Path] = []
    for root in roots:
        if root not in unique and root.is_dir():
            unique.append(root)
    return unique


def module_name_for(path: Path, roots: list[Path]) -> str | None:
    """The dotted module name of a file, from the deepest root that contains it."""
    absolute = Path(os.path.abspath(path))
    for root in sorted(roots, key=lambda r: len(str(r)), reverse=True):
        try:
            parts = list(absolute.relative_to(root).with_suffix("").parts)
        except ValueError:
            continue
        if parts and parts[-1] == "__init__":
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            return ".".join(parts)
    return None
