"""The shared finder behind DET102-DET104: references to qualified names, called or handed on.

Each of these rules reports a read of a name that resolves (through the file's name model:
imports, aliases, shadowing) to one of its hazards: ``random.choice``, ``builtins.hash``,
``os.environ``. A reference handed on uncalled counts too (``key=random.random``), and for
names that are only a hazard when called (``random.Random()`` without a seed) the rule can ask
whether a reference is called here or later: a parameter default or a ``default_factory``.
"""

from __future__ import annotations

from typing import Optional, Set

import libcst as cst

from orch_lint.rule import FileContext, Rule


class NameReference(Rule):
    """Base for rules that report references to a set of qualified names."""

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        #: References handed on to be called later with no argument: defaults and factories.
        self._called_later: Set[int] = set()

    def check(self, node: cst.BaseExpression, qualified: str) -> None:
        """Report ``node`` if ``qualified`` (what it refers to) is a hazard of this rule."""
        raise NotImplementedError

    def called_without_arguments_later(self, node: cst.BaseExpression) -> bool:
        return id(node) in self._called_later

    def call_of(self, node: cst.BaseExpression) -> Optional[cst.Call]:
        return self.names.call_of(node)

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._called_later.add(id(node.default))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None and node.keyword.value == "default_factory":
            self._called_later.add(id(node.value))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._resolve(node)

    def visit_Name(self, node: cst.Name) -> None:
        self._resolve(node)

    def _resolve(self, node: cst.BaseExpression) -> None:
        # Every reference rule visits this node one after another, with the name model already
        # past it and nothing rebound in between: the first resolves it for all of them.
        resolved = self.context.resolved
        key = id(node)
        if key in resolved:
            qualified = resolved[key]
        else:
            qualified = resolved[key] = self.names.qualified(node)
        if qualified is not None:
            self.check(node, qualified)
