"""The orchestrator core: a pure function from an event log and a playbook to what to do next.

No database, no clock, no unordered output: ``orch-lint check`` holds it to that.
"""

from __future__ import annotations

from .commands import Command, Iteration, ToolCall
from .errors import CoreError, EvaluationError, EventError, PlaybookError, TemplateError
from .evaluate import COMPLETION_TRIGGERS, FAILURE_TRIGGER, evaluate
from .event import Event
from .playbook import Arc, Loop, Metadata, Playbook, Router, Step, Tool
from .playbook_load import load_playbook, parse_playbook, playbook_from_dict
from .result import Completion, EmittedEvent, EvaluateResult
from .shadow import Difference, shadow_diff
from .state import ExecutionState, LoopProgress, StepInfo, StepState, WorkflowState
from .templates import render_text, render_value, when_true

__all__ = [
    "Arc", "COMPLETION_TRIGGERS", "Command", "Completion", "CoreError", "Difference",
    "EmittedEvent", "EvaluateResult", "EvaluationError", "Event", "EventError",
    "ExecutionState", "FAILURE_TRIGGER", "Iteration", "Loop", "LoopProgress", "Metadata",
    "Playbook", "PlaybookError", "Router", "Step", "StepInfo", "StepState", "TemplateError",
    "Tool", "ToolCall", "WorkflowState", "evaluate", "load_playbook", "parse_playbook",
    "playbook_from_dict", "render_text", "render_value", "shadow_diff", "when_true",
]
