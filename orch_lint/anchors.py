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
from typing import Any, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from orch_lint.model import Report
from orch_lint.nesting import parsed_tree
from orch_lint.positions import token_starts

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
        #: Statements (small and compound) numbered in source order, like ``ast.stmt`` nodes.
        self.statements: Dict[int, int] = {}
        #: For each reported node, the innermost statement open when it was reported.
        self.owners: Dict[int, cst.CSTNode] = {}
        self._open: List[cst.CSTNode] = []
        self._tree: Optional[Tuple[str, Any]] = None

    def python_tree(self, source: str) -> Optional[Tuple[List[ast.Call], List[ast.stmt], List[ast.stmt], List[str]]]:
        """CPython's calls, functions and statements of ``source``, in source order, and its
        lines; parsed once however many times positions are asked (None: it does not parse, or
        its calls or functions are not the CST's)."""
        if self._tree is not None and self._tree[0] is source:
            return self._tree[1]
        tree = parsed_tree(source)  # the engine's depth check parsed it just before LibCST did
        try:
            if tree is None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            found = None
        else:
            calls, functions, statements = _calls_and_functions(tree)
            found = None
            if len(calls) == self.calls and len(functions) == self.functions:
                calls.sort(key=lambda n: (n.lineno, n.col_offset, -(n.end_lineno or 0), -(n.end_col_offset or 0)))
                functions.sort(key=lambda n: (n.lineno, n.col_offset))
                statements.sort(key=lambda n: (n.lineno, n.col_offset))
                found = (calls, functions, statements, _NEWLINE.split(source))
        self._tree = (source, found)
        return found

    def on_report(self, report: Report) -> None:
        if self._open:
            self.owners.setdefault(id(report.node), self._open[-1])

    def _enter(self, node: cst.CSTNode) -> None:
        self.statements[id(node)] = len(self.statements)
        self._open.append(node)

    def _exit(self, node: cst.CSTNode) -> None:
        self._open.pop()

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

    def visit_Arg(self, node: cst.Arg) -> None:
        if self._open:  # class bases and keywords: call sites DET401 may place
            self.owners.setdefault(id(node.value), self._open[-1])

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.anchors[id(node)] = ("function", self.functions)
        self.functions += 1
        self._enter(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._exit(original_node)


def _statement_handlers(name: str) -> None:
    def visit(self: Anchors, node: cst.CSTNode) -> None:
        self._enter(node)

    def leave(self: Anchors, original_node: cst.CSTNode) -> None:
        self._exit(original_node)

    visit.__name__, leave.__name__ = f"visit_{name}", f"leave_{name}"
    setattr(Anchors, visit.__name__, visit)
    setattr(Anchors, leave.__name__, leave)


STATEMENT_TYPES = tuple(
    sorted(
        name for name, value in vars(cst).items()
        # the classes' own MROs, not issubclass: LibCST's bases are ABCs, whose checks over every
        # class of the package took longer than the rest of this module's import
        if isinstance(value, type) and not name.startswith("Base")
        and (cst.BaseSmallStatement in value.__mro__ or cst.BaseCompoundStatement in value.__mro__)
    )
)
for _name in STATEMENT_TYPES:
    if _name != "FunctionDef":
        _statement_handlers(_name)


def anchored_positions(
    source: str, anchors: Anchors, nodes: Sequence[cst.CSTNode], module: Optional[cst.Module] = None
) -> Optional[Dict[int, Tuple[int, int]]]:
    """(line, 1-based column) of each anchored node, keyed by ``id`` (the others are left to the
    caller); None when the anchoring cannot be trusted for this source."""
    wanted = [(node, anchors.anchors[id(node)]) for node in nodes if id(node) in anchors.anchors]
    if not wanted and not (module is not None and any(id(node) in anchors.owners for node in nodes)):
        return {}
    found = anchors.python_tree(source)
    if found is None:
        return None
    calls, functions, statements, lines = found
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
    rest = [node for node in nodes if id(node) not in positions and id(node) in anchors.owners]
    if rest and module is not None and len(statements) == len(anchors.statements):
        positions.update(_within_statements(module, rest, anchors, statements, lines))
    return positions


def _within_statements(
    module: cst.Module, nodes: List[cst.CSTNode], anchors: Anchors, statements: List[ast.stmt], lines: List[str]
) -> Dict[int, Tuple[int, int]]:
    """Positions of nodes inside anchored statements: each statement's own code is generated
    alone (with its indentation), never the file around it, and placed where ``ast`` has it."""
    groups: Dict[int, List[cst.CSTNode]] = {}
    owners: Dict[int, cst.CSTNode] = {}
    for node in nodes:
        owner = anchors.owners[id(node)]
        groups.setdefault(id(owner), []).append(node)
        owners[id(owner)] = owner
    positions: Dict[int, Tuple[int, int]] = {}
    for key, members in groups.items():
        owner = owners[key]
        found = statements[anchors.statements[key]]
        if found.lineno > len(lines):
            continue
        line = lines[found.lineno - 1]
        column = found.col_offset if line.isascii() else len(line.encode("utf-8")[: found.col_offset].decode("utf-8", "replace"))
        prefix = line[:column]
        starts = token_starts(module, owner, [owner] + members, [prefix] if not prefix.strip() else [])
        if starts is None or id(owner) not in starts[1]:
            continue
        tokens, found_starts = starts
        begin = found_starts[id(owner)]
        first_line = _NEWLINE.split("".join(tokens[begin:]), 1)[0]
        if not first_line or not line.startswith(first_line, column):
            continue  # the statement is not where ast says: trust neither
        for node in members:
            index = found_starts.get(id(node))
            if index is None:
                continue
            if index >= begin:
                segments = _NEWLINE.split("".join(tokens[begin:index]))
                if len(segments) == 1:
                    positions[id(node)] = (found.lineno, column + len(segments[0]) + 1)
                else:
                    positions[id(node)] = (found.lineno + len(segments) - 1, len(segments[-1]) + 1)
            elif prefix.strip() == "":
                between = _NEWLINE.split("".join(tokens[index:begin]))
                before = _NEWLINE.split("".join(tokens[:index]))[-1]
                positions[id(node)] = (found.lineno - len(between) + 1, len(before) + 1)
    return positions


def _calls_and_functions(tree: ast.AST) -> Tuple[List[ast.Call], List[ast.stmt], List[ast.stmt]]:
    """Every call, function definition and statement of ``tree``, in no order (twice as fast
    as ``ast.walk``)."""
    calls: List[ast.Call] = []
    functions: List[ast.stmt] = []
    statements: List[ast.stmt] = []
    stack: List[object] = [tree]
    node_type, call_type, function_types, statement_type = ast.AST, ast.Call, (ast.FunctionDef, ast.AsyncFunctionDef), ast.stmt
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is call_type:
            calls.append(node)  # type: ignore[arg-type]
        elif not isinstance(node, node_type):
            continue
        elif isinstance(node, statement_type):
            statements.append(node)
            if kind in function_types:
                functions.append(node)
        for name in kind._fields:  # type: ignore[attr-defined]
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend(value)
            elif isinstance(value, node_type):
                stack.append(value)
    return calls, functions, statements


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
