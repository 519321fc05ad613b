"""The README cannot drift from the code: its rule table and config keys match the registry."""

from __future__ import annotations

import re
from pathlib import Path

from orch_lint.config import SCHEMA
from orch_lint.rules import ALL_RULES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_rule_table_lists_every_rule_exactly() -> None:
    rows = re.findall(r"^\| \[?(DET\d{3})\]?(?:\([^)]*\))? \| ([a-z0-9-]+) \| (.+) \|$", README, re.MULTILINE)
    assert [(code, name, summary) for code, name, summary in rows] == [
        (rule.code, rule.name, rule.summary) for rule in ALL_RULES
    ]


def test_readme_documents_every_config_key() -> None:
    documented = re.findall(r"^\| `([a-z-]+)` \|", README, re.MULTILINE)
    assert sorted(documented) == sorted(SCHEMA)
