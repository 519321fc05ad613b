"""One orchestration pass: route completed steps, enter targets, decide completion.

Everything a pass iterates is ordered: steps in playbook order, arcs in arc order, targets in
the order they fired. Sets here only answer "is it in?". A pass routes in batches: a step that
is skipped by its own ``when`` (or an empty loop, complete at once) routes onward in the next
batch of the same pass, since no worker event will come to trigger it later.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Tuple

from .commands import Command, Iteration, build_command
from .graph import build_graph
from .jsonvalue import JSON
from .loops import loop_items
from .playbook import PARALLEL, SEQUENTIAL, START, Pairs, Playbook, Step
from .result import Completion, EmittedEvent, EvaluateResult
from .router import ArcOutcome, route
from .state import SKIPPED_BY_WHEN, SKIPPED_UNMATCHED, ExecutionState, StepState, WorkflowState
from .templates import render_value, when_true

STALLED = "Execution stalled: no step is running and none can start"
_SCOPES = ("ctx.", "iter.", "step.")


class Pass:
    """The working state of one ``evaluate`` call: what it emitted and entered so far."""

    def __init__(self, state: WorkflowState, playbook: Playbook) -> None:
        self.state, self.playbook = state, playbook
        self.graph = build_graph(playbook)
        self.context = state.render_context(playbook.workload)
        self.events: List[EmittedEvent] = []
        self.commands: List[Command] = []
        self.entered: List[str] = []
        self.settled: Set[str] = set()  # skipped or completed during this pass
        self.completed_here: Set[str] = set()  # empty loops, complete on entry
        self.unrouted: Set[str] = set()  # settled here, router not evaluated yet
        self.sets_applied: Set[str] = set(state.step_sets_applied)
        self.terminal = False

    # -- entry points -------------------------------------------------------------------

    def start(self) -> EvaluateResult:
        if self._enter(self._step(START), ()):
            self._route_all([START])
        return self._finish()

    def advance(self) -> EvaluateResult:
        self._continue_loops()
        self._route_all([name for name in self.graph.order if self._routes(name)])
        return self._finish()

    def drain(self, failed: Tuple[str, ...], error: str) -> EvaluateResult:
        """After a failure nothing new starts, but running loops finish their iterations;
        once nothing runs, the execution fails."""
        self._continue_loops()
        if self.commands or self.state.running_steps():
            return self._result(ExecutionState.IN_PROGRESS, None)
        return self.fail(failed, error)

    def fail(self, failed: Tuple[str, ...], error: str) -> EvaluateResult:
        completion = Completion("FAILED", error, failed)
        self._emit("playbook.failed", None, "FAILED",
                   result={"error": error, "failed_steps": list(failed)})
        return self._result(ExecutionState.FAILED, completion)

    # -- status of a step, this pass included ----------------------------------------------

    def _running(self, name: str) -> bool:
        return name in self.entered or self.state.step(name).is_running

    def _done(self, name: str) -> bool:
        return name in self.settled or self.state.step(name).is_done

    def _pending(self, name: str) -> bool:
        return not self._running(name) and not self._done(name)

    def _routes(self, name: str) -> bool:
        info = self.state.step(name)
        by_when = info.state == StepState.SKIPPED and info.skip_reason == SKIPPED_BY_WHEN
        return info.state == StepState.COMPLETED or by_when

    # -- routing ----------------------------------------------------------------------------

    def _route_all(self, batch: List[str]) -> None:
        while batch:
            outcomes: List[ArcOutcome] = []
            for name in batch:
                self.unrouted.discard(name)
                step = self._step(name)
                if self._completed(name) and step.set_vars and name not in self.sets_applied:
                    self.sets_applied.add(name)
                    self._set(step.set_vars, {"scope": "step", "step": name})
                routed = route(step, self.context)
                fired = [o for o in routed if o.matched]
                if not fired or any(self.playbook.step(o.arc.step) is None for o in fired):
                    self.terminal = True  # a sink, a router that took no arc, or `end`
                outcomes.extend(routed)
            batch = self._route_batch(outcomes)

    def _route_batch(self, outcomes: Sequence[ArcOutcome]) -> List[str]:
        fired: Dict[str, List[ArcOutcome]] = {}
        fired_order: List[str] = []
        unmatched: List[str] = []
        for outcome in outcomes:
            target = outcome.arc.step
            if outcome.matched:
                if target not in fired:
                    fired[target] = []
                    fired_order.append(target)
                fired[target].append(outcome)
            elif target not in unmatched:
                unmatched.append(target)
        live = self._live(fired_order)
        for target in unmatched:
            if target in fired or self.playbook.step(target) is None:
                continue
            if self._pending(target) and target not in live:
                self._skip(target, SKIPPED_UNMATCHED)
        next_batch: List[str] = []
        for target in fired_order:
            if self.playbook.step(target) is None or not self._pending(target):
                continue
            if not self._waits(target, live) and self._enter(self._step(target), fired[target]):
                next_batch.append(target)
        return next_batch

    def _live(self, fired: Sequence[str]) -> Set[str]:
        """Pending steps that may still run: fired ones, and all they or running steps reach."""
        queue = [name for name in fired if self.playbook.step(name) is not None]
        running = [info.name for info in self.state.steps if info.is_running] + self.entered
        for name in running:
            queue.extend(self.graph.targets_of(name))
        live: Set[str] = set()
        while queue:
            name = queue.pop()
            if name in live or not self._pending(name):
                continue
            live.add(name)
            queue.extend(self.graph.targets_of(name))
        return live

    def _waits(self, target: str, live: Set[str]) -> bool:
        """Fan-in: wait while an upstream that can still route here has not decided."""
        for upstream in self.graph.upstreams_of(target):
            if self._running(upstream) or upstream in self.unrouted:
                return True
            if self._pending(upstream) and upstream in live:
                return True
        return False

    # -- entering a step ------------------------------------------------------------------------

    def _enter(self, step: Step, arcs: Sequence[ArcOutcome]) -> bool:
        """Enter ``step``; True when it settled at once and must route in this pass."""
        for outcome in arcs:
            if outcome.arc.set_vars:
                self._set(outcome.arc.set_vars,
                          {"scope": "arc", "step": outcome.source, "target": step.name})
        if not when_true(step.when, self.context):
            self._skip(step.name, SKIPPED_BY_WHEN)
            self.unrouted.add(step.name)
            return True
        arc_input: Dict[str, JSON] = {}
        for outcome in arcs:
            for key, value in outcome.arc.args:
                arc_input[key] = render_value(value, self.context)
        if step.loop is None:
            self._emit("step.enter", step.name, "ENTERED")
            self._issue(step, arc_input, None)
            return False
        return self._enter_loop(step, arc_input)

    def _enter_loop(self, step: Step, arc_input: Dict[str, JSON]) -> bool:
        assert step.loop is not None
        items = loop_items(render_value(step.loop.in_expr, self.context), step.name)
        spec = {"iterator": step.loop.iterator, "mode": step.loop.mode, "items": items,
                "total": len(items), "input": arc_input}
        self._emit("step.enter", step.name, "ENTERED", context={"loop": spec})
        if not items:
            self._emit("step.exit", step.name, "COMPLETED", result=[])
            self.settled.add(step.name)
            self.completed_here.add(step.name)
            self.unrouted.add(step.name)
            self.context[step.name] = []
            return True
        count = len(items) if step.loop.mode == PARALLEL else 1
        for index in range(count):
            iteration = Iteration(step.loop.iterator, index, len(items), items[index])
            self._issue(step, arc_input, iteration)
        return False

    def _continue_loops(self) -> None:
        for step in self.playbook.steps:
            self._continue_loop(step)

    def _continue_loop(self, step: Step) -> None:
        """A sequential loop whose last iteration finished gets its next one."""
        info = self.state.step(step.name)
        progress = info.loop
        if step.loop is None or progress is None or progress.mode != SEQUENTIAL:
            return
        done = len(progress.completed)
        if info.state == StepState.FAILED or not 0 < done < progress.expected:
            return
        if progress.in_flight == 0 and progress.dispatched == done:
            iteration = Iteration(progress.iterator, done, progress.expected, progress.items[done])
            self._issue(step, progress.input, iteration)

    def _issue(self, step: Step, arc_input: JSON, iteration: Optional[Iteration]) -> None:
        state = self.state
        command = build_command(state.execution_id, state.catalog_id, step, self.context,
                                arc_input, iteration)
        self.commands.append(command)
        if step.name not in self.entered:
            self.entered.append(step.name)
        detail = None if iteration is None else {"index": iteration.index, "total": iteration.total}
        self._emit("command.issued", step.name, "PENDING",
                   context={"tool": step.tool.kind, "iteration": detail},
                   meta={"command_id": ""})

    # -- events and context -------------------------------------------------------------------

    def _skip(self, name: str, reason: str) -> None:
        self._emit("step.skipped", name, "SKIPPED", context={"reason": reason})
        self.settled.add(name)

    def _set(self, pairs: Pairs, origin: Dict[str, JSON]) -> None:
        """Render ``set`` values (scope prefixes stripped) into ``ctx``, as a ``ctx.updated``."""
        values: Dict[str, JSON] = {}
        for key, value in pairs:
            values[_unscoped(key)] = render_value(value, self.context)
        origin["values"] = values
        self._emit("ctx.updated", None, "CONTEXT", context=origin)
        self._apply_ctx(values)

    def _apply_ctx(self, values: Dict[str, JSON]) -> None:
        """New ``ctx`` values, flat and under ``ctx``, for the rest of the pass."""
        ctx = dict(self.context["ctx"])
        ctx.update(values)
        self.context.update(values)
        self.context["ctx"] = ctx

    def _emit(self, event_type: str, node: Optional[str], status: str, context: JSON = None,
              result: JSON = None, meta: JSON = None) -> None:
        self.events.append(EmittedEvent(event_type, status, node, context, result, meta))

    # -- completion -----------------------------------------------------------------------------

    def _finish(self) -> EvaluateResult:
        if self.commands or self.state.running_steps():
            return self._result(ExecutionState.IN_PROGRESS, None)
        if not self.terminal:
            return self.fail((), STALLED)
        self._emit("playbook.completed", None, "COMPLETED")
        return self._result(ExecutionState.COMPLETED, Completion("COMPLETED"))

    def _result(self, state: str, completion: Optional[Completion]) -> EvaluateResult:
        return EvaluateResult(self.state.execution_id, state, tuple(self.commands),
                              tuple(self.events), completion)

    def _completed(self, name: str) -> bool:
        return name in self.completed_here or self.state.step(name).state == StepState.COMPLETED

    def _step(self, name: str) -> Step:
        step = self.playbook.step(name)
        assert step is not None, name
        return step


def _unscoped(key: str) -> str:
    for prefix in _SCOPES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix):]
    return key
