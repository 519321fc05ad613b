"""``[tool.orch-lint]`` and ``orch-lint.toml``: scoping, options, and errors that name the key."""

from __future__ import annotations

from conftest import Project, finding_lines

CLOCK = "import time\nt = time.time()\n"
CORE_CONFIG = '[tool.orch-lint]\ncore = ["core"]\n'


def test_files_outside_core_are_not_checked_even_when_named(project: Project) -> None:
    project.write({"pyproject.toml": CORE_CONFIG, "core/a.py": CLOCK, "server/db.py": CLOCK})
    code, out, _ = project.main("check", "core/a.py", "server/db.py")
    assert code == 1
    assert finding_lines(out) == ["core/a.py:2:5: DET101"]
    assert project.main("check", "server/db.py") == (0, "All checks passed (0 files checked).\n", "")


def test_no_paths_checks_the_core_of_the_config_found_from_here(project: Project) -> None:
    project.write({"pyproject.toml": CORE_CONFIG, "core/a.py": CLOCK, "other.py": CLOCK})
    code, out, _ = project.main("check")
    assert finding_lines(out) == ["core/a.py:2:5: DET101"]
    code, out, _ = project.main("check", cwd=project.root / "core")
    assert finding_lines(out) == ["a.py:2:5: DET101"]


def test_no_config_means_everything_is_core(project: Project) -> None:
    project.write({"x/a.py": CLOCK})
    code, out, _ = project.main("check")
    assert finding_lines(out) == ["x/a.py:2:5: DET101"]


def test_nearest_config_governs_its_subtree(project: Project) -> None:
    project.write(
        {
            "pyproject.toml": CORE_CONFIG,
            "core/a.py": CLOCK,
            "legacy/orch-lint.toml": 'core = ["."]\nignore = ["DET2"]\n',
            "legacy/b.py": CLOCK + "s = {'a'}\nprint(list(s))\n",
            "tools/c.py": CLOCK,
        }
    )
    code, out, _ = project.main("check", ".")
    assert finding_lines(out) == ["core/a.py:2:5: DET101", "legacy/b.py:2:5: DET101"]


def test_pyproject_without_our_table_is_passed_over(project: Project) -> None:
    project.write({"pyproject.toml": CORE_CONFIG, "core/pyproject.toml": "[project]\nname = 'x'\n", "core/a.py": CLOCK})
    code, out, _ = project.main("check", ".")
    assert finding_lines(out) == ["core/a.py:2:5: DET101"]


def test_orch_lint_toml_wins_over_pyproject_in_the_same_directory(project: Project) -> None:
    project.write(
        {"pyproject.toml": CORE_CONFIG, "orch-lint.toml": 'core = ["other"]\n', "core/a.py": CLOCK, "other/b.py": CLOCK}
    )
    code, out, _ = project.main("check", ".")
    assert finding_lines(out) == ["other/b.py:2:5: DET101"]


def test_config_flag_forces_one_config(project: Project) -> None:
    project.write({"pyproject.toml": CORE_CONFIG, "alt.toml": 'ignore = ["DET101"]\n', "core/a.py": CLOCK, "x.py": CLOCK})
    assert project.main("check", "--config", "alt.toml", ".") == (0, "All checks passed (2 files checked).\n", "")


def test_select_ignore_and_prefixes(project: Project) -> None:
    source = CLOCK + "import sqlite3\nfor x in {'a'}:\n    print(x)\n"
    project.write({"a.py": source, "pyproject.toml": '[tool.orch-lint]\nselect = ["DET1", "DET3"]\nignore = ["DET301"]\n'})
    code, out, _ = project.main("check", "a.py")
    assert finding_lines(out) == ["a.py:2:5: DET101"]


def test_per_file_ignores_by_relative_glob_and_by_name(project: Project) -> None:
    project.write(
        {
            "pyproject.toml": '[tool.orch-lint]\nper-file-ignores = { "core/ids/*.py" = ["DET101"], "clock.py" = ["DET1"] }\n',
            "core/ids/mint.py": CLOCK,
            "core/other/clock.py": CLOCK,
            "core/a.py": CLOCK,
        }
    )
    code, out, _ = project.main("check", ".")
    assert finding_lines(out) == ["core/a.py:2:5: DET101"]


def test_exclude_skips_files_and_folders(project: Project) -> None:
    project.write(
        {
            "pyproject.toml": '[tool.orch-lint]\nexclude = ["generated", "*_pb2.py"]\n',
            "generated/a.py": CLOCK,
            "msg_pb2.py": CLOCK,
            "b.py": CLOCK,
        }
    )
    code, out, _ = project.main("check", ".")
    assert finding_lines(out) == ["b.py:2:5: DET101"]
    assert project.main("check", "msg_pb2.py")[0] == 0


def test_extend_wall_clock_and_forbidden_imports(project: Project) -> None:
    project.write(
        {
            "pyproject.toml": (
                '[tool.orch-lint]\nextend-wall-clock = ["acme.clock.now"]\n'
                'forbidden-imports = ["app.server"]\n'
            ),
            "app/__init__.py": "",
            "app/server/__init__.py": "",
            "app/core/__init__.py": "",
            "app/core/logic.py": "import acme.clock\nfrom ..server import db\nfrom app.server.db import Row\nnow = acme.clock.now()\n",
        }
    )
    code, out, _ = project.main("check", "app/core")
    assert finding_lines(out) == [
        "app/core/logic.py:2:8: DET301", "app/core/logic.py:3:6: DET301", "app/core/logic.py:4:7: DET101",
    ]
    assert "database import `app.server.db` in the core" in out


def test_unknown_key_is_exit_2_naming_the_key(project: Project) -> None:
    project.write({"pyproject.toml": '[tool.orch-lint]\ncores = ["core"]\n', "a.py": CLOCK})
    code, out, err = project.main("check", "a.py")
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("pyproject.toml: error: unknown key 'cores' in [tool.orch-lint] (known keys: core, ")


def test_wrong_type_is_exit_2_naming_the_key(project: Project) -> None:
    project.write({"orch-lint.toml": 'core = "core"\n', "a.py": CLOCK})
    code, _, err = project.main("check", "a.py")
    assert code == 2
    assert err == "orch-lint.toml: error: 'core' in config must be a list of strings, got str 'core'\n"


def test_per_file_ignores_wrong_type(project: Project) -> None:
    project.write({"orch-lint.toml": 'per-file-ignores = { "a.py" = "DET101" }\n', "a.py": CLOCK})
    code, _, err = project.main("check", "a.py")
    assert code == 2
    assert "'per-file-ignores.\"a.py\"' in config must be a list of codes" in err


def test_unknown_code_in_select_is_an_error(project: Project) -> None:
    project.write({"orch-lint.toml": 'select = ["DET999"]\n', "a.py": CLOCK})
    code, _, err = project.main("check", "a.py")
    assert code == 2
    assert "'select' in config names unknown code 'DET999'" in err


def test_invalid_toml_is_exit_2_naming_file_and_line(project: Project) -> None:
    project.write({"orch-lint.toml": 'core = ["a"\n', "a.py": CLOCK})
    code, _, err = project.main("check", "a.py")
    assert code == 2
    assert err == "orch-lint.toml:2:1: error: invalid TOML: Unclosed array\n"


def test_missing_core_path_is_a_warning_not_a_failure(project: Project) -> None:
    project.write({"orch-lint.toml": 'core = ["core", "gone"]\n', "core/a.py": "x = 1\n"})
    code, out, err = project.main("check")
    assert code == 0
    assert err.endswith("orch-lint.toml: warning: core path 'gone' does not exist\n")
    assert out == "All checks passed (1 file checked).\n"
