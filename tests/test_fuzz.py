"""Fuzzing, bounded: a few hundred generated programs on every run of the suite.

The oracle (``fuzz_oracle``): ``check`` never raises and is pure; a program Python compiles is
analysed; ``fix`` gives code that compiles, is idempotent, and differs from the input only where
fixed findings point. The programs: hypothesmith's (Python's grammar, LibCST's node types), ours
(``fuzz_strategies.hazard_programs``: dense in sets, dicts, clocks, noqa, shadowed builtins),
those cut short at a random place (syntax errors), and any text at all. The bytes of a file and
the values of a config are fuzzed at their own boundary.

These runs are derandomized: the suite gives the same verdict every time. ``tests/fuzz/`` runs
the long, random campaign on demand; each counterexample it finds becomes a test below.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Project
from fuzz_oracle import check_program, unexplained_changes
from fuzz_strategies import hazard_programs
from orch_lint.config import ConfigError, parse_config
from orch_lint.decoding import Decoded, Undecodable, decode_source
from orch_lint.engine import lint_source
from orch_lint.model import Finding


def bounded(examples: int) -> Any:
    return settings(
        max_examples=examples, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")


# -- the properties, on generated programs ------------------------------------------------------


@bounded(100)
@given(hazard_programs())
def test_hazard_programs_check_and_fix_as_the_oracle_says(source: str) -> None:
    check_program(source, compiles=True)


@bounded(100)
@given(hypothesmith.from_grammar())
def test_programs_from_the_grammar(source: str) -> None:
    check_program(source)


@bounded(20)
@given(hypothesmith.from_node())
def test_programs_from_libcst_nodes(source: str) -> None:
    check_program(source)


@bounded(150)
@given(hazard_programs(), st.floats(0, 1))
def test_programs_cut_short_never_crash(source: str, fraction: float) -> None:
    check_program(source[: int(len(source) * fraction)])


@bounded(300)
@given(st.text())
def test_any_text_never_crashes_check(source: str) -> None:
    check_program(source)


@bounded(300)
@given(st.binary() | st.builds(lambda text, cut: text.encode("utf-8")[:cut], st.text(), st.integers(0, 60)))
def test_any_bytes_decode_or_give_a_position_inside_the_file(data: bytes) -> None:
    decoded = decode_source(data)
    if isinstance(decoded, Decoded):
        assert decoded.text.encode(decoded.encoding) == data
    else:
        assert isinstance(decoded, Undecodable)
        lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        assert 1 <= decoded.line <= len(lines) and decoded.column >= 1
        assert "\n" not in decoded.message


TOML_VALUES = st.recursive(
    st.none().map(lambda _: "") | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
CONFIG_KEYS = st.sampled_from(
    ["core", "forbidden-imports", "extend-wall-clock", "select", "ignore", "per-file-ignores", "exclude",
     "cache-dir", "baseline", "deterministic", "Core", "include", ""]
)


@bounded(300)
@given(st.dictionaries(CONFIG_KEYS, TOML_VALUES, max_size=4))
def test_any_config_table_is_a_config_or_one_config_error(table: Any) -> None:
    try:
        config = parse_config(table, Path("/project/orch-lint.toml"))
    except ConfigError as error:
        assert "\n" not in str(error) and str(error).startswith("/project/orch-lint.toml: ")
    else:
        config.codes_for(Path("/project/a.py"))
        config.is_excluded(Path("/project/a.py"))
        config.is_core(Path("/project/a.py"))


# -- counterexamples the fuzzers found, kept as plain tests -------------------------------------


@pytest.mark.parametrize("source", ["x = 1  # noqa: DET204", "def f():\n    x = 1  # noqa: DET204"])
def test_an_unused_noqa_on_a_last_line_without_newline_has_a_text_edit(source: str) -> None:
    """Found by the hazard programs: the edit's range ends past the missing final newline."""
    result = lint_source(source, "m.py", edits=True)
    ((finding, edit),) = result.edits
    assert (finding.code, edit.text, edit.description) == ("DET900", "", "remove the unused noqa comment")
    assert lint_source(source, "m.py", fix=True).fixed_source == source.replace("  # noqa: DET204", "")


def test_sarif_for_a_file_without_final_newline_and_a_stale_noqa(project: Project) -> None:
    project.write({"m.py": "x = 1  # noqa: DET204"})
    code, out, err = project.main("check", "--format", "sarif", "m.py")
    assert (code, err) == (1, "")
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["ruleId"] == "DET900"


def test_a_noqa_that_a_fix_makes_unused_goes_in_the_same_fix() -> None:
    """Found by the hazard programs: sorting the dict also hides the set inside it, so the noqa
    for that set is stale once the fix is written; a second ``fix`` used to remove it."""
    source = "out = []\nfor a in {k: 1 for k in {'a', 'b'}}:  # noqa: DET201\n    out.append(a)\n"
    fixed = lint_source(source, "m.py", fix=True, unsafe_fixes=True)
    assert fixed.fixed_source == "out = []\nfor a in sorted({k: 1 for k in {'a', 'b'}}):\n    out.append(a)\n"
    assert [(f.code, f.line) for f in fixed.fixed] == [("DET202", 2), ("DET900", 2)]
    assert fixed.findings == ()
    assert lint_source(fixed.fixed_source, "m.py", fix=True, unsafe_fixes=True).fixed_source is None


@pytest.mark.parametrize(
    "source, error",
    [
        ("\n\\\r\n", "m.py:1:1: error: cannot parse: valid Python that LibCST's parser rejects (tokenizer error: "
         "unexpected end of file after a line continuation)"),
        ("try:\n pass\n\\\r\nfinally:\n pass\n", "m.py:5:8: error: cannot parse: valid Python that LibCST's parser "
         "rejects (parser error: error at 4:7: expected one of (, *, +, -, ..., AWAIT, DEDENT, False, NUMBER, None, True, "
         "[, break, continue, lambda, match, not, pass, ~)"),
    ],
)
def test_valid_python_that_libcst_cannot_read_is_reported_as_such(source: str, error: str) -> None:
    """Found by the campaign (hypothesmith): a backslash continuing an otherwise empty line.

    Whether CPython accepts these depends on its version (3.10 and 3.11 take both, 3.9 only the
    first, 3.12 and later neither); where it refuses, the error is CPython's, not LibCST's.
    """
    result = lint_source(source, "m.py")
    assert result.error is not None
    try:
        compile(source, "m.py", "exec")
    except SyntaxError as refusal:
        assert result.error.render() == f"m.py:{refusal.lineno}:{refusal.offset}: error: cannot parse: {refusal.msg}"
    else:
        assert result.error.render() == error


# -- the oracle itself can fail ------------------------------------------------------------------

OLD = "def f(s: set[str]):\n    return list((s)), [x for x in s]\n"
LIST_SITE = Finding("fuzz.py", 2, 17, "DET201", "")
COMPREHENSION_SITE = Finding("fuzz.py", 2, 35, "DET201", "")


def test_the_oracle_accepts_exactly_the_reported_fixes() -> None:
    new = "def f(s: set[str]):\n    return sorted(s), [x for x in sorted(s)]\n"
    assert unexplained_changes(OLD, new, [LIST_SITE, COMPREHENSION_SITE]) == []


@pytest.mark.parametrize(
    "new, fixed, problem",
    [
        ("def f(s: set[str]):\n    return sorted(s), [x for x in s]\n", [LIST_SITE, COMPREHENSION_SITE],
         "fixed finding 2:35 DET201 changed nothing"),
        ("def f(s: set[str]):\n    return sorted(s), [x for x in sorted(s)]\n", [LIST_SITE],
         "a fix at (2, 35) that no fixed finding points at"),
        ("def f(s: set[str]):\n    return sorted(s), [y for y in sorted(s)]\n", [LIST_SITE, COMPREHENSION_SITE],
         "the fixed code differs from the input beyond the shapes of the fixes"),
        ("def f(s: set[str]):\n    return tuple(s), [x for x in sorted(s)]\n", [LIST_SITE, COMPREHENSION_SITE],
         "the fixed code differs from the input beyond the shapes of the fixes"),
    ],
)
def test_the_oracle_rejects_a_change_no_finding_explains(new: str, fixed: "list[Finding]", problem: str) -> None:
    assert problem in unexplained_changes(OLD, new, fixed)
