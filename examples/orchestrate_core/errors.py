"""The only exceptions the core raises.

Callers (the server, the CLI, property tests) catch ``CoreError`` and nothing wider: anything
else escaping the core is a bug, not an input problem.
"""

from __future__ import annotations


class CoreError(ValueError):
    """Base of every documented core error; the message is one line."""


class EventError(CoreError):
    """An event (or an event log) that cannot be read: missing fields, a naive timestamp..."""


class PlaybookError(CoreError):
    """A malformed playbook; the message starts with the path of the bad node."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}" if path else message)


class TemplateError(CoreError):
    """A template that does not parse, or fails while rendering."""


class EvaluationError(CoreError):
    """An event log the orchestrator cannot act on (empty, mixed executions, bad loop input)."""
