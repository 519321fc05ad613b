"""Findings to text: the formats editors, humans and CI systems read."""

from __future__ import annotations

import json
from typing import Callable, Dict, Sequence

from orch_lint.model import Finding


def format_text(findings: Sequence[Finding], files_checked: int) -> str:
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


def format_json(findings: Sequence[Finding], files_checked: int) -> str:
    """A JSON array of ``{path, line, column, code, message}`` objects, 1-based positions."""
    records = [
        {"path": f.path, "line": f.line, "column": f.column, "code": f.code, "message": f.message}
        for f in findings
    ]
    return json.dumps(records, indent=2) + "\n"


FORMATTERS: Dict[str, Callable[[Sequence[Finding], int], str]] = {
    "text": format_text,
    "json": format_json,
}
