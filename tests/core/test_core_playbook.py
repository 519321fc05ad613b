"""The playbook model: four shapes of ``next`` in one router form, and errors that name paths."""

from __future__ import annotations

import re

import pytest
from core_helpers import playbook

from examples.orchestrate_core import Arc, PlaybookError, Router, parse_playbook
from examples.orchestrate_core.playbook import EXCLUSIVE, INCLUSIVE, PARALLEL, SEQUENTIAL


def _next(shape: str) -> Router:
    book = playbook(f"""
        - step: start
          next: {shape}
        - step: a
        - step: b
        """)
    router = book.step("start").next
    assert router is not None
    return router


def test_a_name_is_one_arc():
    assert _next("a") == Router(EXCLUSIVE, (Arc("a"),))


def test_a_list_of_names_fans_out_to_all():
    assert _next("[a, b]") == Router(INCLUSIVE, (Arc("a"), Arc("b")))


def test_a_list_of_targets_keeps_when_and_args_in_order():
    router = _next('[{step: a, when: "{{ x }}", args: {k: 1, j: 2}}, {step: b}]')
    assert router == Router(EXCLUSIVE, (Arc("a", when="{{ x }}", args=(("k", 1), ("j", 2))),
                                        Arc("b")))


def test_a_router_keeps_its_mode_and_arc_sets_in_yaml_order():
    router = _next('{spec: {mode: inclusive}, arcs: [{step: a, set: {z: 1, ctx.a: 2}}, {step: end}]}')
    assert router == Router(INCLUSIVE, (Arc("a", set_vars=(("z", 1), ("ctx.a", 2))), Arc("end")))
    assert _next("{arcs: [{step: a}]}").mode == EXCLUSIVE


def test_steps_tools_and_loops():
    book = playbook("""
        - step: start
          desc: first
          when: "{{ go }}"
          args: {b: 1, a: 2}
          set: {ctx.x: 1}
          tool: {kind: python, code: "result = 1", args: {q: 1}}
          loop: {in: "{{ items }}", iterator: city, spec: {mode: parallel}}
        - step: seq
          tool: [{kind: noop}, {kind: python, code: "result = 2"}]
          loop: {in: 3}
        - step: bare
        """, workload="workload: {items: [1, 2], go: true}\n")
    start, seq, bare = book.steps
    assert start.args == (("b", 1), ("a", 2)) and start.set_vars == (("ctx.x", 1),)
    assert start.tool.kind == "python"
    assert start.tool.config == (("code", "result = 1"), ("args", {"q": 1}))
    assert (start.loop.in_expr, start.loop.iterator, start.loop.mode) == ("{{ items }}", "city", PARALLEL)
    assert seq.tool.kind == "task_sequence"
    assert seq.tool.config == (("tasks", [{"kind": "noop"}, {"kind": "python", "code": "result = 2"}]),)
    assert (seq.loop.in_expr, seq.loop.iterator, seq.loop.mode) == (3, "item", SEQUENTIAL)
    assert bare.tool.kind == "noop" and bare.next is None
    assert book.workload == (("items", [1, 2]), ("go", True))


def test_yaml_dates_become_iso_text():
    book = playbook("- step: start\n  args: {day: 2024-01-02}\n")
    assert book.step("start").args == (("day", "2024-01-02"),)


@pytest.mark.parametrize("body, path, message", [
    ("- step: start\n  next: {arcs: [{step: a}, {when: x}]}\n- step: a\n",
     "workflow[0].next.arcs[1].step", "missing"),
    ("- step: start\n- step: a\n- step: b\n  next: {arcs: [{step: nowhere}]}\n",
     "workflow[2].next.arcs[0]", "unknown step 'nowhere'"),
    ("- step: start\n  next: [a, {step: a}]\n- step: a\n",
     "workflow[0].next[0]", "expected an arc"),
    ("- step: start\n  next: nowhere\n", "workflow[0].next", "unknown step 'nowhere'"),
    ("- step: start\n  next: {spec: {mode: random}, arcs: [{step: end}]}\n",
     "workflow[0].next.spec.mode", "expected one of exclusive, inclusive"),
    ("- step: start\n  next: {arcs: [{step: end, args: {a: 1}}]}\n",
     "workflow[0].next.arcs[0].args", "unknown key"),
    ("- step: start\n  retry: 3\n", "workflow[0].retry", "unknown key"),
    ("- step: start\n  loop: {in: [1], spec: {mode: sideways}}\n",
     "workflow[0].loop.spec.mode", "expected one of sequential, parallel"),
    ("- step: start\n  loop: {iterator: x}\n", "workflow[0].loop.in", "missing"),
    ("- step: start\n  loop: {in: [1], iterator: not a name}\n", "workflow[0].loop.iterator",
     "is not a name"),
    ("- step: start\n  tool: {code: x}\n", "workflow[0].tool.kind", "missing"),
    ("- step: start\n  tool: []\n", "workflow[0].tool", "an empty list of tools"),
    ("- step: start\n  args: !!set {a, b}\n", "workflow[0].args", "expected a mapping"),
    ("- step: start\n  args: {a: !!set {x, y}}\n", "workflow[0].args.a", "has no order"),
    ("- step: start\n  args: {a: .inf}\n", "workflow[0].args.a", "not a JSON number"),
    ("- step: start\n  args: {on: 1}\n", "workflow[0].args", "key True is not a string"),
    ("- step: start\n- step: start\n", "workflow[1].step", "duplicate step name 'start'"),
    ("- step: begin\n", "workflow", "no step named 'start'"),
    ("- step: ctx\n", "workflow[0].step", "reserved"),
    ("- 3\n", "workflow[0]", "expected a step"),
])
def test_malformed_playbooks_name_the_bad_path(body, path, message):
    with pytest.raises(PlaybookError) as caught:
        playbook(body)
    assert caught.value.path == path
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize("text, message", [
    ("kind: Playbook\n", "apiVersion: missing"),
    ("[1, 2]\n", "expected the playbook (a mapping), got list"),
    ("apiVersion: v\nkind: Playbook\nmetadata: {name: t}\nworkflow: []\n",
     "workflow: expected a non-empty list"),
    ("apiVersion: v\nkind: Playbook\nmetadata: {}\nworkflow: [{step: start}]\n", "metadata.name: missing"),
    ("a: [\n", "invalid YAML: line 2, column 1"),
])
def test_document_level_errors(text, message):
    with pytest.raises(PlaybookError, match=re.escape(message)) as caught:
        parse_playbook(text, "p.yaml")
    assert "\n" not in str(caught.value)
    assert "p.yaml" in str(caught.value)
