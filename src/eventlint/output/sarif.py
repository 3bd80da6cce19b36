"""SARIF 2.1.0 output, for GitHub code scanning and other CI dashboards."""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Sequence
from urllib.parse import quote

from eventlint import __version__
from eventlint.docs import rule_doc
from eventlint.finding import Finding
from eventlint.rules import all_rules

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def _rules() -> list[dict[str, object]]:
    described: list[dict[str, object]] = []
    for rule in all_rules():
        doc = inspect.cleandoc(rule.__doc__ or "")
        described.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": doc.split("\n\n")[0].replace("\n", " ")},
                "help": {"text": doc, "markdown": rule_doc(rule)},
                "defaultConfiguration": {
                    "level": "error" if rule.default_enabled else "note",
                    "enabled": rule.default_enabled,
                },
            }
        )
    return described


def artifact_location(path: str) -> dict[str, str]:
    """A path as a SARIF artifact location: a relative URI reference under %SRCROOT% (the
    working directory) when the path is inside it, a ``file://`` URI otherwise. Bytes are
    percent-encoded (``#``, ``?``, ``%``, spaces, line breaks, a backslash, which is part of
    a file name on POSIX, and undecodable bytes of the name)."""
    raw = os.fsencode(path)
    if os.path.isabs(path):
        return {"uri": "file://" + quote(raw, safe="/")}
    return {"uri": quote(raw, safe="/"), "uriBaseId": "%SRCROOT%"}


def render(findings: Sequence[Finding]) -> str:
    rules = _rules()
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = [
        {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": "error",
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_location(finding.path),
                        "region": {
                            "startLine": finding.line,
                            "startColumn": finding.column,
                            "endLine": finding.end_line,
                            "endColumn": finding.end_column,
                        },
                    }
                }
            ],
        }
        for finding in findings
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "eventlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2)
