"""EVT003: ``# noqa: EVTxxx`` codes that suppress nothing, and the fix that removes them.

The engine calls :func:`unused_noqa` once the rules have run on a Python file, with every
finding they made *before* ``# noqa`` was applied. A code in a ``# noqa`` comment is judged
only when it is written ``EVT...`` (other tools' codes, ``E501``, are theirs) and every rule
it names (a prefix names several) is enabled for the file: a code of a rule that is off in
this run may be used when it is on. A code naming no rule at all is unused whatever runs.
A comment that lists EVT003 itself (or a prefix of it) is not judged: it suppresses EVT003.
See ``rules/unused_noqa.py`` for the user documentation.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from eventlint.finding import Applicability, Fix, TextEdit
from eventlint.noqa_comments import NoqaComment, NoqaLayout, layout
from eventlint.rules.base import Report

UNUSED_NOQA = "EVT003"


def unused_noqa(
    text: str,
    findings: Sequence[tuple[str, int]],
    enabled: Collection[str],
    known: Collection[str],
) -> list[Report]:
    """One report per ``# noqa`` comment with unused EVT codes. ``findings``: (code, line)
    of every finding before suppression; ``enabled``: the codes enabled for the file;
    ``known``: every code eventlint has."""
    if "EVT" not in text:
        return []
    found = layout(text)
    if found is None:
        return []
    by_line: dict[int, set[str]] = {}
    for code, line in findings:
        by_line.setdefault(line, set()).add(code)
    reports: list[Report] = []
    for comment in found.comments.values():
        if not comment.effective or comment.bare:
            continue
        first, last = found.group(comment.line)
        reported = {code for line in range(first, last + 1) for code in by_line.get(line, ())}
        unused, unknown = _judge(comment, reported, enabled, known)
        if unused or unknown:
            reports.append(_report(found, comment, unused, unknown))
    return reports


def _judge(
    comment: NoqaComment, reported: set[str], enabled: Collection[str], known: Collection[str]
) -> tuple[list[int], list[int]]:
    """The indexes of the unused codes and of the unknown ones (both removed by the fix)."""
    unused: list[int] = []
    unknown: list[int] = []
    for index, (code, _, _) in enumerate(comment.codes):
        if not code.startswith("EVT"):
            continue
        if UNUSED_NOQA.startswith(code):
            return [], []  # the comment suppresses EVT003 itself
        covered = [each for each in known if each.startswith(code)]
        if not covered:
            unknown.append(index)
        elif all(each in enabled for each in covered) and not any(
            each.startswith(code) for each in reported
        ):
            unused.append(index)
    return unused, unknown


def _report(
    found: NoqaLayout, comment: NoqaComment, unused: list[int], unknown: list[int]
) -> Report:
    names = [comment.codes[index][0] for index in unused]
    parts = [f"unused: {', '.join(names)}"] if names else []
    if unknown:
        parts.append(f"unknown: {', '.join(comment.codes[index][0] for index in unknown)}")
    line_start = found.starts[comment.line - 1]
    span = (
        comment.line,
        comment.directive_start - line_start,
        comment.line,
        comment.directive_end - line_start,
    )
    fix = Fix(Applicability.SAFE, (_removal(found, comment, {*unused, *unknown}),))
    return Report(UNUSED_NOQA, f"unused `noqa` directive ({'; '.join(parts)})", span=span, fix=fix)


def _removal(found: NoqaLayout, comment: NoqaComment, removed: set[int]) -> TextEdit:
    """The edit removing the codes at ``removed``: the others stay as written, and when
    none is left the directive goes, keeping the rest of the comment."""
    text = found.text
    kept = [code for index, (code, _, _) in enumerate(comment.codes) if index not in removed]
    codes = comment.codes
    if kept:
        separator = text[codes[0][2] : codes[1][1]] if len(codes) > 1 else ", "
        return TextEdit(codes[0][1], codes[-1][2], separator.join(kept))
    whole = text[comment.comment_start : comment.comment_end]
    before = whole[: comment.directive_start - comment.comment_start].rstrip()
    after = whole[comment.directive_end - comment.comment_start :].lstrip(", \t:").rstrip()
    if after and not after.startswith("#"):
        after = f"# {after}"
    rest = f"{before}  {after}" if before and after else before or after
    if rest:
        return TextEdit(comment.comment_start, comment.comment_end, rest)
    line_start = found.starts[comment.line - 1]
    start = comment.comment_start
    while start > line_start and text[start - 1] in " \t":
        start -= 1
    if start == line_start:  # a comment alone on its line: the line goes
        end = found.starts[comment.line] if comment.line < len(found.starts) else len(text)
        return TextEdit(line_start, end, "")
    return TextEdit(start, comment.comment_end, "")


__all__ = ["UNUSED_NOQA", "unused_noqa"]
