"""The base class of every rule, and the per-file context the engine hands each one.

A rule is a small ``BatchableCSTVisitor``: plain ``visit_<Node>`` methods, run in the engine's
one traversal beside every other rule. It reads the file's shared analyses from its context
(names, type facts, order-insensitive positions) and calls ``report``; it never parses, never
computes positions and never touches the disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Dict, FrozenSet, List, Optional, Sequence

import libcst as cst

from orch_lint.model import Fix, Invalid, Options, Report, Valid

if TYPE_CHECKING:
    from orch_lint.analysis.consumers import OrderContext
    from orch_lint.analysis.names import NameModel
    from orch_lint.analysis.types import TypeFacts


@dataclass
class FileContext:
    """Everything a rule may know about the file it is checking."""

    path: str
    module: cst.Module
    names: "NameModel"
    types: "TypeFacts"
    order: "OrderContext"
    options: Options = field(default_factory=Options)
    module_name: Optional[str] = None
    #: Cross-module facts (import graph, call graph), when the runner built them.
    project: Any = None
    reports: List[Report] = field(default_factory=list)
    #: Called with each report as it is made, by analyses that must know where it was made.
    report_hooks: List[Callable[[Report], None]] = field(default_factory=list)
    #: What each Name or Attribute node refers to, resolved by the first rule to visit it: the
    #: reference rules all ask, in turn, at the same point of the traversal (``_references``).
    resolved: Dict[int, Optional[str]] = field(default_factory=dict)

    def code_for(self, node: cst.CSTNode, limit: int = 40) -> str:
        """The node's source, on one line and shortened, for messages."""
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= limit else text[: limit - 3] + "..."


class Rule(cst.BatchableCSTVisitor):
    """One determinism hazard: its code, its message, its examples, and how to find it."""

    code: ClassVar[str] = ""
    #: A short kebab-case name, as SARIF and ``orch-lint rules`` show it.
    name: ClassVar[str] = ""
    #: One line: what the rule reports.
    summary: ClassVar[str] = ""
    message: ClassVar[str] = ""
    valid: ClassVar[Sequence[Valid]] = ()
    invalid: ClassVar[Sequence[Invalid]] = ()
    #: Top-level modules one of which a file must mention for the rule to report in it (its
    #: findings are qualified names under them); empty: the rule may report anywhere.
    modules: ClassVar[FrozenSet[str]] = frozenset()

    @classmethod
    def needed_modules(cls, options: Options) -> FrozenSet[str]:
        """``modules``, widened by options that name more (e.g. ``extend-wall-clock``)."""
        return cls.modules

    @classmethod
    def relevant(cls, source: str, options: Options, module_name: Optional[str] = None) -> bool:
        """Whether the rule can report anything in ``source``: a cheap text test, before parsing.

        A name resolves to ``time.time`` only through an import that spells ``time`` (or a
        relative import inside a package named so), so a file whose text never mentions any of
        the rule's modules cannot hold a finding of it and the rule is not instantiated there.
        """
        roots = cls.needed_modules(options)
        if not roots or (module_name is not None and module_name.partition(".")[0] in roots):
            return True
        return any(root in source for root in roots)

    def __init__(self, context: FileContext) -> None:
        super().__init__()
        self.context = context

    @property
    def names(self) -> "NameModel":
        return self.context.names

    @property
    def options(self) -> Options:
        return self.context.options

    def report(self, node: cst.CSTNode, message: Optional[str] = None, fix: Optional[Fix] = None) -> None:
        made = Report(node, self.code, message or self.message, fix)
        self.context.reports.append(made)
        for hook in self.context.report_hooks:
            hook(made)

    @classmethod
    def describe(cls) -> Dict[str, str]:
        return {"code": cls.code, "name": cls.name, "summary": cls.summary}
