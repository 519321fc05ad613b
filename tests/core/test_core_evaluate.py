"""``evaluate``: each rule of the reference semantics, on small playbooks."""

from __future__ import annotations

import pytest
from core_helpers import EXECUTION, Simulation, ev, playbook, ran, started

from examples.orchestrate_core import (EvaluationError, EventError, ExecutionState,
                                       TemplateError, evaluate)

LINEAR = """
- step: start
  tool: {kind: python, code: "result = 1", args: {who: "{{ user }}"}}
  args: {n: "{{ count }}"}
  next: second
- step: second
  next: end
"""
WORKLOAD = "workload: {user: ada, count: 2}\n"


def test_start_enters_the_start_step_and_issues_its_command():
    result = evaluate([started()], playbook(LINEAR, WORKLOAD))
    assert [(e.event_type, e.node_name, e.status) for e in result.events] == [
        ("step.enter", "start", "ENTERED"), ("command.issued", "start", "PENDING")]
    assert result.events[1].meta == {"command_id": ""}
    (command,) = result.commands
    assert command.command_id == "" and command.execution_id == EXECUTION
    assert command.step == "start" and command.tool.kind == "python"
    assert command.tool.config == {"code": "result = 1", "args": {"who": "ada"}}
    assert command.input == {"n": 2}
    assert command.context == {"user": "ada", "count": 2, "workload": {"user": "ada", "count": 2},
                               "ctx": {}, "execution_id": EXECUTION}
    assert command.iteration is None
    assert result.state == ExecutionState.IN_PROGRESS and not result.should_complete


def test_workload_of_the_start_event_overrides_the_playbooks():
    result = evaluate([started(workload={"user": "bob"})], playbook(LINEAR, WORKLOAD))
    assert result.commands[0].tool.config["args"] == {"who": "bob"}


def test_a_linear_run_completes_when_end_is_reached():
    sim = Simulation(playbook(LINEAR, WORKLOAD))
    sim.finish("start", result=1)
    assert sim.pending[0][1].context["start"] == 1
    last = sim.finish("second", result={"done": True})
    assert last.should_complete and last.completion.status == "COMPLETED"
    assert last.state == ExecutionState.COMPLETED
    assert [e.event_type for e in last.events] == ["playbook.completed"]


def test_nothing_at_all_after_a_terminal_state():
    events = [started(), ev(2, "playbook.failed"), ev(3, "command.completed", "start")]
    result = evaluate(events, playbook(LINEAR), "command.completed")
    assert (result.commands, result.events, result.completion) == ((), (), None)
    assert result.state == ExecutionState.FAILED


@pytest.mark.parametrize("trigger", ["command.started", "call.done", "step_started", "x"])
def test_only_completion_events_route(trigger):
    events = [started(), *ran(2, "start")]
    assert evaluate(events, playbook(LINEAR), trigger).events == ()
    assert evaluate(events, playbook(LINEAR)).commands[0].step == "second"  # default: latest


ROUTER = """
- step: start
  next:
    spec: {mode: MODE}
    arcs:
      - {step: a, when: "{{ start.v > 1 }}"}
      - {step: b, when: "{{ start.v > 2 }}"}
      - {step: c, when: "{{ start.v > 9 }}"}
      - {step: d}
- {step: a}
- {step: b}
- {step: c}
- {step: d}
"""


@pytest.mark.parametrize("mode, entered, skipped", [
    ("exclusive", ["a"], ["b", "c", "d"]),
    ("inclusive", ["a", "b", "d"], ["c"]),
])
def test_routers(mode, entered, skipped):
    result = evaluate([started(), *ran(2, "start", {"v": 5})],
                      playbook(ROUTER.replace("MODE", mode)))
    assert [c.step for c in result.commands] == entered
    assert [e.node_name for e in result.events if e.event_type == "step.skipped"] == skipped
    assert [e.context for e in result.events if e.event_type == "step.skipped"] == \
        [{"reason": "unmatched"}] * len(skipped)


def test_targets_shape_passes_arc_args_as_input():
    book = playbook("""
        - step: start
          next: [{step: a, when: "{{ false }}"}, {step: b, args: {x: "{{ start.v }}", y: 1}}]
        - step: a
        - step: b
          args: {y: 0, z: 2}
        """)
    result = evaluate([started(), *ran(2, "start", {"v": 5})], book)
    assert [(c.step, c.input) for c in result.commands] == [("b", {"y": 1, "z": 2, "x": 5})]


def test_arc_set_goes_to_ctx_before_the_target_is_entered():
    book = playbook("""
        - step: start
          next: {arcs: [{step: a, set: {ctx.seen: "{{ start.v }}", plain: 1}}]}
        - step: a
          args: {seen: "{{ ctx.seen }}", flat: "{{ seen }}"}
        """)
    result = evaluate([started(), *ran(2, "start", {"v": 5})], book)
    assert [e.event_type for e in result.events] == ["ctx.updated", "step.enter", "command.issued"]
    assert result.events[0].context == {"scope": "arc", "step": "start", "target": "a",
                                        "values": {"seen": 5, "plain": 1}}
    assert result.commands[0].input == {"seen": 5, "flat": 5}


def test_a_step_level_set_is_applied_once():
    book = playbook("""
        - step: start
          set: {ctx.total: "{{ start.n * 2 }}"}
          next: [a, b]
        - step: a
        - step: b
        """)
    sim = Simulation(book)
    first = sim.finish("start", result={"n": 4})
    assert first.events[0].context == {"scope": "step", "step": "start", "values": {"total": 8}}
    again = sim.finish("a")
    assert [e.event_type for e in again.events] == []  # b still running; start's set not redone
    assert sim.emitted("ctx.updated") == [None]


FAN_IN = """
- step: start
  next: [left, right]
- {step: left, next: join}
- {step: right, next: join}
- step: join
  args: {l: "{{ left }}", r: "{{ right }}"}
"""


def test_fan_in_waits_for_every_live_upstream_and_runs_once():
    sim = Simulation(playbook(FAN_IN))
    sim.finish("start")
    assert [c.step for _, c in sim.pending] == ["left", "right"]
    waiting = sim.finish("left", result="L")
    assert waiting.commands == () and waiting.events == ()
    joined = sim.finish("right", result="R")
    assert [(c.step, c.input) for c in joined.commands] == [("join", {"l": "L", "r": "R"})]
    done = sim.finish("join")
    assert done.completion.status == "COMPLETED"
    assert sim.emitted("step.enter") == ["start", "left", "right", "join"]


def test_an_unmatched_target_still_reachable_from_a_running_step_is_not_skipped():
    book = playbook("""
        - step: start
          next: [a, b]
        - step: a
          next: {arcs: [{step: shared, when: "{{ false }}"}]}
        - step: b
          next: shared
        - step: shared
        """)
    sim = Simulation(book)
    sim.finish("start")
    after_a = sim.finish("a")
    assert after_a.events == ()  # b can still route to `shared`
    after_b = sim.finish("b")
    assert [c.step for c in after_b.commands] == ["shared"]


def test_when_false_skips_and_the_flow_goes_on_through_the_step():
    book = playbook("""
        - step: start
          next: maybe
        - step: maybe
          when: "{{ workload.go }}"
          next: after
        - step: after
        """, "workload: {go: false}\n")
    result = evaluate([started(), *ran(2, "start")], book)
    assert [(e.event_type, e.node_name, e.context) for e in result.events] == [
        ("step.skipped", "maybe", {"reason": "when"}), ("step.enter", "after", None),
        ("command.issued", "after", {"tool": "noop", "iteration": None})]


def test_a_skipped_last_step_completes_the_execution():
    book = playbook("""
        - step: start
          next: last
        - step: last
          when: "no"
        """)
    result = evaluate([started(), *ran(2, "start")], book)
    assert [e.event_type for e in result.events] == ["step.skipped", "playbook.completed"]


def _loop_book(source: str, mode: str = "sequential") -> str:
    return f"""
        - step: start
          next: each
        - step: each
          loop: {{in: {source}, iterator: it, spec: {{mode: {mode}}}}}
          args: {{value: "{{{{ it }}}}", at: "{{{{ _index }}}}/{{{{ iter._total }}}}"}}
          next: after
        - step: after
          args: {{results: "{{{{ each }}}}"}}
        """


def test_a_sequential_loop_issues_one_iteration_at_a_time():
    sim = Simulation(playbook(_loop_book('"{{ workload.xs }}"'), "workload: {xs: [a, b, c]}\n"))
    entered = sim.finish("start")
    assert entered.events[0].context == {"loop": {"iterator": "it", "mode": "sequential",
                                                  "items": ["a", "b", "c"], "total": 3,
                                                  "input": {}}}
    assert [(c.input, c.iteration.to_dict()) for c in entered.commands] == [
        ({"value": "a", "at": "0/3"}, {"iterator": "it", "index": 0, "total": 3, "item": "a"})]
    second = sim.finish("each", result="A")
    assert [c.input for c in second.commands] == [{"value": "b", "at": "1/3"}]
    assert [e.context for e in second.events] == [{"tool": "noop",
                                                   "iteration": {"index": 1, "total": 3}}]
    sim.finish("each", result="B")
    done = sim.finish("each", result="C")
    assert [(c.step, c.input) for c in done.commands] == [("after", {"results": ["A", "B", "C"]})]


@pytest.mark.parametrize("source, items", [
    ("3", [0, 1, 2]),
    ("{b: 2, a: 1}", [{"key": "a", "value": 1}, {"key": "b", "value": 2}]),
    ('"x, y\\nz"', ["x", "y", "z"]),
    ('"[1, 2]"', [1, 2]),
])
def test_a_parallel_loop_issues_every_iteration_at_once(source, items):
    result = evaluate([started(), *ran(2, "start")], playbook(_loop_book(source, "parallel")))
    assert [c.iteration.item for c in result.commands] == items
    assert [c.iteration.index for c in result.commands] == list(range(len(items)))
    assert sum(e.event_type == "command.issued" for e in result.events) == len(items)


def test_an_empty_loop_completes_at_once_and_routes_on():
    result = evaluate([started(), *ran(2, "start")], playbook(_loop_book("[]")))
    assert [(e.event_type, e.node_name) for e in result.events] == [
        ("step.enter", "each"), ("step.exit", "each"), ("step.enter", "after"),
        ("command.issued", "after")]
    assert result.events[1].result == []
    assert result.commands[0].input == {"results": []}


@pytest.mark.parametrize("source", ["true", "1.5", '"{{ missing }}"', '"{{ 0.5 }}"'])
def test_a_loop_over_nothing_iterable_is_an_error(source):
    with pytest.raises(EvaluationError, match="step 'each': loop `in` rendered to"):
        evaluate([started(), *ran(2, "start")], playbook(_loop_book(source)))


def test_parallel_loop_results_are_in_iteration_order_whatever_the_finish_order():
    sim = Simulation(playbook(_loop_book("[a, b, c]", "parallel")))
    sim.finish("start")
    (first, second, third) = [command_id for command_id, _ in sim.pending]
    assert third == f"{EXECUTION}:each:{int(third.split(':')[2])}:i2"
    for command_id in (third, first, second):
        last = sim.finish(command_id=command_id, result=command_id)
    assert last.commands[0].input == {"results": [first, second, third]}


FAILING = """
- step: start
  next: [a, b, c]
- {step: a, next: after}
- {step: b, next: after}
- {step: c, next: after}
- {step: after}
"""


def test_failure_waits_for_running_steps_then_names_failed_steps_sorted():
    sim = Simulation(playbook(FAILING))
    sim.finish("start")
    assert sim.finish("c", error="boom").events == ()  # a and b still running
    assert sim.finish("a", result=1).events == ()  # no new step starts after a failure
    final = sim.finish("b", error="bang")
    assert final.completion.to_dict() == {"status": "FAILED", "error": "Failed steps: b, c",
                                          "failed_steps": ["b", "c"]}
    assert final.state == ExecutionState.FAILED
    assert [(e.event_type, e.result) for e in final.events] == [
        ("playbook.failed", {"error": "Failed steps: b, c", "failed_steps": ["b", "c"]})]
    assert "after" not in sim.emitted("step.enter")


def test_a_loop_iteration_failure_fails_the_step():
    sim = Simulation(playbook(_loop_book("[1, 2]", "parallel")))
    sim.finish("start")
    assert sim.finish("each", error="no").events == ()  # the other iteration is running
    final = sim.finish("each", result=2)
    assert final.completion.error == "Failed steps: each"


def test_a_pass_that_can_neither_run_nor_reach_an_end_fails_as_stalled():
    events = [started(), ev(2, "step.skipped", "second"), *ran(3, "start")]
    result = evaluate(events, playbook(LINEAR))
    assert result.completion.to_dict() == {
        "status": "FAILED", "failed_steps": [],
        "error": "Execution stalled: no step is running and none can start"}


def test_errors():
    with pytest.raises(EvaluationError, match="no events"):
        evaluate([], playbook(LINEAR))
    with pytest.raises(EventError, match="expected an Event"):
        evaluate([{"event_id": 1}], playbook(LINEAR))
    bad = playbook("- step: start\n  args: {x: '{{ 1 / 0 }}'}\n")
    with pytest.raises(TemplateError, match="ZeroDivisionError"):
        evaluate([started()], bad)


def test_after_a_failure_a_running_sequential_loop_still_finishes():
    book = playbook("""
        - step: start
          next: [a, b]
        - {step: a}
        - step: b
          loop: {in: [1, 2]}
        """)
    sim = Simulation(book)
    sim.finish("start")
    assert sim.finish("a", error="boom").events == ()  # b's first iteration is out
    second = sim.finish("b", result=1)
    assert [c.iteration.index for c in second.commands] == [1] and second.completion is None
    final = sim.finish("b", result=2)
    assert final.completion.error == "Failed steps: a"
