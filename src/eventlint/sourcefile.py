"""Reading and writing the files eventlint lints, byte-faithfully.

A fix must never re-encode a file, change its line endings or drop its BOM, and a crash or a kill
mid-write must leave either the old or the new file, never half of one.
"""

from __future__ import annotations

import codecs
import io
import os
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path


class SourceError(Exception):
    """The file cannot be read or decoded; the message says why."""


@dataclass(frozen=True)
class SourceFile:
    """A decoded file: its text (BOM removed) and what is needed to write it back identically."""

    text: str
    encoding: str
    has_bom: bool

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.has_bom else data


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


def read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and a rename, keeping the permissions.

    A symlink is followed, so the link stays a link and its target gets the new content.
    """
    path = Path(os.path.realpath(path))
    mode = path.stat().st_mode & 0o7777
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".eventlint-tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
