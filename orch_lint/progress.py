"""A progress bar on stderr for long runs at a terminal, and nothing anywhere else.

It appears only when stderr is a terminal and the run has already taken ``delay`` seconds (a
pre-commit run on a few files finishes before it would show), is redrawn at most ten times a
second, and erases itself at the end, so the findings that follow stay clean. CI logs, pipes
and ``--quiet`` never see it.
"""

from __future__ import annotations

import time
from typing import Callable, Optional, TextIO

#: Seconds a run must have lasted before the bar shows.
DELAY = 2.0
WIDTH = 30


class Progress:
    """Counts files done out of ``total``; draws on ``stream`` only when allowed to."""

    def __init__(
        self,
        total: int,
        stream: Optional[TextIO],
        enabled: bool = True,
        delay: float = DELAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.clock = clock
        self.delay = delay
        self.started = clock()
        self._last_draw = 0.0
        self._drawn = False
        isatty = getattr(stream, "isatty", None)
        self.enabled = bool(enabled and stream is not None and total > 0 and isatty is not None and isatty())

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < self.delay or (now - self._last_draw < 0.1 and self.done < self.total):
            return
        self._last_draw = now
        self._draw()

    def _draw(self) -> None:
        assert self.stream is not None
        filled = WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} files")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the bar, if it was ever drawn."""
        if self._drawn and self.stream is not None:
            self.stream.write("\r" + " " * (WIDTH + 30) + "\r")
            self.stream.flush()
            self._drawn = False

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
