"""The long fuzz campaign: random (not derandomized), as many programs as asked for.

``ORCH_LINT_FUZZ_EXAMPLES`` programs from each of our hazard-dense strategy, hypothesmith's
grammar strategy and programs cut short; a fifth as many from hypothesmith's node strategy (the
slowest). Failures are kept in ``.hypothesis/`` and replayed first on the next run; each one
found becomes a plain test in ``tests/test_fuzz.py``. Every program's outcome is counted and
the counts printed (run with ``-s``), so a campaign says what it exercised.
"""

from __future__ import annotations

import collections
import os
import time
from typing import Any, Counter, Iterator

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_oracle import check_program
from fuzz_strategies import hazard_programs
from orch_lint.engine import lint_source

pytestmark = [pytest.mark.fuzz, pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")]

EXAMPLES = int(os.environ.get("ORCH_LINT_FUZZ_EXAMPLES", "0"))


def campaign(examples: int) -> Any:
    return settings(
        max_examples=examples, deadline=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    counts: Counter[str] = collections.Counter()
    started = time.monotonic()
    yield counts
    seconds = time.monotonic() - started
    print(f"\n{request.node.name}: {counts['programs']} programs in {seconds:.0f} s; {dict(sorted(counts.items()))}")


def _count(counts: Counter[str], source: str, compiles: Any = None) -> None:
    result = check_program(source, compiles=compiles)
    counts["programs"] += 1
    counts["refused" if result.error else "analysed"] += 1
    for finding in result.findings:
        counts[finding.code] += 1
    if result.error is None and result.findings:
        fixed = lint_source(source, "fuzz.py", fix=True, unsafe_fixes=True)
        counts["fixed programs"] += fixed.fixed_source is not None
        counts["fixes"] += len(fixed.fixed)


def test_hazard_programs(tally: Counter[str]) -> None:
    @campaign(EXAMPLES)
    @given(hazard_programs())
    def run(source: str) -> None:
        _count(tally, source, compiles=True)

    run()


def test_programs_from_the_grammar(tally: Counter[str]) -> None:
    @campaign(EXAMPLES)
    @given(hypothesmith.from_grammar())
    def run(source: str) -> None:
        _count(tally, source)

    run()


def test_programs_cut_short(tally: Counter[str]) -> None:
    @campaign(EXAMPLES)
    @given(hazard_programs(), st.floats(0, 1))
    def run(source: str, fraction: float) -> None:
        _count(tally, source[: int(len(source) * fraction)])

    run()


def test_programs_from_libcst_nodes(tally: Counter[str]) -> None:
    @campaign(max(EXAMPLES // 5, 1))
    @given(hypothesmith.from_node())
    def run(source: str) -> None:
        _count(tally, source)

    run()
