"""``orch-lint explain DETxxx`` prints the rule's page; an unknown code is a usage error."""

from __future__ import annotations

from pathlib import Path

import pytest

from orch_lint import explain
from orch_lint.explain import render_page
from orch_lint.rules import ALL_RULES, RULES_BY_CODE
from conftest import REPO, Project

KNOWN = ", ".join(rule.code for rule in ALL_RULES)


def test_explain_prints_the_page_file_exactly(project: Project) -> None:
    completed = project.run("explain", "DET201")
    assert completed.returncode == 0
    assert completed.stdout == (REPO / "rules" / "DET201.md").read_text(encoding="utf-8")
    assert completed.stderr == ""


@pytest.mark.parametrize("code", ["DET101", "DET202", "DET301"])
def test_explain_each_page(project: Project, code: str) -> None:
    status, out, err = project.main("explain", code)
    assert (status, err) == (0, "")
    assert out == (REPO / "rules" / f"{code}.md").read_text(encoding="utf-8")
    assert out.startswith(f"# {code}: {RULES_BY_CODE[code].name}\n")


def test_explain_accepts_any_case(project: Project) -> None:
    assert project.main("explain", "det202") == project.main("explain", "DET202")


def test_unknown_code_is_a_usage_error(project: Project) -> None:
    status, out, err = project.main("explain", "DET999")
    assert (status, out) == (2, "")
    assert err == f"orch-lint: error: unknown rule code 'DET999' (known: {KNOWN})\n"


def test_missing_code_is_a_usage_error(project: Project) -> None:
    status, out, err = project.main("explain")
    assert (status, out) == (2, "")
    assert err == "orch-lint: error: explain needs a rule code, e.g. `orch-lint explain DET201`\n"


def test_without_page_files_the_page_is_rendered_from_the_rule(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As from a wheel, which does not carry the repository's rules/ directory."""
    monkeypatch.setattr(explain, "PAGES", tmp_path / "no-pages")
    status, out, err = project.main("explain", "DET201")
    assert (status, err) == (0, "")
    assert out == render_page(RULES_BY_CODE["DET201"])
    assert out.startswith("# DET201: set-iteration-feeds-output\n\n## What it does\n\nReports iteration over a set")
    assert "```python\ndef f(ready: set[str]):\n    out = []\n    for name in ready:\n" in out
