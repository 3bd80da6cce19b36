"""EVT301: an import of a first-party module that does not exist."""

from __future__ import annotations

import libcst as cst

from eventlint.analysis.imports import dotted_name
from eventlint.finding import Applicability, Edit, Fix
from eventlint.rules.stale_imports._base import StaleImportRule
from eventlint.rules.stale_imports.resolution import (
    Missing,
    Resolver,
    listed,
    resolver_for,
    uses_of,
)


class MissingModule(StaleImportRule):
    """An import names a first-party module that does not exist.

    After a reorganisation, tests keep importing the old paths; the failure shows up late, as
    a collection error that hides every other test in the file. eventlint reads the project's
    files (never imports them) to know which modules exist: ``.py``, ``.pyi``, package and
    PEP 420 namespace folders, and compiled extensions (``.so``/``.pyd``/``.pyx``; any
    submodule of a package that holds C, C++, Cython or Rust sources), under the project's
    import roots (see "Stale imports" in the README for how roots are found).

    Only first-party modules are judged: a top-level name that no root holds is another
    library's, and is left alone. Also silent: imports inside ``try`` blocks that catch
    ``ImportError`` (or ``ModuleNotFoundError``, ``Exception``, a bare ``except``), inside
    ``with pytest.raises(ImportError)``, after ``pytest.importorskip(...)``, on lines with
    ``# type: ignore`` or any ``noqa``, and below a package whose names cannot be known
    statically (a ``__getattr__``, ``exec``, ``globals()`` or ``__path__`` rewrite). Relative
    imports are judged too, but only absolute ones are fixed. Test files only, unless
    ``[tool.eventlint.stale-imports] check-all-files = true``.

    Fix (safe): when the module is gone and every name the statement imports is *defined*
    (not re-exported) in exactly one first-party module, the same for all of them, the
    module path is rewritten, keeping aliases, order and formatting. When the names now live
    in different modules, one is defined in several, or one was renamed, there is no fix;
    the message says where each name is defined when the index knows.

    Incorrect::

        from inventory.levels import StockLevel, reorder_point as reorder

    Correct::

        from inventory.stock.levels import StockLevel, reorder_point as reorder
    """

    code = "EVT301"
    name = "missing-first-party-module"
    summary = "Import of a first-party module that does not exist"
    fix_availability = "safe"

    def check(self) -> None:
        resolver = resolver_for(self.context)
        for statement in uses_of(self.context).imports:
            if isinstance(statement, cst.Import):
                self._plain_import(resolver, statement)
            else:
                self._from_import(resolver, statement)

    def _plain_import(self, resolver: Resolver, statement: cst.Import) -> None:
        for alias in statement.names:
            dotted = dotted_name(alias.name)
            if dotted is None:  # pragma: no cover - the grammar guarantees a dotted name
                continue
            missing = resolver.missing_part(dotted)
            if missing is not None:
                message = f"`{dotted}` does not exist ({missing.describe()})"
                if missing.missing == dotted:
                    message += resolver.same_name_modules(dotted)
                self.report(alias.name, message)

    def _from_import(self, resolver: Resolver, statement: cst.ImportFrom) -> None:
        module = dotted_name(statement.module) if statement.module is not None else ""
        absolute = resolver.relative_to_absolute(module or "", len(statement.relative))
        if not absolute or not resolver.is_first_party(absolute):
            return
        missing = resolver.missing_part(absolute)
        if missing is None:
            return  # the module exists: its names are EVT302's business
        names = (
            [alias for alias in statement.names if isinstance(alias.name, cst.Name)]
            if not isinstance(statement.names, cst.ImportStar)
            else []
        )
        node: cst.CSTNode = statement.module if statement.module is not None else statement
        message, fix = _stale_module(resolver, statement, absolute, missing, names)
        self.report(node, message, fix)


def _stale_module(
    resolver: Resolver,
    statement: cst.ImportFrom,
    absolute: str,
    missing: Missing,
    names: list[cst.ImportAlias],
) -> tuple[str, Fix | None]:
    message = f"`{absolute}` does not exist"
    if missing.missing != absolute:
        message += f" ({missing.describe()})"
    homes: dict[str, list[str]] = {}
    for alias in names:
        name = alias.name.value if isinstance(alias.name, cst.Name) else ""
        homes[name] = resolver.definer_names(name, absolute)
    placed = {
        name: [home for home in found if home != "?"]
        for name, found in homes.items()
        if any(home != "?" for home in found)
    }
    if placed:
        described = "; ".join(
            f"`{name}` is defined in {listed(found)}" for name, found in placed.items()
        )
        message += f"; {described}"
    elif missing.missing == absolute:
        message += resolver.same_name_modules(absolute)
    # A safe fix only when every name is defined in exactly one module, the same one, that
    # this file can import.
    targets = {tuple(found) for found in homes.values()}
    if not names or statement.relative or len(targets) != 1:
        return message, None
    (only,) = targets
    if len(only) != 1 or only[0] == "?" or statement.module is None:
        return message, None
    replacement = cst.parse_expression(only[0])
    if not isinstance(replacement, (cst.Name, cst.Attribute)):
        return message, None
    return message, Fix(Applicability.SAFE, (Edit(statement.module, replacement),))
