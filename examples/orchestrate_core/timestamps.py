"""Reading and writing event timestamps without ever consulting a clock.

Every time the core knows comes from an event. A timestamp that is missing, unparseable or has
no timezone is an ``EventError``: substituting "now" would make a replay depend on when it runs.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from .errors import EventError

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"\s*(Z|z|[+-]\d{2}:?\d{2})?"
)


def parse_timestamp(value: Any, where: str) -> datetime:
    """An aware UTC datetime from an ISO 8601 string (or an aware datetime)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise EventError(f"{where}: naive datetime {value.isoformat()} has no timezone")
        return value.astimezone(timezone.utc)
    if not isinstance(value, str):
        raise EventError(f"{where}: expected an ISO 8601 string, got {type(value).__name__}")
    match = _ISO.fullmatch(value.strip())
    if match is None:
        raise EventError(f"{where}: unparseable timestamp {value!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset is None:
        raise EventError(f"{where}: timestamp {value!r} has no timezone (add Z or +00:00)")
    micros = int((fraction or "0").ljust(6, "0")[:6])
    try:
        tz = timezone.utc if offset in ("Z", "z") else _offset(offset)
        parsed = datetime(int(year), int(month), int(day), int(hour), int(minute),
                          int(second), micros, tzinfo=tz)
    except ValueError as error:
        raise EventError(f"{where}: invalid timestamp {value!r}: {error}") from None
    return parsed.astimezone(timezone.utc)


def format_timestamp(value: datetime) -> str:
    """The canonical text of a UTC instant: microseconds always, ``Z`` suffix."""
    utc = value.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def _offset(text: str) -> timezone:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
