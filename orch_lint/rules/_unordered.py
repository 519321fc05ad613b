"""The shared finder behind DET201 (sets) and DET202 (dicts): iteration whose order is output.

A site is any place that turns an iterable's order into a result: a ``for`` loop, a list or dict
comprehension or generator expression, ``list()``/``tuple()``/``str.join``/``enumerate``/
``zip``/``map``/``filter``/``reversed``, ``*x`` unpacking and ``yield from``. A site is skipped
when the analysis in ``analysis.consumers`` shows nothing can observe the order, or when a loop
body only adds to a set.
"""

from __future__ import annotations

from typing import ClassVar, Iterator, Optional

import libcst as cst

from orch_lint.analysis.consumers import is_str_join
from orch_lint.analysis.types import TypeFact
from orch_lint.model import Fix
from orch_lint.rule import Rule

#: Callables that iterate their first positional argument into an ordered result.
FIRST_ARGUMENT_SINKS = frozenset(f"builtins.{n}" for n in ("list", "tuple", "enumerate", "reversed"))
SET_MUTATORS = frozenset({"add", "update", "discard", "remove"})


def _sorted(node: cst.BaseExpression, **keywords: cst.BaseExpression) -> cst.Call:
    args = [cst.Arg(node.with_changes(lpar=[], rpar=[]) if _bare_parens(node) else node)]
    args += [cst.Arg(value, keyword=cst.Name(key)) for key, value in keywords.items()]
    return cst.Call(func=cst.Name("sorted"), args=args)


def _bare_parens(node: cst.BaseExpression) -> bool:
    return bool(getattr(node, "lpar", None)) and not isinstance(node, (cst.Tuple, cst.GeneratorExp))


def _only_adds_to_sets(body: cst.BaseSuite) -> bool:
    """A loop body made only of ``s.add(x)`` (or update/discard/remove), ``pass`` and ``continue``."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else [cst.SimpleStatementLine(body.body)]  # type: ignore[attr-defined]
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

    def _report(self, iterable: cst.BaseExpression, fact: TypeFact, fix: Optional[Fix] = None) -> None:
        if fix is None:
            fix = Fix(iterable, _sorted(iterable), safe=fact.sorts_safely, description="wrap in sorted()")
        self.report(iterable, self.message.format(expr=self.context.code_for(iterable)), fix)

    def _check(self, iterable: cst.BaseExpression, fix_target: Optional[cst.Call] = None) -> None:
        fact = self._fact(iterable)
        if fact is None:
            return
        fix = None
        if fix_target is not None:
            fix = Fix(fix_target, fix_target.with_changes(func=cst.Name("sorted")), safe=fact.sorts_safely,
                      description="list() -> sorted()")
        self._report(iterable, fact, fix)

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
                self._check(plain[0], fix_target=node if simple_list else None)
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
