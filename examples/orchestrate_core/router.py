"""Evaluating a step's ``next`` router against the render context.

Arcs are tried in order. Exclusive mode takes the first arc whose ``when`` holds and reports the
rest as unmatched without rendering their guards; inclusive mode takes every arc that holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Tuple

from .jsonvalue import JSON
from .playbook import EXCLUSIVE, Arc, Step
from .templates import when_true


@dataclass(frozen=True)
class ArcOutcome:
    source: str
    arc: Arc
    matched: bool


def route(step: Step, context: Dict[str, JSON]) -> Tuple[ArcOutcome, ...]:
    if step.next is None:
        return ()
    outcomes: List[ArcOutcome] = []
    taken = False
    for arc in step.next.arcs:
        if taken and step.next.mode == EXCLUSIVE:
            outcomes.append(ArcOutcome(step.name, arc, False))
            continue
        matched = when_true(arc.when, context)
        taken = taken or matched
        outcomes.append(ArcOutcome(step.name, arc, matched))
    return tuple(outcomes)
