"""One traversal for every visitor, without LibCST's per-node rebuild.

``libcst.visit_batched`` walks a tree through ``CSTNode.visit``, which rebuilds every node it
passes (``_visit_and_replace_children`` calls each node's constructor and its validation), even
for read-only visitors: on Django's code that costs as much as the parse. This walker reads the
children in place and calls the same ``visit_<Node>`` / ``leave_<Node>`` methods in the same
order, but never descends into trivia (whitespace, commas, parentheses, operators' tokens), which
no rule visits.

The child order of each node class is taken once from LibCST's own
``_visit_and_replace_children`` (the order in which it visits the fields), so it follows the
source; ``tests/test_speed_design.py`` checks that the visit/leave sequence equals
``visit_batched``'s on real code, trivia aside. Method tables are computed once per visitor
class, not per file.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from typing import Callable, Dict, FrozenSet, List, Sequence, Set, Tuple, Type

import libcst as cst

Handler = Callable[[cst.CSTNode], None]

#: Fields that only ever hold trivia: whitespace, comments, punctuation and keyword tokens.
_TRIVIA_FIELDS = frozenset(
    {
        "asynchronous", "colon", "comma", "comment", "dot", "empty_lines", "equal", "first_colon",
        "first_line", "footer", "header", "last_line", "lbrace", "lbracket", "leading_lines",
        "lines_after_decorators", "lpar", "newline", "posonly_ind", "rbrace", "rbracket",
        "relative", "rpar", "second_colon", "semicolon", "trailing_comma", "trailing_whitespace",
    }
)
#: Operator nodes hold only their token and its whitespace; rules read them as attributes.
_OPERATOR_FIELDS = frozenset({"operator"})

_child_fields: Dict[type, Tuple[str, ...]] = {}
_method_names: Dict[type, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {}


def child_fields(cls: type) -> Tuple[str, ...]:
    """The fields of ``cls`` that may hold non-trivia children, in LibCST's visiting order."""
    cached = _child_fields.get(cls)
    if cached is not None:
        return cached
    method = getattr(cls, "_visit_and_replace_children")
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    fields: List[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("visit_")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            fields.append((node.lineno, node.col_offset, node.args[1].value))  # type: ignore[arg-type]
    ordered = tuple(
        dict.fromkeys(  # a field may be named twice, in both arms of a conditional
            name
            for _, _, name in sorted(fields)  # type: ignore[misc]
            if "whitespace" not in name and name not in _TRIVIA_FIELDS and name not in _OPERATOR_FIELDS
        )
    )
    _child_fields[cls] = ordered
    return ordered


_available: List[bool] = []


def _sources_available() -> bool:
    """Whether LibCST's sources can be read (the child order is taken from them)."""
    if not _available:
        try:
            child_fields(cst.Name)
            _available.append(True)
        except (OSError, TypeError, SyntaxError):
            _available.append(False)
    return _available[0]


def _handler_candidates(visitor_class: type) -> List[str]:
    """The ``visit_*``/``leave_*`` names a visitor class may handle: those its own classes define,
    and the few LibCST's base classes define as more than a no-op stub. Not ``dir()``: that lists
    LibCST's ~1,000 stubs for every rule class, a cost every short run (a pre-commit hook) paid."""
    names: Set[str] = set()
    for klass in visitor_class.__mro__:
        if klass.__module__.partition(".")[0] == "libcst":
            names.update(_library_handlers(klass))
        else:
            names.update(name for name in vars(klass) if name.startswith(("visit_", "leave_")))
    return sorted(names)


@functools.lru_cache(maxsize=None)
def _library_handlers(klass: type) -> FrozenSet[str]:
    """The handlers a LibCST class defines that are not no-op stubs (none, for the visitor bases)."""
    return frozenset(
        name for name, function in vars(klass).items()
        if name.startswith(("visit_", "leave_")) and callable(function) and not getattr(function, "_is_no_op", False)
    )


def _names(visitor_class: type) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """The node class names a visitor class handles on visit and on leave (no-op stubs excluded)."""
    cached = _method_names.get(visitor_class)
    if cached is not None:
        return cached
    visits: List[str] = []
    leaves: List[str] = []
    for name in _handler_candidates(visitor_class):
        prefix, _, node_name = name.partition("_")
        if prefix not in ("visit", "leave") or not node_name or not node_name[0].isupper():
            continue
        function = getattr(visitor_class, name)
        if getattr(function, "_is_no_op", False) or not callable(function):
            continue
        if "_" in node_name:
            raise TypeError(f"{visitor_class.__name__}.{name}: attribute visitors are not supported")
        (visits if prefix == "visit" else leaves).append(node_name)
    cached = (tuple(sorted(visits)), tuple(sorted(leaves)))
    _method_names[visitor_class] = cached
    return cached


def _tables(visitors: Sequence[cst.BatchableCSTVisitor]) -> Tuple[Dict[type, List[Handler]], Dict[type, List[Handler]]]:
    visit: Dict[type, List[Handler]] = {}
    leave: Dict[type, List[Handler]] = {}
    for visitor in visitors:
        visit_names, leave_names = _names(type(visitor))
        for node_name in visit_names:
            visit.setdefault(getattr(cst, node_name), []).append(getattr(visitor, f"visit_{node_name}"))
        for node_name in leave_names:
            leave.setdefault(getattr(cst, node_name), []).append(getattr(visitor, f"leave_{node_name}"))
    return visit, leave


def walk(module: cst.CSTNode, visitors: Sequence[cst.BatchableCSTVisitor]) -> None:
    """Run every visitor's ``visit_<Node>``/``leave_<Node>`` over ``module`` in one pass.

    As in ``visit_batched``, the visitors are called in the order given on each node, return
    values are ignored (children are always visited), and a leave runs after the node's subtree.
    """
    if not _sources_available():
        cst.visit_batched(module, visitors)  # LibCST installed without its sources: its own walk
        return
    visit, leave = _tables(visitors)
    fields = _child_fields
    node_type = cst.CSTNode

    def walk_node(node: cst.CSTNode) -> None:
        cls = type(node)
        handlers = visit.get(cls)
        if handlers is not None:
            for handler in handlers:
                handler(node)
        names = fields.get(cls)
        if names is None:
            names = child_fields(cls)
        for name in names:
            child = getattr(node, name)
            if isinstance(child, node_type):
                walk_node(child)
            elif type(child) is tuple or type(child) is list:
                for item in child:
                    walk_node(item)
        handlers = leave.get(cls)
        if handlers is not None:
            for handler in handlers:
                handler(node)

    walk_node(module)


def uses_node_types(visitor_class: Type[cst.BatchableCSTVisitor]) -> Tuple[str, ...]:
    """The node class names a visitor handles (for documentation and tests)."""
    visits, leaves = _names(visitor_class)
    return tuple(sorted(set(visits) | set(leaves)))
