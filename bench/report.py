"""``bench/RESULTS.md`` from the timed scenarios of ``bench/run.py``: tables, targets, machine."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple


def _by_note(scenarios: Sequence[Any]) -> Dict[str, Any]:
    return {s.note: s for s in scenarios if s.note}


def _ratio(value: float, base: Optional[float]) -> str:
    return f"{value / base:.2f}" if base else "-"


def write_results(
    path: Path,
    scenarios: Sequence[Any],
    files: int,
    cores: int,
    versions: Dict[str, str],
    loads: Tuple[Tuple[float, float, float], Tuple[float, float, float]],
    notes: str,
) -> None:
    named = _by_note(scenarios)
    floor, cold = named["floor"].wall, named["cold1"].wall
    lines: List[str] = [
        "# Benchmark results",
        "",
        f"Corpus: Django {'5.2.19'}'s wheel, unpacked: {files} files. Written by `bench/run.py` "
        "(medians of the repetitions; every run a subprocess timed from outside, start-up included).",
        "",
        "| scenario | runs | wall (s) | files/s | CPU (s) | peak RSS (MB) | wall / floor | wall / orch-lint cold -j1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in scenarios:
        rate = files / s.wall if s.wall else 0.0
        lines.append(
            f"| {s.name} | {len(s.walls)} | {s.wall:.3f} | {rate:,.0f} | {s.cpu:.2f} | {s.peak:.0f} "
            f"| {_ratio(s.wall, floor)} | {_ratio(s.wall, cold)} |"
        )
    lines += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    for target, measured, met in targets(named, cores):
        lines.append(f"| {target} | {measured} | {'met' if met else '**missed**: see the notes'} |")
    lines += [
        "",
        "## Machine",
        "",
        f"- cores available: {cores} ({os.cpu_count()} in the machine); {platform.machine()}, {platform.system()} {platform.release()}",
        f"- load average before / after the run: {loads[0][0]:.2f} / {loads[1][0]:.2f} (a shared machine: wall times "
        "move with the load, CPU times much less)",
        "- versions: " + ", ".join(f"{name} {version}" for name, version in versions.items()),
        "",
    ]
    if notes.strip():
        lines += [notes.strip(), ""]
    path.write_text("\n".join(lines))


def targets(named: Dict[str, Any], cores: int) -> List[Tuple[str, str, bool]]:
    cold1, coldn, floor = named["cold1"], named["coldN"], named["floor"]
    found: List[Tuple[str, str, bool]] = []
    flake8 = named["flake8"]
    found.append(("cold, one process: no slower than flake8 + flake8-datetimez -j1 (ratio <= 1.0)",
                  f"{cold1.wall / flake8.wall:.2f} wall, {cold1.cpu / flake8.cpu:.2f} CPU", cold1.wall <= flake8.wall))
    fixit = named.get("fixit")
    if fixit is not None:
        found.append(("at least 4x faster than Fixit 2 (default rules), both on every core",
                      f"{fixit.wall / coldn.wall:.1f}x ({fixit.wall / cold1.wall:.1f}x against orch-lint -j1)",
                      fixit.wall >= 4 * coldn.wall))
    ceiling = cores * named["spin1"].wall / named["spinN"].wall
    found.append((f"all cores ({cores}): at least 1.8x faster than one process",
                  f"{cold1.wall / coldn.wall:.2f}x (the machine's own ceiling: {ceiling:.2f}x, "
                  f"{cores} pure-Python loops at once against one)", cold1.wall >= 1.8 * coldn.wall))
    warm, ruff = named["warm"], named["ruff"]
    found.append(("warm, nothing changed: no slower than 2x ruff --select DTZ cold",
                  f"{warm.wall:.3f} s vs 2 x {ruff.wall:.3f} s", warm.wall <= 2 * ruff.wall))
    touched = named["touched"]
    share = (touched.wall - warm.wall) / cold1.wall
    found.append(("10 files changed: proportionally cheap (under 15% of a cold -j1 run)",
                  f"{touched.wall:.2f} s = {share:.1%} of cold -j1 over the warm run", share <= 0.15))
    precommit = named["precommit"]
    found.append(("a 10-file pre-commit-style run: under 0.5 s wall", f"{precommit.wall:.3f} s", precommit.wall < 0.5))
    lint_peaks = [cold1.peak, coldn.peak, warm.peak, touched.peak, precommit.peak]
    found.append(("peak memory under 250 MB on the corpus (largest process)", f"{max(lint_peaks):.0f} MB",
                  max(lint_peaks) < 250))
    found.append(("(for reference) orch-lint cold -j1 over the floor", f"{cold1.wall / floor.wall:.2f}x", True))
    return found
