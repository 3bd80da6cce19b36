"""EVT303: a patch target string that does not resolve."""

from __future__ import annotations

from eventlint.finding import Applicability, Fix, TextEdit
from eventlint.rules.stale_imports._base import StaleImportRule
from eventlint.rules.stale_imports._import_uses import string_token
from eventlint.rules.stale_imports._moves import proven_moves
from eventlint.rules.stale_imports._resolution import listed, resolver_for, uses_of


class StalePatchTarget(StaleImportRule):
    """A ``mock.patch``/``monkeypatch`` target string names something that does not exist.

    Checked: the string targets of ``unittest.mock.patch``/``mock.patch`` (also as
    decorators), ``patch.dict``, ``patch.multiple``, ``mocker.patch`` (and ``.dict``,
    ``.multiple``, on every pytest-mock fixture), ``monkeypatch.setattr("a.b.name", value)``
    and ``monkeypatch.delattr("a.b.name")``. The target resolves as the runtime does: the
    longest prefix that is an existing module, then an attribute of it. Only the first
    attribute is judged (a class's methods are not), only first-party targets (never a
    submodule a build writes, as EVT301 defines it), and calls with
    ``create=True`` (or ``raising=False`` for monkeypatch) are skipped, since they may create
    what they patch. A patch whose target vanished fails at runtime with an ``AttributeError``
    or ``ModuleNotFoundError``; worse, after a move it can keep patching an old alias that
    the code under test no longer reads.

    Fix (unsafe): when the target's module is gone (``package.gone_module.name``) and exactly
    one first-party module defines ``name``, the string is rewritten to that module. Unsafe,
    because a patch belongs where the code under test *looks the name up*, which may be an
    importing module rather than the defining one. Safe when the same file's import of the
    gone module is fixed by EVT301 to that same module (``from orders.notify import
    send_email`` rewritten to ``orders.messaging.email``): the import proves the move, and
    the patch then names the same object in its new home as it did in the old, so a plain
    ``--fix`` moves both references instead of leaving the patch behind. The fix turns the
    Incorrect example into the Correct one.

    Incorrect::

        from unittest import mock

        @mock.patch("orders.notify.send_email")
        def test_confirmation_is_sent(send_email): ...

        # file: src/orders/messaging/email.py
        # moved here from src/orders/notify.py
        def send_email(to, body): ...

    Correct::

        from unittest import mock

        @mock.patch("orders.messaging.email.send_email")
        def test_confirmation_is_sent(send_email): ...

        # file: src/orders/messaging/email.py
        def send_email(to, body): ...
    """

    code = "EVT303"
    name = "stale-patch-target"
    summary = "mock.patch / monkeypatch target that does not resolve"
    fix_availability = "unsafe"
    triggers = ("patch", "setattr", "delattr")

    def check(self) -> None:
        resolver = resolver_for(self.context)
        for patch in uses_of(self.context).patches:
            target = patch.target
            unresolved = resolver.unresolved_attribute(target)
            if unresolved is None:
                continue
            module, attribute = unresolved
            parts = target.split(".")
            message = (
                f"patch target `{target}` does not resolve: `{module.dotted}` has no `{attribute}`"
            )
            elsewhere = resolver.definer_names(parts[-1], ".".join(parts[:-1]))
            reachable = [home for home in elsewhere if home != "?"]
            if reachable:
                message += f"; `{parts[-1]}` is defined in {listed(reachable)}"
            fix = None
            # Only ``package.gone_module.name``: a missing attribute of a plain module may be a
            # class whose method is patched, and a method's new home cannot be told by its name.
            moved_module = module.is_package and len(parts) == len(module.dotted.split(".")) + 2
            token = string_token(self.context.positions, patch.string)
            stale = ".".join(parts[:-1]) if moved_module else f"{module.dotted}.{attribute}"
            if moved_module and len(elsewhere) == 1 and reachable and token is not None:
                prefix, quote = token
                quoted = f"{prefix}{quote}{elsewhere[0]}.{parts[-1]}{quote}"
                start, end = self.context.span(patch.string)
                # The same move as the file's own import of the module (EVT301's safe fix):
                # made at the same level, so a safe ``--fix`` moves both references.
                same_move = proven_moves(self.context).get(stale) == elsewhere[0]
                level = Applicability.SAFE if same_move else Applicability.UNSAFE
                fix = Fix(level, (TextEdit(start, end, quoted),))
            self.report(patch.string, message, fix, reference=stale)
