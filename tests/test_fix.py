"""``orch-lint fix``: what it rewrites, what it leaves, how it writes, and its exit codes.

The contract: DET201/DET202 sites are wrapped in ``sorted(...)``; only safe fixes apply without
``--unsafe-fixes``; a fixed file always parses, keeps its bytes outside the fix (encoding, BOM,
line endings, mode) and is written atomically; a second ``fix`` changes nothing, and ``check``
after ``fix`` reports only what has no fix. Exit codes as ruff: 0 nothing left, 1 findings remain
(``--diff``: something would change), 2 errors.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from typing import ClassVar

import libcst as cst
import pytest

from conftest import Project, finding_lines
from readme_snippets import example_after, run_shell
from orch_lint.engine import lint_source
from orch_lint.model import Fix, Invalid
from orch_lint.rule import Rule

SET_MESSAGE = "iteration over set `{}` feeds output in hash order: wrap it in sorted(...) or use an order-insensitive consumer"
DICT_MESSAGE = (
    "iteration over dict `{}` feeds output in insertion order: wrap it in sorted(...) or use an order-insensitive consumer"
)

#: One safe fix (set[str]), one unsafe (set of unknown elements), one finding with no fix.
MIXED = """\
import time


def names(ready: set[str]):
    return list(ready)


def ids(a, b):
    return tuple(set(a) - set(b))


def stamp():
    return time.time()
"""
MIXED_SAFE_FIXED = MIXED.replace("return list(ready)", "return sorted(ready)")
MIXED_ALL_FIXED = MIXED_SAFE_FIXED.replace("tuple(set(a) - set(b))", "tuple(sorted(set(a) - set(b)))")
CLOCK_LINE = "core/m.py:13:12: DET101 wall-clock read `time.time`: take the time from the triggering event or an injected clock"
UNSAFE_LINE = f"core/m.py:9:18: DET201 {SET_MESSAGE.format('set(a) - set(b)')}"


# -- the CLI: output and exit codes -------------------------------------------------------


def test_fix_applies_safe_fixes_and_lists_what_remains(project: Project) -> None:
    project.write({"core/m.py": MIXED})
    status, out, err = project.main("fix", "core")
    assert (status, err) == (1, "")
    assert out == f"{UNSAFE_LINE}\n{CLOCK_LINE}\nFixed 1 finding; 2 remaining. 1 more fixable with --unsafe-fixes.\n"
    assert (project.root / "core/m.py").read_text() == MIXED_SAFE_FIXED


def test_unsafe_fixes_apply_everything_fixable(project: Project) -> None:
    project.write({"core/m.py": MIXED})
    status, out, err = project.main("fix", "--unsafe-fixes", "core")
    assert (status, err) == (1, "")
    assert out == f"{CLOCK_LINE}\nFixed 2 findings; 1 remaining.\n"
    assert (project.root / "core/m.py").read_text() == MIXED_ALL_FIXED


def test_exit_0_when_everything_was_fixed(project: Project) -> None:
    project.write({"core/m.py": "def f(s: set[str]):\n    return ','.join(s)\n"})
    assert project.main("fix", "core") == (0, "Fixed 1 finding; 0 remaining.\n", "")
    assert (project.root / "core/m.py").read_text() == "def f(s: set[str]):\n    return ','.join(sorted(s))\n"


def test_exit_0_when_there_is_nothing_to_fix(project: Project) -> None:
    project.write({"core/m.py": "x = 1\n"})
    assert project.main("fix", "core") == (0, "Fixed 0 findings; 0 remaining.\n", "")


def test_diff_prints_a_patch_writes_nothing_and_exits_1(project: Project) -> None:
    project.write({"core/m.py": MIXED})
    status, out, err = project.main("fix", "--diff", "core")
    assert status == 1
    assert out == (
        "--- a/core/m.py\n"
        "+++ b/core/m.py\n"
        "@@ -2,7 +2,7 @@\n"
        " \n"
        " \n"
        " def names(ready: set[str]):\n"
        "-    return list(ready)\n"
        "+    return sorted(ready)\n"
        " \n"
        " \n"
        " def ids(a, b):\n"
    )
    assert err == "Would fix 1 finding; 2 remaining. 1 more fixable with --unsafe-fixes.\n"
    assert (project.root / "core/m.py").read_text() == MIXED


def test_diff_exits_0_when_nothing_would_change_even_with_findings_left(project: Project) -> None:
    project.write({"core/m.py": "import time\nx = time.time()\n"})
    assert project.main("fix", "--diff", "core") == (0, "", "Would fix 0 findings; 1 remaining.\n")


def test_diff_applies_with_git_apply_even_without_final_newline(project: Project) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    source = "def f(s: set[str]):\n    \x0c\n    return list(s)"  # a form feed, and no final newline
    project.write({"core/m.py": source})
    status, out, _ = project.main("fix", "--diff", "core")
    assert status == 1
    assert out.endswith("+    return sorted(s)\n\\ No newline at end of file\n")
    (project.root / "fix.patch").write_text(out)
    subprocess.run([git, "apply", "fix.patch"], cwd=project.root, check=True, capture_output=True)
    assert (project.root / "core/m.py").read_text() == source.replace("list(s)", "sorted(s)")


def test_second_fix_changes_nothing_and_check_reports_only_what_has_no_fix(project: Project) -> None:
    project.write({"core/m.py": MIXED, "core/n.py": "def f(d: dict[str, int]):\n    return [k for k in d]\n"})
    assert project.main("fix", "--unsafe-fixes", "core")[0] == 1
    after_first = {p: (project.root / p).read_bytes() for p in ("core/m.py", "core/n.py")}
    assert project.main("fix", "--unsafe-fixes", "core") == (1, f"{CLOCK_LINE}\nFixed 0 findings; 1 remaining.\n", "")
    assert {p: (project.root / p).read_bytes() for p in after_first} == after_first
    status, out, _ = project.main("check", "core")
    assert (status, finding_lines(out)) == (1, ["core/m.py:13:12: DET101"])


def test_check_after_safe_fix_reports_the_unsafe_and_the_unfixable(project: Project) -> None:
    project.write({"core/m.py": MIXED})
    project.main("fix", "core")
    status, out, _ = project.main("check", "core")
    assert (status, finding_lines(out)) == (1, ["core/m.py:9:18: DET201", "core/m.py:13:12: DET101"])
    assert out.endswith("Found 2 findings in 1 file (1 checked).\n")


SAME_LINE = "def f(s: set[str], t: set):\n    return ', '.join(s), tuple(t)\n"


def test_what_remains_is_reported_where_it_stands_in_the_fixed_file(project: Project) -> None:
    project.write({"core/m.py": SAME_LINE})
    status, out, _ = project.main("fix", "core")
    assert status == 1
    # `t` was at column 32 before `sorted(` and `)` went in front of it
    assert out.splitlines()[0] == f"core/m.py:2:40: DET201 {SET_MESSAGE.format('t')}"
    assert finding_lines(project.main("check", "core")[1]) == ["core/m.py:2:40: DET201"]


def test_when_the_write_fails_findings_point_into_the_unchanged_file(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orch_lint import runner

    project.write({"core/m.py": SAME_LINE})
    monkeypatch.setattr(runner.os, "access", lambda path, mode: False)
    status, out, err = project.main("fix", "core")
    assert (status, err) == (2, "core/m.py: error: cannot write fix: permission denied\n")
    assert finding_lines(out) == ["core/m.py:2:22: DET201", "core/m.py:2:32: DET201"]
    assert out.endswith("Fixed 0 findings; 2 remaining. 1 more fixable with --unsafe-fixes.\n")
    assert (project.root / "core/m.py").read_text() == SAME_LINE


def test_noqa_suppressed_sites_are_not_fixed(project: Project) -> None:
    source = "def f(s: set[str]):\n    a = list(s)  # noqa: DET201\n    return a, list(s)\n"
    project.write({"core/m.py": source})
    assert project.main("fix", "core")[0] == 0
    assert (project.root / "core/m.py").read_text() == source.replace("a, list(s)", "a, sorted(s)")


def test_without_paths_fix_works_on_the_configured_core(project: Project) -> None:
    unordered = "def f(s: set[str]):\n    return list(s)\n"
    project.write({"pyproject.toml": "[tool.orch-lint]\ncore = ['core']\n", "core/m.py": unordered, "app/m.py": unordered})
    assert project.main("fix") == (0, "Fixed 1 finding; 0 remaining.\n", "")
    assert (project.root / "core/m.py").read_text() == unordered.replace("list", "sorted")
    assert (project.root / "app/m.py").read_text() == unordered


def test_files_outside_the_core_are_not_touched(project: Project) -> None:
    unordered = "def f(s: set[str]):\n    return list(s)\n"
    project.write({"pyproject.toml": "[tool.orch-lint]\ncore = ['core']\n", "core/m.py": unordered, "app/m.py": unordered})
    assert project.main("fix", ".") == (0, "Fixed 1 finding; 0 remaining.\n", "")
    assert (project.root / "app/m.py").read_text() == unordered


# -- writing: byte-exact, atomic, mode and links kept --------------------------------------

ROUND_TRIPS = {
    "bom": ("\ufeffdef f(s: set[str]):\n    return list(s)\n").encode("utf-8"),
    "crlf": b"def f(s: set[str]):\r\n    return list(s)\r\n",
    "mixed-endings": b"def f(s: set[str]):\r\n    x = 1\n    return list(s)\r\n",
    "latin-1-cookie": "# -*- coding: latin-1 -*-\n# caf\u00e9\ndef f(s: set[str]):\n    return list(s)\n".encode("latin-1"),
    "no-final-newline": b"def f(s: set[str]):\n    return list(s)",
    "tabs-and-form-feed": b"def f(s: set[str]):\n\tx = 1\n\x0c\n\treturn list(s)\n",
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_fix_changes_only_the_fixed_bytes(project: Project, name: str) -> None:
    original = ROUND_TRIPS[name]
    path = project.root / "core" / "m.py"
    path.parent.mkdir()
    path.write_bytes(original)
    assert project.main("fix", "core")[0] == 0
    assert path.read_bytes() == original.replace(b"list(s)", b"sorted(s)")


def test_mode_is_kept_and_no_temporary_file_is_left(project: Project) -> None:
    project.write({"core/m.py": "def f(s: set[str]):\n    return list(s)\n"})
    path = project.root / "core/m.py"
    os.chmod(path, 0o750)
    assert project.main("fix", "core")[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert sorted(p.name for p in path.parent.iterdir()) == ["m.py"]


def test_a_symlink_stays_a_link_to_the_fixed_file(project: Project) -> None:
    project.write({"core/m.py": "def f(s: set[str]):\n    return list(s)\n"})
    os.symlink("m.py", project.root / "core/link.py")
    assert project.main("fix", "core")[0] == 0
    assert (project.root / "core/link.py").is_symlink()
    assert (project.root / "core/m.py").read_text() == "def f(s: set[str]):\n    return sorted(s)\n"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root may write read-only files")
def test_read_only_file_is_an_error_and_other_files_are_still_fixed(project: Project) -> None:
    unordered = "def f(s: set[str]):\n    return list(s)\n"
    project.write({"core/a.py": unordered, "core/b.py": unordered})
    os.chmod(project.root / "core/a.py", 0o444)
    status, out, err = project.main("fix", "core")
    assert status == 2
    assert err == "core/a.py: error: cannot write fix: permission denied\n"
    assert out == f"core/a.py:2:17: DET201 {SET_MESSAGE.format('s')}\nFixed 1 finding; 1 remaining.\n"
    assert (project.root / "core/a.py").read_text() == unordered
    assert (project.root / "core/b.py").read_text() == unordered.replace("list", "sorted")


def test_read_only_file_is_refused_even_for_root(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.replace`` would overwrite a read-only file: the writer asks ``os.access`` first."""
    from orch_lint import runner

    unordered = "def f(s: set[str]):\n    return list(s)\n"
    project.write({"core/a.py": unordered})
    monkeypatch.setattr(runner.os, "access", lambda path, mode: False)
    status, _, err = project.main("fix", "core")
    assert (status, err) == (2, "core/a.py: error: cannot write fix: permission denied\n")
    assert (project.root / "core/a.py").read_text() == unordered


def test_unparseable_file_is_an_error_and_the_others_are_fixed(project: Project) -> None:
    project.write({"core/bad.py": "def f(:\n", "core/good.py": "def f(s: set[str]):\n    return list(s)\n"})
    status, out, err = project.main("fix", "core")
    assert (status, out) == (2, "Fixed 1 finding; 0 remaining.\n")
    assert err == "core/bad.py:1:7: error: cannot parse: invalid syntax\n"
    assert (project.root / "core/good.py").read_text() == "def f(s: set[str]):\n    return sorted(s)\n"


def test_a_file_libcst_cannot_reproduce_is_not_fixed(project: Project) -> None:
    """LibCST drops a final bare CR; writing its output would change more than the fix."""
    original = b"def f(s: set[str]):\r    return list(s)\r"
    path = project.root / "core" / "m.py"
    path.parent.mkdir()
    path.write_bytes(original)
    status, out, err = project.main("fix", "core")
    assert status == 2
    assert err == "core/m.py: error: cannot fix: the file does not round-trip through LibCST (bare CR line endings?)\n"
    assert out == f"core/m.py:2:17: DET201 {SET_MESSAGE.format('s')}\nFixed 0 findings; 1 remaining.\n"
    assert path.read_bytes() == original


# -- the engine: one pass, nested fixes, and a fix that would break the syntax ---------------


def test_nested_fixes_are_applied_in_one_pass() -> None:
    source = "def f(s: set[str]):\n    for k in {x: 1 for x in s}:\n        print(k)\n"
    result = lint_source(source, fix=True, unsafe_fixes=True)
    assert result.fixed_source == "def f(s: set[str]):\n    for k in sorted({x: 1 for x in sorted(s)}):\n        print(k)\n"
    assert [(f.line, f.column, f.code) for f in result.fixed] == [(2, 14, "DET202"), (2, 29, "DET201")]
    assert result.findings == ()
    again = lint_source(result.fixed_source, fix=True, unsafe_fixes=True)
    assert (again.fixed_source, again.findings) == (None, ())


def test_inner_safe_fix_applies_when_the_outer_one_is_unsafe() -> None:
    source = "def f(s: set[str]):\n    for k in {x: 1 for x in s}:\n        print(k)\n"
    result = lint_source(source, fix=True)
    assert result.fixed_source == source.replace("in s}", "in sorted(s)}")
    assert [(f.line, f.column, f.code, f.fix_safe) for f in result.findings] == [(2, 14, "DET202", False)]
    again = lint_source(result.fixed_source, fix=True)
    assert again.fixed_source is None


class _BreaksSyntax(Rule):
    """A rule whose fix produces code that does not parse, to prove such a fix is never kept."""

    code = "DET999"
    name = "breaks-syntax"
    summary = "test only"
    message = "test only"
    invalid: ClassVar = [Invalid("x = 1\n")]

    def visit_Integer(self, node: cst.Integer) -> None:
        self.report(node, fix=Fix(node, cst.Name("lambda"), safe=True))


def test_a_fix_that_would_not_parse_is_dropped_and_the_finding_stays() -> None:
    result = lint_source("x = 1\n", rules=[_BreaksSyntax], fix=True)
    assert result.fixed_source is None
    assert [(f.line, f.column, f.code) for f in result.findings] == [(1, 5, "DET999")]


# -- meaning: a fix changes the order, nothing else -----------------------------------------

SITES = """\
def joined(s: set[str]):
    return ",".join(s)
def listed(s: set[int]):
    return list(s)
def tupled(s: set[int]):
    return tuple(s)
def numbered(s: set[int]):
    return list(enumerate(s, start=1))
def zipped(s: set[int], t: list[str]):
    return list(zip(s, t))
def starred(s: set[int]):
    return [*s, 0]
def generated(s: set[int]):
    yield from s
def doubled(s: set[int]):
    return [x * 2 for x in s]
def inverted(d: dict[str, int]):
    return {v: k for k, v in d.items()}
def backwards(d: dict[str, int]):
    return list(reversed(d))
def values(d: dict[str, int]):
    out = []
    for v in (  # the values
        d.values()
    ):
        out.append(v)
    return out
"""
CALLS = [
    ("joined", ({"a", "b", "c"},)),
    ("listed", ({3, 1, 2},)),
    ("tupled", ({3, 1, 2},)),
    ("numbered", ({3, 1, 2},)),
    ("zipped", ({3, 1, 2}, ["x", "y", "z"])),
    ("starred", ({3, 1, 2},)),
    ("generated", ({3, 1, 2},)),
    ("doubled", ({3, 1, 2},)),
    ("inverted", ({"a": 1, "b": 2},)),
    ("backwards", ({"a": 1, "b": 2},)),
    ("values", ({"a": 1, "b": 2},)),
]


def _run(source: str, name: str, args: tuple) -> object:  # type: ignore[type-arg]
    namespace: dict = {}  # type: ignore[type-arg]
    exec(compile(source, "<fixed>", "exec"), namespace)
    result = namespace[name](*args)
    return list(result) if name == "generated" else result


def test_every_site_is_fixed_safely_and_the_result_parses() -> None:
    result = lint_source(SITES, fix=True)
    assert result.findings == ()
    assert len(result.fixed) == 11
    assert "sorted(  # the values\n        d.values()\n    )" in result.fixed_source


@pytest.mark.parametrize("name, args", CALLS, ids=[name for name, _ in CALLS])
def test_where_iteration_already_is_sorted_the_fixed_code_returns_the_same(name: str, args: tuple) -> None:  # type: ignore[type-arg]
    """Small int sets iterate in sorted order, and these dicts were filled in sorted order: on
    such inputs the original and the fixed code must agree exactly, so the fix changed only the order."""
    fixed = lint_source(SITES, fix=True).fixed_source
    assert fixed is not None
    if name != "joined":  # a str set's order is not sorted: compare as sets there
        assert _run(fixed, name, args) == _run(SITES, name, args)
    else:
        assert set(str(_run(fixed, name, args)).split(",")) == set(str(_run(SITES, name, args)).split(","))


def test_fixed_code_gives_the_same_output_under_any_hash_seed(project: Project) -> None:
    source = "names = {'delta', 'alpha', 'charlie', 'bravo', 'echo'}\nprint(list(names), ','.join(names))\n"
    fixed = lint_source(source, fix=True).fixed_source
    assert fixed == "names = {'delta', 'alpha', 'charlie', 'bravo', 'echo'}\nprint(sorted(names), ','.join(sorted(names)))\n"
    (project.root / "fixed.py").write_text(fixed)
    outputs = {
        subprocess.run(
            [sys.executable, "fixed.py"], cwd=project.root, capture_output=True, text=True, check=True,
            env=dict(os.environ, PYTHONHASHSEED=seed),
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert outputs == {"['alpha', 'bravo', 'charlie', 'delta', 'echo'] alpha,bravo,charlie,delta,echo\n"}


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def f(s: set[str]):\n    sorted = print\n    for x in s:\n        sorted(x)\n", id="sorted-shadowed"),
        pytest.param("def f(s: set[str]):\n    return reversed(s)\n", id="reversed-set-raises-anyway"),
    ],
)
def test_no_fix_where_sorting_would_change_the_meaning(source: str) -> None:
    result = lint_source(source, fix=True, unsafe_fixes=True)
    assert result.fixed_source is None
    assert [f.fixable for f in result.findings] == [False]


def test_the_readme_example_prints_what_the_readme_says(project: Project) -> None:
    script, expected = example_after("## Fixes")
    completed = run_shell(script, project.root)
    assert completed.stdout == expected
