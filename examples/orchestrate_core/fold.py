"""The fold: events, sorted by ``event_id``, applied one by one to a state under construction.

Builders are mutable and private to one fold; ``WorkflowState`` and ``StepInfo`` come out
frozen. Loop iterations are told apart by the command id in ``meta`` (mapped to an index when
the command is issued), so their results land in iteration order whatever order they finish in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Set

from .errors import EventError
from .event import Event
from .jsonvalue import JSON, canonical_json
from .state import (SKIPPED_UNMATCHED, ExecutionState, LoopProgress, StepInfo, StepState,
                    WorkflowState)

_TERMINAL_EVENTS = {
    "playbook.completed": ExecutionState.COMPLETED,
    "playbook.failed": ExecutionState.FAILED,
    "playbook.cancelled": ExecutionState.CANCELLED,
}
_PROGRESS = {
    "command.claimed": StepState.CLAIMED,
    "command.started": StepState.STARTED,
}


def order_events(events: Iterable[Any]) -> List[Event]:
    """Sort by ``event_id``; drop exact duplicates, refuse two different events with one id."""
    ordered: List[Event] = []
    for event in sorted(events, key=_event_id):
        if ordered and ordered[-1].event_id == event.event_id:
            if ordered[-1] != event:
                raise EventError(f"event {event.event_id}: two different events share this id")
            continue
        ordered.append(event)
    executions = sorted({event.execution_id for event in ordered})
    if len(executions) > 1:
        raise EventError(f"events of several executions: {', '.join(map(str, executions))}")
    return ordered


def fold_events(events: Iterable[Any]) -> WorkflowState:
    builder = _StateBuilder()
    for event in order_events(events):
        builder.apply(event)
    return builder.freeze()


def _event_id(event: Any) -> int:
    if not isinstance(event, Event):
        raise EventError(f"expected an Event, got {type(event).__name__}")
    return event.event_id


class _LoopBuilder:
    def __init__(self, iterator: str, mode: str, items: List[JSON], inputs: JSON) -> None:
        self.iterator, self.mode, self.items = iterator, mode, tuple(items)
        self.inputs = inputs if isinstance(inputs, dict) else {}
        self.dispatched = 0
        self.index_of_command: Dict[str, int] = {}
        self.completed: Set[int] = set()
        self.failed: Set[int] = set()
        self.results: Dict[int, JSON] = {}

    def issued(self, event: Event) -> None:
        iteration = _get(event.context, "iteration")
        index = _get(iteration, "index")
        index = index if isinstance(index, int) and not isinstance(index, bool) else self.dispatched
        self.dispatched += 1
        command_id = _get(event.meta, "command_id")
        if isinstance(command_id, str) and command_id:
            self.index_of_command[command_id] = index

    def in_flight_count(self) -> int:
        return self.dispatched - len(self.completed) - len(self.failed)

    def index_of(self, event: Event) -> Optional[int]:
        """The iteration an event reports on; without a known command id, the oldest open one."""
        command_id = _get(event.meta, "command_id")
        if isinstance(command_id, str) and command_id in self.index_of_command:
            return self.index_of_command[command_id]
        open_indexes = [i for i in range(self.dispatched)
                        if i not in self.completed and i not in self.failed]
        return open_indexes[0] if open_indexes else None

    def freeze(self) -> LoopProgress:
        return LoopProgress(
            iterator=self.iterator, mode=self.mode, items=self.items, input=self.inputs,
            dispatched=self.dispatched, completed=frozenset(self.completed),
            failed=frozenset(self.failed),
            results=tuple(self.results.get(i) for i in range(len(self.items))),
        )


class _StepBuilder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.state = StepState.PENDING
        self.result: JSON = None
        self.error: Optional[str] = None
        self.attempts = 0
        self.entered_at: Optional[datetime] = None
        self.completed_at: Optional[datetime] = None
        self.completed_event_id: Optional[int] = None
        self.skip_reason: Optional[str] = None
        self.loop: Optional[_LoopBuilder] = None

    def apply(self, event: Event) -> None:
        kind = event.event_type
        if kind == "step.enter":
            self._enter(event)
        elif kind == "step.skipped":
            self.state, self.completed_at = StepState.SKIPPED, event.timestamp
            reason = _get(event.context, "reason")
            self.skip_reason = reason if isinstance(reason, str) else SKIPPED_UNMATCHED
        elif kind == "command.issued":
            self.state = StepState.COMMAND_ISSUED if self.state not in StepState.DONE else self.state
            if self.loop is not None:
                self.loop.issued(event)
        elif kind in _PROGRESS:
            if self.state in StepState.RUNNING:
                self.state = _PROGRESS[kind]
            if kind == "command.started":
                self.attempts = max(self.attempts + 1, event.attempt or 0)
        elif kind == "call.done":
            self._call_done(event)
        elif kind == "call.error":
            self.error = error_text(event.result)
        elif kind == "command.completed":
            self._completed(event)
        elif kind == "step.exit":
            if event.result is not None:
                self.result = event.result
            self._finish(event)
        elif kind == "command.failed":
            self._failed(event)

    def _enter(self, event: Event) -> None:
        self.state, self.entered_at = StepState.ENTERED, event.timestamp
        self.result = self.error = self.skip_reason = None
        self.completed_at = self.completed_event_id = None
        spec = _get(event.context, "loop")
        items = _get(spec, "items")
        self.loop = None
        if isinstance(items, list):
            iterator, mode = _get(spec, "iterator"), _get(spec, "mode")
            self.loop = _LoopBuilder(str(iterator or "item"), str(mode or "sequential"), items,
                                     _get(spec, "input"))

    def _call_done(self, event: Event) -> None:
        if self.loop is None:
            self.result = event.result
            return
        index = self.loop.index_of(event)
        if index is not None:
            self.loop.results[index] = event.result

    def _completed(self, event: Event) -> None:
        if self.loop is None:
            self._finish(event)
            return
        index = self.loop.index_of(event)
        if index is None:
            return
        self.loop.completed.add(index)
        if self.state == StepState.FAILED:
            return
        if len(self.loop.completed) >= len(self.loop.items):
            self.result = list(self.loop.freeze().results)
            self._finish(event)
        elif self.loop.in_flight_count() == 0:
            self.state = StepState.ENTERED

    def _finish(self, event: Event) -> None:
        self.state = StepState.COMPLETED
        self.completed_at, self.completed_event_id = event.timestamp, event.event_id

    def _failed(self, event: Event) -> None:
        if self.loop is not None:
            index = self.loop.index_of(event)
            if index is not None:
                self.loop.failed.add(index)
        self.state, self.completed_at = StepState.FAILED, event.timestamp
        self.completed_event_id = event.event_id
        self.error = error_text(event.result) or self.error or "command failed"

    def freeze(self) -> StepInfo:
        return StepInfo(
            name=self.name, state=self.state, result=self.result, error=self.error,
            attempts=self.attempts, entered_at=self.entered_at, completed_at=self.completed_at,
            completed_event_id=self.completed_event_id, skip_reason=self.skip_reason,
            loop=None if self.loop is None else self.loop.freeze(),
        )


class _StateBuilder:
    def __init__(self) -> None:
        self.execution_id: Optional[int] = None
        self.catalog_id = 0
        self.state = ExecutionState.INITIAL
        self.started_at: Optional[datetime] = None
        self.completed_at: Optional[datetime] = None
        self.path: Optional[str] = None
        self.workload: JSON = None
        self.ctx: Dict[str, JSON] = {}
        self.steps: Dict[str, _StepBuilder] = {}
        self.step_order: List[str] = []
        self.step_sets: Set[str] = set()
        self.last_event_type: Optional[str] = None
        self.count = 0

    def apply(self, event: Event) -> None:
        if self.execution_id is None:
            self.execution_id, self.catalog_id = event.execution_id, event.catalog_id
        self.count += 1
        self.last_event_type = event.event_type
        if self.state == ExecutionState.INITIAL:
            self.state = ExecutionState.IN_PROGRESS
        kind = event.event_type
        if kind == "playbook_started":
            self.started_at = event.timestamp
            workload, path = _get(event.context, "workload"), _get(event.context, "path")
            self.workload = workload if isinstance(workload, dict) else self.workload
            self.path = path if isinstance(path, str) else self.path
        elif kind in _TERMINAL_EVENTS:
            self.state, self.completed_at = _TERMINAL_EVENTS[kind], event.timestamp
        elif kind == "ctx.updated":
            self._ctx_updated(event)
        elif event.node_name is not None:
            self._step(event.node_name).apply(event)

    def _ctx_updated(self, event: Event) -> None:
        values = _get(event.context, "values")
        if isinstance(values, dict):
            merged = dict(self.ctx)
            merged.update(values)
            self.ctx = merged
        if _get(event.context, "scope") == "step" and isinstance(_get(event.context, "step"), str):
            self.step_sets.add(event.context["step"])

    def _step(self, name: str) -> _StepBuilder:
        if name not in self.steps:
            self.steps[name] = _StepBuilder(name)
            self.step_order.append(name)
        return self.steps[name]

    def freeze(self) -> WorkflowState:
        return WorkflowState(
            execution_id=self.execution_id, catalog_id=self.catalog_id, state=self.state,
            started_at=self.started_at, completed_at=self.completed_at, path=self.path,
            workload=self.workload, ctx=dict(self.ctx),
            steps=tuple(self.steps[name].freeze() for name in self.step_order),
            step_sets_applied=frozenset(self.step_sets),
            last_event_type=self.last_event_type, event_count=self.count,
        )


def error_text(result: JSON) -> Optional[str]:
    """The error a worker reported: ``result.error`` if present, else the result as text."""
    if result is None:
        return None
    if isinstance(result, dict) and "error" in result:
        result = result["error"]
    return result if isinstance(result, str) else canonical_json(result)


def _get(value: JSON, key: str) -> JSON:
    return value.get(key) if isinstance(value, dict) else None
