"""The benchmark: orch-lint against the floor and the tools people would otherwise use.

    python bench/run.py [--repeat 3] [--skip-fixit] [--skip-metadata]

Run it with the Python of orch-lint's own virtualenv. It downloads Django's wheel (pinned,
~900 files of real code nobody here wrote) into ``bench/.corpus/``, installs the comparison tools
(pinned) into ``bench/.venv``, then times every scenario in one run, several times each, and
writes ``bench/RESULTS.md``: the median wall time, files per second, CPU time, peak memory (the
largest single process), and the ratios to the floor and to orch-lint cold on one process.

Everything is a subprocess timed from the outside (``os.wait4``), start-up included, so a tool
that answers from a cache is measured exactly as a user would feel it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

BENCH = Path(__file__).resolve().parent
DJANGO = "5.2.19"
TOOLS = ("flake8==7.5.0", "flake8-datetimez==26.8.1", "fixit==2.2.1", "ruff==0.17.6")
TOUCHED = 10
#: The measurements of the last run, to rewrite the report without measuring again.
LAST_RUN = BENCH / ".corpus" / "last-run.json"


@dataclass
class Scenario:
    name: str
    command: List[str]
    repeat: int
    #: Run before each repetition (untimed): set the scene (touch files, clear a cache).
    before: Optional[Callable[[int], None]] = None
    note: str = ""
    walls: List[float] = field(default_factory=list)
    cpus: List[float] = field(default_factory=list)
    peaks: List[float] = field(default_factory=list)
    codes: List[int] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def peak(self) -> float:
        return max(self.peaks)


def run_timed(command: Sequence[str], cwd: Path) -> "tuple[float, float, float, int]":
    """Wall seconds, CPU seconds (user + system, children included), peak RSS in MB, exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode


def prepare_corpus() -> Path:
    """Django's wheel, unpacked, with an empty orch-lint config (every file is core)."""
    root = BENCH / ".corpus" / f"django-{DJANGO}"
    if not (root / "django").is_dir():
        wheels = BENCH / ".corpus" / "wheels"
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                        f"django=={DJANGO}", "-d", str(wheels)], check=True)
        wheel = next(wheels.glob(f"django-{DJANGO}-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(root)
    (root / "orch-lint.toml").write_text("# every file of the corpus is core\n")
    (root / "pyproject.toml").write_text("[tool.fixit]\nroot = true\n")
    return root


def prepare_tools() -> Path:
    """A virtualenv with the comparison tools, at the pinned versions."""
    venv = BENCH / ".venv"
    marker = venv / "installed.txt"
    if not marker.exists() or marker.read_text() != "\n".join(TOOLS):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *TOOLS], check=True)
        marker.write_text("\n".join(TOOLS))
    return venv / "bin"


def versions(tools: Path) -> Dict[str, str]:
    found = {"python": platform.python_version()}
    probe = "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))"
    for name in ("orch-lint", "libcst"):
        found[name] = subprocess.run([sys.executable, "-c", probe, name], capture_output=True, text=True).stdout.strip()
    for spec in TOOLS:
        name = spec.split("==")[0]
        found[name] = subprocess.run([str(tools / "python"), "-c", probe, name], capture_output=True, text=True).stdout.strip()
    return found


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each scenario (median)")
    parser.add_argument("--skip-fixit", action="store_true", help="leave Fixit out (its runs are long)")
    parser.add_argument("--skip-metadata", action="store_true", help="leave out the generic-metadata reference")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite RESULTS.md from the last run's measurements (after editing bench/notes.md)")
    args = parser.parse_args(argv)
    if args.report_only:
        return write_report(json.loads(LAST_RUN.read_text()))

    corpus, tools = prepare_corpus(), prepare_tools()
    files = sorted((corpus / "django").rglob("*.py"))
    touched = files[:: len(files) // TOUCHED][:TOUCHED]
    originals = {path: path.read_bytes() for path in touched}
    cache = corpus / ".orch_lint_cache"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    python, floor = sys.executable, str(BENCH / "floor.py")
    lint = [python, "-m", "orch_lint", "check"]
    reps = args.repeat

    def clear_cache(_: int) -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def touch(rep: int, why: str = "a change") -> None:
        for path in touched:
            path.write_bytes(originals[path] + f"\n# {why} by the benchmark, repetition {rep}\n".encode())

    def commit(rep: int) -> None:
        touch(rep, "a commit")

    relative = [str(path.relative_to(corpus)) for path in touched]
    scenarios = [
        Scenario("machine: one pure-Python loop", [python, floor, "spin", "1"], reps, note="spin1"),
        Scenario(f"machine: {cores} such loops at once", [python, floor, "spin", str(cores)], reps, note="spinN"),
        Scenario("ast.parse (CPython), 1 process", [python, floor, "ast", "django"], reps),
        Scenario("LibCST parse, 1 process", [python, floor, "parse", "django"], reps),
        Scenario("floor: LibCST parse + orch-lint's name model, 1 process", [python, floor, "floor", "django"], reps,
                 note="floor"),
        Scenario("orch-lint cold, --jobs 1", lint + ["--no-cache", "--jobs", "1", "django"], reps, note="cold1"),
        Scenario(f"orch-lint cold, --jobs {cores}", lint + ["--no-cache", "--jobs", str(cores), "django"], reps,
                 note="coldN"),
        Scenario("orch-lint, filling an empty cache", lint + ["django"], reps, before=clear_cache),
        Scenario("orch-lint warm (cache filled, nothing changed)", lint + ["django"], max(reps, 5), note="warm"),
        Scenario(f"orch-lint warm, {TOUCHED} files changed", lint + ["django"], reps, before=touch, note="touched"),
        Scenario(f"pre-commit style: {TOUCHED} changed files named", lint + relative, max(reps, 5), before=commit,
                 note="precommit"),
        Scenario("pre-commit style, --no-cache", lint + ["--no-cache"] + relative, reps, before=commit),
        Scenario("flake8 + flake8-datetimez, -j1", [str(tools / "flake8"), "-j1", "django"], reps, note="flake8"),
        Scenario(f"flake8 + flake8-datetimez, -j{cores}", [str(tools / "flake8"), f"-j{cores}", "django"], reps),
        Scenario("ruff --select DTZ (no cache)",
                 [str(tools / "ruff"), "check", "--isolated", "--no-cache", "--select", "DTZ", "django"], max(reps, 5),
                 note="ruff"),
    ]
    if not args.skip_fixit:
        scenarios.append(Scenario("Fixit 2, default rules (its own parallelism)", [str(tools / "fixit"), "lint", "django"],
                                  max(1, reps - 1), note="fixit"))
    if not args.skip_metadata:
        scenarios.insert(3, Scenario("LibCST parse + ScopeProvider + QualifiedNameProvider, 1 process",
                                     [python, floor, "metadata", "django"], 1))
    load_before = os.getloadavg()
    try:
        for scenario in scenarios:
            for rep in range(scenario.repeat):
                if scenario.before is not None:
                    scenario.before(rep)
                wall, cpu, peak, code = run_timed(scenario.command, corpus)
                scenario.walls.append(wall)
                scenario.cpus.append(cpu)
                scenario.peaks.append(peak)
                scenario.codes.append(code)
            print(f"{scenario.name}: {scenario.wall:.2f} s (exit {scenario.codes[-1]})", flush=True)
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
    load_after = os.getloadavg()
    measured = {
        "scenarios": [
            {"name": s.name, "note": s.note, "walls": s.walls, "cpus": s.cpus, "peaks": s.peaks, "codes": s.codes}
            for s in scenarios
        ],
        "files": len(files), "cores": cores, "versions": versions(tools), "loads": [load_before, load_after],
    }
    LAST_RUN.write_text(json.dumps(measured, indent=1))
    return write_report(measured)


def write_report(measured: Dict[str, Any]) -> int:
    sys.path.insert(0, str(BENCH))
    from report import write_results  # bench/report.py, beside this script

    scenarios = []
    for item in measured["scenarios"]:
        scenario = Scenario(item["name"], [], len(item["walls"]), note=item["note"])
        scenario.walls, scenario.cpus, scenario.peaks, scenario.codes = item["walls"], item["cpus"], item["peaks"], item["codes"]
        scenarios.append(scenario)
    notes = (BENCH / "notes.md").read_text() if (BENCH / "notes.md").exists() else ""
    write_results(BENCH / "RESULTS.md", scenarios, measured["files"], measured["cores"], measured["versions"],
                  tuple(tuple(load) for load in measured["loads"]), notes)  # type: ignore[arg-type]
    print(f"wrote {BENCH / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
