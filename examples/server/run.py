"""Running a playbook end to end: start it, work its commands, trigger the core after each.

Commands are worked one at a time in the order they were issued, so a run with the fake clock
is reproducible to the byte; a parallel loop still has all its iterations out at once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, TextIO

from examples.orchestrate_core import Playbook
from examples.orchestrate_core.jsonvalue import canonical_json

from .clock import Clock
from .db import (EventRow, connect, insert_event, load_events, pending_commands,
                 set_command_status, to_core_event, trigger_orchestrator)
from .snowflake import SnowflakeIds
from .worker import Outcome, execute

WORKER_ID = "worker-0"
TERMINAL = ("playbook.completed", "playbook.failed", "playbook.cancelled")


@dataclass
class Runner:
    playbook: Playbook
    conn: sqlite3.Connection
    clock: Clock
    progress: TextIO
    ids: SnowflakeIds

    def start(self) -> int:
        at = self.clock.now()
        execution_id = self.ids.next_id(at)
        workload = dict(self.playbook.workload)
        path = self.playbook.metadata.path or self.playbook.metadata.name
        self._write(EventRow(
            event_id=self.ids.next_id(at), execution_id=execution_id,
            event_type="playbook_started", status="STARTED", created_at=at,
            context={"workload": workload, "path": path}, node_type="execution"))
        self._trigger(execution_id, "playbook_started")
        return execution_id

    def work(self, execution_id: int) -> Optional[str]:
        """Work commands until the execution ends; returns the terminal event type."""
        while True:
            rows = load_events(self.conn, execution_id)
            if rows[-1].event_type in TERMINAL:
                return rows[-1].event_type
            pending = pending_commands(self.conn, execution_id)
            if not pending:
                print("stalled: no pending command and the execution has not ended",
                      file=self.progress)
                return None
            command_id, command = pending[0]
            outcome = self._work_one(execution_id, command_id, command)
            self._trigger(execution_id, "command.completed" if outcome.ok else "command.failed")

    def _work_one(self, execution_id: int, command_id: str, command: Dict[str, Any]) -> Outcome:
        set_command_status(self.conn, command_id, "claimed")
        step = command["step"]
        self._worker_event(execution_id, step, command_id, "command.claimed", "CLAIMED")
        self._worker_event(execution_id, step, command_id, "command.started", "STARTED")
        outcome = execute(command)
        if outcome.ok:
            self._worker_event(execution_id, step, command_id, "call.done", "COMPLETED",
                               outcome.result)
            self._worker_event(execution_id, step, command_id, "command.completed", "COMPLETED")
        else:
            error = {"error": outcome.error}
            self._worker_event(execution_id, step, command_id, "call.error", "FAILED", error)
            self._worker_event(execution_id, step, command_id, "command.failed", "FAILED", error)
        set_command_status(self.conn, command_id, "done" if outcome.ok else "failed")
        label = _label(step, command.get("iteration"))
        detail = canonical_json(outcome.result) if outcome.ok else outcome.error
        print(f"step {label}: {'completed' if outcome.ok else 'failed'} {_short(detail)}",
              file=self.progress)
        return outcome

    def _worker_event(self, execution_id: int, step: str, command_id: str, event_type: str,
                      status: str, result: Any = None) -> None:
        at = self.clock.now()
        self._write(EventRow(
            event_id=self.ids.next_id(at), execution_id=execution_id,
            event_type=event_type, status=status, created_at=at, node_name=step,
            result=result, meta={"command_id": command_id}, node_id=f"{execution_id}:{step}",
            node_type="step", worker_id=WORKER_ID, attempt=1))

    def _trigger(self, execution_id: int, trigger: str) -> None:
        outcome = trigger_orchestrator(self.conn, execution_id, self.playbook, trigger,
                                       ids=self.ids, clock=self.clock)
        for row in outcome.rows:
            if row.event_type == "step.skipped":
                reason = (row.context or {}).get("reason")
                print(f"step {row.node_name}: skipped ({reason})", file=self.progress)
            elif row.event_type in TERMINAL:
                error = (row.result or {}).get("error")
                suffix = f": {error}" if error else ""
                print(f"playbook {row.event_type.split('.')[1]}{suffix}", file=self.progress)

    def _write(self, row: EventRow) -> None:
        insert_event(self.conn, row)


def run_playbook(playbook: Playbook, db: str, clock: Clock, progress: TextIO,
                 out: TextIO) -> int:
    """Run to the end and print the event log as JSON lines (the input ``replay`` reads)."""
    conn = connect(db)
    try:
        runner = Runner(playbook, conn, clock, progress, SnowflakeIds(node=1))
        execution_id = runner.start()
        final = runner.work(execution_id)
        for row in load_events(conn, execution_id):
            out.write(canonical_json(to_core_event(row).to_dict()) + "\n")
    finally:
        conn.close()
    return 0 if final == "playbook.completed" else 1


def _label(step: str, iteration: Optional[Dict[str, Any]]) -> str:
    if not iteration:
        return step
    return f"{step}[{iteration['index'] + 1}/{iteration['total']}]"


def _short(text: Optional[str], limit: int = 100) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


__all__: List[str] = ["Runner", "run_playbook"]
