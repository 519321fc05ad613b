"""``InjectClock``: every wall-clock read DET101 reports becomes a call to an injected clock.

``--clock app.clock.now`` names the function. A called read becomes a call of it with no
arguments (``datetime.now(timezone.utc)`` -> ``now()``): the clock is expected to return what
the read returned, and where it may not (dropped arguments, a naive datetime) a warning says so:
a checklist for a human. A read passed on uncalled becomes the clock itself
(``default_factory=datetime.now`` -> ``default_factory=now``). The import is added through
``AddImportsVisitor`` (under an alias when the name is taken), and imports the reads leave
unused are removed through ``RemoveImportsVisitor``.

The reads are found by DET101 itself, on the same tree, with the file's ``extend-wall-clock``
config and ``# noqa`` comments. ``time.localtime()``, ``strftime(fmt)`` and the like read the
clock only for lack of a time argument and return something else than a time; they are left,
with a warning. Because one clock returns one kind of value, ``--reads`` limits the rewrite to
some reads (``--reads time.time,time.time_ns`` for a clock of epoch seconds).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Set, Tuple, Union

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ScopeProvider

from orch_lint.codemods._shared import reports_for
from orch_lint.model import Fix, Report
from orch_lint.rules.wall_clock import CLOCK_WITHOUT_ARGUMENT, WallClockRead


#: Reads that return a datetime without a timezone when called without arguments.
NAIVE_DATETIME_READS = frozenset({"datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today"})


@dataclass(frozen=True)
class ClockRead(Report):
    """A DET101 report with what the codemod needs: the read's qualified name and its call."""

    qualified: str = ""
    call: Optional[cst.Call] = None


class _ClockReads(WallClockRead):
    """DET101 exactly, recording for each read what it resolved to, while the scope is known."""

    def report(self, node: cst.CSTNode, message: Optional[str] = None, fix: Optional[Fix] = None) -> None:
        assert isinstance(node, (cst.Name, cst.Attribute))
        read = ClockRead(node, self.code, message or self.message, fix,
                         qualified=self.names.qualified(node) or "", call=self.names.call_of(node))
        self.context.reports.append(read)
        for hook in self.context.report_hooks:
            hook(read)


def dotted_name(text: str) -> str:
    """argparse type for ``--clock``: ``package.module.function``."""
    parts = text.split(".")
    if len(parts) < 2 or not all(part.isidentifier() for part in parts):
        raise argparse.ArgumentTypeError(f"expected package.module.function, got {text!r}")
    return text


class InjectClock(VisitorBasedCodemodCommand):
    DESCRIPTION = (
        "Replace wall-clock reads (DET101: datetime.now(), time.time(), ..., called or passed "
        "uncalled) with the clock function named by --clock package.module.function."
    )
    METADATA_DEPENDENCIES = (ScopeProvider,)  # RemoveImportsVisitor's scope analysis

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--clock", required=True, type=dotted_name, metavar="PACKAGE.MODULE.FUNCTION",
            help="the injected clock: its reads replace the wall-clock reads",
        )
        arg_parser.add_argument(
            "--reads", default=None, metavar="NAME,NAME",
            help="only these reads (qualified names, e.g. datetime.datetime.now); default: every DET101 read",
        )

    def __init__(self, context: CodemodContext, clock: str, reads: Optional[str] = None) -> None:
        super().__init__(context)
        self.clock_module, _, self.clock_function = dotted_name(clock).rpartition(".")
        self.only: Optional[FrozenSet[str]] = (
            frozenset(name.strip() for name in reads.split(",") if name.strip()) if reads else None
        )
        self.local = self.clock_function
        self._calls: Set[int] = set()
        self._references: Set[int] = set()

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        if self.context.full_module_name == self.clock_module:
            self.warn(f"left {self.clock_module}: it defines the clock, where the wall clock is read")
            return tree
        reads = self._reads(tree)
        if not reads:
            return tree
        self.local = self._local_name(tree)
        for read in reads:
            if read.call is not None:
                self._calls.add(id(read.call))
                self.remove_unused_import_by_node(read.call)
            else:
                self._references.add(id(read.node))
                self.remove_unused_import_by_node(read.node)
            self._warn_if_it_may_differ(tree, read)
        asname = self.local if self.local != self.clock_function else None
        self.add_needed_import(self.clock_module, self.clock_function, asname)
        return tree.visit(self)

    def _warn_if_it_may_differ(self, tree: cst.Module, read: ClockRead) -> None:
        """The warnings are the checklist a human goes through: where the clock may not return
        what the read returned (dropped arguments, a naive datetime)."""
        code = tree.code_for_node(read.call or read.node)
        if read.call is not None and read.call.args:
            self.warn(f"dropped the arguments of `{code}`: {self.local}() must return what it returned")
        elif read.qualified in NAIVE_DATETIME_READS:
            self.warn(f"`{code}` gives a naive datetime: check that {self.local}() gives what its users expect")

    def _reads(self, tree: cst.Module) -> List[ClockRead]:
        chosen = []
        for read in reports_for(tree, self.context, [_ClockReads]):
            assert isinstance(read, ClockRead)
            if self.only is not None and read.qualified not in self.only:
                continue
            if read.qualified in CLOCK_WITHOUT_ARGUMENT:
                self.warn(f"left `{tree.code_for_node(read.call or read.node)}`: `{read.qualified}` reads the "
                          "clock only without a time argument; pass it one from the injected clock by hand")
                continue
            chosen.append(read)
        return chosen

    def _local_name(self, tree: cst.Module) -> str:
        """The clock's name here: an existing import of it, else its own name, else one that is free."""
        taken = _Identifiers()
        tree.visit(taken)
        existing = taken.imported.get((self.clock_module, self.clock_function))
        if existing is not None:
            return existing
        name = self.clock_function
        while name in taken.names:
            name = f"{name}_clock" if not name.endswith("_clock") else f"_{name}"
        return name

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) in self._calls:
            return updated_node.with_changes(
                func=cst.Name(self.local), args=(), whitespace_before_args=cst.SimpleWhitespace("")
            )
        return updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return self._reference(original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._reference(original_node, updated_node)

    def _reference(
        self, original_node: Union[cst.Name, cst.Attribute], updated_node: Union[cst.Name, cst.Attribute]
    ) -> cst.BaseExpression:
        if id(original_node) in self._references:
            return cst.Name(self.local, lpar=updated_node.lpar, rpar=updated_node.rpar)
        return updated_node


class _Identifiers(cst.CSTVisitor):
    """Every name the module binds or reads (not attribute or keyword names), and its from-imports."""

    def __init__(self) -> None:
        super().__init__()
        self.names: Set[str] = set()
        #: (module, name) -> local name, for absolute ``from module import name [as local]``.
        self.imported: Dict[Tuple[str, str], str] = {}

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return True
        module = get_full_name_for_node(node.module) or ""
        for alias in node.names:
            name = alias.evaluated_name
            local = alias.evaluated_alias or name
            self.imported[(module, name)] = local
            self.names.add(local)
        return False
