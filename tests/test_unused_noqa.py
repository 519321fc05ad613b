"""DET900 end to end: what is judged, what is not, where it points, and what its fix leaves.

The rule's own examples (run by test_rule_examples.py) show the common cases; these pin down
the semantics that need a config, the CLI, or several rules at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import libcst as cst
import pytest

from conftest import Project, finding_lines
from orch_lint.engine import lint_source
from orch_lint.rules import RULES_BY_CODE
from orch_lint.rules.unused_noqa import Directive, UnusedNoqa

CLOCK = "import time\n\n\n"
STALE = "unused suppression `# noqa: {codes}`: nothing on this line is reported under it; remove it"


def heads(source: str, **kwargs: object) -> List[Tuple[int, int, str]]:
    result = lint_source(source, "a.py", module_name="a", **kwargs)  # type: ignore[arg-type]
    assert result.error is None
    return [(f.line, f.column, f.code) for f in result.findings]


def test_stale_noqa_is_reported_at_the_directive_with_its_codes(project: Project) -> None:
    project.write({"core/a.py": CLOCK + "def stamp():  # noqa: DET101\n    return 1\n"})
    code, out, err = project.main("check", "core")
    assert (code, err) == (1, "")
    assert out == (
        f"core/a.py:4:15: DET900 {STALE.format(codes='DET101')}\n"
        "Found 1 finding in 1 file (1 checked). 1 fixable with `orch-lint fix`.\n"
    )


def test_fix_removes_only_stale_codes_and_the_file_is_clean_after(project: Project) -> None:
    source = (
        CLOCK
        + "def stamp():  # noqa: DET101\n"
        + "    return time.time()  # noqa: DET101, DET202\n"
        + "x = 1  # noqa: E501,DET201\n"
        + "y = 2  # type: ignore  # noqa: DET301\n"
        + "def f():\n"
        + "    # noqa: DET2\n"
        + "    return 1\n"
    )
    project.write({"core/a.py": source})
    code, out, _ = project.main("fix", "core")
    assert (code, out) == (0, "Fixed 5 findings; 0 remaining.\n")
    assert (project.root / "core/a.py").read_text() == (
        CLOCK
        + "def stamp():\n"
        + "    return time.time()  # noqa: DET101\n"
        + "x = 1  # noqa: E501\n"
        + "y = 2  # type: ignore\n"
        + "def f():\n"
        + "    return 1\n"
    )
    assert project.main("check", "core") == (0, "All checks passed (1 file checked).\n", "")


def test_fix_never_leaves_a_bare_noqa_that_would_suppress_everything() -> None:
    directive = Directive.parse("# noqa: DET101 because the clock is injected")
    assert directive is not None
    assert directive.without("# noqa: DET101 because the clock is injected", ["DET101"]) == (
        "# because the clock is injected"
    )
    result = lint_source("x = 1  # noqa:DET101 legacy\n", "a.py", fix=True)
    assert result.fixed_source == "x = 1  # legacy\n"


def test_a_stale_noqa_and_another_fix_on_the_same_line_are_applied_in_one_pass() -> None:
    source = "def f(ready: set[str]):\n    return list(ready)  # noqa: DET101\n"
    result = lint_source(source, "a.py", fix=True)
    assert result.fixed_source == "def f(ready: set[str]):\n    return sorted(ready)\n"
    assert sorted(f.code for f in result.fixed) == ["DET201", "DET900"]
    assert result.findings == ()


def test_noqa_inside_brackets_is_judged_and_fixed() -> None:
    source = "import time\nx = max(  # noqa: DET101\n    1, 2)\n"
    assert heads(source) == [(2, 11, "DET900")]
    fixed = lint_source(source, "a.py", fix=True).fixed_source
    assert fixed == "import time\nx = max(\n    1, 2)\n"
    cst.parse_module(fixed)


@pytest.mark.parametrize(
    "config",
    [
        'ignore = ["DET101"]',
        'select = ["DET2", "DET900"]',
        'per-file-ignores = { "core/a.py" = ["DET1"] }',
    ],
)
def test_a_code_switched_off_by_config_is_not_judged(project: Project, config: str) -> None:
    project.write(
        {
            "pyproject.toml": f"[tool.orch-lint]\n{config}\n",
            "core/a.py": CLOCK + "x = 1  # noqa: DET101\n",
        }
    )
    assert project.main("check", "core") == (0, "All checks passed (1 file checked).\n", "")


def test_det900_itself_can_be_ignored_in_config(project: Project) -> None:
    project.write(
        {"pyproject.toml": '[tool.orch-lint]\nignore = ["DET900"]\n', "core/a.py": "x = 1  # noqa: DET101\n"}
    )
    assert project.main("check", "core")[0] == 0


@pytest.mark.parametrize(
    "line",
    [
        "x = 1  # noqa: DET101, DET900",  # names DET900: kept on purpose
        "x = 1  # noqa: DET9, DET101",  # a prefix of DET900 counts too
        "x = 1  # noqa",  # bare: never judged
        "x = 1  # noqa: E501, F401",  # other tools' codes
        "x = 1  # noqa: DET999",  # names no rule
        "x = '# noqa: DET101'",  # not a comment
        "x = 1  # DET101 is not a noqa",
    ],
)
def test_not_judged(line: str) -> None:
    assert heads(line + "\n") == []


def test_a_prefix_is_used_when_any_code_under_it_is_suppressed() -> None:
    source = "def f(s: set[str], d: dict[str, int]):\n    return list(s), list(d)  # noqa: DET2\n"
    assert heads(source) == []
    assert heads(source.replace("DET2\n", "DET20, DET101\n")) == [(2, 30, "DET900")]


def test_only_the_rules_that_ran_are_judged_when_asked_for_directly() -> None:
    source = "x = 1  # noqa: DET101, DET201\n"
    rules = [RULES_BY_CODE["DET201"], UnusedNoqa]
    result = lint_source(source, "a.py", rules=rules, enabled={"DET201", "DET900"})
    assert [(f.column, f.message) for f in result.findings] == [(8, STALE.format(codes="DET201"))]


def test_without_applying_noqa_findings_stay_and_the_noqa_still_counts_as_used() -> None:
    """flake8 applies noqa itself: the plugin asks for every finding, and DET900 judges the same."""
    source = CLOCK + "a = time.time()  # noqa: DET101\nb = 1  # noqa: DET101\n"
    assert heads(source, apply_noqa=False) == [(4, 5, "DET101"), (5, 8, "DET900")]
    assert heads(source) == [(5, 8, "DET900")]


def test_a_noqa_for_det401_is_not_judged_while_its_findings_are_deferred() -> None:
    source = "x = 1  # noqa: DET401\n"
    assert heads(source, defer_calls=True) == []
    assert heads(source) == [(1, 8, "DET900")]


def test_det401_noqa_is_judged_once_the_project_call_graph_is_known(project: Project) -> None:
    """The runner decides DET401 after every file; its noqa codes are judged then (no fix)."""
    project.write(
        {
            "core/helpers.py": CLOCK + "def stamp():\n    return time.time()  # noqa: DET101\n",
            "core/decide.py": (
                "from core.helpers import stamp\n\n\n"
                "def decide():\n    return stamp()  # noqa: DET401\n\n\n"
                "def other():\n    return 1  # noqa: DET401, DET101\n"
            ),
            "core/__init__.py": "",
        }
    )
    code, out, _ = project.main("check", "core")
    assert code == 1
    assert out.splitlines() == [
        f"core/decide.py:9:15: DET900 {STALE.format(codes='DET101')}",
        f"core/decide.py:9:15: DET900 {STALE.format(codes='DET401')}",
        "Found 2 findings in 1 file (3 checked). 1 fixable with `orch-lint fix`.",
    ]
    project.write({"pyproject.toml": '[tool.orch-lint]\nignore = ["DET401"]\n'})
    assert finding_lines(project.main("check", "core")[1]) == ["core/decide.py:9:15: DET900"]


def test_noqa_lines_are_counted_by_newlines_not_form_feeds() -> None:
    source = CLOCK + "\x0c\na = time.time()  # noqa: DET101\n"
    assert heads(source) == []


def test_files_without_a_det_noqa_skip_the_comment_search() -> None:
    module = cst.parse_module("x = 1  # noqa: E501\n# a comment\n")
    assert UnusedNoqa.candidates(module, module.code) == []
    module = cst.parse_module("x = 1  # noqa: E501,det101\n")
    assert [c.directive.codes for c in UnusedNoqa.candidates(module, module.code)] == [("E501", "DET101")]


def test_cli_summary_counts_det900_among_fixable(project: Project) -> None:
    project.write({"a.py": "x = 1  # noqa: DET101\ny = 2  # noqa: DET201\n"})
    code, out, _ = project.main("check", "a.py")
    assert code == 1
    assert finding_lines(out) == ["a.py:1:8: DET900", "a.py:2:8: DET900"]
    assert out.splitlines()[-1] == "Found 2 findings in 1 file (1 checked). 2 fixable with `orch-lint fix`."


def test_readme_example(tmp_path: Path) -> None:
    from readme_snippets import example_after, run_shell

    script, expected = example_after("### Exemptions that outlived their reason: DET900")
    result = run_shell(script, tmp_path)
    assert (result.returncode, result.stdout) == (1, expected)
    assert (tmp_path / "try-noqa" / "core" / "clock.py").read_text() == (
        "import time\n\n\ndef stamp():\n    return time.time()\n"
    )
