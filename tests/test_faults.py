"""Faults: a ``fix`` killed at any moment, runs side by side, a damaged cache, read-only trees.

What must hold: a killed ``fix`` leaves each file as it was or as fixed, never cut short, and no
temporary file that a later run would take for source (``.orch-lint.tmp``, not ``.py``); two
runs on one tree give the right answer and a cache a third run can use; a damaged cache entry
is a miss, rebuilt; a file or directory ``fix`` cannot write is reported, and the rest is fixed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import Project
from privileges import require_permissions_bind, run_bound
from orch_lint import cache as cache_module
from orch_lint.cache import CACHE_DIR_NAME, Cache
from orch_lint.rules.set_iteration import SetIteration
from orch_lint.rules.wall_clock import WallClockRead

SET_MESSAGE = SetIteration.message.format(expr="s")
PADDING = "\n".join(f"# padding line {j}: {'x' * 60}" for j in range(150))


def unordered(number: int) -> str:
    return f'"""Module {number}."""\n{PADDING}\n\n\ndef f{number}(s: set[str]):\n    return list(s)\n'


def fixed(text: str) -> str:
    return text.replace("return list(s)", "return sorted(s)")


def write_tree(root: Path, count: int) -> Dict[Path, str]:
    files = {}
    for number in range(count):
        path = root / f"core/pkg{number // 30}/m{number:03}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(unordered(number))
        files[path] = unordered(number)
    return files


def source_tree(root: Path) -> List[Path]:
    """Every file under ``root`` but the cache's (a run may leave nothing else behind)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and CACHE_DIR_NAME not in p.relative_to(root).parts)


def cli(*args: str) -> List[str]:
    return [sys.executable, "-m", "orch_lint", *args]


# -- a fix killed at any moment -----------------------------------------------------------------


def test_a_fix_killed_at_any_moment_leaves_each_file_old_or_new(tmp_path: Path) -> None:
    originals = write_tree(tmp_path, 300)
    directories = sorted({path.parent for path in originals})
    interrupted = 0
    for extra in (0.0, 0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3):
        run = subprocess.Popen(cli("fix", "."), cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
        if not wait_for_writes(run, directories):
            break  # nothing left to write
        time.sleep(extra)
        os.killpg(run.pid, signal.SIGKILL)  # the CLI and any workers, at once
        run.wait()
        states = []
        for path, original in originals.items():
            text = path.read_text()
            assert text in (original, fixed(original)), f"{path} is neither the old nor the new text"
            compile(text, str(path), "exec")
            states.append(text == original)
        interrupted += any(states) and not all(states)
        if interrupted == 3:
            break
    assert interrupted, "no kill landed while files were being written: the test proved nothing"
    leftovers = [p for p in source_tree(tmp_path) if p not in originals]
    assert all(p.name.endswith(".orch-lint.tmp") for p in leftovers), leftovers
    finish = subprocess.run(cli("fix", "."), cwd=tmp_path, capture_output=True, text=True)
    assert finish.returncode == 0 and finish.stderr == ""
    assert all(path.read_text() == fixed(original) for path, original in originals.items())
    check = subprocess.run(cli("check", "."), cwd=tmp_path, capture_output=True, text=True)
    assert (check.returncode, check.stdout, check.stderr) == (0, "All checks passed (300 files checked).\n", "")


def wait_for_writes(run: "subprocess.Popen[bytes]", directories: List[Path]) -> bool:
    """Wait until ``run`` starts writing into one of ``directories`` (a temporary file or a rename
    changes the directory); False if it ends first."""
    before = [d.stat().st_mtime_ns for d in directories]
    while run.poll() is None:
        if [d.stat().st_mtime_ns for d in directories] != before:
            return True
        time.sleep(0.002)
    return False


# -- two runs at once ----------------------------------------------------------------------------


def test_two_fixes_at_once_fix_every_file_once(tmp_path: Path) -> None:
    originals = write_tree(tmp_path, 60)
    runs = [subprocess.Popen(cli("fix", "."), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outcomes = [(run.returncode, err) for run in runs for _, err in [run.communicate()]]
    assert outcomes == [(0, ""), (0, "")]
    assert all(path.read_text() == fixed(original) for path, original in originals.items())
    assert source_tree(tmp_path) == sorted(originals)


# -- a damaged cache ------------------------------------------------------------------------------

CLOCK_FILES = {f"core/m{n:02}.py": f"import time\n\n\ndef f{n}():\n    return time.time() + {n}\n" for n in range(30)}
CLOCK_MESSAGE = WallClockRead.message.format(name="time.time")
CLOCK_OUTPUT = "".join(f"core/m{n:02}.py:5:12: DET101 {CLOCK_MESSAGE}\n" for n in range(30)) + (
    "Found 30 findings in 30 files (30 checked).\n"
)


def damage(path: Path, how: int) -> None:
    data = path.read_bytes()
    if how == 0:
        path.write_bytes(data[: len(data) // 2])  # cut short, as a kill mid-write would
    elif how == 1:
        path.write_bytes(b"")
    elif how == 2:
        path.write_bytes(bytes(b ^ 0xFF for b in data))
    else:
        path.write_bytes(data[:40] + b"\x00" * 16 + data[56:])  # the payload no longer matches its digest


def cache_files(root: Path) -> List[Path]:
    return sorted(p for p in (root / CACHE_DIR_NAME).rglob("*") if p.is_file() and p.name not in ("CACHEDIR.TAG", ".gitignore"))


def test_a_damaged_cache_is_ignored_rebuilt_and_then_used(project: Project) -> None:
    project.write(CLOCK_FILES)
    expected = (1, CLOCK_OUTPUT, "")
    assert project.main("check", "core") == expected
    assert project.main("check", "core") == expected  # replayed
    damaged = cache_files(project.root)
    assert len(damaged) >= 30
    for number, path in enumerate(damaged):
        damage(path, number % 4)
    assert project.main("check", "core") == expected
    store = Cache(project.root / CACHE_DIR_NAME)
    entries = [p for p in (project.root / CACHE_DIR_NAME / cache_module.LAYOUT).rglob("*") if p.is_file()]
    assert entries and all(store.get(p.name, "corrupt") != "corrupt" for p in entries)
    assert project.main("check", "core") == expected


def test_two_runs_repairing_one_damaged_cache_agree(project: Project) -> None:
    project.write(CLOCK_FILES)
    assert project.main("check", "--jobs", "1", "core")[0] == 1
    for number, path in enumerate(cache_files(project.root)):
        damage(path, number % 4)
    runs = [subprocess.Popen(cli("check", "core"), cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    assert [(*run.communicate(), run.returncode) for run in runs] == [(CLOCK_OUTPUT, "", 1)] * 2
    assert project.main("check", "core") == (1, CLOCK_OUTPUT, "")


def test_a_check_killed_while_writing_its_cache_leaves_one_the_next_run_can_use(project: Project) -> None:
    files = {f"core/pkg{n // 30}/m{n:03}.py": unordered(n) for n in range(150)}
    project.write(files)
    expected = "".join(f"core/pkg{n // 30}/m{n:03}.py:155:17: DET201 {SET_MESSAGE}\n" for n in range(150))
    for delay in (0.8, 1.2, 1.6):
        run = subprocess.Popen(cli("check", "core"), cwd=project.root, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    complete = subprocess.run(cli("check", "core"), cwd=project.root, capture_output=True, text=True)
    assert (complete.returncode, complete.stderr) == (1, "")
    assert complete.stdout.startswith(expected)


def test_a_cache_directory_that_cannot_be_made_is_no_error(project: Project) -> None:
    project.write({**CLOCK_FILES, CACHE_DIR_NAME: "a file where the cache directory would go\n"})
    assert project.main("check", "core") == (1, CLOCK_OUTPUT, "")
    assert project.main("check", "core") == (1, CLOCK_OUTPUT, "")


# -- read-only files and directories ---------------------------------------------------------------


def bound(root: Path, *args: str) -> Tuple[int, str, str]:
    result = run_bound(args, root)
    return result.returncode, result.stdout, result.stderr


@pytest.fixture
def read_only(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A tree with a read-only file, a file in a read-only directory, and a writable file."""
    require_permissions_bind()
    for name in ("a_readonly.py", "b_locked/m.py", "c_writable.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(unordered(0))
    (tmp_path / "a_readonly.py").chmod(0o444)
    (tmp_path / "b_locked").chmod(0o555)
    yield tmp_path
    (tmp_path / "b_locked").chmod(0o755)


def test_check_works_on_read_only_files_and_directories(read_only: Path) -> None:
    findings = "".join(f"{name}:155:17: DET201 {SET_MESSAGE}\n" for name in ("a_readonly.py", "b_locked/m.py", "c_writable.py"))
    summary = "Found 3 findings in 3 files (3 checked). 3 fixable with `orch-lint fix`.\n"
    assert bound(read_only, "check", ".") == (1, findings + summary, "")


def test_fix_reports_each_file_it_cannot_write_and_fixes_the_rest(read_only: Path) -> None:
    assert bound(read_only, "fix", ".") == (
        2,
        f"a_readonly.py:155:17: DET201 {SET_MESSAGE}\nb_locked/m.py:155:17: DET201 {SET_MESSAGE}\n"
        "Fixed 1 finding; 2 remaining.\n",
        "a_readonly.py: error: cannot write fix: permission denied\n"
        "b_locked/m.py: error: cannot write fix: Permission denied\n",
    )
    assert (read_only / "a_readonly.py").read_text() == unordered(0)
    assert (read_only / "b_locked/m.py").read_text() == unordered(0)
    assert (read_only / "c_writable.py").read_text() == fixed(unordered(0))
    assert [p.relative_to(read_only).as_posix() for p in source_tree(read_only)] == [
        "a_readonly.py", "b_locked/m.py", "c_writable.py"
    ]


def test_a_read_only_project_is_checked_without_a_cache(tmp_path: Path) -> None:
    require_permissions_bind()
    (tmp_path / "core").mkdir()
    for name, text in CLOCK_FILES.items():
        (tmp_path / name).write_text(text)
    for path in (tmp_path / "core", tmp_path):
        path.chmod(0o555)
    try:
        assert bound(tmp_path, "check", "core") == (1, CLOCK_OUTPUT, "")
        assert bound(tmp_path, "check", "core") == (1, CLOCK_OUTPUT, "")
    finally:
        for path in (tmp_path, tmp_path / "core"):
            path.chmod(0o755)
    assert not (tmp_path / CACHE_DIR_NAME).exists()
