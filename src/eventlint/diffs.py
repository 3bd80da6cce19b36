"""Unified diffs that ``git apply`` and ``patch -p1`` apply byte-exactly.

The diff is computed on the file's bytes, split only at ``\\n`` as both tools do (a lone
``\\r``, a form feed or U+2028 is part of a line), and printed as bytes: a latin-1 file's diff is
latin-1, a BOM stays on the first line. A last line without a line break is followed by
``\\ No newline at end of file``. Hunk headers count lines as the tools do.
"""

from __future__ import annotations

import difflib
import re

_CONTEXT = 3
_NO_NEWLINE = b"\\ No newline at end of file\n"
_UNSAFE_PATH = re.compile(rb'[\x00-\x1f\x7f-\xff"\\]')


def _split_on_newline(data: bytes) -> list[bytes]:
    lines = [line + b"\n" for line in data.split(b"\n")]
    lines[-1] = lines[-1][:-1]
    return [line for line in lines if line]


def _range(start: int, stop: int) -> bytes:
    """``difflib``'s rule: a one-line range is just its line; an empty one starts before."""
    length = stop - start
    beginning = start + 1
    if length == 1:
        return b"%d" % beginning
    if not length:
        beginning -= 1
    return b"%d,%d" % (beginning, length)


def _path(display: str, side: bytes) -> bytes:
    name = side + display.replace("\\", "/").encode("utf-8", "surrogateescape")
    if _UNSAFE_PATH.search(name):
        # git's quoting of unusual names: C-style escapes inside double quotes.
        escaped = b"".join(_escaped(byte) for byte in name)
        return b'"' + escaped + b'"'
    return name + b"\t" if b" " in name else name


def _escaped(byte: int) -> bytes:
    named = {0x07: b"a", 0x08: b"b", 0x09: b"t", 0x0A: b"n", 0x0B: b"v", 0x0C: b"f", 0x0D: b"r"}
    if byte in named:
        return b"\\" + named[byte]
    if byte < 0x20 or byte >= 0x7F:
        return b"\\%03o" % byte
    if byte in b'"\\':
        return b"\\" + bytes([byte])
    return bytes([byte])


def unified(old: bytes, new: bytes, display: str) -> bytes:
    if old == new:
        return b""
    # Splitting at \n only: bytes.splitlines also splits at \r, \x0b, \x0c, \x1c-\x1e.
    a = _split_on_newline(old)
    b = _split_on_newline(new)
    output = [b"--- " + _path(display, b"a/") + b"\n", b"+++ " + _path(display, b"b/") + b"\n"]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(_CONTEXT):
        first, last = group[0], group[-1]
        output.append(
            b"@@ -" + _range(first[1], last[2]) + b" +" + _range(first[3], last[4]) + b" @@\n"
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                output += _marked(b" ", a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                output += _marked(b"-", a[i1:i2])
            if tag in ("replace", "insert"):
                output += _marked(b"+", b[j1:j2])
    return b"".join(output)


def _marked(prefix: bytes, lines: list[bytes]) -> list[bytes]:
    marked: list[bytes] = []
    for line in lines:
        marked.append(prefix + line)
        if not line.endswith(b"\n"):
            marked.append(b"\n" + _NO_NEWLINE)
    return marked
