"""Server-side time: the only place new events get their timestamps."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware UTC instant."""


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FakeClock:
    """A clock that starts at a given instant and ticks one millisecond per reading.

    Runs with it are reproducible to the byte: the demo's fixtures are recorded this way.
    """

    def __init__(self, start: datetime, tick: timedelta = timedelta(milliseconds=1)) -> None:
        if start.tzinfo is None:
            raise ValueError("the fake clock needs a timezone-aware start")
        self._next, self._tick = start.astimezone(timezone.utc), tick

    def now(self) -> datetime:
        current, self._next = self._next, self._next + self._tick
        return current
