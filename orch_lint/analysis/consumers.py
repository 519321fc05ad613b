"""Where the order of an iteration cannot be observed.

``sorted(list(s))``, ``len([x for x in s])``, ``any(p(x) for x in s)``, ``{*s}`` and
``x in list(s)`` all iterate a set, but nothing downstream can see in which order. This visitor
marks such expressions during the traversal (a parent is always visited before its children),
so the iteration rules can ask about any node in O(1) instead of walking up a parent chain.
"""

from __future__ import annotations

from typing import Set

import libcst as cst

from orch_lint.analysis.names import NameModel

#: Callables whose result does not depend on the order of their iterable argument.
ORDER_INSENSITIVE_CONSUMERS = frozenset(
    f"builtins.{name}" for name in ("sorted", "len", "min", "max", "sum", "any", "all", "set", "frozenset")
)
#: Callables that pass their argument's elements through, only reordered: insensitive outside,
#: insensitive inside. Not ``enumerate`` or a ``zip`` of several: which index or partner an
#: element gets depends on the order (``sorted(enumerate(s))`` differs run to run).
ORDER_PRESERVING = frozenset(
    f"builtins.{name}" for name in ("list", "tuple", "reversed", "map", "filter")
) | frozenset({"itertools.chain", "collections.deque"})


def is_str_join(names: NameModel, func: cst.BaseExpression) -> bool:
    """``sep.join`` on a string (literal, or a name that is not an imported module)."""
    if not (isinstance(func, cst.Attribute) and func.attr.value == "join"):
        return False
    receiver = func.value
    if isinstance(receiver, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return True
    return names.qualified(func) is None and not isinstance(receiver, (cst.Call, cst.Subscript))


class OrderContext(cst.BatchableCSTVisitor):
    """Marks the expressions whose iteration order nothing can observe."""

    def __init__(self, names: NameModel) -> None:
        super().__init__()
        self.names = names
        self._insensitive: Set[int] = set()

    def is_insensitive(self, node: cst.CSTNode) -> bool:
        return id(node) in self._insensitive

    def _mark(self, node: cst.CSTNode) -> None:
        self._insensitive.add(id(node))

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.names.qualified(node.func)
        passes_through = (
            qualified in ORDER_PRESERVING
            or (qualified == "builtins.zip" and len(node.args) == 1)
            or is_str_join(self.names, node.func)
        )
        if qualified in ORDER_INSENSITIVE_CONSUMERS or (self.is_insensitive(node) and passes_through):
            for arg in node.args:
                if arg.keyword is None:
                    self._mark(arg.value)
                    self._mark(arg)

    def _comprehension(self, for_in: cst.CompFor) -> None:
        current = for_in
        while current is not None:
            self._mark(current.iter)
            current = current.inner_for_in

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node.for_in)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        if self.is_insensitive(node):
            self._comprehension(node.for_in)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        if self.is_insensitive(node):
            self._comprehension(node.for_in)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        if self.is_insensitive(node):
            self._comprehension(node.for_in)

    def visit_Set(self, node: cst.Set) -> None:
        for element in node.elements:
            self._mark(element)
            self._mark(element.value)

    def visit_List(self, node: cst.List) -> None:
        self._pass_through_elements(node)

    def visit_Tuple(self, node: cst.Tuple) -> None:
        self._pass_through_elements(node)

    def _pass_through_elements(self, node: cst.BaseExpression) -> None:
        if self.is_insensitive(node):
            for element in node.elements:  # type: ignore[attr-defined]
                self._mark(element)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        for target in node.comparisons:
            if isinstance(target.operator, (cst.In, cst.NotIn)):
                self._mark(target.comparator)
