"""DET203: taking "any" element of a set, which is the first one in hash order."""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from orch_lint.analysis.types import SET, TypeFact
from orch_lint.model import Fix, Invalid, Valid
from orch_lint.rule import Rule


_NO_SPACES = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


class ArbitraryElement(Rule):
    """``s.pop()`` and ``next(iter(s))`` pick whichever element hashes first: a different one per run."""

    code = "DET203"
    name = "arbitrary-set-element"
    summary = "set.pop() or next(iter(s)) on a set: an element picked by hash order"
    message = "arbitrary element of set `{expr}` via {how}: picked in hash order; choose one explicitly (min(), sorted())"

    valid = [
        Valid("def f(queue: list[str]):\n    return queue.pop()\n"),
        Valid("def f(d: dict[str, int]):\n    return d.pop('k'), d.pop('j', 0)\n"),
        Valid("def f(items):\n    return items.pop(), next(iter(items))\n"),
        Valid("def f(s: set[str]):\n    return min(s), sorted(s)[0]\n"),
        Valid("def f(d: dict[str, int]):\n    return next(iter(d))\n"),
        Valid("def f(s: set[str]):\n    s.discard('x')\n    s.remove('y')\n"),
    ]
    invalid = [
        Invalid("def f(ready: set[str]):\n    return ready.pop()\n", at=(2, 12), message="`ready` via pop()"),
        Invalid("pending = {'b', 'a'}\nwhile pending:\n    name = pending.pop()\n", at=(3, 12)),
        Invalid(
            "def f(s: set[str]):\n    return next(iter(s))\n", at=(2, 12),
            fixed="def f(s: set[str]):\n    return min(s)\n",
        ),
        Invalid(
            "def f(s: frozenset[int]):\n    return next(iter(s), None)\n", at=(2, 12),
            fixed="def f(s: frozenset[int]):\n    return min(s, default=None)\n",
        ),
        Invalid(
            "def f(a, b):\n    return next(iter(set(a) - set(b)))\n", at=(2, 12), fix_safe=False,
            fixed="def f(a, b):\n    return min(set(a) - set(b))\n",
        ),
        Invalid("class Q:\n    def __init__(self):\n        self.ready: set[str] = set()\n"
                "    def take(self):\n        return self.ready.pop()\n", at=(5, 16)),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "pop" and not node.args:
            if self._set_fact(func.value) is not None:
                self.report(node, self.message.format(expr=self.context.code_for(func.value), how="pop()"))
            return
        if self.names.qualified(func) != "builtins.next":
            return
        arguments = _positional(node)
        if not arguments or len(arguments) > 2 or len(arguments) != len(node.args):
            return
        inner = arguments[0]
        if not (isinstance(inner, cst.Call) and self.names.qualified(inner.func) == "builtins.iter"):
            return
        inner_arguments = _positional(inner)
        if len(inner_arguments) != 1 or len(inner.args) != 1:
            return
        fact = self._set_fact(inner_arguments[0])
        if fact is not None:
            self.report(
                node,
                self.message.format(expr=self.context.code_for(inner_arguments[0]), how="next(iter())"),
                self._min_fix(node, inner_arguments[0], arguments[1:], fact),
            )

    def _set_fact(self, node: cst.BaseExpression) -> Optional[TypeFact]:
        fact = self.context.types.expression_fact(node)
        return fact if fact is not None and fact.kind == SET and fact.view is None else None

    def _min_fix(
        self, call: cst.Call, iterable: cst.BaseExpression, default: List[cst.BaseExpression], fact: TypeFact
    ) -> Optional[Fix]:
        """``next(iter(s)[, d])`` -> ``min(s[, default=d])``: the smallest is one arbitrary pick,
        the same every run. Safe when the elements always compare; none when ``min`` is rebound."""
        if self.names.lookup("min") != "builtins.min":
            return None
        args = [cst.Arg(iterable)] + [cst.Arg(value, keyword=cst.Name("default"), equal=_NO_SPACES) for value in default]
        replacement = call.with_changes(func=cst.Name("min"), args=args)
        return Fix(call, replacement, safe=fact.sorts_safely, description="next(iter(s)) -> min(s)")


def _positional(call: cst.Call) -> List[cst.BaseExpression]:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]
