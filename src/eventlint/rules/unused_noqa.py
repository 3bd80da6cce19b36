"""EVT003: a ``# noqa: EVTxxx`` comment that suppresses nothing (the engine judges it)."""

from __future__ import annotations

from eventlint.rules.base import EngineRule


class UnusedNoqa(EngineRule):
    """A ``# noqa`` comment lists an eventlint code that suppresses nothing on its line.

    The ruff rule RUF100, for eventlint's codes. A suppression outlives what it was for: the
    code was fixed, moved, or a later eventlint no longer reports the false alarm. Left
    behind, it would hide the next real finding of that code on the line. Reported at the
    comment, naming the unused codes (and codes that name no eventlint rule, as unknown).

    What is judged: only codes written ``EVT...``; other tools' codes (``E501``, ``F401``)
    and the rest of the comment are theirs. A code is judged only when every rule it names
    (``EVT1`` names several) is enabled for the file in this run: a code of a rule that is
    off (not selected, ignored, off by default, or ignored for the file by
    ``per-file-ignores`` or ``# eventlint: noqa: CODE``) may be used when that rule runs, so
    it is left alone. So are the codes of EVT301 and EVT302, which leave alone an import
    carrying any ``# noqa`` (an import meant to fail): whether the comment is needed cannot
    be told from what they report; nor EVT001 and EVT002, which depend on the running
    Python (a file of Python 3.12 syntax is EVT001 under 3.11 only). A bare ``# noqa`` is
    never judged, nor a comment that lists EVT003 itself. Python files only: in other
    formats (workflows, Makefiles, pytest configs) a ``#`` is not always a comment.

    **Off by default** (enable it with ``extend-select = ["EVT003"]``), as ruff's RUF100 is
    opt-in: on by default it would fail CI on upgrade for every suppression a more precise
    eventlint made redundant; and the flake8 plugin never reports it (flake8 applies
    ``# noqa`` itself, to every plugin's findings), so on by default the two front doors
    would disagree. Enable it where you run the ``eventlint`` command (or ``eventlint
    server``, whose diagnostics then show it with its fix).

    The safe fix removes the unused codes, keeping the others as written; when none is
    left, the ``# noqa`` goes and the rest of the comment stays (``# noqa: EVT104 why`` becomes
    ``# why``), and a comment alone on its line goes with its line. The fix turns the
    Incorrect example into the Correct one.

    Incorrect::

        import hashlib


        def order_key(order_id: str) -> str:
            return hashlib.sha256(order_id.encode()).hexdigest()  # noqa: EVT104

    Correct::

        import hashlib


        def order_key(order_id: str) -> str:
            return hashlib.sha256(order_id.encode()).hexdigest()
    """

    code = "EVT003"
    name = "unused-noqa"
    summary = "A # noqa comment lists an eventlint code that suppresses nothing"
    default_enabled = False
    fix_availability = "safe"
