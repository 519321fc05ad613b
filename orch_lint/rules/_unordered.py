"""The shared finder behind DET201 (sets) and DET202 (dicts): iteration whose order is output.

A site is any place that turns an iterable's order into a result: a ``for`` loop, a list or dict
comprehension or generator expression, ``list()``/``tuple()``/``str.join``/``enumerate``/
``zip``/``map``/``filter``/``reversed``, ``*x`` unpacking and ``yield from``. A site is skipped
when the analysis in ``analysis.consumers`` shows nothing can observe the order, or when a loop
body only adds to a set.
"""

from __future__ import annotations

from typing import ClassVar, Iterator, Optional, Sequence

import libcst as cst

from orch_lint.analysis.consumers import is_str_join
from orch_lint.analysis.types import SET, TypeFact
from orch_lint.model import Fix
from orch_lint.rule import Rule

#: Callables that iterate their first positional argument into an ordered result.
FIRST_ARGUMENT_SINKS = frozenset(f"builtins.{n}" for n in ("list", "tuple", "enumerate", "reversed"))
SET_MUTATORS = frozenset({"add", "update", "discard", "remove"})


def sorted_call(node: cst.BaseExpression) -> cst.Call:
    """``sorted(node)``. The node's outer parentheses become the call's own, so comments and line
    breaks inside them stay where they were: ``(  # why\\n  a | b\\n)`` -> ``sorted(  # why\\n  a | b\\n)``.
    """
    lpar: Sequence[cst.LeftParen] = getattr(node, "lpar", ())
    rpar: Sequence[cst.RightParen] = getattr(node, "rpar", ())
    if not lpar or isinstance(node, (cst.Tuple, cst.GeneratorExp)):  # their parentheses are syntax
        return cst.Call(func=cst.Name("sorted"), args=[cst.Arg(node)])
    inner = node.with_changes(lpar=lpar[1:], rpar=rpar[:-1])
    return cst.Call(
        func=cst.Name("sorted"),
        args=[cst.Arg(inner, whitespace_after_arg=rpar[-1].whitespace_before)],
        whitespace_before_args=lpar[0].whitespace_after,
    )


def _literal_separator_join(func: cst.BaseExpression) -> bool:
    """``", ".join``: it only accepts strings (or bytes), which always sort, so sorting cannot raise."""
    return isinstance(func, cst.Attribute) and isinstance(func.value, (cst.SimpleString, cst.ConcatenatedString))


def _only_adds_to_sets(body: cst.BaseSuite) -> bool:
    """A loop body made only of ``s.add(x)`` (or update/discard/remove), ``pass`` and ``continue``."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else [cst.SimpleStatementLine(body.body)]  # type: ignore[attr-defined,arg-type]
    if not statements:
        return False
    for statement in statements:
        if isinstance(statement, cst.If):
            if not _only_adds_to_sets(statement.body):
                return False
            orelse = statement.orelse
            if isinstance(orelse, cst.Else) and not _only_adds_to_sets(orelse.body):
                return False
            if isinstance(orelse, cst.If) and not _only_adds_to_sets(cst.IndentedBlock([orelse])):
                return False
            continue
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        for small in statement.body:
            if isinstance(small, (cst.Pass, cst.Continue)):
                continue
            call = small.value if isinstance(small, cst.Expr) else None
            if not (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in SET_MUTATORS
            ):
                return False
    return True


class UnorderedIteration(Rule):
    """Base for the rules that report iteration over a kind of unordered container."""

    kind: ClassVar[str] = ""

    def _fact(self, node: cst.BaseExpression) -> Optional[TypeFact]:
        fact = self.context.types.expression_fact(node)
        return fact if fact is not None and fact.kind == self.kind else None

    def _check(
        self,
        iterable: cst.BaseExpression,
        list_call: Optional[cst.Call] = None,
        fixable: bool = True,
        sorts_safely: bool = False,
    ) -> None:
        """Report ``iterable`` if it is our kind of container, with the fix that sorts it.

        ``list_call``: a ``list(x)`` that becomes ``sorted(x)``. ``sorts_safely``: the site itself
        guarantees the elements compare (``"sep".join`` only accepts strings).
        """
        fact = self._fact(iterable)
        if fact is None:
            return
        fix = self._fix(iterable, fact, list_call, sorts_safely) if fixable else None
        self.report(iterable, self.message.format(expr=self.context.code_for(iterable)), fix)

    def _fix(
        self, iterable: cst.BaseExpression, fact: TypeFact, list_call: Optional[cst.Call], sorts_safely: bool
    ) -> Optional[Fix]:
        if self.names.lookup("sorted") != "builtins.sorted":
            return None  # a local `sorted` would be called instead of the builtin
        safe = sorts_safely or fact.sorts_safely
        if list_call is not None:
            return Fix(list_call, list_call.with_changes(func=cst.Name("sorted")), safe, "list() -> sorted()")
        return Fix(iterable, sorted_call(iterable), safe, "wrap in sorted()")

    def visit_For(self, node: cst.For) -> None:
        if not _only_adds_to_sets(node.body):
            self._check(node.iter)

    def _comprehension(self, node: cst.BaseExpression, for_in: cst.CompFor) -> None:
        if self.context.order.is_insensitive(node):
            return
        for comp in _for_ins(for_in):
            self._check(comp.iter)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node, node.for_in)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node, node.for_in)

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node, node.for_in)

    def visit_Call(self, node: cst.Call) -> None:
        order = self.context.order
        if order.is_insensitive(node):
            return
        qualified = self.names.qualified(node.func)
        positional = [arg for arg in node.args if arg.keyword is None]
        for arg in positional:
            if arg.star == "*" and not order.is_insensitive(arg):
                self._check(arg.value)
        plain = [arg.value for arg in positional if not arg.star]
        if qualified in FIRST_ARGUMENT_SINKS or is_str_join(self.names, node.func):
            if plain:
                simple_list = qualified == "builtins.list" and len(node.args) == 1
                self._check(
                    plain[0],
                    list_call=node if simple_list else None,
                    # reversed(a_set) raises TypeError: sorting would turn the crash into a result
                    fixable=not (qualified == "builtins.reversed" and self.kind == SET),
                    sorts_safely=_literal_separator_join(node.func),
                )
        elif qualified == "builtins.zip":
            for value in plain:
                self._check(value)
        elif qualified in ("builtins.map", "builtins.filter"):
            for value in plain[1:]:
                self._check(value)

    def visit_List(self, node: cst.List) -> None:
        self._starred(node)

    def visit_Tuple(self, node: cst.Tuple) -> None:
        self._starred(node)

    def _starred(self, node: cst.BaseExpression) -> None:
        order = self.context.order
        if order.is_insensitive(node):
            return
        for element in node.elements:  # type: ignore[attr-defined]
            if isinstance(element, cst.StarredElement) and not order.is_insensitive(element):
                self._check(element.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.From):
            self._check(node.value.item)


def _for_ins(for_in: cst.CompFor) -> Iterator[cst.CompFor]:
    current: Optional[cst.CompFor] = for_in
    while current is not None:
        yield current
        current = current.inner_for_in
