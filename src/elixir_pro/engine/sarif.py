"""SARIF 2.1.0 output for GitHub code scanning (``elixir-pro audit --format sarif``).

Every registered rule is described in ``tool.driver.rules`` (id, short and full description,
help text, default level); each finding is a result pointing at its file and region. Findings
from the compiler (``audit --compile``: rules ``compiler:error``, ``compiler:warning``, ...) get
a descriptor of their own, appended after the engine's rules.
"""

from __future__ import annotations

import json

from elixir_pro import __version__
from elixir_pro.engine.analyzer import AuditReport
from elixir_pro.engine.findings import Confidence, Severity
from elixir_pro.engine.rule import Rule, all_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/elixir-pro/elixir-pro"
LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
#: GitHub shows a security severity for scores on this 0-10 scale.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.0",
    Severity.HIGH: "7.0",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "2.0",
}


def _rule_descriptor(rule: Rule) -> dict[str, object]:
    help_text = f"{rule.rationale}\n\nRecommendation: {rule.recommendation}"
    markdown = (
        f"{rule.rationale}\n\n**Recommendation**: {rule.recommendation}\n\n"
        f"Dirty:\n\n```elixir\n{rule.dirty_example}```\n\n"
        f"Clean:\n\n```elixir\n{rule.clean_example}```\n"
    )
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "helpUri": f"{INFORMATION_URI}/blob/main/docs/rules.md#{rule.id}",
        "help": {"text": help_text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["elixir", "otp", "style" if rule.strict else "reliability"],
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": rule.confidence.value,
        },
    }


#: SARIF ``rank`` (0-100, how likely a result is a real problem) by confidence.
RANK = {Confidence.HIGH: 90.0, Confidence.MEDIUM: 60.0, Confidence.LOW: 30.0}


def _compiler_descriptor(rule_id: str, severity: Severity) -> dict[str, object]:
    kind = rule_id.partition(":")[2] or "diagnostic"
    text = f"Elixir compiler {kind}"
    return {
        "id": rule_id,
        "name": f"Compiler{kind.capitalize()}",
        "shortDescription": {"text": text},
        "fullDescription": {"text": f"A {kind} reported by mix compile."},
        "help": {"text": f"{text}: fix what the compiler reports at this place."},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": ["elixir", "compiler"], "precision": "very-high"},
    }


def render_sarif(report: AuditReport) -> str:
    rules = all_rules()
    index = {rule.id: i for i, rule in enumerate(rules)}
    descriptors = [_rule_descriptor(rule) for rule in rules]
    for finding in report.findings:
        if finding.source == "compiler" and finding.rule not in index:
            index[finding.rule] = len(descriptors)
            descriptors.append(_compiler_descriptor(finding.rule, finding.severity))
    results: list[dict[str, object]] = []
    for finding in report.findings:
        result: dict[str, object] = {
            "ruleId": finding.rule,
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": finding.line,
                            "startColumn": finding.column,
                            "endLine": finding.end_line,
                            "endColumn": finding.end_column,
                        },
                    }
                }
            ],
            "rank": RANK[finding.confidence],
            "properties": {
                "severity": finding.severity.value,
                "confidence": finding.confidence.value,
                "fixable": finding.fixable,
                "source": finding.source,
            },
        }
        if finding.fingerprint:
            result["partialFingerprints"] = {"elixirPro/v1": finding.fingerprint}
        if finding.rule in index:
            result["ruleIndex"] = index[finding.rule]
        results.append(result)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "elixir-pro",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
