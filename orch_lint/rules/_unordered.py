"""The shared finder behind DET201 (sets) and DET202 (dicts): iteration whose order is output.

A site is any place that turns an iterable's order into a result: a ``for`` loop, a list or dict
comprehension or generator expression, ``list()``/``tuple()``/``str.join``/``enumerate``/
``zip``/``map``/``filter``/``reversed``/``functools.reduce``, ``collections.deque`` and the
ordering ``itertools``, ``x.extend()``/``dict.fromkeys()``, ``*x`` unpacking, ``a, b = x`` and
``yield from``. A site is skipped when the analysis in ``analysis.consumers`` shows nothing can
observe the order, or when a loop body's effect is the same in any order (``_LoopBody``).
"""

from __future__ import annotations

from typing import ClassVar, Dict, FrozenSet, Iterator, Optional, Sequence, Tuple

import libcst as cst

from orch_lint.analysis.consumers import is_str_join
from orch_lint.analysis.types import DICT, SET, TypeFact
from orch_lint.model import Fix
from orch_lint.rule import Rule

#: Callables that iterate their first positional argument into an ordered result.
FIRST_ARGUMENT_SINKS = frozenset(f"builtins.{n}" for n in ("list", "tuple", "enumerate", "reversed")) | frozenset(
    {"collections.deque"}
    | {
        f"itertools.{n}"
        for n in (
            "islice", "combinations", "combinations_with_replacement", "permutations", "accumulate",
            "cycle", "groupby", "pairwise", "batched", "compress", "tee",
        )
    }
)
#: Callables that iterate every positional argument into an ordered result.
EVERY_ARGUMENT_SINKS = frozenset({"builtins.zip", "itertools.chain", "itertools.zip_longest", "itertools.product"})
#: Callables that take a function first and iterate the rest in order.
AFTER_FUNCTION_SINKS = frozenset(
    {"builtins.map", "builtins.filter", "functools.reduce", "itertools.starmap", "itertools.filterfalse",
     "itertools.takewhile", "itertools.dropwhile"}
)
#: Methods that iterate their argument into an ordered container (``out.extend(s)``,
#: ``dict.fromkeys(s)``): no set or frozenset has them, so the receiver's type does not matter.
METHOD_SINKS = frozenset({"extend", "extendleft", "fromkeys"})
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


#: Builtins whose result is a number: adding one up is the same in any order.
NUMERIC_BUILTINS = frozenset({"len", "int", "abs", "round", "ord", "bool"})


def _is_constant(node: cst.BaseExpression) -> bool:
    """A literal that reads the same whichever element of the loop came first."""
    if isinstance(node, cst.UnaryOperation):
        return _is_constant(node.expression)
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    return isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString))


def _is_count(node: cst.BaseExpression) -> bool:
    """An integer literal or a call of a builtin that returns an int (``len(x)``)."""
    if isinstance(node, cst.UnaryOperation):
        return _is_count(node.expression)
    if isinstance(node, cst.Integer):
        return True
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value in NUMERIC_BUILTINS
    )


class _LoopBody:
    """Whether a loop body's effect can depend on the order it sees the elements in.

    The body is order-insensitive when every statement is one of: adding to or removing from a
    collection by value (``s.add(x)``, ``d.pop(k, None)``, ``del d[k]``), counting (``n += 1``,
    ``total += len(x)``, ``|=``), storing under the element itself (``index[x] = ...``), setting
    a flag to a constant (``found = True``), returning a constant (``return True``, as ``any()``
    would), ``break``, ``continue``, ``pass``, or an ``if`` or inner loop made only of those. A flag set to two different constants, or two
    different constants returned, makes the first element that matches decide: sensitive.
    """

    def __init__(self, keys: FrozenSet[str] = frozenset()) -> None:
        self.constants: Dict[str, str] = {}
        #: Loop variables that differ for every element (a set's element, a dict's key): a store
        #: under one of them (``index[key] = value``) never overwrites another element's.
        self.keys = keys

    def insensitive(self, body: cst.BaseSuite) -> bool:
        if isinstance(body, cst.IndentedBlock):
            statements: Sequence[cst.BaseStatement] = body.body
        else:
            statements = [cst.SimpleStatementLine(body.body)]  # type: ignore[attr-defined]
        return bool(statements) and all(self._statement(statement) for statement in statements)

    def _statement(self, statement: cst.BaseStatement) -> bool:
        if isinstance(statement, cst.If):
            orelse = statement.orelse
            return self.insensitive(statement.body) and (
                orelse is None
                or (isinstance(orelse, cst.Else) and self.insensitive(orelse.body))
                or (isinstance(orelse, cst.If) and self._statement(orelse))
            )
        if isinstance(statement, (cst.For, cst.While)):
            return statement.orelse is None and self.insensitive(statement.body)
        if isinstance(statement, cst.SimpleStatementLine):
            return all(self._small(small) for small in statement.body)
        return False

    def _small(self, small: cst.BaseSmallStatement) -> bool:
        if isinstance(small, (cst.Pass, cst.Continue, cst.Break, cst.Del)):
            return True
        if isinstance(small, cst.Expr):
            call = small.value
            return (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and (
                    call.func.attr.value in SET_MUTATORS
                    or (call.func.attr.value == "pop" and len(call.args) >= 1)
                )
            )
        if isinstance(small, cst.AugAssign):
            if isinstance(small.operator, (cst.BitOrAssign, cst.BitAndAssign, cst.BitXorAssign)):
                return True
            return isinstance(small.operator, (cst.AddAssign, cst.SubtractAssign)) and _is_count(small.value)
        if isinstance(small, cst.Assign):
            return self._stores_under_a_key(small) or (
                all(isinstance(target.target, cst.Name) for target in small.targets)
                and self._same_constant(
                    tuple(target.target.value for target in small.targets), small.value  # type: ignore[attr-defined]
                )
            )
        if isinstance(small, cst.Return):
            return small.value is not None and self._same_constant(("return",), small.value)
        return False

    def _stores_under_a_key(self, assign: cst.Assign) -> bool:
        """``index[key] = value`` with ``key`` the element itself: each element writes its own entry."""
        if len(assign.targets) != 1 or not self.keys:
            return False
        target = assign.targets[0].target
        if not (isinstance(target, cst.Subscript) and isinstance(target.value, (cst.Name, cst.Attribute))):
            return False
        if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
            return False
        key = target.slice[0].slice.value
        return isinstance(key, cst.Name) and key.value in self.keys

    def _same_constant(self, keys: Tuple[str, ...], value: cst.BaseExpression) -> bool:
        if not _is_constant(value):
            return False
        text = cst.Module([]).code_for_node(value)
        for key in keys:
            if self.constants.setdefault(key, text) != text:
                return False
        return True


def order_insensitive_body(body: cst.BaseSuite, keys: FrozenSet[str] = frozenset()) -> bool:
    """Whether the loop body's effect is the same in any order; ``keys``: see ``_LoopBody``."""
    return _LoopBody(keys).insensitive(body)


def unique_keys(target: cst.BaseExpression, fact: Optional[TypeFact]) -> FrozenSet[str]:
    """The loop variables that differ for every element of what ``fact`` describes: the element
    of a set or of a dict's keys, the key of ``items()``. A set of pairs (``for a, b in pairs``)
    gives none: two pairs may share their first item."""
    if fact is None:
        return frozenset()
    if isinstance(target, cst.Name) and fact.view in (None, "keys"):
        return frozenset({target.value})
    if isinstance(target, (cst.Tuple, cst.List)) and fact.kind == DICT and fact.view == "items" and target.elements:
        first = target.elements[0].value
        if isinstance(first, cst.Name):
            return frozenset({first.value})
    return frozenset()


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
        keys = unique_keys(node.target, self._fact(node.iter))
        if node.orelse is not None or not order_insensitive_body(node.body, keys):
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
        qualified = self.names.qualified(node.func)
        if order.is_insensitive(node) and not _pairs_by_position(qualified, node):
            return
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
        elif qualified in EVERY_ARGUMENT_SINKS:
            for value in plain:
                self._check(value)
        elif qualified in AFTER_FUNCTION_SINKS:
            for value in plain[1:2] if qualified == "functools.reduce" else plain[1:]:
                self._check(value)
        elif _method_sink(qualified, node.func) and plain:
            self._check(plain[0])

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        """``out += a_set``: no set supports ``+``, so the target is a list (or like one)."""
        if isinstance(node.operator, cst.AddAssign):
            self._check(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        """``first, second = a_set``: which element lands in which name follows the order."""
        if any(isinstance(target.target, (cst.Tuple, cst.List)) for target in node.targets):
            self._check(node.value, fixable=False)

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


def _pairs_by_position(qualified: Optional[str], call: cst.Call) -> bool:
    """``enumerate(s)``, ``zip(s, t)``: the order decides which index or partner each element
    gets, so even ``sorted(enumerate(s))`` or ``set(zip(s, t))`` can see it."""
    return qualified == "builtins.enumerate" or (qualified == "builtins.zip" and len(call.args) > 1)


def _method_sink(qualified: Optional[str], func: cst.BaseExpression) -> bool:
    """``x.extend(...)``/``dict.fromkeys(...)``, on an object rather than a module function."""
    return qualified is None and isinstance(func, cst.Attribute) and func.attr.value in METHOD_SINKS


def _for_ins(for_in: cst.CompFor) -> Iterator[cst.CompFor]:
    current: Optional[cst.CompFor] = for_in
    while current is not None:
        yield current
        current = current.inner_for_in
