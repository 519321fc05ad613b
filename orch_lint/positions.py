"""Positions for the few nodes that are reported, computed only when there are any.

LibCST's ``PositionProvider`` records a range for every node of the module, tracking line and
column token by token (~40 ms a file on Django's code). Here one plain code generation pass (~1
ms a file) records only the token index at which each wanted node starts, with the same rule as
``PositionProvider`` (a node's syntactic start, or where its code starts when it has none), and
lines and columns are counted once, from the text before those indexes. Most files in a linted
tree have no finding, so they never pay even that. ``tests/test_speed_design.py`` checks that
both agree on every node of real code.
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

NEWLINE = re.compile(r"\r\n?|\n")


class _NoPosition:
    """A do-nothing context manager, shared: most nodes are not wanted."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NOTHING = _NoPosition()


class _StartRecorder(CodegenState):
    """Code generation that notes, for wanted nodes only, how many tokens come before them."""

    def __init__(self, module: cst.Module, wanted: Set[int]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted = wanted
        self.syntactic: Dict[int, int] = {}
        self.inclusive: Dict[int, int] = {}
        self.unsupported = False

    def before_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.wanted and key not in self.inclusive:
            self.inclusive[key] = len(self.tokens)

    def record_syntactic_position(  # type: ignore[override]
        self, node: cst.CSTNode, *, start_node: Optional[cst.CSTNode] = None, end_node: Optional[cst.CSTNode] = None
    ) -> _NoPosition:
        key = id(node)
        if key in self.wanted:
            if start_node is not None:
                self.unsupported = True  # a start hoisted from a child (an IndentedBlock): rare
            else:
                self.syntactic[key] = len(self.tokens)
                if len(self.syntactic) == len(self.wanted):
                    raise _AllFound  # the rest of the file cannot move what is recorded
        return _NOTHING


class _AllFound(Exception):
    """Every wanted node's start is known: code generation stops there."""


def _advance(line: int, column: int, text: str) -> Tuple[int, int]:
    segments = NEWLINE.split(text)
    if len(segments) == 1:
        return line, column + len(text)
    return line + len(segments) - 1, len(segments[-1])


def start_positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> Dict[int, Tuple[int, int]]:
    """(line, 1-based column) of each node's start, keyed by ``id(node)``."""
    wanted = list(nodes)
    if not wanted:
        return {}
    state = _StartRecorder(module, {id(node) for node in wanted})
    try:
        module._codegen(state)
    except _AllFound:
        pass
    if state.unsupported:
        return _provider_positions(module, wanted)
    starts: Dict[int, int] = dict(state.inclusive)
    starts.update(state.syntactic)
    tokens: List[str] = state.tokens
    positions: Dict[int, Tuple[int, int]] = {}
    line, column, done = 1, 0, 0
    for key, index in sorted(starts.items(), key=lambda item: item[1]):
        if index > done:
            line, column = _advance(line, column, "".join(tokens[done:index]))
            done = index
        positions[key] = (line, column + 1)
    return positions


def token_starts(
    module: cst.Module, node: cst.CSTNode, wanted: Sequence[cst.CSTNode], indent: List[str]
) -> Optional[Tuple[List[str], Dict[int, int]]]:
    """Generate ``node``'s code alone (inside blocks indented by ``indent``) and return its
    tokens with the token index at which each wanted node starts; None where that is unsure."""
    state = _StartRecorder(module, {id(n) for n in wanted})
    state.indent_tokens = list(indent)
    try:
        node._codegen(state)
    except _AllFound:
        pass
    if state.unsupported:
        return None
    starts: Dict[int, int] = dict(state.inclusive)
    starts.update(state.syntactic)
    return state.tokens, starts


def _provider_positions(module: cst.Module, wanted: List[cst.CSTNode]) -> Dict[int, Tuple[int, int]]:
    """LibCST's own provider, for the rare node whose start is hoisted from a child."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return {id(node): (ranges[node].start.line, ranges[node].start.column + 1) for node in wanted}

