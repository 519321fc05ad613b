"""Proof of determinism on the recorded fixtures.

Each fixture cut replays to its checked-in expected result byte for byte: in process, in
separate processes under PYTHONHASHSEED 0 to 7, and under any permutation of its event log.
The recorded runs themselves are reproducible, and every decision the server persisted during
a run is what ``evaluate`` decides on the log up to that point.
"""

from __future__ import annotations

import io
import random
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
import pytest
from core_helpers import FIXTURES, fixture_cuts, python, replay_args, replay_many

from examples.fixtures import regenerate
from examples.orchestrate_core import Event, evaluate, load_playbook, shadow_diff
from examples.orchestrate_core.__main__ import main as core_main
from examples.orchestrate_core.jsonvalue import canonical_json, loads_strict

CUTS = fixture_cuts()
SEEDS = [str(seed) for seed in range(8)]
REQUIRED = {"router_on_error", "sequential_loop", "parallel_loop", "fan_in", "failing_steps",
            "when_skip"}


def _paths(fixture: str, cut: str):
    folder = FIXTURES / fixture
    return folder / "playbook.yaml", folder / f"{cut}.events.jsonl", folder / f"{cut}.expected.json"


def test_every_required_scenario_has_a_fixture():
    assert REQUIRED <= {fixture for fixture, _ in CUTS}
    assert len(CUTS) >= 10


@pytest.mark.parametrize("fixture, cut", CUTS)
def test_replay_prints_the_expected_result(fixture, cut):
    out = io.StringIO()
    with redirect_stdout(out):
        assert core_main(replay_args(fixture, cut)) == 0
    assert out.getvalue() == _paths(fixture, cut)[2].read_text(encoding="utf-8")


def test_replay_is_byte_identical_under_hash_seeds_0_to_7():
    """One process per seed replays every cut (a literal CLI run per seed checks one cut)."""
    cut_args = [replay_args(fixture, cut) for fixture, cut in CUTS]
    expected = [_paths(fixture, cut)[2].read_text(encoding="utf-8") for fixture, cut in CUTS]

    def run(seed: str):
        driven = replay_many("examples.orchestrate_core", cut_args, seed)
        literal = python(["-m", "examples.orchestrate_core", *cut_args[seeds_cut(seed)]],
                         seed=seed)
        return seed, driven, literal

    with ThreadPoolExecutor(max_workers=2) as pool:
        for seed, driven, literal in pool.map(run, SEEDS):
            assert len(driven) == len(CUTS)
            for (fixture, cut), (status, text), want in zip(CUTS, driven, expected):
                assert status == 0, (fixture, cut, seed)
                assert text == want, f"{fixture}/{cut} differs under PYTHONHASHSEED={seed}"
            assert (literal.returncode, literal.stderr) == (0, "")
            assert literal.stdout == expected[seeds_cut(seed)]


def seeds_cut(seed: str) -> int:
    """Which cut the literal ``python -m`` run of a seed replays: a different one each seed."""
    return int(seed) * 5 % len(CUTS)


@pytest.mark.parametrize("fixture, cut", CUTS)
def test_any_permutation_of_the_log_gives_the_same_result(fixture, cut):
    book_path, events_path, expected_path = _paths(fixture, cut)
    book = load_playbook(book_path)
    events = [Event.from_dict(loads_strict(line)) for line in
              events_path.read_text(encoding="utf-8").splitlines()]
    expected = expected_path.read_text(encoding="utf-8")
    shuffler = random.Random(f"{fixture}/{cut}")
    orders = [list(reversed(events))] + [shuffler.sample(events, len(events)) for _ in range(25)]
    for order in orders:
        assert canonical_json(evaluate(order, book).to_dict(), indent=2) + "\n" == expected


@pytest.mark.parametrize("fixture", sorted(regenerate.CUTS))
def test_recorded_files_are_what_the_code_produces(fixture):
    """The demo run (fake clock) reproduces run.jsonl; each cut and expected result too."""
    for filename, text in regenerate.expected_files(fixture).items():
        assert (FIXTURES / fixture / filename).read_text(encoding="utf-8") == text, filename


TRIGGERS = ("playbook_started", "command.completed", "command.failed")


@pytest.mark.parametrize("fixture", sorted(regenerate.CUTS))
def test_each_decision_in_a_run_is_a_replay_of_the_log_before_it(fixture):
    """After each triggering event, the server persisted exactly what evaluate decides."""
    book = load_playbook(FIXTURES / fixture / "playbook.yaml")
    rows = [loads_strict(line) for line in
            (FIXTURES / fixture / "run.jsonl").read_text(encoding="utf-8").splitlines()]
    events = [Event.from_dict(row) for row in rows]
    checked = 0
    for index, row in enumerate(rows):
        if row["event_type"] not in TRIGGERS:
            continue
        persisted = []
        for later in rows[index + 1:]:
            if later.get("meta", {}).get("command_id") and later["event_type"] != "command.issued":
                break  # the worker's turn
            persisted.append({key: later.get(key) for key in
                              ("event_type", "node_name", "status", "context", "result", "meta")})
        result = evaluate(events[: index + 1], book, row["event_type"]).to_dict()
        recorded = dict(result, events=persisted)
        assert shadow_diff(result, recorded) == (), (fixture, index)
        checked += 1
    assert checked >= 3
