"""The playbook model: frozen, ordered, and already validated.

Every mapping whose order can matter (``set``, ``args``, tool config, the workload) is kept as a
tuple of ``(key, value)`` pairs in YAML order, and ``next`` in its four YAML shapes is normalised
to one ``Router``. The loader lives in ``playbook_load``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

from .jsonvalue import JSON

Pairs = Tuple[Tuple[str, JSON], ...]

EXCLUSIVE = "exclusive"
INCLUSIVE = "inclusive"
SEQUENTIAL = "sequential"
PARALLEL = "parallel"
END = "end"
START = "start"


@dataclass(frozen=True)
class Metadata:
    name: str
    path: Optional[str] = None
    version: Optional[str] = None


@dataclass(frozen=True)
class Tool:
    """A tool ``kind`` and its config; a list of tools is the kind ``task_sequence``."""

    kind: str
    config: Pairs = ()


@dataclass(frozen=True)
class Loop:
    """``loop``: ``in_expr`` renders to a list, a mapping (key/value items) or a count."""

    in_expr: JSON
    iterator: str = "item"
    mode: str = SEQUENTIAL


@dataclass(frozen=True)
class Arc:
    """One outgoing arc: the target, its guard, and what it passes on."""

    step: str
    when: JSON = None
    args: Pairs = ()
    set_vars: Pairs = ()
    origin: str = field(default="", compare=False)  # where it was written, for error messages


@dataclass(frozen=True)
class Router:
    """``next`` in its one normalised form: exclusive takes the first matching arc."""

    mode: str
    arcs: Tuple[Arc, ...]

    @property
    def targets(self) -> Tuple[str, ...]:
        """Arc targets in arc order, each once."""
        seen: Tuple[str, ...] = ()
        for arc in self.arcs:
            if arc.step not in seen:
                seen += (arc.step,)
        return seen


@dataclass(frozen=True)
class Step:
    name: str
    tool: Tool
    desc: Optional[str] = None
    when: JSON = None
    args: Pairs = ()
    set_vars: Pairs = ()
    loop: Optional[Loop] = None
    next: Optional[Router] = None


@dataclass(frozen=True)
class Playbook:
    api_version: str
    kind: str
    metadata: Metadata
    steps: Tuple[Step, ...]
    workload: Pairs = ()
    _index: Dict[str, Step] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {step.name: step for step in self.steps})

    def step(self, name: str) -> Optional[Step]:
        """The step called ``name``, or None (``end`` may be a pseudo-target, not a step)."""
        return self._index.get(name)
