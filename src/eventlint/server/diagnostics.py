"""A finding as the editor shows it: an LSP diagnostic with its code, message, severity,
range and a link to the rule's documentation (``codeDescription``).

The link goes to the rule's section of docs/rules.md: the file of this checkout when
eventlint runs from one (an editable install), else :data:`RULES_DOCS_URL`, a placeholder
until the project is published under a permanent address.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lsprotocol import types

from eventlint.finding import Finding
from eventlint.parsing import NOT_ANALYSABLE, SYNTAX_ERROR
from eventlint.server.positions import LineIndex

SOURCE = "eventlint"
# A placeholder until eventlint is published: where docs/rules.md will be read online.
RULES_DOCS_URL = "https://github.com/eventlint/eventlint/blob/main/docs/rules.md"
_CHECKOUT_DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
# The file could not be analysed at all: nothing else in it was checked.
_ERRORS = frozenset({SYNTAX_ERROR, NOT_ANALYSABLE})


def docs_base() -> str:
    """docs/rules.md of this checkout as a file: URI when it is there, else the URL."""
    if _CHECKOUT_DOCS.is_file():
        return _CHECKOUT_DOCS.as_uri()
    return RULES_DOCS_URL


@cache
def rule_url(code: str) -> str | None:
    """The address of ``code``'s section of the rule docs; None for an unknown code."""
    from eventlint.docs import rule_anchor
    from eventlint.rules import rules_by_code

    rule = rules_by_code().get(code)
    if rule is None:
        return None
    return f"{docs_base()}#{rule_anchor(rule)}"


def severity(code: str) -> types.DiagnosticSeverity:
    return types.DiagnosticSeverity.Error if code in _ERRORS else types.DiagnosticSeverity.Warning


def diagnostic(finding: Finding, index: LineIndex) -> types.Diagnostic:
    url = rule_url(finding.code)
    fix = finding.fix.applicability.value if finding.fix is not None else None
    return types.Diagnostic(
        range=index.range(index.finding_span(finding)),
        message=finding.message,
        severity=severity(finding.code),
        code=finding.code,
        code_description=types.CodeDescription(href=url) if url else None,
        source=SOURCE,
        # What the code actions will offer: "safe", "unsafe" or None (no fix).
        data={"fix": fix},
    )
