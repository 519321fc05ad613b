"""``WorkflowState``: what an execution's event log says, folded in ``event_id`` order.

Values only: the fold that builds them lives in ``fold``. Steps are kept in the order the log
first mentions them, and every time is an event's time: nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Dict, FrozenSet, Iterable, Optional, Tuple

from .jsonvalue import JSON
from .playbook import Pairs
from .timestamps import format_timestamp


class ExecutionState:
    INITIAL = "initial"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TERMINAL = (COMPLETED, FAILED, CANCELLED)


class StepState:
    PENDING = "pending"
    ENTERED = "entered"
    COMMAND_ISSUED = "command_issued"
    CLAIMED = "claimed"
    STARTED = "started"
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"
    RUNNING = (ENTERED, COMMAND_ISSUED, CLAIMED, STARTED)
    DONE = (COMPLETED, FAILED, SKIPPED)


SKIPPED_BY_WHEN = "when"
SKIPPED_UNMATCHED = "unmatched"


@dataclass(frozen=True)
class LoopProgress:
    """A loop step's iterations: the items are fixed when the step is entered."""

    iterator: str
    mode: str
    items: Tuple[JSON, ...]
    input: JSON = None  # the firing arcs' rendered ``args``, for every iteration
    dispatched: int = 0
    completed: FrozenSet[int] = frozenset()
    failed: FrozenSet[int] = frozenset()
    results: Tuple[JSON, ...] = ()

    @property
    def expected(self) -> int:
        return len(self.items)

    @property
    def in_flight(self) -> int:
        return self.dispatched - len(self.completed) - len(self.failed)

    def to_dict(self) -> Dict[str, JSON]:
        return {
            "iterator": self.iterator, "mode": self.mode, "expected": self.expected,
            "input": self.input,
            "dispatched": self.dispatched, "completed": sorted(self.completed),
            "failed": sorted(self.failed), "results": list(self.results),
        }


@dataclass(frozen=True)
class StepInfo:
    name: str
    state: str = StepState.PENDING
    result: JSON = None
    error: Optional[str] = None
    attempts: int = 0
    entered_at: Optional[datetime] = None
    completed_at: Optional[datetime] = None
    completed_event_id: Optional[int] = None
    skip_reason: Optional[str] = None
    loop: Optional[LoopProgress] = None

    @property
    def is_running(self) -> bool:
        """Still working: entered, a command out, or loop iterations in flight."""
        in_flight = self.loop is not None and self.loop.in_flight > 0
        return self.state in StepState.RUNNING or in_flight

    @property
    def is_done(self) -> bool:
        return self.state in StepState.DONE and not self.is_running

    def to_dict(self) -> Dict[str, JSON]:
        return {
            "state": self.state, "result": self.result, "error": self.error,
            "attempts": self.attempts, "entered_at": _time(self.entered_at),
            "completed_at": _time(self.completed_at),
            "completed_event_id": self.completed_event_id, "skip_reason": self.skip_reason,
            "loop": None if self.loop is None else self.loop.to_dict(),
        }


@dataclass(frozen=True)
class WorkflowState:
    execution_id: Optional[int] = None
    catalog_id: int = 0
    state: str = ExecutionState.INITIAL
    started_at: Optional[datetime] = None
    completed_at: Optional[datetime] = None
    path: Optional[str] = None
    workload: JSON = None
    ctx: JSON = None
    steps: Tuple[StepInfo, ...] = ()
    step_sets_applied: FrozenSet[str] = frozenset()
    last_event_type: Optional[str] = None
    event_count: int = 0
    _index: Dict[str, StepInfo] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {info.name: info for info in self.steps})

    @classmethod
    def from_events(cls, events: Iterable[object]) -> "WorkflowState":
        """Fold a log (any order: events sort by ``event_id``)."""
        from .fold import fold_events
        return fold_events(events)

    @property
    def is_terminal(self) -> bool:
        return self.state in ExecutionState.TERMINAL

    def step(self, name: str) -> StepInfo:
        """The step's info; a step the log never mentioned is pending."""
        return self._index.get(name) or StepInfo(name=name)

    def running_steps(self) -> Tuple[str, ...]:
        return tuple(info.name for info in self.steps if info.is_running)

    def failed_steps(self) -> Tuple[str, ...]:
        """Sorted, so the error that names them is stable."""
        return tuple(sorted(info.name for info in self.steps if info.state == StepState.FAILED))

    def render_context(self, workload_defaults: Pairs = ()) -> Dict[str, JSON]:
        """Workload keys flat and under ``workload``, step results by name, ``ctx`` on top."""
        workload = dict(workload_defaults)
        if isinstance(self.workload, dict):
            workload.update(self.workload)
        context = dict(workload)
        for info in self.steps:
            if info.state == StepState.COMPLETED:
                context[info.name] = info.result
        ctx = dict(self.ctx) if isinstance(self.ctx, dict) else {}
        context.update(ctx)
        context["workload"] = workload
        context["ctx"] = ctx
        context["execution_id"] = self.execution_id
        return context

    def to_dict(self) -> Dict[str, JSON]:
        return {
            "execution_id": self.execution_id, "catalog_id": self.catalog_id,
            "state": self.state, "started_at": _time(self.started_at),
            "completed_at": _time(self.completed_at), "path": self.path,
            "workload": self.workload, "ctx": self.ctx,
            "steps": {info.name: info.to_dict() for info in self.steps},
        }


def _time(value: Optional[datetime]) -> Optional[str]:
    return None if value is None else format_timestamp(value)
