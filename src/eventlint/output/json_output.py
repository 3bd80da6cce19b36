"""Machine output: a JSON array, one object per finding (documented in the README)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from eventlint.finding import Finding


def finding_to_json(finding: Finding) -> dict[str, object]:
    return {
        "code": finding.code,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "fix": None if finding.fix is None else {"applicability": finding.fix.applicability.value},
    }


def render(findings: Sequence[Finding]) -> str:
    return json.dumps([finding_to_json(finding) for finding in findings], indent=2)
