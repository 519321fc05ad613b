"""The legacy orchestrator: the core's decisions, made with sets, dicts and the wall clock.

What the audit removed, still here: targets and skips gathered in sets and dispatched in set
order, the failed-steps error joined from a set, context updates and step lookups iterated
from dicts, and eight reads of the wall clock for stamps, traces and timings.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from datetime import datetime as dt
from time import monotonic
from typing import Any, Dict, List, Optional, Sequence, Set

from examples.orchestrate_core.dispatch import Pass
from examples.orchestrate_core.evaluate import COMPLETION_TRIGGERS, FAILURE_TRIGGER
from examples.orchestrate_core.jsonvalue import JSON
from examples.orchestrate_core.playbook import Playbook, Step
from examples.orchestrate_core.result import EmittedEvent, EvaluateResult
from examples.orchestrate_core.router import ArcOutcome
from examples.orchestrate_core.state import SKIPPED_UNMATCHED, StepState, WorkflowState

from .state import load_state, started_at

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StampedEvent(EmittedEvent):
    """An emitted event stamped with the time the orchestrator decided it."""

    timestamp: str = ""

    def to_dict(self) -> Dict[str, JSON]:
        out = super().to_dict()
        out["timestamp"] = self.timestamp
        return out


@dataclass
class PassTrace:
    started: datetime = field(default_factory=datetime.now)
    trace_id: str = ""


class LegacyPass(Pass):
    def __init__(self, state: WorkflowState, playbook: Playbook) -> None:
        super().__init__(state, playbook)
        self.trace = PassTrace(trace_id=f"{playbook.metadata.name}-{time.time_ns()}")

    def _route_batch(self, outcomes: Sequence[ArcOutcome]) -> List[str]:
        ready_steps = set()
        skipped: Set[str] = set()
        arcs_by_target: Dict[str, List[ArcOutcome]] = {}
        for outcome in outcomes:
            if outcome.matched:
                ready_steps.add(outcome.arc.step)
                arcs_by_target.setdefault(outcome.arc.step, []).append(outcome)
        for outcome in outcomes:
            if not outcome.matched and outcome.arc.step not in ready_steps:
                skipped.add(outcome.arc.step)
        live = self._live(tuple(outcome.arc.step for outcome in outcomes if outcome.matched))
        for name in skipped:
            if self.playbook.step(name) is not None and self._pending(name) and name not in live:
                self._skip(name, SKIPPED_UNMATCHED)
        next_batch: List[str] = []
        for name in ready_steps:
            if self.playbook.step(name) is None or not self._pending(name):
                continue
            if not self._waits(name, live) and self._enter(self._step(name), arcs_by_target[name]):
                next_batch.append(name)
        return next_batch

    def _continue_loops(self) -> None:
        steps_by_name: Dict[str, Step] = {step.name: step for step in self.playbook.steps}
        for name, step in steps_by_name.items():
            self._continue_loop(step)

    def _apply_ctx(self, values: Dict[str, JSON]) -> None:
        ctx_updates: Dict[str, Any] = dict(values)
        for key, value in ctx_updates.items():
            ctx = dict(self.context["ctx"])
            ctx[key] = value
            self.context[key] = value
            self.context["ctx"] = ctx

    def _emit(self, event_type: str, node: Optional[str], status: str, context: JSON = None,
              result: JSON = None, meta: JSON = None) -> None:
        stamp = dt.utcnow().isoformat() + "Z"
        self.events.append(StampedEvent(event_type, status, node, context, result, meta, stamp))

    def _finish(self) -> EvaluateResult:
        outcome = super()._finish()
        log.debug("%s: pass finished at %.3f", self.trace.trace_id, time.time())
        return outcome


def evaluate(rows: Sequence[Dict[str, Any]], playbook: Playbook,
             trigger: Optional[str] = None) -> EvaluateResult:
    """The legacy entry point: database rows in, the same result shape as the core out."""
    tick = monotonic()
    state = load_state(rows)
    log.info("[%s] execution %s running since %s", date.today().isoformat(), state.execution_id,
             started_at(state).isoformat())
    trigger = state.last_event_type if trigger is None else trigger
    idle = EvaluateResult(state.execution_id, state.state)
    if state.is_terminal:
        return idle
    run = LegacyPass(state, playbook)
    if not state.steps:
        return run.start()
    failed = {info.name for info in state.steps if info.state == StepState.FAILED}
    if failed:
        if trigger not in COMPLETION_TRIGGERS + (FAILURE_TRIGGER,):
            return idle
        log.info("execution %s failing at %s", state.execution_id, datetime.now(timezone.utc))
        return run.drain(tuple(failed), "Failed steps: " + ", ".join(failed))
    if trigger not in COMPLETION_TRIGGERS:
        return idle
    result = run.advance()
    log.debug("evaluate took %.3f s", monotonic() - tick)
    return result
