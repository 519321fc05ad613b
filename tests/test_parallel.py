"""``--jobs``, the progress bar and ``--quiet``: faster or quieter, never different."""

from __future__ import annotations

import io
import random
from typing import Dict, List

import pytest

from orch_lint import parallel
from orch_lint.progress import Progress


def _many_files(count: int) -> Dict[str, str]:
    files = {"pyproject.toml": '[tool.orch-lint]\ncore = ["core"]\n', "core/__init__.py": ""}
    for number in range(count):
        files[f"core/m{number:02}.py"] = (
            "import time\nimport random\n\n\n"
            f"def f{number}(items: set[str]):\n"
            f"    return [time.time(), random.random()] + [x for x in items]\n"
        )
    files["core/broken.py"] = "def f(:\n"
    return files


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_output_is_the_same_bytes_whatever_the_jobs(project, jobs: str) -> None:  # type: ignore[no-untyped-def]
    project.write(_many_files(parallel.POOL_THRESHOLD + 6))
    one = project.run("check", "--no-cache", "--jobs", "1")
    many = project.run("check", "--no-cache", "--jobs", jobs)
    assert one.returncode == many.returncode == 2  # broken.py does not parse
    assert (many.stdout, many.stderr) == (one.stdout, one.stderr)
    assert one.stderr == "core/broken.py:1:7: error: cannot parse: invalid syntax\n"
    heads = [line.split(" ", 2)[:2] for line in one.stdout.splitlines()[:-1]]
    assert len(heads) == 3 * (parallel.POOL_THRESHOLD + 6)
    assert heads[:3] == [["core/m00.py:6:13:", "DET101"], ["core/m00.py:6:26:", "DET102"], ["core/m00.py:6:57:", "DET201"]]


def test_findings_are_sorted_even_when_workers_answer_out_of_order(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project.write(_many_files(8))
    expected = project.main("check", "--no-cache", "--jobs", "1")
    original = parallel.lint_all

    def shuffled(tasks, *args, **kwargs):  # type: ignore[no-untyped-def]
        results = list(original(tasks, *args, **kwargs))
        random.Random(7).shuffle(results)
        return iter(results)

    monkeypatch.setattr("orch_lint.runner.lint_all", shuffled)
    assert project.main("check", "--no-cache", "--jobs", "1") == expected


def test_small_runs_start_no_pool(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project.write(_many_files(parallel.POOL_THRESHOLD - 3))  # with __init__ and broken.py: one short

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a pool was started for a small run")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", refuse)
    code, out, _ = project.main("check", "--no-cache", "--jobs", "4")
    assert code == 2 and f"({parallel.POOL_THRESHOLD - 2} checked)." in out


def test_jobs_must_be_a_positive_number(project) -> None:  # type: ignore[no-untyped-def]
    project.write({"core.py": "x = 1\n"})
    for bad in ("0", "-2", "many"):
        result = project.run("check", "--jobs", bad)
        assert result.returncode == 2
        assert "argument --jobs/-j: must be a positive number of processes" in result.stderr


def test_quiet_prints_only_the_findings(project) -> None:  # type: ignore[no-untyped-def]
    project.write({"core.py": "import time\nt = time.time()\n", "clean.py": "x = 1\n"})
    assert project.main("check", "--quiet", "--no-cache") == (
        1,
        "core.py:2:5: DET101 wall-clock read `time.time`: take the time from the triggering event or an injected clock\n",
        "",
    )
    project.write({"core.py": "x = 2\n"})
    assert project.main("check", "-q", "--no-cache") == (0, "", "")


def test_no_progress_bar_where_stderr_is_not_a_terminal(project) -> None:  # type: ignore[no-untyped-def]
    project.write(_many_files(parallel.POOL_THRESHOLD + 2))
    result = project.run("check", "--no-cache", "--jobs", "2")
    assert "\r" not in result.stderr and "files" not in result.stderr


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_bar_shows_only_after_the_delay_and_erases_itself() -> None:
    stream, clock = FakeTerminal(), FakeClock()
    with Progress(4, stream, clock=clock) as progress:
        progress.advance()
        assert stream.getvalue() == ""  # a quick run never shows it
        clock.now += 2.5
        progress.advance()
        assert stream.getvalue() == "\r[###############---------------] 2/4 files"
        clock.now += 0.01
        progress.advance()  # redrawn at most ten times a second
        assert stream.getvalue().count("\r[") == 1
        progress.advance()  # but the last file always shows
        assert stream.getvalue().endswith("\r[##############################] 4/4 files")
    assert stream.getvalue().endswith("\r" + " " * 60 + "\r")


@pytest.mark.parametrize("stream, enabled", [(io.StringIO(), True), (FakeTerminal(), False), (None, True)])
def test_progress_bar_never_draws_off_a_terminal_or_when_quiet(stream, enabled: bool) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    progress = Progress(3, stream, enabled=enabled, clock=clock)
    clock.now += 10
    for _ in range(3):
        progress.advance()
    progress.close()
    assert progress.enabled is False
    assert stream is None or stream.getvalue() == ""


def test_default_jobs_is_every_core_available() -> None:
    cores: List[int] = [parallel.default_jobs()]
    assert cores[0] >= 1


def _facts_across_modules(count: int) -> Dict[str, str]:
    """Modules whose findings depend on facts of another module (DET201 on an imported set)."""
    files = _many_files(count)
    files["core/kinds.py"] = 'KINDS: frozenset = frozenset({"a", "b"})\n'
    for number in range(count):
        files[f"core/m{number:02}.py"] += f"\n\nfrom core.kinds import KINDS\nORDER{number} = list(KINDS)\n"
    return files


def test_module_summaries_made_in_the_pool_are_the_ones_made_in_process(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from orch_lint.config import ConfigFinder
    from orch_lint.runner import FileCollector, load_project, read_source

    project.write(_facts_across_modules(parallel.POOL_THRESHOLD + 2))
    monkeypatch.chdir(project.root)
    tasks = FileCollector(ConfigFinder()).collect([project.root / "core"])
    sources = {str(task.path): read_source(task.path, task.display) for task in tasks}
    batches: List[int] = []
    original = parallel.summarize_all

    def counted(items, jobs):  # type: ignore[no-untyped-def]
        made = original(items, jobs)
        batches.append(len(made) if made is not None else 0)
        return made

    monkeypatch.setattr("orch_lint.runner.summarize_all", counted)
    serial = load_project(tasks, sources, jobs=1)
    pooled = load_project(tasks, sources, jobs=2)
    assert batches == [len(tasks)]  # every linted file's summary came from the pool
    assert pooled.modules == serial.modules and pooled.files == serial.files
    assert serial.modules["core.kinds"].facts  # the facts that the findings below depend on


def test_cross_module_findings_are_the_same_whatever_the_jobs_and_the_cache(project) -> None:  # type: ignore[no-untyped-def]
    project.write(_facts_across_modules(parallel.POOL_THRESHOLD + 2))
    one = project.run("check", "--no-cache", "--jobs", "1")
    assert "core/m00.py:10:15: DET201 iteration over set `KINDS`" in one.stdout
    filling = project.run("check", "--jobs", "2")  # summaries made in the pool, then kept
    warm = project.run("check", "--jobs", "2")
    changed = project.write({"core/m01.py": "import random\nX = random.random()\n"}).run("check", "--jobs", "2")
    assert (filling.stdout, filling.stderr) == (warm.stdout, warm.stderr) == (one.stdout, one.stderr)
    assert "core/m01.py:2:5: DET102" in changed.stdout and "core/m01.py:10" not in changed.stdout
    assert changed.stdout.count("DET201 iteration over set `KINDS`") == one.stdout.count("DET201 iteration over set `KINDS`") - 1
