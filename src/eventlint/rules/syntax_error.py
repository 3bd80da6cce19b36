"""EVT001: a file eventlint could not parse or decode."""

from __future__ import annotations

from eventlint.rules.base import EngineRule


class SyntaxErrorRule(EngineRule):
    """A file could not be decoded or parsed, so eventlint could not check it.

    Reported with the parser's line and column; the run goes on with the other files and
    exits 1. eventlint parses only the files that contain a word one of its enabled rules
    looks for (``hashlib``, ``uuid5``, ...), so a broken file with none of them is left to
    your other tools rather than reported here.

    Incorrect::

        def make_key(event:
            return hashlib.sha256(event.order_id.encode()).hexdigest()

    Correct::

        def make_key(event):
            return hashlib.sha256(event.order_id.encode()).hexdigest()
    """

    code = "EVT001"
    name = "syntax-error"
    summary = "File could not be decoded or parsed"
