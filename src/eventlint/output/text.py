"""Human output: ``path:line:col: CODE [*] message``."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from eventlint.finding import Applicability, Finding
from eventlint.printable import printable
from eventlint.rules import rules_by_code

_LISTED = 3  # references named per moved module in the summary of a --fix run
_BOLD, _RED, _CYAN, _RESET = "\033[1m", "\033[31m", "\033[36m", "\033[0m"


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return bool(stream.isatty()) and not os.environ.get("NO_COLOR")


def fixable_now(finding: Finding, unsafe_fixes: bool) -> bool:
    fix = finding.fix
    return fix is not None and (fix.applicability is Applicability.SAFE or unsafe_fixes)


def format_finding(finding: Finding, *, colour: bool, unsafe_fixes: bool) -> str:
    marker = "[*] " if fixable_now(finding, unsafe_fixes) else ""
    location = f"{printable(finding.path)}:{finding.line}:{finding.column}:"
    code = finding.code
    message = printable(finding.message)
    if colour:
        location = f"{_BOLD}{location}{_RESET}"
        code = f"{_RED}{_BOLD}{code}{_RESET}"
        marker = f"{_CYAN}{marker}{_RESET}" if marker else ""
    return f"{location} {code} {marker}{message}"


def summary(findings: Sequence[Finding], *, fixed: int, unsafe_fixes: bool) -> str:
    parts: list[str] = []
    if fixed:
        parts.append(f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.")
    if not findings:
        parts.append("All checks passed!" if not fixed else "No findings remain.")
        return " ".join(parts)
    count = len(findings)
    parts.append(f"Found {count} finding{'s' if count != 1 else ''}.")
    safe = sum(1 for f in findings if fixable_now(f, unsafe_fixes))
    hidden = sum(1 for f in findings if f.fix is not None and not fixable_now(f, unsafe_fixes))
    if safe:
        parts.append(
            f"[*] {safe} fixable with `eventlint --fix{' --unsafe-fixes' if unsafe_fixes else ''}`."
        )
    if hidden:
        more = " more" if safe else ""
        parts.append(f"{hidden}{more} fixable with `eventlint --fix --unsafe-fixes`.")
    return " ".join(parts)


def left_behind(findings: Sequence[Finding], *, unsafe_fixes: bool) -> list[str]:
    """After ``--fix``: for each moved module some of whose references were fixed, the
    references still naming it, and why each was not fixed."""
    by_module: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.reference is not None:
            by_module.setdefault(finding.reference, []).append(finding)
    lines: list[str] = []
    for module, left in sorted(by_module.items()):
        described = []
        for finding in sorted(left, key=lambda finding: finding.sort_key):
            if finding.fix is None:
                why = "no fix: update it by hand"
            elif fixable_now(finding, unsafe_fixes):
                why = "its fix could not be applied"
            else:
                why = "unsafe; use --unsafe-fixes"
            where = f"{printable(finding.path)}:{finding.line}:{finding.column}"
            described.append(f"{where} {finding.code} ({why})")
        count = len(left)
        # Each is also reported above, as a finding: the first few say where to look.
        more = f" and {count - _LISTED} more" if count > _LISTED else ""
        lines.append(
            f"{count} reference{'s' if count != 1 else ''} to {printable(module)} left unfixed: "
            + ", ".join(described[:_LISTED])
            + more
        )
    return lines


def statistics(findings: Sequence[Finding], *, unsafe_fixes: bool = False) -> list[str]:
    """One line per code, most frequent first. ``[*]``: some of them are fixable with the
    options given (as in the report); ``[-]``: fixable only with ``--unsafe-fixes``."""
    counts = Counter(finding.code for finding in findings)
    width = max((len(str(n)) for n in counts.values()), default=1)
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules_by_code().get(code)
        name = rule.name if rule is not None else ""
        of_code = [f for f in findings if f.code == code]
        if any(fixable_now(f, unsafe_fixes) for f in of_code):
            marker = "[*] "
        elif any(f.fix is not None for f in of_code):
            marker = "[-] "
        else:
            marker = "    "
        lines.append(f"{count:>{width}}  {code}  {marker}{name}")
    return lines


def fixes_shown(fixed: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """``--show-fixes``: per file, how many findings of each code were fixed."""
    lines: list[str] = []
    for display, codes in fixed:
        if not codes:
            continue
        lines.append(f"- {printable(display)}:")
        for code, count in sorted(Counter(codes).items()):
            rule = rules_by_code().get(code)
            name = f" ({rule.name})" if rule is not None else ""
            lines.append(f"    {count} × {code}{name}")
    if lines:
        total = sum(len(codes) for _, codes in fixed)
        lines.insert(0, f"Fixed {total} finding{'s' if total != 1 else ''}:")
    return lines
