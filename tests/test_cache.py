"""The persistent cache: what hits, what misses, and that it is never wrong or in the way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from orch_lint import cache as cache_module
from orch_lint import engine, parallel, runner
from orch_lint.cache import CACHE_DIR_NAME, Cache, digest
from orch_lint.config import ConfigFinder

CORE = {
    "pyproject.toml": '[tool.orch-lint]\ncore = ["app/core"]\n',
    "app/__init__.py": "",
    "app/model.py": "KINDS = {'a', 'b'}\n",
    "app/core/__init__.py": "",
    "app/core/clock.py": "import time\n\n\ndef now():\n    return time.time()\n",
    "app/core/order.py": "from app.model import KINDS\n\n\ndef names():\n    return [k for k in KINDS]\n",
    "app/core/clean.py": "def add(a, b):\n    return a + b\n",
}


def lint(root: Path, cache_dir: "Path | None") -> Tuple[List[str], int]:
    """Findings of a run over ``root`` (as ``path:line:col CODE``) and how many files it parsed."""
    before = engine.PARSE_COUNT
    previous = os.getcwd()
    os.chdir(root)
    try:
        result = runner.run([root / "app" / "core"], ConfigFinder(), cache_dir=cache_dir)
    finally:
        os.chdir(previous)
    lines = [f"{f.path}:{f.line}:{f.column} {f.code}" for f in result.findings]
    return lines, engine.PARSE_COUNT - before


EXPECTED = ["app/core/clock.py:5:12 DET101", "app/core/order.py:5:24 DET201"]


@pytest.fixture
def tree(project):  # type: ignore[no-untyped-def]
    return project.write(CORE)


def test_second_run_parses_nothing_and_reports_the_same(tree) -> None:  # type: ignore[no-untyped-def]
    cache_dir = tree.root / CACHE_DIR_NAME
    assert lint(tree.root, cache_dir) == (EXPECTED, 5)  # the 4 core files, and app/model.py for DET401
    assert lint(tree.root, cache_dir) == (EXPECTED, 0)


def test_a_changed_file_is_the_only_one_linted_again(tree) -> None:  # type: ignore[no-untyped-def]
    cache_dir = tree.root / CACHE_DIR_NAME
    lint(tree.root, cache_dir)
    tree.write({"app/core/clean.py": "import time\n\n\ndef add(a, b):\n    return a + b + time.time()\n"})
    assert lint(tree.root, cache_dir) == (["app/core/clean.py:5:20 DET101"] + EXPECTED, 1)


def test_a_change_in_an_imported_module_relints_its_importers(tree) -> None:  # type: ignore[no-untyped-def]
    cache_dir = tree.root / CACHE_DIR_NAME
    lint(tree.root, cache_dir)
    tree.write({"app/model.py": "KINDS = ['a', 'b']\n"})  # no longer a set: order.py is clean
    findings, parsed = lint(tree.root, cache_dir)
    assert findings == EXPECTED[:1]
    assert parsed == 2  # order.py, and model.py's call facts: clock.py and clean.py import nothing that changed


def test_a_config_change_relints_everything(tree) -> None:  # type: ignore[no-untyped-def]
    cache_dir = tree.root / CACHE_DIR_NAME
    lint(tree.root, cache_dir)
    tree.write({"pyproject.toml": '[tool.orch-lint]\ncore = ["app/core"]\nignore = ["DET201"]\n'})
    assert lint(tree.root, cache_dir) == (EXPECTED[:1], 4)
    tree.write({"pyproject.toml": '[tool.orch-lint]\ncore = ["app/core"]\nextend-wall-clock = ["app.x"]\n'})
    assert lint(tree.root, cache_dir) == (EXPECTED, 5)  # new options: model.py's call facts too


def test_a_new_orch_lint_version_relints_everything(tree, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cache_dir = tree.root / CACHE_DIR_NAME
    lint(tree.root, cache_dir)
    monkeypatch.setattr(parallel, "__version__", "99.0")
    monkeypatch.setattr(runner, "__version__", "99.0")
    assert lint(tree.root, cache_dir) == (EXPECTED, 5)
    assert lint(tree.root, cache_dir) == (EXPECTED, 0)


def test_a_corrupt_entry_is_a_miss_and_is_rewritten(tree) -> None:  # type: ignore[no-untyped-def]
    cache_dir = tree.root / CACHE_DIR_NAME
    lint(tree.root, cache_dir)
    entries = sorted(p for p in (cache_dir / cache_module.LAYOUT).rglob("*") if p.is_file())
    assert entries
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if number % 2 else b"garbage" + data[7:])
    assert lint(tree.root, cache_dir) == (EXPECTED, 5)
    assert lint(tree.root, cache_dir) == (EXPECTED, 0)


def test_no_cache_dir_means_no_cache(tree) -> None:  # type: ignore[no-untyped-def]
    assert lint(tree.root, None) == (EXPECTED, 5)
    assert lint(tree.root, None) == (EXPECTED, 5)
    assert not (tree.root / CACHE_DIR_NAME).exists()


def test_cache_store_round_trip_and_layout(tmp_path: Path) -> None:
    store = Cache(tmp_path / "c")
    key = digest("a", 1, frozenset({"x", "y"}))
    assert store.get(key, "absent") == "absent"
    store.put(key, ("value", 2))
    assert store.get(key) == ("value", 2)
    assert (tmp_path / "c" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (tmp_path / "c" / ".gitignore").read_text().splitlines()[-1] == "*"
    other = Cache(tmp_path / "c")
    assert other.get(digest("a", 1, frozenset({"y", "x"}))) == ("value", 2)  # set order never matters
    assert Cache(None).get(key, "off") == "off"


def test_digest_is_the_same_in_every_process() -> None:
    code = "from orch_lint.cache import digest; print(digest(frozenset({'a', 'b', 'c'}), {'k': {1, 2}}))"
    seen = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env=dict(os.environ, PYTHONHASHSEED=seed)).stdout
        for seed in ("1", "2", "3")
    }
    assert len(seen) == 1


# -- through the CLI -------------------------------------------------------------------------


def test_cli_cache_lives_at_the_config_root_or_in_cache_dir(tree) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = tree.main("check", "--jobs", "1", cwd=tree.root / "app")
    assert (code, out.splitlines()[0][:22]) == (1, "core/clock.py:5:12: DE")
    assert (tree.root / CACHE_DIR_NAME / "CACHEDIR.TAG").is_file()
    assert not (tree.root / "app" / CACHE_DIR_NAME).exists()
    tree.write({"pyproject.toml": '[tool.orch-lint]\ncore = ["app/core"]\ncache-dir = "build/lint-cache"\n'})
    assert tree.main("check", "--jobs", "1", cwd=tree.root / "app")[:2] == (1, out)
    assert (tree.root / "build" / "lint-cache" / "CACHEDIR.TAG").is_file()


def test_cli_no_cache_writes_nothing(tree) -> None:  # type: ignore[no-untyped-def]
    code, out, err = tree.main("check", "--no-cache", "--jobs", "1")
    assert (code, err) == (1, "")
    assert out.splitlines()[:2] == [
        "app/core/clock.py:5:12: DET101 wall-clock read `time.time`: take the time from the triggering event or an injected clock",
        "app/core/order.py:5:24: DET201 iteration over set `KINDS` feeds output in hash order: wrap it in sorted(...) or use an order-insensitive consumer",
    ]
    assert not (tree.root / CACHE_DIR_NAME).exists()


def test_warm_run_replays_without_importing_libcst(tree) -> None:  # type: ignore[no-untyped-def]
    first = tree.run("check", "--jobs", "1")
    warm = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "orch_lint", "check", "--jobs", "1"],
        cwd=tree.root, capture_output=True, text=True,
    )
    assert (warm.returncode, warm.stdout) == (first.returncode, first.stdout) == (1, first.stdout)
    imported = [line.rsplit("|", 1)[-1].strip() for line in warm.stderr.splitlines() if "|" in line]
    assert "orch_lint.replay" in imported
    assert not [name for name in imported if name.startswith("libcst") or name == "orch_lint.engine"]


def test_replay_follows_every_change_of_input(tree) -> None:  # type: ignore[no-untyped-def]
    first = tree.main("check", "--jobs", "1")
    assert first[0] == 1 and tree.main("check", "--jobs", "1") == first
    tree.write({"app/core/clock.py": "def now(event):\n    return event.at\n"})
    assert tree.main("check", "--jobs", "1")[1].splitlines()[0].startswith("app/core/order.py:5:24: DET201")
    tree.write({"app/core/new.py": "import random\nx = random.random()\n"})
    assert tree.main("check", "--jobs", "1")[1].splitlines()[0].startswith("app/core/new.py:2:5: DET102")
    tree.write({"pyproject.toml": '[tool.orch-lint]\ncore = ["app/core"]\nignore = ["DET1", "DET2"]\n'})
    assert tree.main("check", "--jobs", "1") == (0, "All checks passed (5 files checked).\n", "")
    tree.write({"app/model.py": "import time\nKINDS = time.time()\n"})  # outside the core: still clean
    assert tree.main("check", "--jobs", "1") == (0, "All checks passed (5 files checked).\n", "")


def test_replay_keeps_errors_and_warnings_of_a_run(tree) -> None:  # type: ignore[no-untyped-def]
    tree.write({"pyproject.toml": '[tool.orch-lint]\ncore = ["app/core", "app/missing"]\n'})
    first = tree.main("check", "--jobs", "1")
    assert "warning: core path 'app/missing' does not exist" in first[2]
    assert tree.main("check", "--jobs", "1") == first


def test_concurrent_runs_agree_and_leave_a_valid_cache(project) -> None:  # type: ignore[no-untyped-def]
    files = dict(CORE)
    for number in range(40):
        files[f"app/core/m{number:02}.py"] = f"import time\n\n\ndef f{number}():\n    return time.time() + {number}\n"
    project.write(files)
    command = [sys.executable, "-m", "orch_lint", "check", "--jobs", "2"]
    runs = [subprocess.Popen(command, cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    outputs = [(run.wait(), *run.communicate()) for run in runs]
    expected = project.run("check", "--no-cache", "--jobs", "1")
    assert expected.returncode == 1 and expected.stdout.count("DET101") == 41
    assert outputs == [(1, expected.stdout, "")] * 3
    store = Cache(project.root / CACHE_DIR_NAME)
    entries = [p for p in (project.root / CACHE_DIR_NAME / cache_module.LAYOUT).rglob("*") if p.is_file()]
    assert entries and all(not p.name.startswith(".tmp") for p in entries)
    assert all(store.get(p.name, "corrupt") != "corrupt" for p in entries)


def test_replay_follows_a_baseline_and_a_config_named_outside_the_tree(tmp_path, project) -> None:  # type: ignore[no-untyped-def]
    project.write({"core.py": "import time\nt = time.time()\n"})
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    outside.mkdir()
    config = outside / "orch-lint.toml"
    config.write_text("select = ['DET1']\n")
    first = project.main("check", "--config", str(config), "--jobs", "1")
    assert first[0] == 1 and project.main("check", "--config", str(config), "--jobs", "1") == first
    config.write_text("select = ['DET2']\n")
    assert project.main("check", "--config", str(config), "--jobs", "1") == (0, "All checks passed (1 file checked).\n", "")
    empty, baseline = outside / "empty.json", outside / "baseline.json"
    project.write({"core.py": "t = 1\n"})
    assert project.main("check", "--write-baseline", str(empty), "--no-cache")[0] == 0
    project.write({"core.py": "import time\nt = time.time()\n"})
    assert project.main("check", "--write-baseline", str(baseline), "--no-cache")[0] == 0
    assert project.main("check", "--baseline", str(baseline), "--jobs", "1")[0] == 0
    assert project.main("check", "--baseline", str(baseline), "--jobs", "1")[0] == 0
    baseline.write_text(empty.read_text())
    code, out, err = project.main("check", "--baseline", str(baseline), "--jobs", "1")
    assert (code, out.splitlines()[0][:19]) == (1, "core.py:2:5: DET101"), err
