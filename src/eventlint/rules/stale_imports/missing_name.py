"""EVT302: an import of a name the first-party module does not define."""

from __future__ import annotations

from eventlint.rules.stale_imports._base import StaleImportRule


class MissingName(StaleImportRule):
    """``from module import name`` names something the first-party module does not define.

    A module's names are read from its source: top-level functions, classes and assignments
    (also annotated, tuple-unpacked, ``for``/``with``/``except`` targets and ``global``
    declarations), names it imports (re-exports), ``__all__`` entries, what ``from x import *``
    brings from another first-party module, and a package's submodules. A module with a
    module-level ``__getattr__``, ``exec``, writes to ``globals()``/``sys.modules``, or a star
    import of a third-party module has names eventlint cannot know, and is never reported;
    nor are extensions and generated protobuf modules (``*_pb2``). The message says where the
    name is defined now, when some first-party module defines it. Test files only, unless
    ``check-all-files`` is set. No fix: a moved name may have moved for a reason.

    Incorrect::

        from inventory.models import StockLevel  # StockLevel moved to inventory.stock

    Correct::

        from inventory.stock import StockLevel
    """

    code = "EVT302"
    name = "missing-first-party-name"
    summary = "Import of a name that the first-party module does not define"
