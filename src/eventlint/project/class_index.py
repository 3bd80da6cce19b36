"""Finding the project's classes: through the imports of the module that names one, with
the fields, attributes and constants of its bases (in any module) merged in.

A class is looked up where a dotted name written in a module leads (``qualify``), following
re-exports (``from .models import Event``); bases are merged to a bounded depth, a base that
cannot be found contributing nothing (and being listed as unresolved). What each answer read
is recorded, like every answer of the module index.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from eventlint.project.classes import ClassInfo, FieldInfo
from eventlint.project.dependencies import Recorder, TrackedMemo
from eventlint.project.modules import ModuleIndex, absolute_name
from eventlint.project.summaries import ClassSummary, ModuleSummary

_MAX_CLASS_DEPTH = 8
# Bases outside the project known to leave ``__hash__`` alone.
_IDENTITY_HASHING_BASES = frozenset(
    {"object", "builtins.object", "abc.ABC", "typing.Generic", "typing.Protocol"}
)


class ClassIndex:
    def __init__(self, modules: ModuleIndex, *, recorder: Recorder) -> None:
        self._modules = modules
        self._classes: TrackedMemo[tuple[str, tuple[Path, ...]], ClassInfo | None] = TrackedMemo(
            recorder
        )

    def resolve_class(self, spelled: str, file: Path, summary: ModuleSummary) -> ClassInfo | None:
        """The class ``spelled`` refers to in ``file`` (whose summary is given: the file being
        linted may differ from what is on disk)."""
        if "." not in spelled and spelled in summary.classes:
            return self._merged(summary.classes[spelled], file, summary, 0, set())
        qualified = self._modules.qualify(spelled, file, summary)
        return self.class_named(qualified, self._modules.roots_for(file)) if qualified else None

    def class_named(
        self, qualified: str, roots: Sequence[Path], depth: int = 0
    ) -> ClassInfo | None:
        key = (qualified, tuple(roots))
        return self._classes.get(key, lambda: self._find_class(qualified, roots, depth))

    def _find_class(self, qualified: str, roots: Sequence[Path], depth: int) -> ClassInfo | None:
        if depth > _MAX_CLASS_DEPTH:
            return None
        module_name, _, class_name = qualified.rpartition(".")
        if not module_name:
            return None
        location = self._modules.locate(module_name, roots)
        if location is None or location.opaque:
            return None
        for source in location.sources:
            summary = self._modules.summary(source)
            if class_name in summary.classes:
                return self._merged(summary.classes[class_name], source, summary, depth, set())
            imported = summary.imports.get(class_name)
            if imported is not None:  # a re-export: ``from .models import Event``
                target = absolute_name(imported, module_name, location.is_package)
                if target is not None and target != qualified:
                    return self.class_named(target, roots, depth + 1)
        return None

    def _merged(
        self,
        summary: ClassSummary,
        file: Path,
        module: ModuleSummary,
        depth: int,
        seen: set[str],
    ) -> ClassInfo:
        module_name = self._modules.module_name(file) or file.stem
        qualified = f"{module_name}.{summary.name}"
        roots = self._modules.roots_for(file)
        merged = ClassInfo(
            name=summary.name,
            qualified=qualified,
            path=file,
            line=summary.line,
            message_template=summary.message_template,
            imports=dict(module.imports),
            decorators=tuple(
                self._modules.qualify(name, file, module) or name for name in summary.decorators
            ),
            base_arguments=tuple(
                self._modules.qualify(name, file, module) or name for name in summary.base_arguments
            ),
        )
        bases: list[str] = []
        ancestors: list[str] = []
        unresolved: list[str] = []
        identity_hash = summary.identity_hash
        for spelled in reversed(summary.bases):
            base = self._modules.qualify(spelled, file, module) or spelled
            bases.insert(0, base)
            parent = (
                None
                if base in seen or depth >= _MAX_CLASS_DEPTH
                else self.class_named(base, roots, depth + 1)
            )
            if parent is None:
                unresolved.append(base)
                identity_hash = identity_hash and base in _IDENTITY_HASHING_BASES
                continue
            identity_hash = identity_hash and parent.identity_hash
            merged.fields.update(parent.fields)
            merged.attributes |= parent.attributes
            merged.constants.update(parent.constants)
            merged.init_assigned |= parent.init_assigned
            merged.message_attributes |= parent.message_attributes
            ancestors += [base, *parent.ancestors]
            unresolved += parent.unresolved_bases
            if merged.message_template is None:
                merged.message_template = parent.message_template
        for declared in summary.fields:
            merged.fields[declared.name] = FieldInfo(
                name=declared.name,
                annotation=declared.annotation,
                annotation_names=tuple(
                    self._modules.qualify(name, file, module) or name
                    for name in declared.annotation_names
                ),
                secret_typed=declared.secret_typed,
                marker=declared.marker,
                annotated_markers=tuple(
                    self._modules.qualify(name, file, module) or name
                    for name in declared.annotated_markers
                ),
                declared_in=qualified,
            )
        merged.attributes |= set(summary.attributes)
        merged.constants.update(summary.constants)
        # An ``__init__`` anywhere in the hierarchy that sets ``self.error_code`` hides the
        # class-level ``error_code`` on every instance: that constant is no instance's value.
        merged.init_assigned = merged.init_assigned | set(summary.init_assigned)
        merged.message_attributes |= set(summary.message_attributes)
        for hidden in merged.init_assigned:
            merged.constants.pop(hidden, None)
        merged.base_names = tuple(bases)
        merged.ancestors = tuple(dict.fromkeys(ancestors))
        merged.unresolved_bases = tuple(dict.fromkeys(unresolved))
        merged.identity_hash = identity_hash
        return merged
