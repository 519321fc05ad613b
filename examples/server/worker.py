"""An in-process worker for the demo: runs ``noop`` and ``python`` tools.

``noop`` returns its rendered args; ``python`` runs the step's ``code`` with its args bound as
names and returns whatever it leaves in ``result``. Playbooks are trusted code: this is a demo
worker, not a sandbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

from examples.orchestrate_core.jsonvalue import JSON, canonical_json


@dataclass(frozen=True)
class Outcome:
    result: JSON = None
    error: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.error is None


def execute(command: Dict[str, Any]) -> Outcome:
    """Run one command payload (``Command.to_dict()``) and report its result or error."""
    tool = command.get("tool") or {}
    try:
        return Outcome(result=_as_json(_run(tool.get("kind"), tool.get("config") or {},
                                            bindings(command))))
    except Exception as error:  # a worker reports any tool failure as the command's error
        return Outcome(error=f"{type(error).__name__}: {error}")


def bindings(command: Dict[str, Any]) -> Dict[str, JSON]:
    """The tool's own ``args``, then the command input, then the loop item, index and total."""
    config = (command.get("tool") or {}).get("config") or {}
    bound: Dict[str, JSON] = {}
    if isinstance(config.get("args"), dict):
        bound.update(config["args"])
    bound.update(command.get("input") or {})
    iteration = command.get("iteration")
    if iteration:
        bound[iteration["iterator"]] = iteration["item"]
        bound["_index"], bound["_total"] = iteration["index"], iteration["total"]
    return bound


def _run(kind: Any, config: Dict[str, Any], args: Dict[str, JSON]) -> Any:
    if kind == "noop":
        return args
    if kind == "python":
        namespace: Dict[str, Any] = dict(args)
        namespace["args"] = dict(args)
        exec(compile(str(config.get("code", "")), "<step code>", "exec"), namespace)
        return namespace.get("result")
    if kind == "task_sequence":
        return [_run(task.get("kind"), task, args) for task in config.get("tasks", [])]
    raise ValueError(f"the demo worker has no tool {kind!r} (only noop and python)")


def _as_json(value: Any) -> JSON:
    try:
        return json.loads(canonical_json(value))
    except (TypeError, ValueError) as error:
        raise ValueError(f"result is not JSON: {error}") from None
