"""Helpers shared by the core's tests: event builders, fixture discovery, CLI runners."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from examples.orchestrate_core import Event, Playbook, parse_playbook

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "examples" / "fixtures"
BASE = datetime(2024, 1, 1, tzinfo=timezone.utc)
EXECUTION = 7


def ev(event_id: int, event_type: str, node: Optional[str] = None, **fields: Any) -> Event:
    """An event of execution 7, stamped ``event_id`` seconds after 2024-01-01."""
    status = fields.pop("status", event_type.upper())
    return Event(event_id=event_id, execution_id=EXECUTION, event_type=event_type,
                 status=status, timestamp=BASE + timedelta(seconds=event_id),
                 node_name=node, **fields)


def started(event_id: int = 1, workload: Optional[Dict[str, Any]] = None) -> Event:
    return ev(event_id, "playbook_started", context={"workload": workload or {}, "path": "t"})


def ran(first_id: int, step: str, result: Any = None, command_id: str = "") -> List[Event]:
    """A step's whole life, from ``step.enter`` to ``command.completed`` (5 events)."""
    meta = {"command_id": command_id or f"c-{step}-{first_id}"}
    return [
        ev(first_id, "step.enter", step),
        ev(first_id + 1, "command.issued", step, meta=meta),
        ev(first_id + 2, "command.started", step, meta=meta),
        ev(first_id + 3, "call.done", step, result=result, meta=meta),
        ev(first_id + 4, "command.completed", step, meta=meta),
    ]


def playbook(body: str, workload: str = "") -> Playbook:
    """A playbook from its ``workflow:`` list (and optional ``workload:`` block), in YAML."""
    head = "apiVersion: noetl.io/v2\nkind: Playbook\nmetadata: {name: t, path: t}\n"
    text = head + textwrap.dedent(workload) + "workflow:\n" + textwrap.indent(
        textwrap.dedent(body), "  ")
    return parse_playbook(text, "test.yaml")


def fixture_cuts() -> List[Tuple[str, str]]:
    return sorted((path.parent.name, path.name[: -len(".events.jsonl")])
                  for path in FIXTURES.glob("*/*.events.jsonl"))


def python(args: Sequence[str], seed: Optional[str] = None, cwd: Path = REPO,
           stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PYTHONHASHSEED", None)
    if seed is not None:
        env["PYTHONHASHSEED"] = seed
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, input=stdin)


class Simulation:
    """The server's loop in memory: evaluate, persist what it emits, and play the worker.

    Command ids are minted as the server does (``<execution>:<step>:<event_id>[:i<index>]``).
    """

    def __init__(self, book: Playbook, workload: Optional[Dict[str, Any]] = None) -> None:
        self.playbook = book
        self.events: List[Event] = [started(1, workload)]
        self.pending: List[Tuple[str, Any]] = []
        self.results: List[Any] = []
        self.trigger("playbook_started")

    def add(self, event_type: str, node: Optional[str] = None, **fields: Any) -> Event:
        event = ev(self.events[-1].event_id + 1, event_type, node, **fields)
        self.events.append(event)
        return event

    def trigger(self, trigger: Optional[str]) -> Any:
        from examples.orchestrate_core import evaluate
        result = evaluate(self.events, self.playbook, trigger)
        commands = list(result.commands)
        for emitted in result.events:
            meta = emitted.meta
            if emitted.event_type == "command.issued":
                command = commands.pop(0)
                event_id = self.events[-1].event_id + 1
                suffix = "" if command.iteration is None else f":i{command.iteration.index}"
                command_id = f"{EXECUTION}:{command.step}:{event_id}{suffix}"
                self.pending.append((command_id, command))
                meta = {"command_id": command_id}
            self.add(emitted.event_type, emitted.node_name, status=emitted.status,
                     context=emitted.context, result=emitted.result, meta=meta)
        self.results.append(result)
        return result

    def finish(self, step: Optional[str] = None, result: Any = None,
               error: Optional[str] = None, command_id: Optional[str] = None) -> Any:
        """Complete (or fail) the oldest pending command (of ``step``, or with that id)."""
        index = next(i for i, (cid, command) in enumerate(self.pending)
                     if (step is None or command.step == step)
                     and (command_id is None or cid == command_id))
        command_id, command = self.pending.pop(index)
        meta = {"command_id": command_id}
        self.add("command.claimed", command.step, meta=meta)
        self.add("command.started", command.step, meta=meta)
        if error is None:
            self.add("call.done", command.step, result=result, meta=meta)
            self.add("command.completed", command.step, meta=meta)
            return self.trigger("command.completed")
        self.add("call.error", command.step, result={"error": error}, meta=meta)
        self.add("command.failed", command.step, result={"error": error}, meta=meta)
        return self.trigger("command.failed")

    @property
    def ended(self) -> Optional[str]:
        last = self.events[-1].event_type
        return last if last in ("playbook.completed", "playbook.failed") else None

    def emitted(self, event_type: str) -> List[Optional[str]]:
        return [e.node_name for e in self.events if e.event_type == event_type]


#: Runs ``python -m <module> replay`` for each argument list given as JSON on stdin, in one
#: process, and prints each run's exit status and output as a JSON line.
_DRIVER = """
import contextlib, io, json, runpy, sys
module = sys.argv[1]
for args in json.loads(sys.stdin.read()):
    sys.argv = ["python -m " + module, *args]
    out, status = io.StringIO(), 0
    with contextlib.redirect_stdout(out):
        try:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
        except SystemExit as done:
            status = done.code
    print(json.dumps([status, out.getvalue()]))
"""


def replay_args(fixture: str, cut: str) -> List[str]:
    folder = FIXTURES / fixture
    return ["replay", "--playbook", str(folder / "playbook.yaml"),
            "--events", str(folder / f"{cut}.events.jsonl")]


def replay_many(module: str, runs: Sequence[Sequence[str]], seed: str) -> List[Tuple[int, str]]:
    """Every replay in one fresh process under ``PYTHONHASHSEED=seed``: (status, stdout)."""
    import json
    done = python(["-c", _DRIVER, module], seed=seed, stdin=json.dumps([list(r) for r in runs]))
    assert done.returncode == 0, done.stderr
    return [tuple(json.loads(line)) for line in done.stdout.splitlines()]
