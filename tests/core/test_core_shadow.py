"""``shadow_diff`` and the core's command line."""

from __future__ import annotations

import json

import pytest
from core_helpers import FIXTURES, python

from examples.orchestrate_core import shadow_diff

EXPECTED = FIXTURES / "fan_in" / "fan_out.expected.json"


def _result():
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_a_result_equals_itself():
    assert shadow_diff(_result(), _result()) == ()


def test_generated_ids_and_timestamps_are_ignored():
    other = _result()
    for index, command in enumerate(other["commands"]):
        command["command_id"] = f"7:{command['step']}:{index}"
    for event in other["events"]:
        event.update(event_id=99, timestamp="2030-01-01T00:00:00Z", created_at="x")
        if event["meta"]:
            event["meta"]["command_id"] = "minted"
    assert shadow_diff(_result(), other) == ()


def test_every_difference_is_listed_with_its_location():
    other = _result()
    other["commands"][1]["tool"]["kind"] = "noop"
    other["commands"][0]["context"]["workload"]["region"] = "us"
    other["commands"][0]["input"]["extra"] = 1
    other["events"].pop()
    other["events"][0]["node_name"] = "archived"
    rendered = [d.render() for d in shadow_diff(_result(), other)]
    assert rendered == [
        'commands[0].context.workload.region: "eu" != "us"',
        "commands[0].input.extra: only in B: 1",
        'commands[1].tool.kind: "python" != "noop"',
        'events[0].node_name: "archive" != "archived"',
        'events[4]: only in A: {"context":{"iteration":null,"tool":"python"},"event_type":'
        '"command.issued","meta":{},"node_name":"users","result":null,"status":"PENDING"}',
    ]


def test_order_matters_and_types_matter():
    reordered = _result()
    reordered["commands"].reverse()
    assert {d.path.split(".")[0] for d in shadow_diff(_result(), reordered)} == \
        {"commands[0]", "commands[1]"}
    retyped = _result()
    retyped["execution_id"] = float(retyped["execution_id"])
    assert [d.path for d in shadow_diff(_result(), retyped)] == ["execution_id"]


def test_cli_shadow_diff_exit_codes(tmp_path):
    same = python(["-m", "examples.orchestrate_core", "shadow-diff", str(EXPECTED), str(EXPECTED)])
    assert (same.returncode, same.stdout) == (0, "no differences\n")
    changed = _result()
    changed["should_complete"] = True
    other = tmp_path / "other.json"
    other.write_text(json.dumps(changed))
    diff = python(["-m", "examples.orchestrate_core", "shadow-diff", str(EXPECTED), str(other)])
    assert (diff.returncode, diff.stdout) == (1, "should_complete: false != true\n")


@pytest.mark.parametrize("args, message", [
    (["replay", "--playbook", "nope.yaml", "--events", "x"], "error: nope.yaml: cannot read"),
    (["replay", "--events", "x"], "error: the following arguments are required: --playbook"),
    (["shadow-diff", "missing.json", str(EXPECTED)], "error: missing.json: cannot read"),
    (["frobnicate"], "error: argument COMMAND: invalid choice"),
])
def test_cli_bad_input_is_one_line_and_exit_2(args, message):
    done = python(["-m", "examples.orchestrate_core", *args])
    assert done.returncode == 2
    assert done.stdout == ""
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_cli_replay_errors_name_the_line(tmp_path):
    book = FIXTURES / "fan_in" / "playbook.yaml"
    events = tmp_path / "e.jsonl"
    events.write_text('{"event_id": 1, "execution_id": 1, "event_type": "playbook_started",'
                      ' "status": "STARTED", "timestamp": "2024-01-01T00:00:00"}\n')
    done = python(["-m", "examples.orchestrate_core", "replay", "--playbook", str(book),
                   "--events", str(events)])
    assert done.returncode == 2
    assert done.stderr == (f"error: {events}:1 1: timestamp: timestamp '2024-01-01T00:00:00'"
                           " has no timezone (add Z or +00:00)\n")
    events.write_text("\n{not json\n")
    done = python(["-m", "examples.orchestrate_core", "replay", "--playbook", str(book),
                   "--events", str(events)])
    assert done.stderr.startswith(f"error: {events}:2: invalid JSON:")
    bad_book = tmp_path / "p.yaml"
    bad_book.write_text("apiVersion: v\nkind: Playbook\nmetadata: {name: t}\n"
                        "workflow: [{step: start, next: {arcs: [{step: gone}]}}]\n")
    done = python(["-m", "examples.orchestrate_core", "replay", "--playbook", str(bad_book),
                   "--events", str(events)])
    assert done.stderr == (f"error: workflow[0].next.arcs[0]: unknown step 'gone' (in {bad_book})\n")
    assert done.returncode == 2
