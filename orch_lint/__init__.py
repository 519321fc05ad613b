"""orch-lint: keeps an orchestrator core a pure function of its events and playbook."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from orch_lint.engine import LintResult, lint_source
    from orch_lint.model import Finding, Fix, Invalid, LintError, Options, Valid
    from orch_lint.rule import Rule

#: Where each public name lives: imported on first use, so that a fully cached ``orch-lint
#: check`` (which needs none of them) never loads LibCST.
_EXPORTS = {
    "LintResult": "orch_lint.engine", "lint_source": "orch_lint.engine", "Rule": "orch_lint.rule",
    **{name: "orch_lint.model" for name in ("Finding", "Fix", "Invalid", "LintError", "Options", "Valid")},
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'orch_lint' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

__all__ = [
    "Finding", "Fix", "Invalid", "LintError", "LintResult", "Options", "Rule", "Valid",
    "__version__", "lint_source",
]
