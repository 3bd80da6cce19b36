"""EVT302: an import of a name the first-party module does not define."""

from __future__ import annotations

import ast

from eventlint.rules.stale_imports._base import StaleImportRule
from eventlint.rules.stale_imports._import_uses import alias_name_span
from eventlint.rules.stale_imports._resolution import listed, resolver_for, uses_of


class MissingName(StaleImportRule):
    """``from module import name`` names something the first-party module does not define.

    A module's names are read from its source: top-level functions, classes and assignments
    (also annotated, tuple-unpacked, ``for``/``with``/``except`` targets and ``global``
    declarations), names it imports (re-exports), ``__all__`` entries, what ``from x import *``
    brings from another first-party module, and a package's submodules. A module with a
    module-level ``__getattr__``, ``exec``, writes to ``globals()``/``sys.modules``, or a star
    import of a third-party module has names eventlint cannot know, and is never reported;
    nor are extensions and generated protobuf modules (``*_pb2``), nor a package's submodule
    a build writes (``from pkg import _version``; generated as EVT301 says), nor packages that
    hold C, C++, Cython or Rust sources (directly or one folder down): they build submodules
    no file names, as confluent-kafka's ``cimpl``. The message says where the name is
    defined now, when some first-party module defines it. Test files only, unless
    ``check-all-files`` is set. No fix: a moved name may have moved for a reason.

    Incorrect::

        from inventory.models import StockLevel

        # file: src/inventory/models.py
        class Product: ...

        # file: src/inventory/stock.py
        # StockLevel moved here from inventory.models
        class StockLevel: ...

    Correct::

        from inventory.stock import StockLevel

        # file: src/inventory/models.py
        class Product: ...

        # file: src/inventory/stock.py
        class StockLevel: ...
    """

    code = "EVT302"
    reads_noqa_comments = True  # an import with any noqa is left alone
    name = "missing-first-party-name"
    summary = "Import of a name that the first-party module does not define"

    def check(self) -> None:
        resolver = resolver_for(self.context)
        for statement in uses_of(self.context).imports:
            if not isinstance(statement, ast.ImportFrom) or any(
                alias.name == "*" for alias in statement.names
            ):
                continue
            absolute = resolver.relative_to_absolute(statement.module or "", statement.level)
            if not absolute or not resolver.is_first_party(absolute):
                continue
            if resolver.missing_part(absolute) is not None:
                continue  # a missing module is EVT301's
            known = resolver.known_names(absolute)
            if known is None:
                continue
            for alias in statement.names:
                name = alias.name
                if name in known or resolver.is_generated_submodule(absolute, name):
                    continue
                message = f"`{name}` is not defined in `{absolute}`"
                elsewhere = [home for home in resolver.definer_names(name, absolute) if home != "?"]
                if elsewhere:
                    message += f"; it is defined in {listed(elsewhere)}"
                self.report_chars(*alias_name_span(self.context.positions, alias), message)
