"""The fold: execution and step state from events alone, in ``event_id`` order."""

from __future__ import annotations

import random

import pytest
from core_helpers import BASE, ev, ran, started

from examples.orchestrate_core import EventError, ExecutionState, StepState, WorkflowState
from datetime import timedelta


def test_an_empty_log_is_initial():
    state = WorkflowState.from_events([])
    assert state.state == ExecutionState.INITIAL and state.steps == ()


def test_a_step_life_with_times_from_events():
    state = WorkflowState.from_events([started(workload={"k": 1}), *ran(2, "start", {"ok": True})])
    info = state.step("start")
    assert state.state == ExecutionState.IN_PROGRESS
    assert state.started_at == BASE + timedelta(seconds=1)
    assert state.workload == {"k": 1} and state.path == "t"
    assert (info.state, info.result, info.attempts) == (StepState.COMPLETED, {"ok": True}, 1)
    assert info.entered_at == BASE + timedelta(seconds=2)
    assert info.completed_at == BASE + timedelta(seconds=6)
    assert info.completed_event_id == 6
    assert state.step("never").state == StepState.PENDING


@pytest.mark.parametrize("last, expected", [
    ("step.enter", StepState.ENTERED), ("command.issued", StepState.COMMAND_ISSUED),
    ("command.claimed", StepState.CLAIMED), ("command.started", StepState.STARTED),
])
def test_running_states(last, expected):
    kinds = ["step.enter", "command.issued", "command.claimed", "command.started"]
    events = [started()] + [ev(2 + i, kind, "a") for i, kind in enumerate(kinds[: kinds.index(last) + 1])]
    state = WorkflowState.from_events(events)
    assert state.step("a").state == expected
    assert state.running_steps() == ("a",)


def test_failure_keeps_the_error_and_failed_steps_are_sorted():
    events = [started(), ev(2, "step.enter", "b"), ev(3, "step.enter", "a"),
              ev(4, "call.error", "b", result={"error": "boom"}),
              ev(5, "command.failed", "b", result={"error": "boom"}),
              ev(6, "command.failed", "a", result="plain text")]
    state = WorkflowState.from_events(events)
    assert state.failed_steps() == ("a", "b")
    assert state.step("b").error == "boom" and state.step("a").error == "plain text"


def test_skips_record_their_reason_and_terminal_events_end_the_execution():
    events = [started(), ev(2, "step.skipped", "a", context={"reason": "when"}),
              ev(3, "step.skipped", "b"), ev(4, "playbook.completed")]
    state = WorkflowState.from_events(events)
    assert state.step("a").skip_reason == "when" and state.step("b").skip_reason == "unmatched"
    assert state.state == ExecutionState.COMPLETED and state.is_terminal
    assert state.completed_at == BASE + timedelta(seconds=4)


def test_ctx_is_latest_wins_and_tracks_step_level_sets():
    events = [started(),
              ev(2, "ctx.updated", context={"scope": "step", "step": "s", "values": {"a": 1, "b": 1}}),
              ev(3, "ctx.updated", context={"scope": "arc", "step": "s", "values": {"b": 2}})]
    state = WorkflowState.from_events(events)
    assert state.ctx == {"a": 1, "b": 2}
    assert state.step_sets_applied == frozenset({"s"})


def _loop_events():
    items = ["x", "y", "z"]
    loop = {"iterator": "it", "mode": "parallel", "items": items, "total": 3, "input": {}}
    enter = ev(2, "step.enter", "L", context={"loop": loop})
    issued = [ev(3 + i, "command.issued", "L", meta={"command_id": f"c{i}"},
                 context={"iteration": {"index": i, "total": 3}}) for i in range(3)]
    # iterations finish out of order: 2, 0, 1
    finish = []
    for n, index in enumerate([2, 0, 1]):
        meta = {"command_id": f"c{index}"}
        finish += [ev(10 + 2 * n, "call.done", "L", result=items[index].upper(), meta=meta),
                   ev(11 + 2 * n, "command.completed", "L", meta=meta)]
    return [started(), enter, *issued, *finish]


def test_loop_results_land_in_iteration_order():
    events = _loop_events()
    partial = WorkflowState.from_events(events[:-2]).step("L")
    assert partial.state != StepState.COMPLETED and partial.is_running
    assert (partial.loop.expected, partial.loop.dispatched) == (3, 3)
    assert partial.loop.completed == frozenset({0, 2})
    done = WorkflowState.from_events(events).step("L")
    assert done.state == StepState.COMPLETED
    assert done.result == ["X", "Y", "Z"]
    assert done.loop.results == ("X", "Y", "Z")


def test_order_of_the_log_does_not_matter():
    events = _loop_events()
    expected = WorkflowState.from_events(events)
    shuffler = random.Random(4)
    for _ in range(20):
        shuffled = list(events)
        shuffler.shuffle(shuffled)
        assert WorkflowState.from_events(shuffled) == expected


def test_duplicates_are_dropped_and_conflicts_refused():
    events = [started(), *ran(2, "a")]
    assert WorkflowState.from_events(events + events[2:4]) == WorkflowState.from_events(events)
    with pytest.raises(EventError, match="event 3: two different events share this id"):
        WorkflowState.from_events(events + [ev(3, "call.done", "other")])
    other = ev(9, "call.done", "a")
    with pytest.raises(EventError, match="several executions: 7, 8"):
        WorkflowState.from_events(events + [type(other)(**{**other.__dict__, "execution_id": 8})])


def test_render_context_layers_workload_results_and_ctx():
    events = [started(workload={"w": 1, "same": "workload"}), *ran(2, "a", {"r": 1}),
              ev(7, "ctx.updated", context={"values": {"same": "ctx", "c": 3}}),
              ev(8, "step.enter", "b"), ev(9, "call.done", "b", result="not finished")]
    context = WorkflowState.from_events(events).render_context((("w", 0), ("d", "default")))
    assert context == {
        "w": 1, "d": "default", "same": "ctx", "a": {"r": 1}, "c": 3,
        "workload": {"w": 1, "d": "default", "same": "workload"},
        "ctx": {"same": "ctx", "c": 3}, "execution_id": 7,
    }
