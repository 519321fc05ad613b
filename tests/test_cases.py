"""End-to-end case files (flake8-bugbear's habit): each expected finding sits in a comment.

A line ending in ``# expect: DET101:5 DET201:17`` must be reported with exactly those codes at
exactly those columns; every other line must be clean. Adding a case is adding one line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

import pytest

from orch_lint.engine import lint_source

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>(?:DET\d{3}:\d+\s*)+)$")


def expected_findings(source: str) -> List[Tuple[int, int, str]]:
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            for item in match.group("codes").split():
                code, column = item.split(":")
                found.append((number, int(column), code))
    return sorted(found)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.py")))
def test_case_file(case: str) -> None:
    source = (CASES / case).read_text(encoding="utf-8")
    result = lint_source(source, case, module_name=f"cases.{case[:-3]}")
    assert result.error is None
    actual = sorted((f.line, f.column, f.code) for f in result.findings)
    assert actual == expected_findings(source)
