"""``evaluate(events, playbook, trigger)``: the orchestrator's one decision, as a pure function.

Same events (in any order), same playbook, same trigger: same result, byte for byte. What
happens depends on the state the log folds to and on the event that triggered the pass.
"""

from __future__ import annotations

from typing import Iterable, Optional

from .dispatch import Pass
from .errors import EvaluationError
from .event import Event
from .playbook import Playbook
from .result import EvaluateResult
from .state import WorkflowState

#: Events after which completed steps are routed onward.
COMPLETION_TRIGGERS = ("command.completed", "step.exit")
FAILURE_TRIGGER = "command.failed"


def evaluate(events: Iterable[Event], playbook: Playbook,
             trigger: Optional[str] = None) -> EvaluateResult:
    """Decide what to do next; ``trigger`` defaults to the type of the latest event.

    - a terminal execution: nothing;
    - no step mentioned yet: enter ``start``;
    - a failed step: no new step starts; running loops finish their iterations; once nothing
      is running (on a completion or failure trigger), fail the execution, naming the failed
      steps in sorted order;
    - a completion trigger: continue sequential loops, route every completed step, and
      complete when nothing is running and a branch has reached its end.
    """
    state = WorkflowState.from_events(events)
    if state.event_count == 0:
        raise EvaluationError("no events: an execution starts with playbook_started")
    trigger = state.last_event_type if trigger is None else trigger
    idle = EvaluateResult(state.execution_id, state.state)
    if state.is_terminal:
        return idle
    run = Pass(state, playbook)
    if not state.steps:
        return run.start()
    failed = state.failed_steps()
    if failed:
        if trigger not in COMPLETION_TRIGGERS + (FAILURE_TRIGGER,):
            return idle
        return run.drain(failed, f"Failed steps: {', '.join(failed)}")
    if trigger not in COMPLETION_TRIGGERS:
        return idle
    return run.advance()
