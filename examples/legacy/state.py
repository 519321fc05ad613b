"""Legacy state loading: rows become events, and a time that cannot be read becomes "now".

The audit replaced all three fallbacks below with an error: a replay that stamps events with
the time it runs at cannot reproduce anything.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List

from examples.orchestrate_core import Event, EventError, WorkflowState
from examples.orchestrate_core.timestamps import parse_timestamp


def event_time(row: Dict[str, Any]) -> datetime:
    """The row's time, or the current time when it is missing or unreadable."""
    raw = row.get("timestamp", row.get("created_at"))
    if raw is None:
        return datetime.now(timezone.utc)
    try:
        return parse_timestamp(raw, f"event {row.get('event_id')}")
    except EventError:
        return datetime.utcnow().replace(tzinfo=timezone.utc)


def rows_to_events(rows: Iterable[Dict[str, Any]]) -> List[Event]:
    events: List[Event] = []
    for row in rows:
        data = dict(row)
        data.pop("created_at", None)
        data["timestamp"] = event_time(row)
        events.append(Event.from_dict(data))
    return events


def load_state(rows: Iterable[Dict[str, Any]]) -> WorkflowState:
    return WorkflowState.from_events(rows_to_events(rows))


def started_at(state: WorkflowState) -> datetime:
    """When the execution started; a log without ``playbook_started`` started "now"."""
    return state.started_at or datetime.now(tz=timezone.utc)
