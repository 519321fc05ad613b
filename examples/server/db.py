"""The sqlite3 event store and ``trigger_orchestrator``, the one door into the core.

Rows carry database-only fields (``id``, ``parent_event_id``, ``node_id``, ``node_type``,
``worker_id``) the core never sees: ``to_core_event`` is the single conversion, a field copy.
Ids are minted and new events stamped here, after ``evaluate`` has decided.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime
from typing import List, Optional, Tuple

from examples.orchestrate_core import (Command, Completion, CoreError, EmittedEvent, Event,
                                       EvaluateResult, Playbook, evaluate)
from examples.orchestrate_core.jsonvalue import JSON, canonical_json
from examples.orchestrate_core.timestamps import format_timestamp, parse_timestamp

from .clock import Clock, SystemClock
from .snowflake import SnowflakeIds

SCHEMA = """
CREATE TABLE IF NOT EXISTS event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL UNIQUE,
    execution_id INTEGER NOT NULL,
    catalog_id INTEGER NOT NULL DEFAULT 0,
    parent_event_id INTEGER,
    parent_execution_id INTEGER,
    event_type TEXT NOT NULL,
    node_id TEXT,
    node_name TEXT,
    node_type TEXT,
    status TEXT NOT NULL,
    context TEXT,
    result TEXT,
    meta TEXT,
    worker_id TEXT,
    attempt INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS event_by_execution ON event (execution_id, event_id);
CREATE TABLE IF NOT EXISTS command (
    command_id TEXT PRIMARY KEY,
    execution_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    step TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
);
"""

_COLUMNS = ("id", "event_id", "execution_id", "catalog_id", "parent_event_id",
            "parent_execution_id", "event_type", "node_id", "node_name", "node_type", "status",
            "context", "result", "meta", "worker_id", "attempt", "created_at")
_JSON_COLUMNS = ("context", "result", "meta")

_DEFAULT_IDS = SnowflakeIds(node=1)


@dataclass(frozen=True)
class EventRow:
    """An ``event`` row: the core's fields plus the ones only the database keeps."""

    event_id: int
    execution_id: int
    event_type: str
    status: str
    created_at: datetime
    catalog_id: int = 0
    node_name: Optional[str] = None
    context: JSON = None
    result: JSON = None
    meta: JSON = None
    parent_execution_id: Optional[int] = None
    attempt: Optional[int] = None
    id: Optional[int] = None
    parent_event_id: Optional[int] = None
    node_id: Optional[str] = None
    node_type: Optional[str] = None
    worker_id: Optional[str] = None


@dataclass(frozen=True)
class TriggerOutcome:
    result: EvaluateResult
    rows: Tuple[EventRow, ...]
    command_ids: Tuple[str, ...]


def to_core_event(row: EventRow) -> Event:
    """The one conversion at the boundary: a field copy (``created_at`` is the timestamp)."""
    return Event(
        event_id=row.event_id, execution_id=row.execution_id, catalog_id=row.catalog_id,
        event_type=row.event_type, node_name=row.node_name, status=row.status,
        context=row.context, result=row.result, meta=row.meta, timestamp=row.created_at,
        parent_execution_id=row.parent_execution_id, attempt=row.attempt,
    )


def connect(path: str = ":memory:") -> sqlite3.Connection:
    """Open (and create if needed) an event store: a file path or ``:memory:``."""
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    return conn


def insert_event(conn: sqlite3.Connection, row: EventRow) -> EventRow:
    values = [_column_value(row, name) for name in _COLUMNS[1:]]
    cursor = conn.execute(
        f"INSERT INTO event ({', '.join(_COLUMNS[1:])}) VALUES ({', '.join('?' * len(values))})",
        values)
    conn.commit()
    return replace(row, id=cursor.lastrowid)


def load_events(conn: sqlite3.Connection, execution_id: int) -> List[EventRow]:
    cursor = conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM event WHERE execution_id = ? ORDER BY event_id",
        (execution_id,))
    return [_row(record) for record in cursor.fetchall()]


def pending_commands(conn: sqlite3.Connection, execution_id: int) -> List[Tuple[str, JSON]]:
    cursor = conn.execute(
        "SELECT command_id, payload FROM command WHERE execution_id = ? AND status = 'pending'"
        " ORDER BY event_id", (execution_id,))
    return [(command_id, json.loads(payload)) for command_id, payload in cursor.fetchall()]


def set_command_status(conn: sqlite3.Connection, command_id: str, status: str) -> None:
    conn.execute("UPDATE command SET status = ? WHERE command_id = ?", (status, command_id))
    conn.commit()


def mint_command_id(execution_id: int, step: str, event_id: int,
                    index: Optional[int] = None) -> str:
    base = f"{execution_id}:{step}:{event_id}"
    return base if index is None else f"{base}:i{index}"


def trigger_orchestrator(conn: sqlite3.Connection, execution_id: int, playbook: Playbook,
                         trigger: Optional[str], *, ids: Optional[SnowflakeIds] = None,
                         clock: Optional[Clock] = None) -> TriggerOutcome:
    """Load the log, evaluate it, and persist what the core decided, minting ids as we go.

    A ``CoreError`` (a bad template, a loop over nothing...) fails the execution with that
    message, rather than leaving it hanging.
    """
    ids, clock = ids or _DEFAULT_IDS, clock or SystemClock()
    rows = load_events(conn, execution_id)
    try:
        result = evaluate([to_core_event(row) for row in rows], playbook, trigger)
    except CoreError as error:
        result = _failed(execution_id, str(error))
    parent = rows[-1].event_id if rows else None
    written: List[EventRow] = []
    command_ids: List[str] = []
    commands = list(result.commands)
    for emitted in result.events:
        at = clock.now()
        event_id = ids.next_id(at)
        meta = emitted.meta
        if emitted.event_type == "command.issued" and commands:
            command = commands.pop(0)
            index = None if command.iteration is None else command.iteration.index
            command_id = mint_command_id(execution_id, command.step, event_id, index)
            meta = dict(meta or {}, command_id=command_id)
            _insert_command(conn, replace(command, command_id=command_id), event_id)
            command_ids.append(command_id)
        written.append(insert_event(conn, EventRow(
            event_id=event_id, execution_id=execution_id, catalog_id=_catalog(rows),
            event_type=emitted.event_type, status=emitted.status, created_at=at,
            node_name=emitted.node_name, context=emitted.context, result=emitted.result,
            meta=meta, parent_event_id=parent,
            node_id=None if emitted.node_name is None else f"{execution_id}:{emitted.node_name}",
            node_type="step" if emitted.node_name is not None else "execution",
        )))
    return TriggerOutcome(result, tuple(written), tuple(command_ids))


def _catalog(rows: List[EventRow]) -> int:
    return rows[0].catalog_id if rows else 0


def _failed(execution_id: int, error: str) -> EvaluateResult:
    event = EmittedEvent("playbook.failed", "FAILED", result={"error": error, "failed_steps": []})
    return EvaluateResult(execution_id, "failed", (), (event,), Completion("FAILED", error))


def _insert_command(conn: sqlite3.Connection, command: Command, event_id: int) -> None:
    conn.execute(
        "INSERT INTO command (command_id, execution_id, event_id, step, payload)"
        " VALUES (?, ?, ?, ?, ?)",
        (command.command_id, command.execution_id, event_id, command.step,
         canonical_json(command.to_dict())))


def _column_value(row: EventRow, name: str) -> object:
    value = getattr(row, name)
    if name in _JSON_COLUMNS:
        return None if value is None else canonical_json(value)
    if name == "created_at":
        return format_timestamp(value)
    return value


def _row(record: Tuple[object, ...]) -> EventRow:
    fields = dict(zip(_COLUMNS, record))
    for name in _JSON_COLUMNS:
        text = fields[name]
        fields[name] = None if text is None else json.loads(str(text))
    fields["created_at"] = parse_timestamp(fields["created_at"], f"event row {fields['id']}")
    return EventRow(**fields)  # type: ignore[arg-type]
