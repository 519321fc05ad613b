"""``orch-lint explain DETxxx``: a rule's page, as ``rules/DETxxx.md`` has it.

The pages live in the repository's ``rules/`` directory, beside the package, and a test runs each
page's examples through the engine so a page cannot drift from its rule. A wheel does not carry
that directory, so when a page is not found the same sections are rendered from the rule class
itself: its summary, its docstring, its examples and whether they have fixes.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Optional, Sequence, Type

from orch_lint.model import Invalid
from orch_lint.rule import Rule
from orch_lint.rules import ALL_RULES, RULES_BY_CODE

#: Every rule page has these sections, in this order (ruff's rule pages do the same).
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options")
PAGES = Path(__file__).resolve().parent.parent / "rules"


class UnknownRule(LookupError):
    """A code that names no rule; the message lists the known ones."""

    def __str__(self) -> str:
        known = ", ".join(rule.code for rule in ALL_RULES)
        return f"unknown rule code '{self.args[0]}' (known: {known})"


def page_path(code: str) -> Path:
    return PAGES / f"{code}.md"


def rule_page(code: str) -> str:
    """The page for ``code`` (any case): the file in ``rules/`` when there is one, else rendered."""
    rule = RULES_BY_CODE.get(code.strip().upper())
    if rule is None:
        raise UnknownRule(code)
    path = page_path(rule.code)
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return render_page(rule)


def render_page(rule: Type[Rule]) -> str:
    """A page with the standard sections built from the rule class alone."""
    example = next((e for e in rule.invalid if e.options is None), rule.invalid[0] if rule.invalid else None)
    fixed = next((e for e in rule.invalid if e.fixed is not None and e.options is None), None)
    good = fixed.fixed if fixed is not None else (rule.valid[0].code if rule.valid else None)
    why = inspect.cleandoc(rule.__doc__ or "")
    parts = [
        f"# {rule.code}: {rule.name}\n",
        f"## What it does\n\nReports {rule.summary}.\n",
        f"## Why is this bad?\n\n{why}\n",
        f"## Example\n\n{_python(example.code if example is not None else None)}",
        f"## Use instead\n\n{_python(good)}",
        f"## Fix safety\n\n{_fix_safety(rule.invalid)}\n",
        "## Options\n\nSee the Configuration section of the orch-lint README.\n",
    ]
    return "\n".join(parts)


def _python(code: Optional[str]) -> str:
    if code is None:
        return "(no example)\n"
    return f"```python\n{code.rstrip()}\n```\n"


def _fix_safety(examples: Sequence[Invalid]) -> str:
    fixes = [e for e in examples if e.fixed is not None]
    if not fixes:
        return "No fix."
    if all(e.fix_safe for e in fixes):
        return "Fixes are safe: `orch-lint fix` applies them."
    return "Some fixes are unsafe: `orch-lint fix` applies only the safe ones; `--unsafe-fixes` applies all."
