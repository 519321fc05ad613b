"""The CLI end to end: exact output, exit codes, noqa, and what gets checked."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import Project, finding_lines

CLOCK = "import time\n\n\ndef stamp():\n    return time.time()\n"
MESSAGE_101 = "wall-clock read `time.time`: take the time from the triggering event or an injected clock"


def test_text_output_is_flake8_style_with_summary_and_exit_1(project: Project) -> None:
    project.write({"core/clock.py": CLOCK, "core/clean.py": "x = 1\n"})
    code, out, err = project.main("check", "core")
    assert code == 1
    assert err == ""
    assert out == (
        f"core/clock.py:5:12: DET101 {MESSAGE_101}\n"
        "Found 1 finding in 1 file (2 checked).\n"
    )


def test_clean_run_exits_0(project: Project) -> None:
    project.write({"core/clean.py": "def f(event):\n    return event.timestamp\n"})
    assert project.main("check", "core") == (0, "All checks passed (1 file checked).\n", "")


def test_json_output(project: Project) -> None:
    project.write({"core/clock.py": CLOCK})
    code, out, _ = project.main("check", "--format", "json", "core")
    assert code == 1
    assert json.loads(out) == [
        {"path": "core/clock.py", "line": 5, "column": 12, "code": "DET101", "message": MESSAGE_101}
    ]


def test_json_output_when_clean_is_an_empty_array(project: Project) -> None:
    project.write({"a.py": "x = 1\n"})
    code, out, _ = project.main("check", "--format", "json", "a.py")
    assert (code, json.loads(out)) == (0, [])


def test_noqa_for_the_code_or_bare_suppresses_other_codes_do_not(project: Project) -> None:
    project.write(
        {
            "a.py": (
                "import time\n"
                "a = time.time()  # noqa: DET101\n"
                "b = time.time()  # noqa\n"
                "c = time.time()  # noqa: E501\n"
                "d = time.time()  # noqa: DET201\n"
                "e = time.time()  # NOQA:DET1\n"
                "f = time.time()  # noqa: E501, DET101\n"
            )
        }
    )
    code, out, _ = project.main("check", "a.py")
    assert code == 1
    # DET900: line 5's noqa names DET201, which reports nothing there
    assert finding_lines(out) == ["a.py:4:5: DET101", "a.py:5:5: DET101", "a.py:5:18: DET900"]


def test_unparseable_file_is_an_error_and_other_files_are_still_checked(project: Project) -> None:
    project.write({"pkg/bad.py": "def f(:\n    pass\n", "pkg/clock.py": CLOCK})
    code, out, err = project.main("check", "pkg")
    assert code == 2
    assert err == "pkg/bad.py:1:7: error: cannot parse: invalid syntax\n"
    assert finding_lines(out) == ["pkg/clock.py:5:12: DET101"]


def test_missing_path_is_an_error_naming_it(project: Project) -> None:
    project.write({"a.py": "x = 1\n"})
    code, out, err = project.main("check", "a.py", "nope.py")
    assert code == 2
    assert err == "nope.py: error: no such file or directory\n"
    assert out == "All checks passed (1 file checked).\n"


def test_paths_are_relative_to_the_current_directory(project: Project) -> None:
    project.write({"src/core/clock.py": CLOCK})
    code, out, _ = project.main("check", "core", cwd=project.root / "src")
    assert finding_lines(out) == ["core/clock.py:5:12: DET101"]
    code, out, _ = project.main("check", str(project.root / "src"))
    assert finding_lines(out) == ["src/core/clock.py:5:12: DET101"]


def test_directories_skip_vcs_virtualenvs_and_build_output(project: Project) -> None:
    project.write(
        {
            "a.py": CLOCK,
            ".git/hooks/x.py": CLOCK,
            "env/pyvenv.cfg": "home = /usr\n",
            "env/lib/x.py": CLOCK,
            ".venv/x.py": CLOCK,
            "build/lib/x.py": CLOCK,
            "node_modules/x.py": CLOCK,
            "__pycache__/x.py": CLOCK,
            "notes.txt": "time.time()\n",
        }
    )
    code, out, _ = project.main("check", ".")
    assert finding_lines(out) == ["a.py:5:12: DET101"]


def test_rules_lists_every_code_with_its_summary() -> None:
    from orch_lint.cli import main
    from orch_lint.rules import ALL_RULES
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["rules"]) == 0
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == [rule.code for rule in ALL_RULES]
    assert all(rule.summary in line for rule, line in zip(ALL_RULES, lines))


def test_usage_error_exits_2(project: Project) -> None:
    result = project.run("check", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


def test_python_dash_m_and_console_script_agree(project: Project) -> None:
    project.write({"core/clock.py": CLOCK})
    module = project.run("check", "core")
    script = shutil.which("orch-lint", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert script is not None
    console = subprocess.run([script, "check", "core"], cwd=project.root, capture_output=True, text=True)
    assert (module.returncode, module.stdout) == (console.returncode, console.stdout) == (
        1, f"core/clock.py:5:12: DET101 {MESSAGE_101}\nFound 1 finding in 1 file (1 checked).\n"
    )


def test_main_restores_the_garbage_collectors_thresholds(project) -> None:  # type: ignore[no-untyped-def]
    import gc

    from orch_lint import cli

    project.write({"a.py": "x = 1\n"})
    before = gc.get_threshold()
    assert before != cli.GC_THRESHOLDS
    assert project.main("check", "a.py")[0] == 0
    assert gc.get_threshold() == before
