"""Properties: for generated playbooks and event logs, ``evaluate`` is a deterministic function
that raises nothing but the documented ``CoreError`` family.

Logs come from two sources: runs of a simulated server and worker driven by hypothesis (so they
are the logs a real execution writes), and arbitrary events (so they are not).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from core_helpers import EXECUTION, Simulation, ev, started
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examples.orchestrate_core import CoreError, Playbook, evaluate, playbook_from_dict

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NAMES = ["start", "a", "b", "c", "d", "e", "f"]
WHENS = [None, "true", "false", "0", "{{ n > 1 }}", "{{ workload.flag }}", "{{ missing }}",
         "{{ a.v is defined }}", "{{ ctx.k }}", "{{ start }}", "no", True, False]
RISKY_WHENS = ["{{ 1 / 0 }}", "{% if %}"]
LOOP_SOURCES = [[1, 2, 3], 2, 0, "{{ workload.items }}", {"y": 1, "x": 2}, "[]", "p, q",
                "{{ items | length }}"]
RISKY_LOOP_SOURCES = ["{{ missing }}", "{{ flag }}"]
WORKLOAD = {"n": 2, "flag": False, "items": ["i", "j"]}


def _json_values(alphabet: str) -> Any:
    return st.recursive(
        st.none() | st.booleans() | st.integers(-5, 5) | st.text(alphabet, max_size=4),
        lambda inner: (st.lists(inner, max_size=3)
                       | st.dictionaries(st.sampled_from("vkxy"), inner, max_size=3)),
        max_leaves=6)


json_values = _json_values("abc{}%")  # results and payloads: template-looking text included
plain_values = _json_values("abc")  # playbook literals in the well-behaved playbooks


@st.composite
def playbooks(draw: Any, risky: bool = False, cycles: bool = False) -> Dict[str, Any]:
    count = draw(st.integers(2, len(NAMES)))
    names = NAMES[:count]
    whens = WHENS + (RISKY_WHENS if risky else [])
    sources = LOOP_SOURCES + (RISKY_LOOP_SOURCES if risky else [])
    steps = []
    for index, name in enumerate(names):
        step: Dict[str, Any] = {"step": name}
        pool = names[index + 1:] + ["end"] if not cycles else names + ["end"]
        targets = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
        shape = draw(st.sampled_from(["none", "name", "names", "targets", "router"]))
        if index < count - 1 or shape != "none":
            step["next"] = _next(draw, shape, targets, whens)
        if index and draw(st.integers(0, 3)) == 0:
            step["when"] = draw(st.sampled_from(whens))
        if draw(st.integers(0, 4)) == 0:
            step["loop"] = {"in": draw(st.sampled_from(sources)),
                            "spec": {"mode": draw(st.sampled_from(["sequential", "parallel"]))}}
        if draw(st.booleans()):
            step["args"] = {"v": "{{ item | default(n) }}",
                            "w": draw(json_values if risky else plain_values)}
        if draw(st.integers(0, 3)) == 0:
            step["set"] = {"ctx.k": draw(st.sampled_from(["{{ n }}", "x", "{{ a }}"]))}
        step["tool"] = draw(st.sampled_from([{"kind": "noop"}, {"kind": "python", "code": "x"},
                                             [{"kind": "noop", "x": "{{ n }}"}]]))
        steps.append(step)
    return {"apiVersion": "v2", "kind": "Playbook", "metadata": {"name": "gen"},
            "workload": WORKLOAD, "workflow": steps}


def _next(draw: Any, shape: str, targets: List[str], whens: List[Any]) -> Any:
    if shape in ("none", "name"):
        return targets[0]
    if shape == "names":
        return targets
    arcs = [{"step": target, "when": draw(st.sampled_from(whens))} for target in targets]
    if shape == "targets":
        return [dict(arc, args={"from": "{{ n }}"}) for arc in arcs]
    mode = draw(st.sampled_from(["exclusive", "inclusive"]))
    return {"spec": {"mode": mode}, "arcs": [dict(arc, set={"k": "{{ n }}"}) for arc in arcs]}


def _run(book: Playbook, data: Any, max_turns: int = 40) -> Simulation:
    """Drive a simulated execution, letting hypothesis pick which command ends, and how."""
    sim = Simulation(book, WORKLOAD)
    for _ in range(max_turns):
        if sim.ended or not sim.pending:
            break
        index = data.draw(st.integers(0, len(sim.pending) - 1), label="command")
        command_id = sim.pending[index][0]
        if data.draw(st.integers(0, 5), label="fails") == 0:
            sim.finish(command_id=command_id, error="boom")
        else:
            sim.finish(command_id=command_id, result=data.draw(json_values, label="result"))
    return sim


def _same_when_shuffled(sim: Simulation, data: Any) -> None:
    """Each recorded decision is reproduced from a shuffled copy of the log it was made on."""
    cut = data.draw(st.integers(1, len(sim.events)), label="cut")
    prefix = sim.events[:cut]
    shuffled = data.draw(st.permutations(prefix), label="order")
    assert evaluate(shuffled, sim.playbook).to_dict() == evaluate(prefix, sim.playbook).to_dict()


@SETTINGS
@given(spec=playbooks(), data=st.data())
def test_dag_runs_are_deterministic_and_always_end(spec, data):
    book = playbook_from_dict(spec)
    sim = _run(book, data, max_turns=60)
    _same_when_shuffled(sim, data)
    if not sim.pending:
        assert sim.ended in ("playbook.completed", "playbook.failed"), [
            (e.event_type, e.node_name) for e in sim.events]
    entered = sim.emitted("step.enter")
    assert len(entered) == len(set(entered)), "a step was entered twice"
    failed = [e for e in sim.events if e.event_type == "playbook.failed"]
    if failed and failed[0].result["failed_steps"]:
        assert failed[0].result["failed_steps"] == sorted(failed[0].result["failed_steps"])


@SETTINGS
@given(spec=playbooks(risky=True, cycles=True), data=st.data())
def test_risky_playbooks_raise_only_documented_errors(spec, data):
    book = playbook_from_dict(spec)
    try:
        sim = _run(book, data)
    except CoreError:
        return
    _same_when_shuffled(sim, data)


EVENT_TYPES = ["playbook_started", "step.enter", "step.skipped", "step.exit", "command.issued",
               "command.claimed", "command.started", "call.done", "call.error",
               "command.completed", "command.failed", "ctx.updated", "playbook.completed",
               "whatever"]


@st.composite
def arbitrary_logs(draw: Any) -> List[Any]:
    count = draw(st.integers(1, 14))
    ids = draw(st.lists(st.integers(1, 10 ** 6), min_size=count, max_size=count, unique=True))
    contexts = st.one_of(json_values, st.fixed_dictionaries({
        "loop": st.fixed_dictionaries({"items": st.lists(json_values, max_size=3),
                                       "iterator": st.just("it"),
                                       "mode": st.sampled_from(["sequential", "parallel"])}),
    }), st.fixed_dictionaries({"values": st.dictionaries(st.sampled_from("kv"), json_values)}),
        st.fixed_dictionaries({"iteration": st.fixed_dictionaries({"index": st.integers(-1, 3)})}))
    events = []
    for event_id in ids:
        events.append(ev(event_id, draw(st.sampled_from(EVENT_TYPES)),
                         draw(st.sampled_from([None] + NAMES + ["zz"])),
                         context=draw(contexts), result=draw(json_values),
                         meta=draw(st.sampled_from([None, {"command_id": "c1"},
                                                    {"command_id": "c2"}, "odd"]))))
    return events


@SETTINGS
@given(spec=playbooks(risky=True, cycles=True), events=arbitrary_logs(),
       trigger=st.sampled_from([None, "command.completed", "command.failed", "step.exit"]),
       data=st.data())
def test_arbitrary_logs_raise_only_documented_errors_and_ignore_order(spec, events, trigger, data):
    book = playbook_from_dict(spec)
    try:
        expected: Optional[Dict[str, Any]] = evaluate(events, book, trigger).to_dict()
    except CoreError as error:
        expected = {"error": str(error)}
    shuffled = data.draw(st.permutations(events))
    try:
        again: Dict[str, Any] = evaluate(shuffled, book, trigger).to_dict()
    except CoreError as error:
        again = {"error": str(error)}
    assert again == expected


def test_the_simulation_sees_the_same_execution():
    assert started().execution_id == EXECUTION
