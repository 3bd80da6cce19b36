"""``eventlint server``: a Language Server over stdio, for editors.

The package needs pygls and lsprotocol (the ``lsp`` extra) and is imported only by this
subcommand. Its modules: ``app`` the LSP wiring (pygls), ``linting`` the engine on one
buffer, ``diagnostics`` a finding as the editor shows it, ``actions`` the code actions
(fixes, ``# noqa``, fix all), ``positions`` columns in characters against the editor's code
units.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

MISSING_EXTRA = "eventlint server needs the lsp extra: pip install 'eventlint[lsp]'"
USAGE = "usage: eventlint server [--stdio]  (a Language Server on stdin/stdout)"
_NEEDED = frozenset({"pygls", "lsprotocol", "cattrs", "attrs"})


def main(arguments: Sequence[str]) -> int:
    """Serve until the client asks the server to exit; 2 without the lsp extra."""
    if list(arguments) in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    # Editors' clients often pass --stdio: it is the only transport, so it is accepted.
    if list(arguments) not in ([], ["--stdio"]):
        sys.stderr.write(f"eventlint: error: {USAGE}\n")
        return 2
    try:
        from eventlint.server.app import serve
    except ImportError as error:
        if (error.name or "").split(".")[0] not in _NEEDED:
            raise
        sys.stderr.write(f"eventlint: error: {MISSING_EXTRA}\n")
        return 2
    return serve()
