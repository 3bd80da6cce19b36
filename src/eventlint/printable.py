"""One-line text from anything a user or a file supplies (names, configured values)."""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL, line and paragraph separators, and the lone surrogates
# that stand for undecodable bytes in file names.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """Text safe to print on one line: a file name or a configured value holding a line
    break or an escape sequence cannot forge another line of output or recolour the
    terminal. Undecodable bytes of a file name show as ``\\xNN``."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape
            return f"\\x{code - 0xDC00:02x}"
        return char.encode("unicode_escape").decode("ascii") if code < 0x10000 else char

    return _UNPRINTABLE.sub(escape, text)
