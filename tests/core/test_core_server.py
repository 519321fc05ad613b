"""The server boundary: the sqlite store, id minting, ``trigger_orchestrator``, the demo run."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from core_helpers import FIXTURES, python

from examples.orchestrate_core import Event, load_playbook, parse_playbook
from examples.orchestrate_core.jsonvalue import loads_strict
from examples.server.clock import FakeClock
from examples.server.db import (EventRow, connect, insert_event, load_events, mint_command_id,
                                pending_commands, to_core_event, trigger_orchestrator)
from examples.server.snowflake import SnowflakeIds
from examples.server.worker import execute

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _start(conn: sqlite3.Connection, execution_id: int = 100) -> EventRow:
    return insert_event(conn, EventRow(
        event_id=1, execution_id=execution_id, event_type="playbook_started", status="STARTED",
        created_at=T0, context={"workload": {}, "path": "p"}, node_type="execution"))


def test_rows_round_trip_and_convert_by_field_copy():
    conn = connect(":memory:")
    row = insert_event(conn, EventRow(
        event_id=5, execution_id=100, catalog_id=3, event_type="call.done", status="COMPLETED",
        created_at=T0 + timedelta(microseconds=5), node_name="a", context={"c": 1},
        result=[1, "x"], meta={"command_id": "m"}, parent_execution_id=9, attempt=2,
        parent_event_id=4, node_id="100:a", node_type="step", worker_id="w"))
    assert row.id == 1
    (loaded,) = load_events(conn, 100)
    assert loaded == row
    event = to_core_event(loaded)
    core_fields = {f.name for f in dataclasses.fields(Event)}
    assert core_fields == {f.name for f in dataclasses.fields(EventRow)} - {
        "id", "parent_event_id", "node_id", "node_type", "worker_id", "created_at"} | {"timestamp"}
    for name in core_fields - {"timestamp"}:
        assert getattr(event, name) == getattr(loaded, name)
    assert event.timestamp == loaded.created_at


def test_trigger_persists_decisions_and_mints_command_ids():
    conn = connect(":memory:")
    started = _start(conn)
    book = load_playbook(FIXTURES / "parallel_loop" / "playbook.yaml")
    ids, clock = SnowflakeIds(node=3), FakeClock(T0)
    first = trigger_orchestrator(conn, 100, book, "playbook_started", ids=ids, clock=clock)
    enter, issued = first.rows
    assert (enter.event_type, issued.event_type) == ("step.enter", "command.issued")
    assert issued.meta == {"command_id": f"100:start:{issued.event_id}"}
    assert first.command_ids == (f"100:start:{issued.event_id}",)
    assert enter.event_id < issued.event_id and enter.parent_event_id == started.event_id
    assert (issued.node_id, issued.node_type, issued.worker_id) == ("100:start", "step", None)
    ((command_id, payload),) = pending_commands(conn, 100)
    assert command_id == first.command_ids[0] and payload["command_id"] == command_id
    assert payload["step"] == "start" and payload["input"] == {"currency": "EUR"}

    for event_type in ("call.done", "command.completed"):
        insert_event(conn, EventRow(
            event_id=ids.next_id(clock.now()), execution_id=100, event_type=event_type,
            status="COMPLETED", created_at=clock.now(), node_name="start",
            result={"currency": "EUR"}, meta={"command_id": command_id}))
    second = trigger_orchestrator(conn, 100, book, "command.completed", ids=ids, clock=clock)
    issued_rows = [row for row in second.rows if row.event_type == "command.issued"]
    assert [row.meta["command_id"] for row in issued_rows] == [
        mint_command_id(100, "double", row.event_id, index)
        for index, row in enumerate(issued_rows)]
    assert second.command_ids[2].endswith(":i2")


def test_a_core_error_fails_the_execution_instead_of_hanging():
    conn = connect(":memory:")
    _start(conn)
    book = parse_playbook("apiVersion: v\nkind: Playbook\nmetadata: {name: t}\n"
                          "workflow: [{step: start, args: {x: '{{ 1 / 0 }}'}}]\n")
    outcome = trigger_orchestrator(conn, 100, book, "playbook_started")
    (row,) = outcome.rows
    assert row.event_type == "playbook.failed"
    assert "ZeroDivisionError" in row.result["error"]
    assert load_events(conn, 100)[-1].event_type == "playbook.failed"


def test_snowflakes_increase_even_when_the_clock_stands_still_or_steps_back():
    ids = SnowflakeIds(node=1)
    stamps = [T0, T0, T0 - timedelta(seconds=5), T0 + timedelta(milliseconds=1)]
    minted = [ids.next_id(at) for at in stamps]
    assert minted == sorted(set(minted))
    with pytest.raises(ValueError):
        SnowflakeIds(node=1 << 10)


def test_worker_tools():
    noop = execute({"tool": {"kind": "noop", "config": {"args": {"a": 1}}}, "input": {"b": 2}})
    assert noop.result == {"a": 1, "b": 2}
    code = "result = {'item': city, 'at': _index, 'of': _total, 'n': n}"
    run = execute({"tool": {"kind": "python", "config": {"code": code}}, "input": {"n": 1},
                   "iteration": {"iterator": "city", "item": "Oslo", "index": 1, "total": 3}})
    assert run.result == {"item": "Oslo", "at": 1, "of": 3, "n": 1}
    failed = execute({"tool": {"kind": "python", "config": {"code": "raise KeyError('k')"}}})
    assert failed.error == "KeyError: 'k'" and not failed.ok
    odd = execute({"tool": {"kind": "python", "config": {"code": "result = object()"}}})
    assert odd.error.startswith("ValueError: result is not JSON")
    unknown = execute({"tool": {"kind": "http", "config": {}}})
    assert "no tool 'http'" in unknown.error


def test_run_command_end_to_end(tmp_path):
    db = tmp_path / "events.db"
    book = FIXTURES / "when_skip" / "playbook.yaml"
    done = python(["-m", "examples.server", "run", str(book), "--db", str(db)])
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        'step start: completed {"records":42}', "step notify: skipped (when)",
        'step archive: completed {"by":"ada","records":42}', "playbook completed"]
    lines = done.stdout.splitlines()
    events = [Event.from_dict(loads_strict(line)) for line in lines]
    assert events[0].event_type == "playbook_started"
    assert events[-1].event_type == "playbook.completed"
    assert [e.event_id for e in events] == sorted(e.event_id for e in events)
    with sqlite3.connect(str(db)) as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM event").fetchone()
        (workers,) = conn.execute("SELECT COUNT(*) FROM event WHERE worker_id = 'worker-0'").fetchone()
    assert count == len(lines) and workers == 8  # 2 commands, 4 worker events each
    replayed = python(["-m", "examples.orchestrate_core", "replay", "--playbook", str(book),
                       "--events", "/dev/stdin"], stdin=done.stdout)
    assert loads_strict(replayed.stdout)["state"] == "completed"


def test_run_command_reports_failure_and_bad_input(tmp_path):
    done = python(["-m", "examples.server", "run", str(FIXTURES / "failing_steps" / "playbook.yaml"),
                   "--fake-clock", "2024-01-01T00:00:00Z"])
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == \
        "playbook failed: Failed steps: fetch_invoices, fetch_orders, fetch_users"
    assert done.stdout == (FIXTURES / "failing_steps" / "run.jsonl").read_text(encoding="utf-8")
    bad = python(["-m", "examples.server", "run", str(tmp_path / "none.yaml")])
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1
    clock = python(["-m", "examples.server", "run", str(FIXTURES / "when_skip" / "playbook.yaml"),
                    "--fake-clock", "2024-01-01T00:00:00"])
    assert clock.returncode == 2 and "no timezone" in clock.stderr
