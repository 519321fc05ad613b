"""Snowflake ids: milliseconds since an epoch, a node number and a sequence, strictly increasing.

The core orders events by these ids alone, so the generator never hands out an id twice or
out of order, even when the clock stands still or steps back.
"""

from __future__ import annotations

from datetime import datetime, timezone

EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)
NODE_BITS, SEQUENCE_BITS = 10, 12


class SnowflakeIds:
    def __init__(self, node: int = 1) -> None:
        if not 0 <= node < 1 << NODE_BITS:
            raise ValueError(f"node must be in [0, {1 << NODE_BITS})")
        self.node = node
        self._last = 0

    def next_id(self, at: datetime) -> int:
        millis = int((at - EPOCH).total_seconds() * 1000)
        candidate = (millis << (NODE_BITS + SEQUENCE_BITS)) | (self.node << SEQUENCE_BITS)
        self._last = max(candidate, self._last + 1)
        return self._last
