"""``Event``: one entry of an execution's log, as the core reads it.

A database-free subset of the server's row type: the core never sees the serial ``id``,
``node_id``, ``worker_id``... The snowflake ``event_id`` is the only ordering key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Optional

from .errors import EventError
from .jsonvalue import JSON, check_json
from .timestamps import format_timestamp, parse_timestamp


@dataclass(frozen=True)
class Event:
    """One event; ``timestamp`` is timezone-aware UTC and never invented."""

    event_id: int
    execution_id: int
    event_type: str
    status: str
    timestamp: datetime
    catalog_id: int = 0
    node_name: Optional[str] = None
    context: JSON = None
    result: JSON = None
    meta: JSON = None
    parent_execution_id: Optional[int] = None
    attempt: Optional[int] = None

    @classmethod
    def from_dict(cls, data: Any, where: str = "event") -> "Event":
        """Read a JSON object; ``created_at`` is accepted for ``timestamp`` (the DB's name).

        Unknown fields are ignored, as serde does for the original: a dump of database rows
        (with ``id``, ``worker_id``...) reads as its core events.
        """
        if not isinstance(data, dict):
            raise EventError(f"{where}: expected a JSON object, got {type(data).__name__}")
        event_id = _int(data, "event_id", where)
        where = f"{where} {event_id}"
        if "timestamp" in data and "created_at" in data:
            raise EventError(f"{where}: both 'timestamp' and 'created_at' given")
        stamp_key = "timestamp" if "timestamp" in data else "created_at"
        if data.get(stamp_key) is None:
            raise EventError(f"{where}: missing timestamp")
        return cls(
            event_id=event_id,
            execution_id=_int(data, "execution_id", where),
            catalog_id=_int(data, "catalog_id", where) if data.get("catalog_id") is not None else 0,
            event_type=_str(data, "event_type", where),
            node_name=_str(data, "node_name", where) if data.get("node_name") is not None else None,
            status=_str(data, "status", where),
            context=check_json(data.get("context"), f"{where}: context", EventError),
            result=check_json(data.get("result"), f"{where}: result", EventError),
            meta=check_json(data.get("meta"), f"{where}: meta", EventError),
            timestamp=parse_timestamp(data[stamp_key], f"{where}: {stamp_key}"),
            parent_execution_id=_optional_int(data, "parent_execution_id", where),
            attempt=_optional_int(data, "attempt", where),
        )

    def to_dict(self) -> Dict[str, JSON]:
        """JSON-safe and canonical: absent optional fields are omitted, times are ``...Z``."""
        out: Dict[str, JSON] = {
            "event_id": self.event_id,
            "execution_id": self.execution_id,
            "catalog_id": self.catalog_id,
            "event_type": self.event_type,
            "status": self.status,
            "timestamp": format_timestamp(self.timestamp),
        }
        optional = (
            ("node_name", self.node_name), ("context", self.context), ("result", self.result),
            ("meta", self.meta), ("parent_execution_id", self.parent_execution_id),
            ("attempt", self.attempt),
        )
        for key, value in optional:
            if value is not None:
                out[key] = value
        return out


def _int(data: Dict[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)  # snowflakes sometimes travel as strings to survive JavaScript
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventError(f"{where}: {'missing' if value is None else 'non-integer'} {key}")
    return value


def _optional_int(data: Dict[str, Any], key: str, where: str) -> Optional[int]:
    return None if data.get(key) is None else _int(data, key, where)


def _str(data: Dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise EventError(f"{where}: {'missing' if value is None else 'non-string'} {key}")
    return value
