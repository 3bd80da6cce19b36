"""The fenced code blocks of the hand-written documentation, as CommonMark reads them: for the
tests that run or check them (tests/test_readme_snippets.py, and the pre-commit set-up run as
written in tests/test_front_doors.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[1]
# Written by hand. docs/rules.md is generated from the rules (tests/test_docs.py keeps it
# current, tests/test_rule_examples.py runs its examples); every other page of docs/ counts.
GENERATED = {"docs/rules.md"}


def documents() -> list[str]:
    """The hand-written pages, repository-relative."""
    pages = ["README.md", "CONTRIBUTING.md"]
    pages += sorted(
        path.relative_to(REPO).as_posix()
        for path in (REPO / "docs").glob("*.md")
        if path.relative_to(REPO).as_posix() not in GENERATED
    )
    return pages


@dataclass(frozen=True)
class Block:
    """One code block: fenced (``info`` is its info string) or indented (``fenced`` false)."""

    document: str
    line: int  # 1-based, the opening fence
    info: str
    text: str
    fenced: bool = True

    @property
    def language(self) -> str:
        return self.info.split()[0] if self.info.split() else ""

    def __str__(self) -> str:
        return f"{self.document}:{self.line}"


def blocks_of(document: str, text: str) -> list[Block]:
    found = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type in ("fence", "code_block") and token.map is not None:
            found.append(
                Block(
                    document,
                    token.map[0] + 1,
                    token.info.strip(),
                    token.content,
                    fenced=token.type == "fence",
                )
            )
    return found


def all_blocks() -> list[Block]:
    return [
        block
        for document in documents()
        for block in blocks_of(document, (REPO / document).read_text(encoding="utf-8"))
    ]


def blocks_containing(document: str, needle: str) -> list[Block]:
    return [block for block in all_blocks() if block.document == document and needle in block.text]
