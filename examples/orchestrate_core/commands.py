"""Commands for workers: the step's tool with its config rendered, its input and its context.

The core leaves ``command_id`` empty: ids are minted by the server when it persists the
command (``<execution>:<step>:<event_id>``, plus ``:i<index>`` for an iteration).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional

from .jsonvalue import JSON
from .playbook import Step, Tool
from .templates import render_value

#: Tool config kept as written: Python source is code, not a template.
VERBATIM = ("code",)
#: task_sequence entries keep these for the worker, which renders them per task at run time.
TASK_VERBATIM = ("code", "set", "input")


@dataclass(frozen=True)
class ToolCall:
    kind: str
    config: JSON

    def to_dict(self) -> Dict[str, JSON]:
        return {"kind": self.kind, "config": self.config}


@dataclass(frozen=True)
class Iteration:
    iterator: str
    index: int
    total: int
    item: JSON

    def to_dict(self) -> Dict[str, JSON]:
        return {"iterator": self.iterator, "index": self.index, "total": self.total,
                "item": self.item}


@dataclass(frozen=True)
class Command:
    execution_id: Optional[int]
    catalog_id: int
    step: str
    tool: ToolCall
    input: JSON
    context: JSON
    iteration: Optional[Iteration] = None
    command_id: str = ""

    def to_dict(self) -> Dict[str, JSON]:
        return {
            "command_id": self.command_id, "execution_id": self.execution_id,
            "catalog_id": self.catalog_id, "step": self.step, "tool": self.tool.to_dict(),
            "input": self.input, "context": self.context,
            "iteration": None if self.iteration is None else self.iteration.to_dict(),
        }


def iteration_context(context: Dict[str, JSON], iteration: Iteration) -> Dict[str, JSON]:
    """The item under the iterator's name, and ``iter`` with index and total, as the original."""
    scoped = dict(context)
    scoped[iteration.iterator] = iteration.item
    scoped["_index"], scoped["_total"] = iteration.index, iteration.total
    scoped["iter"] = {iteration.iterator: iteration.item, "_index": iteration.index,
                      "_total": iteration.total}
    return scoped


def build_command(execution_id: Optional[int], catalog_id: int, step: Step,
                  context: Dict[str, JSON], arc_input: JSON = None,
                  iteration: Optional[Iteration] = None) -> Command:
    """Render the step's tool and ``args``; the firing arcs' ``args`` (rendered) overlay them."""
    scoped = iteration_context(context, iteration) if iteration is not None else dict(context)
    inputs: Dict[str, JSON] = {}
    for key, value in step.args:
        inputs[key] = render_value(value, scoped)
    if isinstance(arc_input, dict):
        inputs.update(arc_input)
    return Command(
        execution_id=execution_id, catalog_id=catalog_id, step=step.name,
        tool=ToolCall(step.tool.kind, render_tool(step.tool, scoped)),
        input=inputs, context=scoped, iteration=iteration,
    )


def render_tool(tool: Tool, context: Dict[str, JSON]) -> Dict[str, JSON]:
    config: Dict[str, JSON] = {}
    for key, value in tool.config:
        if key in VERBATIM:
            config[key] = value
        elif tool.kind == "task_sequence" and key == "tasks":
            config[key] = [_render_task(task, context) for task in value]
        else:
            config[key] = render_value(value, context)
    return config


def _render_task(task: JSON, context: Dict[str, JSON]) -> JSON:
    return {key: value if key in TASK_VERBATIM else render_value(value, context)
            for key, value in sorted(task.items())}
