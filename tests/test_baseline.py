"""Adopting orch-lint on an existing codebase: ``--write-baseline`` records today's findings,
``--baseline`` (or the config's ``baseline``) then reports only new ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import Project, finding_lines
from orch_lint import baseline as baselines
from orch_lint.model import Finding

LEGACY = (
    "import time\n"
    "\n"
    "\n"
    "def stamp():\n"
    "    return time.time()\n"
    "\n"
    "\n"
    "def names(ready: set[str]):\n"
    "    return list(ready)\n"
)


@pytest.fixture
def legacy(project: Project) -> Project:
    project.write({"pyproject.toml": '[tool.orch-lint]\ncore = ["core"]\n', "core/legacy.py": LEGACY})
    return project


def test_write_baseline_records_findings_and_exits_0(legacy: Project) -> None:
    assert legacy.main("check", "--write-baseline", "baseline.json") == (
        0, "Wrote a baseline of 2 findings to baseline.json.\n", ""
    )
    document = json.loads((legacy.root / "baseline.json").read_text())
    assert document["format"] == "orch-lint-baseline" and document["version"] == 1
    entries = [{k: v for k, v in entry.items() if k != "fingerprint"} for entry in document["findings"]]
    assert entries == [
        {"path": "core/legacy.py", "code": "DET101", "text": "return time.time()", "count": 1},
        {"path": "core/legacy.py", "code": "DET201", "text": "return list(ready)", "count": 1},
    ]
    assert document["findings"][0]["fingerprint"] == baselines.fingerprint(
        "core/legacy.py", "DET101", "return time.time()"
    )


def test_with_the_baseline_only_new_findings_are_reported(legacy: Project) -> None:
    legacy.main("check", "--write-baseline", "baseline.json")
    assert legacy.main("check", "--baseline", "baseline.json") == (
        0, "All checks passed (1 file checked).\n2 accepted findings in the baseline not shown.\n", ""
    )
    source = LEGACY + "\n\ndef later():\n    return time.monotonic()\n"
    (legacy.root / "core/legacy.py").write_text(source)
    code, out, _ = legacy.main("check", "--baseline", "baseline.json")
    assert code == 1
    assert finding_lines(out) == ["core/legacy.py:13:12: DET101"]
    assert out.splitlines()[-1] == "2 accepted findings in the baseline not shown."


def test_unrelated_edits_and_reindenting_keep_findings_accepted(legacy: Project) -> None:
    legacy.main("check", "--write-baseline", "baseline.json")
    edited = '"""A docstring added above."""\n\nVERSION = 2\n' + LEGACY.replace(
        "    return time.time()", "    if True:\n        return   time.time()"
    )
    (legacy.root / "core/legacy.py").write_text(edited)
    assert legacy.main("check", "--baseline", "baseline.json")[0] == 0


def test_changing_the_offending_line_makes_it_new(legacy: Project) -> None:
    legacy.main("check", "--write-baseline", "baseline.json")
    (legacy.root / "core/legacy.py").write_text(LEGACY.replace("return time.time()", "return time.time() + 1"))
    code, out, _ = legacy.main("check", "--baseline", "baseline.json")
    assert (code, finding_lines(out)) == (1, ["core/legacy.py:5:12: DET101"])


def test_identical_lines_are_counted(legacy: Project) -> None:
    two = "import time\nx = time.time()\ny = 1\nx = time.time()\n"
    legacy.write({"core/legacy.py": two})
    legacy.main("check", "--write-baseline", "baseline.json")
    (entry,) = json.loads((legacy.root / "baseline.json").read_text())["findings"]
    assert (entry["text"], entry["count"]) == ("x = time.time()", 2)
    (legacy.root / "core/legacy.py").write_text(two + "x = time.time()\n")
    code, out, _ = legacy.main("check", "--baseline", "baseline.json")
    assert (code, finding_lines(out)) == (1, ["core/legacy.py:5:5: DET101"])


def test_the_same_line_in_another_file_is_new(legacy: Project) -> None:
    legacy.main("check", "--write-baseline", "baseline.json")
    legacy.write({"core/copy.py": LEGACY})
    code, out, _ = legacy.main("check", "--baseline", "baseline.json")
    assert finding_lines(out) == ["core/copy.py:5:12: DET101", "core/copy.py:9:17: DET201"]


def test_baseline_set_in_config_relative_to_it_and_moves_with_the_repository(
    legacy: Project, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert legacy.main("check", "--write-baseline", "ci/orch-lint-baseline.json")[0] == 0
    legacy.write({"pyproject.toml": '[tool.orch-lint]\ncore = ["core"]\nbaseline = "ci/orch-lint-baseline.json"\n'})
    assert legacy.main("check")[0] == 0
    assert legacy.main("check", "legacy.py", cwd=legacy.root / "core")[0] == 0
    moved = tmp_path_factory.mktemp("elsewhere") / "repository"
    shutil.copytree(legacy.root, moved)
    assert Project(moved).main("check")[0] == 0


def test_cli_baseline_overrides_the_configured_one(legacy: Project) -> None:
    legacy.main("check", "--write-baseline", "all.json")
    (legacy.root / "empty.json").write_text(baselines.dumps([]))
    legacy.write({"pyproject.toml": '[tool.orch-lint]\ncore = ["core"]\nbaseline = "all.json"\n'})
    assert legacy.main("check")[0] == 0
    code, out, _ = legacy.main("check", "--baseline", "empty.json")
    assert (code, len(finding_lines(out))) == (1, 2)


def test_writing_a_baseline_ignores_the_current_one(legacy: Project) -> None:
    (legacy.root / "empty.json").write_text(baselines.dumps([]))
    legacy.write({"pyproject.toml": '[tool.orch-lint]\ncore = ["core"]\nbaseline = "empty.json"\n'})
    assert legacy.main("check", "--write-baseline", "empty.json")[1] == "Wrote a baseline of 2 findings to empty.json.\n"
    assert legacy.main("check")[0] == 0


def test_a_missing_baseline_is_an_error_and_everything_is_reported(legacy: Project) -> None:
    code, out, err = legacy.main("check", "--baseline", "nope.json")
    assert code == 2
    assert err == "nope.json: error: no such baseline file (write one with `orch-lint check --write-baseline nope.json`)\n"
    assert len(finding_lines(out)) == 2


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not a baseline: invalid JSON at line 1: Expecting property name enclosed in double quotes"),
        ("[]", "not a baseline file (write one with `orch-lint check --write-baseline bad.json`)"),
        ('{"format": "orch-lint-baseline", "version": 9, "findings": []}', "baseline version 9 is not supported (expected 1)"),
        ('{"format": "orch-lint-baseline", "version": 1, "findings": [{"count": 1}]}',
         "finding 1 needs a 'fingerprint' string and a positive 'count'"),
    ],
)
def test_a_broken_baseline_is_a_clear_error(legacy: Project, text: str, message: str) -> None:
    (legacy.root / "bad.json").write_text(text)
    code, _, err = legacy.main("check", "--baseline", "bad.json")
    assert (code, err) == (2, f"bad.json: error: {message}\n")


def test_fix_honours_the_baseline_for_what_remains(legacy: Project) -> None:
    legacy.main("check", "--write-baseline", "baseline.json")
    code, out, _ = legacy.main("fix", "--baseline", "baseline.json")
    assert (code, out) == (0, "Fixed 1 finding; 0 remaining.\n")
    assert "return sorted(ready)" in (legacy.root / "core/legacy.py").read_text()


def test_fingerprints_ignore_whitespace_but_not_path_code_or_text() -> None:
    key = baselines.fingerprint("core/a.py", "DET101", "return time.time()")
    assert key == baselines.fingerprint("core/a.py", "DET101", "   return   time.time()\t")
    assert len({
        key,
        baselines.fingerprint("core/b.py", "DET101", "return time.time()"),
        baselines.fingerprint("core/a.py", "DET102", "return time.time()"),
        baselines.fingerprint("core/a.py", "DET101", "return time.time_ns()"),
    }) == 4


def test_new_findings_pure() -> None:
    root = Path("/repo")
    first = Finding("a.py", 2, 5, "DET101", "m")
    second = Finding("a.py", 7, 5, "DET101", "m")
    items = [baselines.Located(f, root / "a.py", "x = time.time()") for f in (second, first)]
    accepted = {baselines.fingerprint("a.py", "DET101", "x = time.time()"): 1}
    assert baselines.new_findings(items, accepted, root) == ([second], 1)
    entries = baselines.record(items, root)
    assert [(e.path, e.count) for e in entries] == [("a.py", 2)]
    assert baselines.loads(baselines.dumps(entries), "b.json") == {entries[0].fingerprint: 2}


def test_readme_example(tmp_path: Path) -> None:
    from readme_snippets import example_after, run_shell

    script, expected = example_after("### Adopting on an existing codebase: a baseline")
    result = run_shell(script, tmp_path)
    assert (result.returncode, result.stdout) == (1, expected)
