"""EVT301: an import of a first-party module that does not exist."""

from __future__ import annotations

from eventlint.rules.stale_imports._base import StaleImportRule


class MissingModule(StaleImportRule):
    """An import names a first-party module that does not exist.

    After a reorganisation, tests keep importing the old paths; the failure shows up late, as
    a collection error that hides every other test in the file. eventlint reads the project's
    files (never imports them) to know which modules exist: ``.py``, ``.pyi``, package and
    PEP 420 namespace folders, and compiled extensions (``.so``/``.pyd``/``.pyx``), under the
    project's import roots (see "Stale imports" in the README for how roots are found).

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
