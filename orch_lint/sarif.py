"""SARIF 2.1.0, the format code-scanning services read (GitHub, GitLab, Azure DevOps).

One run: the tool driver describes every rule (id, name, short and full description, a help URI
to its page); each result carries its rule, level, message, location and, where the rule offers
one, its fix as a SARIF ``fixes`` entry. File URIs are relative to the repository root (the
directory of the config governing the current directory) through the ``SRCROOT`` base id, so
an upload from CI maps them onto the checkout; a file outside the root can only be named by its
absolute ``file://`` URI. Columns count code points, as the text output does.
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence
from urllib.parse import quote

from orch_lint import __version__
from orch_lint.model import Finding
from orch_lint.rules import ALL_RULES

if TYPE_CHECKING:
    from orch_lint.engine import TextEdit
    from orch_lint.output import OutputContext

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/orch-lint/orch-lint"
RULE_PAGE_URI = INFORMATION_URI + "/blob/main/rules/{code}.md"
ROOT_ID = "SRCROOT"

Json = Dict[str, Any]


def format_sarif(findings: Sequence[Finding], files_checked: int, context: "Optional[OutputContext]" = None) -> str:
    if context is None:
        from orch_lint.output import OutputContext

        context = OutputContext(root=Path.cwd(), cwd=Path.cwd())
    index = {rule.code: position for position, rule in enumerate(ALL_RULES)}
    run: Json = {
        "tool": {
            "driver": {
                "name": "orch-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule) for rule in ALL_RULES],
            }
        },
        "originalUriBaseIds": {ROOT_ID: {"uri": _directory_uri(context.root)}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, index, context) for finding in findings],
        "invocations": [
            {
                "executionSuccessful": not context.errors,
                "toolExecutionNotifications": [
                    {
                        "level": "error",
                        "message": {"text": error.message},
                        "locations": [_location(error.path, error.line, error.column, context)],
                    }
                    for error in context.errors
                ],
            }
        ],
    }
    return json.dumps({"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def _rule(rule: Any) -> Json:
    full = inspect.cleandoc(rule.__doc__) if rule.__doc__ else rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "helpUri": RULE_PAGE_URI.format(code=rule.code),
        "help": {"text": f"{rule.summary}. See {RULE_PAGE_URI.format(code=rule.code)}"},
        "defaultConfiguration": {"level": "error"},
    }


def _result(finding: Finding, index: Dict[str, int], context: "OutputContext") -> Json:
    result: Json = {"ruleId": finding.code}
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    result.update(
        {
            "level": "error",
            "message": {"text": finding.message},
            "locations": [_location(finding.path, finding.line, finding.column, context)],
        }
    )
    edit = context.edits.get(finding)
    if edit is not None:
        result["fixes"] = [_fix(finding.path, edit, context)]
    return result


def _artifact(path: str, context: "OutputContext") -> Json:
    """The file's URI relative to the root (under ``SRCROOT``), or its absolute URI outside it."""
    absolute = Path(os.path.normpath(os.path.join(context.cwd, path)))
    try:
        relative = absolute.relative_to(context.root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    # a name that is not UTF-8 (surrogate-escaped by Python) is quoted as its original bytes
    return {"uri": quote(relative.as_posix(), errors="surrogateescape"), "uriBaseId": ROOT_ID}


def _location(path: str, line: int, column: int, context: "OutputContext") -> Json:
    physical: Json = {"artifactLocation": _artifact(path, context)}
    if line:
        physical["region"] = {"startLine": line, "startColumn": max(column, 1)}
    return {"physicalLocation": physical}


def _fix(path: str, edit: "TextEdit", context: "OutputContext") -> Json:
    description = edit.description or "apply the fix"
    if not edit.safe:
        description += " (unsafe: may change behaviour; `orch-lint fix --unsafe-fixes` applies it)"
    replacement: Json = {
        "deletedRegion": {
            "startLine": edit.start_line,
            "startColumn": edit.start_column,
            "endLine": edit.end_line,
            "endColumn": edit.end_column,
        },
        "insertedContent": {"text": edit.text},
    }
    return {
        "description": {"text": description},
        "artifactChanges": [{"artifactLocation": _artifact(path, context), "replacements": [replacement]}],
    }


def _directory_uri(directory: Path) -> str:
    uri = Path(directory).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


__all__: List[str] = ["format_sarif", "RULE_PAGE_URI"]
