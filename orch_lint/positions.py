"""Positions for the few nodes that are reported, computed only when there are any.

LibCST's ``PositionProvider`` records a range for every node of the module (~35 ms a file with
``ParentNodeProvider``); most files in a linted tree have no finding, so they never pay it.
"""

from __future__ import annotations

from typing import Dict, Iterable, Tuple

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


def start_positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> Dict[int, Tuple[int, int]]:
    """(line, 1-based column) of each node's start, keyed by ``id(node)``."""
    wanted = list(nodes)
    if not wanted:
        return {}
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    ranges = wrapper.resolve(PositionProvider)
    return {id(node): (ranges[node].start.line, ranges[node].start.column + 1) for node in wanted}
