"""The flake8 plugin, through the real flake8 in a subprocess on fixture trees.

``flake8 --select DET`` must report exactly what ``orch-lint check`` reports (same positions,
codes and messages), read the same ``[tool.orch-lint]`` config, and leave ``# noqa``,
``--per-file-ignores`` and ``--extend-ignore`` to flake8.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from conftest import Project
from orch_lint import engine
from orch_lint.flake8_plugin import OrchLintChecker

TREE = Path(__file__).parent / "fixtures" / "flake8" / "tree"
MESSAGE_101 = "wall-clock read `{}`: take the time from the triggering event or an injected clock"
MESSAGE_301 = "database import `{}` in the core: convert db rows to core events at the boundary, outside the core"
STALE = "unused suppression `# noqa: {}`: nothing on this line is reported under it; remove it"

#: What both tools report on TREE: config scoping (core, exclude, per-file-ignores), the
#: config's extra clock and forbidden import, project-wide type facts and call chains (DET401
#: through app/util.py, outside the core), noqa and DET900.
EXPECTED = [
    ("core/clock.py", 7, 12, "DET101", MESSAGE_101.format("time.time")),
    ("core/clock.py", 11, 12, "DET101", MESSAGE_101.format("acme.clock.now")),
    ("core/db.py", 1, 8, "DET301", MESSAGE_301.format("sqlite3")),
    ("core/db.py", 3, 6, "DET301", MESSAGE_301.format("app.db")),
    ("core/decide.py", 6, 12, "DET401",
     "call reaches a hazard: decide() -> app.util.stamp (app/util.py:5) -> time.time (wall clock)"),
    ("core/decide.py", 6, 26, "DET201",
     "iteration over set `PENDING` feeds output in hash order: wrap it in sorted(...) or use an order-insensitive consumer"),
    ("core/legacy.py", 9, 12, "DET101", MESSAGE_101.format("time.time")),
    ("core/order.py", 3, 17, "DET201",
     "iteration over set `ready` feeds output in hash order: wrap it in sorted(...) or use an order-insensitive consumer"),
    ("core/order.py", 9, 21, "DET202",
     "iteration over dict `table` feeds output in insertion order: wrap it in sorted(...) or use an order-insensitive consumer"),
    ("core/stale.py", 4, 15, "DET900", STALE.format("DET101")),
    ("core/stale.py", 8, 8, "DET900", STALE.format("DET201")),
    ("core/stale.py", 10, 8, "DET900", STALE.format("DET401")),  # judged after the project's call graph
]

Row = Tuple[str, int, int, str, str]
LINE = re.compile(r"^(?:\./)?(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)$")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(TREE, root)
    return root


def flake8(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args], cwd=cwd, capture_output=True, text=True
    )


def rows(stdout: str) -> List[Row]:
    found = []
    for line in stdout.splitlines():
        match = LINE.match(line)
        assert match, f"not a flake8 finding: {line!r}"
        found.append((match["path"], int(match["line"]), int(match["col"]), match["code"], match["message"]))
    return sorted(found)


def test_flake8_version_lists_the_plugin() -> None:
    result = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "orch-lint: 0.1.0" in result.stdout


def test_select_det_reports_exactly_what_orch_lint_check_reports(tree: Path) -> None:
    result = flake8(tree, "--select", "DET", ".")
    assert (result.returncode, result.stderr) == (1, "")
    assert rows(result.stdout) == EXPECTED
    check = subprocess.run(
        [sys.executable, "-m", "orch_lint", "check", "--format", "json", "."], cwd=tree, capture_output=True, text=True
    )
    assert check.returncode == 1
    reported = sorted((f["path"], f["line"], f["column"], f["code"], f["message"]) for f in json.loads(check.stdout))
    assert reported == EXPECTED


def test_extend_select_with_flake8_defaults_and_parallel_jobs(tree: Path) -> None:
    result = flake8(tree, "--extend-select", "DET", "--jobs", "2", "core")
    assert result.returncode == 1
    reported = rows(result.stdout)
    assert [row for row in reported if row[3].startswith("DET")] == EXPECTED
    assert any(not row[3].startswith("DET") for row in reported)  # flake8's own checks ran too


def test_flake8_noqa_per_file_ignores_and_extend_ignore_apply(tree: Path) -> None:
    (tree / "core" / "order.py").write_text(
        (tree / "core" / "order.py").read_text().replace("for name in ready:", "for name in ready:  # noqa: DET201")
    )
    result = flake8(
        tree, "--select", "DET", "--extend-ignore", "DET3", "--per-file-ignores", "core/clock.py:DET101", "core"
    )
    assert result.returncode == 1
    assert [(p, line, code) for p, line, _, code, _ in rows(result.stdout)] == [
        ("core/decide.py", 6, "DET401"),
        ("core/decide.py", 6, "DET201"),
        ("core/legacy.py", 9, "DET101"),
        ("core/order.py", 9, "DET202"),
        ("core/stale.py", 4, "DET900"),
        ("core/stale.py", 8, "DET900"),
        ("core/stale.py", 10, "DET900"),
    ]


def test_files_outside_the_core_or_excluded_are_not_reported_even_when_named(tree: Path) -> None:
    result = flake8(tree, "--select", "DET", "other/tool.py", "core/generated/schema.py")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_syntax_error_is_flake8s_e999_and_other_files_are_still_checked(tree: Path) -> None:
    (tree / "core" / "broken.py").write_text("def f(:\n    pass\n")
    result = flake8(tree, "--select", "DET,E999", "core/broken.py", "core/clock.py")
    assert (result.returncode, result.stderr) == (1, "")
    assert [(p, line, code) for p, line, _, code, _ in rows(result.stdout)] == [
        ("core/broken.py", 1, "E999"),
        ("core/clock.py", 7, "DET101"),
        ("core/clock.py", 11, "DET101"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "def f(:\n    pass\n",  # what LibCST cannot parse yields nothing: flake8's E999 covers it
        "x = " + "not " * 1000 + "y\n",  # CPython parses it; the engine gives up on the depth
        "",
    ],
)
def test_the_plugin_yields_nothing_for_a_file_the_engine_cannot_handle(
    tree: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.chdir(tree)
    lines = text.splitlines(keepends=True)
    assert list(OrchLintChecker(None, lines, "core/odd.py").run()) == []  # type: ignore[arg-type]


def test_a_bad_config_is_a_clear_flake8_failure_naming_the_file_and_key(project: Project) -> None:
    project.write({"pyproject.toml": "[tool.orch-lint]\ncore = ['core']\nselct = ['DET']\n", "core/a.py": "x = 1\n"})
    result = flake8(project.root, "--select", "DET", "core")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "pyproject.toml: unknown key 'selct' in [tool.orch-lint]" in result.stdout


def test_one_libcst_parse_per_file_and_the_config_is_loaded_once(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first file also builds the project facts and call graph (each module parsed once for
    the process); every file after that costs one parse."""
    monkeypatch.chdir(tree)
    loads: List[Path] = []
    import orch_lint.config as config

    real_load = config.load_config
    monkeypatch.setattr(config, "load_config", lambda path: loads.append(path) or real_load(path))

    def check(names: Tuple[str, ...]) -> List[Tuple[str, int, int, str]]:
        found = []
        for name in names:
            lines = (tree / name).read_text().splitlines(keepends=True)
            checker = OrchLintChecker(None, lines, name)  # type: ignore[arg-type]
            found += [(name, line, column, text.split()[0]) for line, column, text, _ in checker.run()]
        return found

    check(("core/db.py",))
    before = engine.PARSE_COUNT
    found = check(("core/clock.py", "core/order.py", "core/legacy.py"))
    assert engine.PARSE_COUNT - before == 3
    assert [path.name for path in loads] == ["pyproject.toml"]
    assert found == [
        ("core/clock.py", 7, 11, "DET101"),
        ("core/clock.py", 11, 11, "DET101"),
        ("core/clock.py", 15, 11, "DET101"),  # under a noqa: flake8, not the plugin, applies it
        ("core/order.py", 3, 16, "DET201"),
        ("core/order.py", 9, 20, "DET202"),
        ("core/legacy.py", 9, 11, "DET101"),
    ]


def test_readme_example_and_ci_snippet(tmp_path: Path) -> None:
    import yaml

    from readme_snippets import README, example_after, run_shell

    script, expected = example_after("## flake8")
    result = run_shell(script, tmp_path)
    assert (result.returncode, result.stdout) == (1, expected)
    workflow = re.search(r"```yaml\n(# \.github/workflows/determinism\.yml\n.*?)```", README.read_text(), re.DOTALL)
    assert workflow, "the README shows a flake8 CI workflow"
    steps = yaml.safe_load(workflow.group(1))["jobs"]["flake8"]["steps"]
    command = steps[-1]["run"]
    assert command.startswith("flake8 --select DET --format ")
    annotations = run_shell(command, tmp_path / "try-flake8")
    assert (annotations.returncode, annotations.stdout) == (
        1,
        "::error file=./core/clock.py,line=5,col=12,title=DET101::"
        f"{MESSAGE_101.format('time.time')}\n",
    )
