"""SARIF 2.1.0 output, for GitHub code scanning and other CI dashboards."""

from __future__ import annotations

import inspect
import json
from collections.abc import Sequence

from eventlint import __version__
from eventlint.docs import rule_doc
from eventlint.finding import Finding
from eventlint.rules import ALL_RULES

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def _rules() -> list[dict[str, object]]:
    described: list[dict[str, object]] = []
    for rule in ALL_RULES:
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
                        "artifactLocation": {
                            "uri": finding.path.replace("\\", "/"),
                            "uriBaseId": "%SRCROOT%",
                        },
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
