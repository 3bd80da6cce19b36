"""The folder eventlint keeps its caches in (``.eventlint_cache/`` at the project root), and
why what it finds there can be trusted.

Threat model: the cache folder lives in the checkout, so a commit or a pull request can put
files there. A planted results entry claiming "no findings" for a file would turn a CI gate
green. So an entry is trusted only when it was written by eventlint for this user on this
machine: each one carries an HMAC keyed by a random secret kept *outside* every checkout
(``$XDG_CACHE_HOME/eventlint/secret``, else ``~/.cache/eventlint/secret``, mode 0600),
which no commit can plant and no other user can read. An entry from anywhere else (a
committed cache folder, a fresh CI machine's checkout, another user's) fails the check and is
a miss: the file is linted and the entry rewritten. Where no secret can be kept (no writable
cache home), nothing is read from or written to the cache. Entries are read as regular files
only, within a size bound: a planted symlink, FIFO or huge file is a miss, never a hang.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from eventlint import sourcefile

CACHE_DIR_NAME = ".eventlint_cache"
# No entry eventlint writes comes near this; a larger file is not an entry of ours.
MAX_ENTRY_BYTES = 32 * 2**20
_SECRET_BYTES = 32


def ensure_cache_folder(folder: Path) -> None:
    """Create a cache folder that git ignores by itself."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        sourcefile.write_atomically(
            folder / ".gitignore", b"# Created by eventlint.\n*\n", create=True
        )


def _secret_file() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "eventlint" / "secret"


@cache
def machine_secret() -> bytes | None:
    """This user's key for signing cache entries, created on first use; None when it cannot
    be kept (then the caches are neither read nor written)."""
    path = _secret_file()
    with contextlib.suppress(OSError, sourcefile.SourceError):
        found = sourcefile.read(path, max_bytes=1024)
        if len(found) == _SECRET_BYTES:
            return found
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_EXCL: two runs starting at once agree on the first one's key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(secrets.token_bytes(_SECRET_BYTES))
    with contextlib.suppress(OSError, sourcefile.SourceError):
        found = sourcefile.read(path, max_bytes=1024)
        if len(found) == _SECRET_BYTES:
            return found
    return None


def seal(payload: bytes, secret: bytes) -> str:
    """The MAC an entry's payload carries."""
    return hmac.new(secret, payload, hashlib.sha256).hexdigest()


def is_sealed(payload: bytes, mac: object, secret: bytes) -> bool:
    return isinstance(mac, str) and hmac.compare_digest(seal(payload, secret), mac)


def read_entry(path: Path, max_bytes: int = MAX_ENTRY_BYTES) -> bytes:
    """An entry's bytes: a regular file within the size bound, else SourceError/OSError."""
    return sourcefile.read(path, max_bytes=max_bytes)
