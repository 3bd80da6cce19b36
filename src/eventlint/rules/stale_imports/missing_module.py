"""EVT301: an import of a first-party module that does not exist."""

from __future__ import annotations

import ast

from eventlint.finding import Applicability, Fix, TextEdit
from eventlint.rules.stale_imports._base import StaleImportRule
from eventlint.rules.stale_imports._import_uses import alias_name_span, module_name_span
from eventlint.rules.stale_imports._moves import stale_module
from eventlint.rules.stale_imports._resolution import Resolver, resolver_for, uses_of


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
    ``# type: ignore`` or any ``noqa``, below a package whose names cannot be known
    statically (a ``__getattr__``, ``exec``, ``globals()`` or ``__path__`` rewrite), and
    modules a build generates, absent from a fresh checkout: a generated module is not
    stale, so the finding itself stays silent (and there is nothing to fix). Generated
    means: named ``_version``, ``version`` or ``__version__`` (setuptools-scm, hatch-vcs,
    versioneer), ``*_pb2`` or ``*_pb2_grpc`` (protobuf, gRPC); a path the project's
    ``.gitignore`` files cover (from the checkout's top down, nested ones too, with negations
    and folder patterns, read as git reads them; git is never run); or a path the build
    configuration in a folder above it names: ``[tool.setuptools_scm]``
    ``write_to``/``version_file``,
    ``[tool.hatch.build.hooks.vcs] version-file`` (also per build target),
    ``[tool.hatch.version.raw-options]`` ``write_to``/``version_file``,
    ``[tool.pdm.version] write_to``, ``[tool.versioneer]`` or setup.cfg's ``[versioneer]``
    ``versionfile_source``/``versionfile_build``. Relative imports are judged too, but only
    absolute ones are fixed.
    Test files only, unless ``[tool.eventlint.stale-imports] check-all-files = true``.

    Fix (safe): when the module is gone and every name the statement imports is *defined*
    (not re-exported) in exactly one first-party module, the same for all of them, the
    module path is rewritten, keeping aliases, order and formatting. When the names now live
    in different modules, one is defined in several, or one was renamed, there is no fix;
    the message says where each name is defined when the index knows. Nor is there one when
    the new home is itself a generated file (git-ignored or named by the build config): a
    fresh checkout lacks it, so it proves nothing about where the names live. The fix turns the
    Incorrect example into the Correct one.

    Incorrect::

        from inventory.levels import StockLevel, reorder_point as reorder

        # file: src/inventory/stock/levels.py
        # moved here from src/inventory/levels.py
        class StockLevel: ...

        def reorder_point(level): ...

    Correct::

        from inventory.stock.levels import StockLevel, reorder_point as reorder

        # file: src/inventory/stock/levels.py
        class StockLevel: ...

        def reorder_point(level): ...
    """

    code = "EVT301"
    reads_noqa_comments = True  # an import with any noqa is left alone
    name = "missing-first-party-module"
    summary = "Import of a first-party module that does not exist"
    fix_availability = "safe"

    def check(self) -> None:
        resolver = resolver_for(self.context)
        for statement in uses_of(self.context).imports:
            if isinstance(statement, ast.Import):
                self._plain_import(resolver, statement)
            else:
                self._from_import(resolver, statement)

    def _plain_import(self, resolver: Resolver, statement: ast.Import) -> None:
        for alias in statement.names:
            dotted = alias.name
            missing = resolver.missing_part(dotted)
            if missing is not None:
                message = f"`{dotted}` does not exist ({missing.describe()})"
                if missing.missing == dotted:
                    message += resolver.same_name_modules(dotted)
                self.report_chars(
                    *alias_name_span(self.context.positions, alias), message, reference=dotted
                )

    def _from_import(self, resolver: Resolver, statement: ast.ImportFrom) -> None:
        absolute = resolver.relative_to_absolute(statement.module or "", statement.level)
        if not absolute or not resolver.is_first_party(absolute):
            return
        missing = resolver.missing_part(absolute)
        if missing is None:
            return  # the module exists: its names are EVT302's business
        names = [alias.name for alias in statement.names if alias.name != "*"]
        span = module_name_span(self.context.positions, statement)
        message, replacement = stale_module(resolver, statement, absolute, missing, names)
        if span is None:
            self.report(statement, message, reference=absolute)
            return
        fix = None
        if replacement is not None:
            fix = Fix(Applicability.SAFE, (TextEdit(*span, replacement),))
        self.report_chars(*span, message, fix, reference=absolute)
