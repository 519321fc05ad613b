"""The static arc graph of a playbook: who can route to whom.

Fan-in needs each step's upstreams. An arc ``u -> t`` where ``t`` can reach ``u`` again is a
back-edge (a cycle): counting it would make ``t`` wait for a step that only runs after ``t``,
so it is left out, as the original does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Tuple

from .playbook import Playbook


@dataclass(frozen=True)
class Graph:
    order: Tuple[str, ...]
    successors: Dict[str, Tuple[str, ...]]
    upstreams: Dict[str, Tuple[str, ...]]

    def targets_of(self, name: str) -> Tuple[str, ...]:
        return self.successors.get(name, ())

    def upstreams_of(self, name: str) -> Tuple[str, ...]:
        """Forward upstreams of ``name`` in playbook order (no back-edges, no self-arc)."""
        return self.upstreams.get(name, ())


def build_graph(playbook: Playbook) -> Graph:
    order = tuple(step.name for step in playbook.steps)
    successors = {
        step.name: tuple(t for t in step.next.targets if playbook.step(t) is not None)
        if step.next is not None else ()
        for step in playbook.steps
    }
    upstreams: Dict[str, Tuple[str, ...]] = {}
    for target in order:
        reachable = _reachable(target, successors)
        upstreams[target] = tuple(
            name for name in order
            if name != target and target in successors[name] and name not in reachable
        )
    return Graph(order=order, successors=successors, upstreams=upstreams)


def _reachable(start: str, successors: Dict[str, Tuple[str, ...]]) -> List[str]:
    """Every step reachable from ``start`` in one or more hops (``start`` itself on a cycle)."""
    seen: List[str] = []
    stack = list(successors.get(start, ()))
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.append(name)
        stack.extend(successors.get(name, ()))
    return seen
