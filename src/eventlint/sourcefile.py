"""Reading and writing the files eventlint lints, byte-faithfully. The one place that does.

A fix must never re-encode a file, change its line endings or drop its BOM, and a crash or a kill
mid-write must leave either the old or the new file, never half of one. Writing goes through a
temporary file in the same folder and a rename, and refuses, with a reason, whenever the rename
would do something the user did not ask for: the file changed since it was read (an editor
saved it meanwhile), it is read-only, it has other hard links (they would keep the old
content), or it is reached through a symlink that leaves the paths eventlint was given.

Reading accepts regular files only (a FIFO named ``x.py`` would block forever, a link to
``/dev/zero`` would fill memory) and refuses files over a size limit.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import os
import stat
import tempfile
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# The default for ``max-file-size``: a guard against generated blobs (a 2 MB Python file is
# rarely written by hand).
DEFAULT_MAX_BYTES = 2_000_000
# The longest file name most file systems accept (NAME_MAX), in bytes.
_NAME_MAX = 255


class SourceError(Exception):
    """The file cannot be read, decoded or written; the message says why."""


@dataclass(frozen=True)
class SourceFile:
    """A decoded file: its text (BOM removed) and what is needed to write it back identically."""

    text: str
    encoding: str
    has_bom: bool

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.has_bom else data


@dataclass(frozen=True)
class Snapshot:
    """What was read, to tell later whether the file is still that."""

    data: bytes
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @property
    def digest(self) -> str:
        return content_digest(self.data)


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> SourceFile:
    """Decode as Python does: a UTF-8 BOM or a PEP 263 coding cookie, else UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise SourceError(f"cannot detect the encoding: {error.msg}") from None
    has_bom = data.startswith(codecs.BOM_UTF8)
    if has_bom:
        data = data[len(codecs.BOM_UTF8) :]
        encoding = "utf-8"
    elif encoding == "utf-8-sig":
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise SourceError(f"cannot decode as {encoding}: {error}") from None
    return SourceFile(text=text, encoding=encoding, has_bom=has_bom)


def snapshot(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> Snapshot:
    """Read a regular file, at most ``max_bytes`` of it (None: no limit)."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError("not a regular file")
        if max_bytes is not None and info.st_size > max_bytes:
            raise SourceError(f"larger than max-file-size ({info.st_size:,} > {max_bytes:,} bytes)")
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
            total += len(chunk)
            if max_bytes is not None and total > max_bytes:
                raise SourceError(f"larger than max-file-size ({max_bytes:,} bytes)")
        return Snapshot(
            b"".join(chunks), info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino
        )
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    finally:
        os.close(descriptor)


def read(path: Path, max_bytes: int | None = DEFAULT_MAX_BYTES) -> bytes:
    return snapshot(path, max_bytes).data


def _temporary_prefix(name: str) -> str:
    # mkstemp adds 8 random characters; keep the whole name within NAME_MAX.
    budget = _NAME_MAX - len(".eventlint-tmp") - 8 - 2
    shortened = name.encode("utf-8", "surrogateescape")[:budget].decode("utf-8", "ignore")
    return f".{shortened}."


def _inside(path: str, roots: Sequence[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def write_atomically(
    path: Path,
    data: bytes,
    *,
    expected: Snapshot | None = None,
    within: Sequence[Path] | None = None,
    create: bool = False,
) -> None:
    """Replace ``path``'s content with ``data``: a temporary file in the same folder, then a
    rename, keeping permissions and (where permitted) ownership.

    ``expected``: what was read; the write is refused if the file no longer matches it.
    ``within``: the paths eventlint was given; a symlink whose target lies outside them is
    not followed. ``create``: a missing file is created (eventlint's own files: the cache,
    baselines), with the permissions the umask gives. Raises :class:`SourceError` with the
    reason when it refuses.
    """
    if create and not os.path.lexists(path):
        _create(path, data)
        return
    real = os.path.realpath(path)
    if within is not None and real != os.path.abspath(path):
        allowed = [os.path.realpath(root) for root in within]
        if not _inside(real, allowed):
            raise SourceError(f"a symlink to {real}, outside the paths given; not followed")
    target = Path(real)
    try:
        info = os.stat(target)
    except OSError as error:
        raise SourceError(f"cannot write: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceError("not a regular file")
    if info.st_mode & 0o222 == 0:
        raise SourceError("the file is read-only; not written")
    if info.st_nlink > 1:
        raise SourceError(
            f"the file has {info.st_nlink} hard links, which a rename would split; not written"
        )
    descriptor, temporary = _temporary_beside(target)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(OSError):  # only a privileged user may give files away
                os.chown(temporary, info.st_uid, info.st_gid)
        if expected is not None and _changed_since(target, expected):
            raise SourceError("the file changed while eventlint was fixing it; not written")
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            # A full disk, a quota, a folder that became read-only: this file is not
            # written (and left as it was); the run goes on with the others.
            raise SourceError(f"cannot write: {error.strerror or error}; not written") from None
        raise


def _temporary_beside(target: Path) -> tuple[int, str]:
    """A new temporary file in ``target``'s folder (a rename within one folder is atomic)."""
    try:
        return tempfile.mkstemp(
            dir=target.parent, prefix=_temporary_prefix(target.name), suffix=".eventlint-tmp"
        )
    except OSError as error:
        raise SourceError(
            f"cannot write in {target.parent}: {error.strerror or error}; not written"
        ) from None


def _create(path: Path, data: bytes) -> None:
    # eventlint's own files: callers decide what an OSError means (a read-only checkout
    # runs without a cache; a baseline that cannot be written is a one-line error).
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=_temporary_prefix(path.name), suffix=".eventlint-tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _changed_since(path: Path, expected: Snapshot) -> bool:
    try:
        now = snapshot(path, max_bytes=None)
    except SourceError:
        return True
    return (now.size, now.mtime_ns, now.inode) != (
        expected.size,
        expected.mtime_ns,
        expected.inode,
    ) or now.data != expected.data
