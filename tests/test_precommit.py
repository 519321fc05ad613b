"""The pre-commit hooks, with the real pre-commit, from throwaway git repositories.

The hooks repository is a snapshot of this working tree (the package, its pyproject and
``.pre-commit-hooks.yaml``) committed to a temporary git repository once per session, so the
hooks run exactly the code under test, whatever is committed here yet. ``try-repo`` builds its
hook environment afresh on each call (pip installs the snapshot); ``pre-commit run`` with the
README's config shares one ``PRE_COMMIT_HOME`` for the session.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Tuple

import pytest

from readme_snippets import README, REPO

CLOCK = "import time\n\n\ndef stamp():\n    return time.time()\n"
CLEAN_CLOCK = "def stamp(event):\n    return event.timestamp\n"
CLOCK_FINDING = (
    "core/clock.py:5:12: DET101 wall-clock read `time.time`: take the time from the triggering event or an injected clock"
)
FIXABLE = "def names(ready: set[str]):\n    return list(ready)  # noqa: DET101\n"
FIXED = "def names(ready: set[str]):\n    return sorted(ready)\n"
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
}


def git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, **GIT_IDENTITY)
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, str]:
    """This working tree's package and hook manifest, committed to a fresh repository."""
    snapshot = tmp_path_factory.mktemp("hooks") / "orch-lint"
    listed = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "--",
                 "pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "orch_lint")
    for name in sorted(set(listed.splitlines())):
        source = REPO / name
        if "__pycache__" in name or not source.is_file():
            continue
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "-m", "snapshot")
    return snapshot, git(snapshot, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def user_repo(root: Path, files: Dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    write(root, {"pyproject.toml": '[tool.orch-lint]\ncore = ["core"]\n', **files})
    return root


def write(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def pre_commit(cwd: Path, home: Path, *args: str) -> "subprocess.CompletedProcess[str]":
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", **GIT_IDENTITY)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def hook_report(output: str, name: str) -> str:
    """The ``name....Passed/Failed`` line of a hook, and what the hook printed."""
    match = re.search(rf"^{re.escape(name)}\.+(?P<status>\w+)\n(?P<body>.*?)(?=^\S[^\n]*\.{{3,}}\w+$|\Z)", output,
                      re.MULTILINE | re.DOTALL)
    assert match, f"no report of {name!r} in:\n{output}"
    return f"{match['status']}\n{match['body'].strip()}"


def test_try_repo_fails_on_a_violating_commit_and_passes_on_a_clean_one(
    hooks_repo: Tuple[Path, str], tmp_path: Path
) -> None:
    repository, rev = hooks_repo
    project = user_repo(tmp_path / "project", {"core/clock.py": CLOCK, "tools/script.py": CLOCK})
    commit(project, "violating")
    home = tmp_path / "unused-home"  # try-repo keeps its own store
    failed = pre_commit(project, home, "try-repo", str(repository), "orch-lint", "--ref", rev, "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert hook_report(failed.stdout, "orch-lint") == (
        "Failed\n- hook id: orch-lint\n- exit code: 1\n\n"
        f"{CLOCK_FINDING}\nFound 1 finding in 1 file (1 checked)."
    )  # tools/script.py reads the clock too, but it is outside the core

    write(project, {"core/clock.py": CLEAN_CLOCK})
    commit(project, "clean")
    passed = pre_commit(project, home, "try-repo", str(repository), "orch-lint", "--ref", rev, "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert hook_report(passed.stdout, "orch-lint") == "Passed\n"


def readme_config(repository: Path, rev: str) -> str:
    """The README's ``.pre-commit-config.yaml``, pointed at the snapshot instead of GitHub."""
    match = re.search(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert match, "the README shows a .pre-commit-config.yaml"
    config = match.group(1)
    assert "repo: https://github.com/orch-lint/orch-lint" in config
    config = config.replace("https://github.com/orch-lint/orch-lint", str(repository))
    return re.sub(r"rev: \S+", f"rev: {rev}", config)


def test_the_readme_config_fixes_then_checks_staged_files(
    hooks_repo: Tuple[Path, str], pre_commit_home: Path, tmp_path: Path
) -> None:
    repository, rev = hooks_repo
    project = user_repo(tmp_path / "project", {"core/names.py": "x = 1\n"})
    write(project, {".pre-commit-config.yaml": readme_config(repository, rev)})
    commit(project, "start")

    write(project, {"core/names.py": FIXABLE, "core/clock.py": CLOCK})
    git(project, "add", "-A")
    first = pre_commit(project, pre_commit_home, "run")
    assert first.returncode == 1, first.stdout + first.stderr
    assert (project / "core/names.py").read_text() == FIXED
    assert hook_report(first.stdout, "orch-lint (apply safe fixes)") == (
        "Failed\n- hook id: orch-lint-fix\n- exit code: 1\n- files were modified by this hook\n\n"
        f"{CLOCK_FINDING}\nFixed 2 findings; 1 remaining."
    )
    assert hook_report(first.stdout, "orch-lint") == (
        f"Failed\n- hook id: orch-lint\n- exit code: 1\n\n{CLOCK_FINDING}\nFound 1 finding in 1 file (2 checked)."
    )

    write(project, {"core/clock.py": CLEAN_CLOCK})
    git(project, "add", "-A")
    second = pre_commit(project, pre_commit_home, "run")
    assert second.returncode == 0, second.stdout + second.stderr
    assert hook_report(second.stdout, "orch-lint (apply safe fixes)") == "Passed\n"
    assert hook_report(second.stdout, "orch-lint") == "Passed\n"


def test_hooks_skip_files_outside_the_core(hooks_repo: Tuple[Path, str], pre_commit_home: Path, tmp_path: Path) -> None:
    repository, rev = hooks_repo
    project = user_repo(tmp_path / "project", {"tools/script.py": CLOCK, "tools/names.py": FIXABLE})
    write(project, {".pre-commit-config.yaml": readme_config(repository, rev)})
    git(project, "add", "-A")
    result = pre_commit(project, pre_commit_home, "run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "tools/names.py").read_text() == FIXABLE
    assert hook_report(result.stdout, "orch-lint") == "Passed\n"
