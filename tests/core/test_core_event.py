"""``Event``: reading, writing, and refusing to invent a time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from examples.orchestrate_core import Event, EventError

BASE = {"event_id": 5, "execution_id": 7, "event_type": "call.done", "status": "COMPLETED",
        "timestamp": "2024-01-01T00:00:00Z"}


def test_round_trip_is_canonical():
    data = dict(BASE, node_name="start", result={"b": 1, "a": [1, 2]}, meta={"command_id": "x"},
                attempt=2, parent_execution_id=3)
    event = Event.from_dict(data)
    assert event.to_dict() == {
        "event_id": 5, "execution_id": 7, "catalog_id": 0, "event_type": "call.done",
        "status": "COMPLETED", "timestamp": "2024-01-01T00:00:00.000000Z",
        "node_name": "start", "result": {"b": 1, "a": [1, 2]}, "meta": {"command_id": "x"},
        "attempt": 2, "parent_execution_id": 3,
    }
    assert Event.from_dict(event.to_dict()) == event


def test_created_at_is_read_as_the_timestamp_and_offsets_become_utc():
    data = dict(BASE)
    del data["timestamp"]
    data["created_at"] = "2024-01-01 02:30:00.123456789+02:00"
    event = Event.from_dict(data)
    assert event.timestamp == datetime(2024, 1, 1, 0, 30, 0, 123456, tzinfo=timezone.utc)
    assert event.timestamp.utcoffset() == timedelta(0)


def test_snowflake_strings_are_read_as_integers_and_unknown_fields_ignored():
    event = Event.from_dict(dict(BASE, event_id="529448671641604097", worker_id="w", id=3))
    assert event.event_id == 529448671641604097


@pytest.mark.parametrize("timestamp, message", [
    (None, "event 5: missing timestamp"),
    ("yesterday", "event 5: timestamp: unparseable timestamp 'yesterday'"),
    ("2024-01-01T00:00:00", "has no timezone"),
    ("2024-13-01T00:00:00Z", "invalid timestamp"),
    (1704067200, "expected an ISO 8601 string, got int"),
])
def test_a_bad_timestamp_is_an_error_never_the_current_time(timestamp, message):
    data = dict(BASE, timestamp=timestamp)
    with pytest.raises(EventError, match=message.replace("(", r"\(")):
        Event.from_dict(data)


def test_both_timestamp_spellings_at_once_are_refused():
    with pytest.raises(EventError, match="both 'timestamp' and 'created_at'"):
        Event.from_dict(dict(BASE, created_at="2024-01-01T00:00:00Z"))


@pytest.mark.parametrize("change, message", [
    ({"event_id": None}, "event: missing event_id"),
    ({"event_id": True}, "non-integer event_id"),
    ({"status": 3}, "non-string status"),
    ({"result": float("nan")}, "non-finite number"),
    ({"context": {"a": {1, 2}}}, "set is not a JSON value"),
])
def test_malformed_fields_name_the_event_and_field(change, message):
    with pytest.raises(EventError, match=message):
        Event.from_dict(dict(BASE, **change))


def test_a_naive_datetime_object_is_refused_too():
    with pytest.raises(EventError, match="naive datetime"):
        Event.from_dict(dict(BASE, timestamp=datetime(2024, 1, 1)))
