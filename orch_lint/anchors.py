"""Positions of calls and functions read from CPython's ``ast``, without a code generation pass.

DET401 needs the line and column of every resolvable call site and every function of every
file, so ``positions.start_positions`` would regenerate the code of nearly every file (on
Django's code that costs more than the parse). But a CST and CPython's ``ast`` hold the same
calls and function definitions, and both list them in source order: the traversal numbers them
(``Anchors``), ``ast.parse`` (under a millisecond a file) gives the k-th one's position, and a
node's position is the k-th ``ast`` node's.

Nothing is taken on trust: the counts must agree, and the source at every position must start
with the node's first token (``def``, ``async``, ``(`` or a name). Any doubt (a count that
differs, a token that does not match, source ``ast`` cannot parse) returns None, and the caller
falls back to the exact code generation pass; a node that is not anchored, or whose first token
cannot be named (a literal argument), is left to that pass too.
``tests/test_speed_design.py`` compares both on real code.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import Dict, List, Optional, Sequence, Tuple, Union

import libcst as cst

_NEWLINE = re.compile(r"\r\n|\r|\n")
#: Where a node's position comes from: ("call", k), ("function", k), ("argument", k, slot).
Anchor = Tuple[object, ...]


class Anchors(cst.BatchableCSTVisitor):
    """Numbers calls and function definitions in traversal order (which is source order)."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: Dict[int, Anchor] = {}
        self.calls = 0
        self.functions = 0

    def visit_Call(self, node: cst.Call) -> None:
        index = self.calls
        self.calls += 1
        self.anchors[id(node)] = ("call", index)
        if not node.func.lpar:
            self.anchors.setdefault(id(node.func), ("call", index))
        positional = 0
        for arg in node.args:
            if arg.keyword is not None:
                self.anchors[id(arg.value)] = ("argument", index, arg.keyword.value)
            elif arg.star == "**":
                self.anchors[id(arg.value)] = ("argument", index, None)
            else:
                self.anchors[id(arg.value)] = ("argument", index, positional)
                positional += 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.anchors[id(node)] = ("function", self.functions)
        self.functions += 1


def anchored_positions(
    source: str, anchors: Anchors, nodes: Sequence[cst.CSTNode]
) -> Optional[Dict[int, Tuple[int, int]]]:
    """(line, 1-based column) of each anchored node, keyed by ``id`` (the others are left to the
    caller); None when the anchoring cannot be trusted for this source."""
    wanted = [(node, anchors.anchors[id(node)]) for node in nodes if id(node) in anchors.anchors]
    if not wanted:
        return {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    calls: List[ast.Call] = []
    functions: List[Union[ast.FunctionDef, ast.AsyncFunctionDef]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(node)
    if len(calls) != anchors.calls or len(functions) != anchors.functions:
        return None
    calls.sort(key=lambda n: (n.lineno, n.col_offset, -(n.end_lineno or 0), -(n.end_col_offset or 0)))
    functions.sort(key=lambda n: (n.lineno, n.col_offset))
    lines = _NEWLINE.split(source)
    positions: Dict[int, Tuple[int, int]] = {}
    for node, anchor in wanted:
        expected = _first_token(node)
        if expected is None:
            continue  # a node whose first token we cannot name is left to the caller
        found = _ast_node(anchor, calls, functions)
        if found is None or found.lineno > len(lines):
            return None
        line = lines[found.lineno - 1]
        column = found.col_offset if line.isascii() else len(line.encode("utf-8")[: found.col_offset].decode("utf-8", "replace"))
        if not line.startswith(expected, column):
            return None
        positions[id(node)] = (found.lineno, column + 1)
    return positions


def _ast_node(anchor: Anchor, calls: List[ast.Call], functions: List[ast.stmt]) -> Optional[ast.AST]:
    kind, index = anchor[0], anchor[1]
    if kind == "function":
        return functions[index]  # type: ignore[index]
    call = calls[index]  # type: ignore[index]
    if kind == "call":
        return call
    slot = anchor[2]
    if isinstance(slot, int):
        if slot >= len(call.args):
            return None
        argument = call.args[slot]
        return argument.value if isinstance(argument, ast.Starred) else argument
    for keyword in call.keywords:
        if keyword.arg == slot:
            return keyword.value
    return None


def _first_token(node: cst.CSTNode) -> Optional[str]:
    """The text a node's syntactic range starts with (its own parentheses excluded)."""
    if isinstance(node, cst.FunctionDef):
        return "async" if node.asynchronous is not None else "def"
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return _outer_first_token(node.value)
    if isinstance(node, cst.Call):
        return _outer_first_token(node.func)
    if isinstance(node, cst.Subscript):
        return _outer_first_token(node.value)
    return None


def _outer_first_token(node: cst.BaseExpression) -> Optional[str]:
    return "(" if getattr(node, "lpar", None) else _first_token(node)
