"""Hazards reached through calls (DET401): per-module call facts, and the project call graph.

Each module yields a ``CallSummary``: for every function and method, the hazards in its own body
(what DET101-DET104 and DET204 report, ``# noqa`` or not) and the calls it makes to names that
may be first-party functions, each resolved as far as the file alone allows. The ``CallGraph``
joins the summaries of a whole project, follows re-exports, and finds for any function the
shortest chain of calls to a hazard. Calls it cannot resolve (dynamic dispatch, third-party
code) lead nowhere: silence, never a guess.
"""

from __future__ import annotations

import fnmatch
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from orch_lint.analysis.names import LOCAL, NameModel
from orch_lint.model import Report

#: The per-file hazards that make a function unsafe to call from the core, and what they are.
HAZARD_KINDS: Dict[str, str] = {
    "DET101": "wall clock",
    "DET102": "entropy",
    "DET103": "process-salted value",
    "DET104": "environment",
    "DET204": "filesystem order",
}
PARTIAL = frozenset({"functools.partial", "functools.partialmethod"})
_BACKTICKED = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Hazard:
    line: int
    code: str
    name: str


@dataclass(frozen=True)
class CallSite:
    """A call (or a reference handed on) to ``target``, inside ``caller`` (None: module level)."""

    target: str
    line: int
    column: int
    caller: Optional[str]


@dataclass(frozen=True)
class FunctionFacts:
    qualname: str
    line: int
    hazards: Tuple[Hazard, ...] = ()
    calls: Tuple[CallSite, ...] = ()


@dataclass(frozen=True)
class CallSummary:
    """What one module contributes to the call graph; plain data, so it pickles and caches."""

    module: str
    path: str
    functions: Tuple[FunctionFacts, ...] = ()
    #: Module-level names bound by imports: local name -> qualified name (for re-exports).
    imports: Tuple[Tuple[str, str], ...] = ()
    classes: Tuple[str, ...] = ()
    #: Every resolvable call site in the module, with its column, for reporting DET401.
    sites: Tuple[CallSite, ...] = ()


def hazard_name(report: Report) -> str:
    match = _BACKTICKED.search(report.message)
    return match.group(1) if match else report.code


class CallSites(cst.BatchableCSTVisitor):
    """Collects call sites and attributes each hazard report to its function, in the one traversal."""

    def __init__(self, names: NameModel, module: cst.Module) -> None:
        super().__init__()
        self.names = names
        self.module_name = names.module_name or "__main__"
        self._defs: Set[str] = set()
        self._classes: Set[str] = set()
        for statement in module.body:
            if isinstance(statement, cst.FunctionDef):
                self._defs.add(statement.name.value)
            elif isinstance(statement, cst.ClassDef):
                self._classes.add(statement.name.value)
        self._stack: List[Tuple[str, cst.FunctionDef]] = []
        self._class_stack: List[str] = []
        #: Nodes whose call site is recorded, with the caller, resolved target and node.
        self.raw_sites: List[Tuple[cst.CSTNode, str, Optional[str]]] = []
        self.functions: Dict[str, cst.FunctionDef] = {}
        self.function_of_node: Dict[int, Optional[str]] = {}
        self._not_references: Set[int] = set()

    # -- where we are ----------------------------------------------------------------------

    @property
    def current(self) -> Optional[str]:
        return self._stack[0][0] if self._stack else None

    def on_report(self, report: Report) -> None:
        """Remember which function a hazard was reported in (we are visiting it right now)."""
        self.function_of_node[id(report.node)] = self.current

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._class_stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._class_stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self._stack:
            owner = ".".join(self._class_stack)
            qualname = f"{self.module_name}.{owner + '.' if owner else ''}{node.name.value}"
            self.functions[qualname] = node
        else:
            qualname = self._stack[0][0]  # a nested def belongs to the function defining it
        self._stack.append((qualname, node))
        self._bind_annotated_params(node.params)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._stack.pop()

    # -- resolution ------------------------------------------------------------------------

    def _bind_annotated_params(self, params: cst.Parameters) -> None:
        for param in list(params.posonly_params) + list(params.params) + list(params.kwonly_params):
            if param.annotation is not None:
                target = self.resolve(param.annotation.annotation)
                if target is not None:
                    self.names.scope.callables[param.name.value] = f"instance:{target}"

    def resolve(self, node: cst.BaseExpression) -> Optional[str]:
        """The qualified name ``node`` refers to, if it may be a first-party function or class."""
        if isinstance(node, cst.Name):
            scope = self.names.binding_scope(node.value)
            if scope is None:
                return None
            bound = scope.bindings[node.value]
            if bound != LOCAL:
                return None if bound.startswith("builtins.") else bound
            known = scope.callables.get(node.value)
            if known is not None and known.startswith("ref:"):
                return known[4:]
            if scope.kind == "module" and (node.value in self._defs or node.value in self._classes):
                return f"{self.module_name}.{node.value}"
            return None
        if isinstance(node, cst.Attribute):
            method = node.attr.value
            receiver = node.value
            if isinstance(receiver, cst.Name):
                function = self.names.enclosing_function()
                if function is not None and function.self_name == receiver.value and function.owner_class:
                    if self.names.lookup(receiver.value) == LOCAL:
                        return f"{self.module_name}.{function.owner_class}.{method}"
                scope = self.names.binding_scope(receiver.value)
                known = scope.callables.get(receiver.value) if scope is not None else None
                if known is not None and known.startswith("instance:"):
                    return f"{known[len('instance:'):]}.{method}"
                if scope is not None and scope.kind == "module" and receiver.value in self._classes:
                    return f"{self.module_name}.{receiver.value}.{method}"
            qualified = self.names.qualified(node)
            if qualified is not None:
                return qualified
            if isinstance(receiver, cst.Call):
                constructed = self.resolve(receiver.func)
                if constructed is not None:
                    return f"{constructed}.{method}"
        return None

    def _record(self, node: cst.CSTNode, target: Optional[str]) -> None:
        if target is not None:
            self.raw_sites.append((node, target, self.current))

    def visit_Call(self, node: cst.Call) -> None:
        target = self.resolve(node.func)
        if target in PARTIAL:
            if node.args:  # reported where the partial is called, not where it is made
                self._not_references.add(id(node.args[0].value))
            return
        self._record(node, target)

    def visit_Arg(self, node: cst.Arg) -> None:
        value = node.value
        if isinstance(value, (cst.Name, cst.Attribute)) and self.names.call_of(value) is None:
            if id(value) not in self._not_references:
                self._record(value, self.resolve(value))

    def leave_Assign(self, original_node: cst.Assign) -> None:
        value = original_node.value
        binding: Optional[str] = None
        if isinstance(value, cst.Call):
            func_target = self.resolve(value.func)
            if func_target in PARTIAL and value.args:
                inner = self.resolve(value.args[0].value)
                binding = f"ref:{inner}" if inner else None
            elif func_target is not None and func_target.split(".")[-1][:1].isupper():
                binding = f"instance:{func_target}"
        elif isinstance(value, (cst.Name, cst.Attribute)):
            target = self.resolve(value)
            binding = f"ref:{target}" if target else None
        for target_node in original_node.targets:
            if isinstance(target_node.target, cst.Name):
                callables = self.names.scope.callables
                if binding is None:
                    callables.pop(target_node.target.value, None)
                else:
                    callables[target_node.target.value] = binding


def build_summary(
    sites: CallSites,
    hazard_reports: Sequence[Report],
    positions: Dict[int, Tuple[int, int]],
    path: str,
) -> CallSummary:
    """Join the traversal's call sites and hazard reports into the module's summary."""
    by_function: Dict[str, List[Hazard]] = {name: [] for name in sites.functions}
    calls: Dict[str, List[CallSite]] = {name: [] for name in sites.functions}
    every_site: List[CallSite] = []
    for node, target, caller in sites.raw_sites:
        line, column = positions[id(node)]
        site = CallSite(target, line, column, caller)
        every_site.append(site)
        if caller is not None:
            calls[caller].append(site)
    for report, caller in hazard_reports_with_callers(sites, hazard_reports):
        if caller is not None:
            line, _ = positions[id(report.node)]
            by_function[caller].append(Hazard(line, report.code, hazard_name(report)))
    functions = tuple(
        FunctionFacts(name, positions[id(node)][0], tuple(by_function[name]), tuple(calls[name]))
        for name, node in sorted(sites.functions.items())
    )
    module_scope = sites.names.scopes[0]
    imports = tuple(sorted((k, v) for k, v in module_scope.bindings.items() if v != LOCAL))
    classes = tuple(sorted(f"{sites.module_name}.{c}" for c in sites._classes))
    return CallSummary(sites.module_name, path, functions, imports, classes, tuple(every_site))


def hazard_reports_with_callers(
    sites: CallSites, reports: Sequence[Report]
) -> Iterable[Tuple[Report, Optional[str]]]:
    for report in reports:
        if report.code in HAZARD_KINDS:
            yield report, sites.function_of_node.get(id(report.node))


@dataclass(frozen=True)
class Hop:
    """One function on a chain, and the line in it where the chain goes on."""

    qualname: str
    path: str
    line: int


@dataclass(frozen=True)
class Chain:
    """From a called function to the hazard it reaches: the hops, then the hazard itself."""

    hops: Tuple[Hop, ...]
    hazard: str
    kind: str

    def render(self, caller: str) -> str:
        """``decide() -> app.util.helpers.stamp (app/util/helpers.py:7) -> time.time (wall clock)``."""
        parts = [caller if caller.startswith("<") else f"{caller}()"] + [f"{hop.qualname} ({hop.path}:{hop.line})" for hop in self.hops]
        return " -> ".join(parts + [f"{self.hazard} ({self.kind})"])


@dataclass
class CallGraph:
    """The project's summaries joined: resolve a name to a function, find chains to hazards."""

    summaries: Sequence[CallSummary]
    deterministic: Sequence[str] = ()
    _functions: Dict[str, FunctionFacts] = field(default_factory=dict, init=False)
    _paths: Dict[str, str] = field(default_factory=dict, init=False)
    _imports: Dict[str, Dict[str, str]] = field(default_factory=dict, init=False)
    _classes: Set[str] = field(default_factory=set, init=False)
    _chains: Dict[str, Optional[Chain]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for summary in self.summaries:
            self._imports[summary.module] = dict(summary.imports)
            self._classes.update(summary.classes)
            for function in summary.functions:
                self._functions[function.qualname] = function
                self._paths[function.qualname] = summary.path

    def is_deterministic(self, qualname: str) -> bool:
        return any(fnmatch.fnmatchcase(qualname, pattern) for pattern in self.deterministic)

    def resolve(self, name: str, depth: int = 0) -> Optional[str]:
        """The function ``name`` denotes: itself, a class's ``__init__``, or through re-exports."""
        if depth > 10:
            return None
        if name in self._functions:
            return name
        if name in self._classes:
            return self.resolve(f"{name}.__init__", depth + 1)
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module, rest = ".".join(parts[:cut]), parts[cut:]
            imports = self._imports.get(module)
            if imports is not None:
                bound = imports.get(rest[0])
                if bound is None or bound == name:
                    return None
                return self.resolve(".".join([bound, *rest[1:]]), depth + 1)
        return None

    def path_of(self, qualname: str) -> str:
        return self._paths.get(qualname, "?")

    def chain(self, qualname: str) -> Optional[Chain]:
        """The shortest chain from ``qualname`` to a hazard, or None when it reaches none.

        Breadth-first over the call graph, so the chain is a shortest one and cycles end.
        """
        if qualname in self._chains:
            return self._chains[qualname]
        result = self._search(qualname)
        self._chains[qualname] = result
        return result

    def _search(self, start: str) -> Optional[Chain]:
        if self.is_deterministic(start) or start not in self._functions:
            return None
        parents: Dict[str, Optional[Tuple[str, int]]] = {start: None}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            facts = self._functions[current]
            if facts.hazards:
                hazard = min(facts.hazards, key=lambda h: (h.line, h.code))
                hops: List[Hop] = [Hop(current, self.path_of(current), hazard.line)]
                node = current
                while parents[node] is not None:
                    parent, line = parents[node]  # type: ignore[misc]
                    hops.insert(0, Hop(parent, self.path_of(parent), line))
                    node = parent
                return Chain(tuple(hops), hazard.name, HAZARD_KINDS[hazard.code])
            for site in facts.calls:
                callee = self.resolve(site.target)
                if callee is None or callee in parents or self.is_deterministic(callee):
                    continue
                parents[callee] = (current, site.line)
                queue.append(callee)
        return None
