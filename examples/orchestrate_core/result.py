"""What ``evaluate`` returns: the commands to issue and the events to emit, in order.

No ids and no times: the server stamps both when it persists. ``command.issued`` events come
in the same order as ``commands``, so the k-th of one belongs to the k-th of the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from .commands import Command
from .jsonvalue import JSON


@dataclass(frozen=True)
class EmittedEvent:
    event_type: str
    status: str
    node_name: Optional[str] = None
    context: JSON = None
    result: JSON = None
    meta: JSON = None

    def to_dict(self) -> Dict[str, JSON]:
        return {"event_type": self.event_type, "node_name": self.node_name,
                "status": self.status, "context": self.context, "result": self.result,
                "meta": self.meta}


@dataclass(frozen=True)
class Completion:
    status: str  # COMPLETED or FAILED
    error: Optional[str] = None
    failed_steps: Tuple[str, ...] = ()

    def to_dict(self) -> Dict[str, JSON]:
        return {"status": self.status, "error": self.error,
                "failed_steps": list(self.failed_steps)}


@dataclass(frozen=True)
class EvaluateResult:
    execution_id: Optional[int]
    state: str
    commands: Tuple[Command, ...] = ()
    events: Tuple[EmittedEvent, ...] = ()
    completion: Optional[Completion] = None

    @property
    def should_complete(self) -> bool:
        return self.completion is not None

    def to_dict(self) -> Dict[str, JSON]:
        return {
            "execution_id": self.execution_id, "state": self.state,
            "should_complete": self.should_complete,
            "completion": None if self.completion is None else self.completion.to_dict(),
            "commands": [command.to_dict() for command in self.commands],
            "events": [event.to_dict() for event in self.events],
        }
