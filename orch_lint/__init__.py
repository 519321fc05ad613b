"""orch-lint: keeps an orchestrator core a pure function of its events and playbook."""

from __future__ import annotations

from orch_lint.engine import LintResult, lint_source
from orch_lint.model import Finding, Fix, Invalid, LintError, Options, Valid
from orch_lint.rule import Rule

__version__ = "0.1.0"

__all__ = [
    "Finding", "Fix", "Invalid", "LintError", "LintResult", "Options", "Rule", "Valid",
    "__version__", "lint_source",
]
