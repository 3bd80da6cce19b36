"""Fixture cases: ``tests/fixtures/<family>/<case>.py`` with ``# expect: CODE`` comments.

``<case>.fixed.py`` holds the result of ``--fix`` and ``<case>.unsafe.fixed.py`` the result of
``--fix --unsafe-fixes``; an absent file means "no change" (respectively "same as --fix").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)")


@dataclass(frozen=True)
class Case:
    path: Path

    @property
    def id(self) -> str:
        return self.path.relative_to(FIXTURES).as_posix()

    @property
    def safe_fixed(self) -> Path:
        return self.path.with_suffix(".fixed.py")

    @property
    def unsafe_fixed(self) -> Path:
        return self.path.with_suffix(".unsafe.fixed.py")

    def expected(self) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        text = self.path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                found += [(number, code) for code in re.split(r"[\s,]+", match["codes"])]
        return sorted(found)


def cases() -> list[Case]:
    return [
        Case(path) for path in sorted(FIXTURES.rglob("*.py")) if not path.name.endswith(".fixed.py")
    ]
