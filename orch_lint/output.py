"""Findings to text: the formats editors, humans and CI systems read.

Every formatter takes the findings, the number of files checked and, for the formats that need
more (SARIF's repository root and fixes), an ``OutputContext``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, Mapping, Optional, Sequence

from orch_lint.model import Finding, LintError
from orch_lint.rules import RULES_BY_CODE

if TYPE_CHECKING:
    from orch_lint.engine import TextEdit


@dataclass(frozen=True)
class OutputContext:
    """What machine formats need beyond the findings."""

    #: The repository root: the directory of the config governing the current directory.
    root: Path
    #: The directory the findings' paths are relative to.
    cwd: Path
    #: Each fixable finding's fix as a text edit.
    edits: Mapping[Finding, "TextEdit"] = field(default_factory=dict)
    #: Files that could not be checked.
    errors: Sequence[LintError] = ()


def format_text(findings: Sequence[Finding], files_checked: int, context: Optional[OutputContext] = None) -> str:
    """flake8's ``path:line:col: CODE message`` lines, then a one-line summary."""
    lines = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in findings]
    if findings:
        files = len({f.path for f in findings})
        fixable = sum(1 for f in findings if f.fix_safe)
        summary = f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} in {files} file{'s' if files != 1 else ''}"
        summary += f" ({files_checked} checked)."
        if fixable:
            summary += f" {fixable} fixable with `orch-lint fix`."
        lines.append(summary)
    else:
        lines.append(f"All checks passed ({files_checked} file{'s' if files_checked != 1 else ''} checked).")
    return "\n".join(lines) + "\n"


def format_json(findings: Sequence[Finding], files_checked: int, context: Optional[OutputContext] = None) -> str:
    """A JSON array of ``{path, line, column, code, message}`` objects, 1-based positions."""
    records = [
        {"path": f.path, "line": f.line, "column": f.column, "code": f.code, "message": f.message}
        for f in findings
    ]
    return json.dumps(records, indent=2) + "\n"


def format_github(findings: Sequence[Finding], files_checked: int, context: Optional[OutputContext] = None) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    return "".join(
        f"::error file={_property(f.path)},line={f.line},col={f.column},title={_property(f.code)}::{_data(f.message)}\n"
        for f in findings
    )


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def format_statistics(findings: Sequence[Finding]) -> str:
    """``COUNT  CODE  summary`` for each code reported, by code."""
    counts = Counter(f.code for f in findings)
    if not counts:
        return ""
    width = len(str(max(counts.values())))
    lines = []
    for code in sorted(counts):
        rule = RULES_BY_CODE.get(code)
        lines.append(f"{counts[code]:>{width}}  {code}  {rule.summary if rule else ''}".rstrip())
    return "\n".join(lines) + "\n"


def _format_sarif(findings: Sequence[Finding], files_checked: int, context: Optional[OutputContext] = None) -> str:
    from orch_lint.sarif import format_sarif

    return format_sarif(findings, files_checked, context)


FORMATTERS: Dict[str, Callable[[Sequence[Finding], int, Optional[OutputContext]], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "sarif": _format_sarif,
}
#: Formats read by programs: nothing else goes to stdout with them (statistics go to stderr).
MACHINE_FORMATS = frozenset({"json", "sarif"})
