"""One module in, findings (and fixed source) out.

Parse once; build the shared analyses (names, type facts, order-insensitive positions) and run
every rule in one batched traversal; resolve positions only if something was reported; drop
what ``# noqa`` suppresses; apply the chosen fixes in one transformer pass and check that the
result still parses. No file I/O here: the runner reads and writes.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Collection, Dict, List, Optional, Sequence, Set, Tuple, Type, cast

import libcst as cst
from libcst.metadata import MetadataWrapper, WhitespaceInclusivePositionProvider

from orch_lint.analysis.callgraph import HAZARD_KINDS, CallGraph, CallSites, CallSummary, build_summary
from orch_lint.analysis.consumers import OrderContext
from orch_lint.analysis.names import NameModel
from orch_lint.analysis.types import TypeFacts
from orch_lint.model import Finding, Fix, LintError, Options, Report
from orch_lint.nesting import deep_recursion, on_deep_stack, refusal
from orch_lint.anchors import Anchors, anchored_positions
from orch_lint.positions import start_positions
from orch_lint.rule import FileContext, Rule
from orch_lint.rules import ALL_RULES, RULES_BY_CODE
from orch_lint.rules.hazard_call import HazardousCall
from orch_lint.rules.unused_noqa import UnusedNoqa
from orch_lint.suppression import Noqa, noqa_comments
from orch_lint.traversal import walk

#: How many times a module was parsed, for the test that proves each file is parsed once.
PARSE_COUNT = 0


@dataclass(frozen=True)
class LintResult:
    """The outcome for one file: findings, or the error that stopped it, and any fixed source."""

    path: str
    findings: Tuple[Finding, ...] = ()
    error: Optional[LintError] = None
    #: The source after applying fixes, when fixing was asked for and something changed.
    fixed_source: Optional[str] = None
    #: Findings whose fix was applied (they are not in ``findings``).
    fixed: Tuple[Finding, ...] = ()
    #: Findings a ``# noqa`` comment suppressed (kept for unused-suppression checks).
    suppressed: Tuple[Finding, ...] = field(default=(), compare=False)
    #: The module's call facts (when DET401 is selected), for the project call graph.
    call_summary: Optional[CallSummary] = field(default=None, compare=False)
    #: The module's noqa comments, for findings decided after the file (DET401).
    noqa: Tuple[Noqa, ...] = field(default=(), compare=False)
    #: Each reported fix as a text edit, when asked for (SARIF ``fixes``).
    edits: Tuple[Tuple[Finding, "TextEdit"], ...] = field(default=(), compare=False)
    #: Noqa comments naming DET401 while its findings are deferred: DET900 judges them after.
    pending_noqa: Tuple[Noqa, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class TextEdit:
    """A fix as text: replace the target's range (1-based, end exclusive) by ``text``."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str
    description: str
    safe: bool


def parse(source: str, path: str) -> "cst.Module | LintError":
    """Parse once, turning every parser failure into a one-line error naming the position."""
    global PARSE_COUNT
    PARSE_COUNT += 1
    refused = refusal(source, path)
    if refused is not None:
        return refused
    try:
        with deep_recursion():
            return cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return _syntax_error(source, path, error)
    except RecursionError:
        return LintError(path, "cannot parse: expression nested too deeply")
    except Exception as error:  # libcst raises a few other types for odd input; never crash
        return LintError(path, f"cannot parse: {type(error).__name__}: {error}".splitlines()[0])


def _syntax_error(source: str, path: str, error: cst.ParserSyntaxError) -> LintError:
    """Ask CPython where the syntax breaks: its line, column and wording beat the CST parser's."""
    try:
        with warnings.catch_warnings():  # a warning about the checked code is not ours to print
            warnings.simplefilter("ignore")
            compile(source, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python_error:
        return LintError(
            path, f"cannot parse: {python_error.msg}", python_error.lineno or 1, python_error.offset or 1
        )
    except (ValueError, RecursionError, MemoryError):
        python_reads_it = False
    else:
        python_reads_it = True
    message = str(error.message).splitlines()[0] if error.message else "invalid syntax"
    if python_reads_it:  # a limit of LibCST's, not an error in the file: say so
        message = f"valid Python that LibCST's parser rejects ({message})"
    return LintError(path, f"cannot parse: {message}", error.raw_line, error.raw_column + 1)


@dataclass
class Analysis:
    """What one traversal produced: the selected rules' reports and, for DET401, call facts."""

    reports: List[Report]
    #: Reports of hazard rules run only to feed the call graph (not selected for this file).
    hidden_reports: List[Report] = field(default_factory=list)
    calls: Optional[CallSites] = None
    #: Calls and functions numbered in source order, to read their positions from ``ast``.
    anchors: Optional[Anchors] = None


def analyse(
    module: cst.Module,
    path: str,
    rules: Sequence[Type[Rule]],
    options: Options,
    module_name: Optional[str] = None,
    is_package: bool = False,
    project: Any = None,
) -> List[Report]:
    """Run the shared analyses and every rule over ``module`` in one traversal."""
    return analyse_file(module, path, rules, options, module_name, is_package, project).reports


def analyse_file(
    module: cst.Module,
    path: str,
    rules: Sequence[Type[Rule]],
    options: Options,
    module_name: Optional[str] = None,
    is_package: bool = False,
    project: Any = None,
    collect_calls: bool = False,
    source: Optional[str] = None,
) -> Analysis:
    """The one traversal: shared analyses, the rules, and (for DET401) the call-site collector.

    When call facts are wanted, the hazard rules run even where they are not selected: a
    function's hazards count for its callers whatever this file's own rule selection is.
    Given the ``source``, a rule that cannot report in it (``Rule.relevant``) is not run.
    """
    names = NameModel(module_name, is_package)
    types = TypeFacts(names)
    if project is not None and hasattr(project, "external_facts"):
        types.external.update(project.external_facts(module_name))
    types.prescan(module)
    order = OrderContext(names)
    context = FileContext(path, module, names, types, order, options, module_name, project)
    anchors = Anchors()
    context.report_hooks.append(anchors.on_report)
    visitors: List[cst.BatchableCSTVisitor] = [names, types, order, anchors]
    selected = {rule.code for rule in rules}
    calls: Optional[CallSites] = None
    extra: List[Type[Rule]] = []
    if collect_calls or HazardousCall.code in selected:
        calls = CallSites(names, module)
        visitors.append(calls)
        context.report_hooks.append(calls.on_report)
        extra = [RULES_BY_CODE[c] for c in HAZARD_KINDS if c in RULES_BY_CODE and c not in selected]
    visitors.extend(
        rule(context)
        for rule in list(rules) + extra
        if source is None or rule.relevant(source, options, module_name)
    )
    walk(module, visitors)
    shown = [r for r in context.reports if r.code in selected]
    hidden = [r for r in context.reports if r.code not in selected]
    return Analysis(shown, hidden, calls, anchors)


def summarize_calls(
    module: cst.Module, path: str, options: Options, module_name: Optional[str], is_package: bool = False,
    source: Optional[str] = None,
) -> CallSummary:
    """The call facts of a first-party module outside the core (it is not linted, only summarized)."""
    analysis = analyse_file(module, path, (), options, module_name, is_package, collect_calls=True, source=source)
    return _call_summary(module, analysis, path, source)


def node_positions(
    module: cst.Module, nodes: List[cst.CSTNode], source: Optional[str], anchors: Optional[Anchors]
) -> Dict[int, Tuple[int, int]]:
    """Start positions: from ``ast`` for the anchored nodes, by code generation for the rest."""
    if nodes and source is not None and anchors is not None:
        anchored = anchored_positions(source, anchors, nodes, module)
        if anchored is not None:
            rest = [node for node in nodes if id(node) not in anchored]
            if rest:
                anchored.update(start_positions(module, rest))
            return anchored
    return start_positions(module, nodes)


def _call_summary(module: cst.Module, analysis: Analysis, path: str, source: Optional[str] = None) -> CallSummary:
    calls = analysis.calls
    assert calls is not None
    hazards = [r for r in analysis.reports + analysis.hidden_reports if r.code in HAZARD_KINDS]
    nodes: List[cst.CSTNode] = [r.node for r in hazards]
    nodes += [node for node, _, _ in calls.raw_sites]
    nodes += list(calls.functions.values())
    positions = node_positions(module, nodes, source, analysis.anchors)
    return build_summary(calls, hazards, positions, path)


def lint_source(
    source: str,
    path: str = "<string>",
    *,
    rules: Optional[Sequence[Type[Rule]]] = None,
    options: Optional[Options] = None,
    module_name: Optional[str] = None,
    is_package: bool = False,
    project: Any = None,
    apply_noqa: bool = True,
    fix: bool = False,
    unsafe_fixes: bool = False,
    defer_calls: bool = False,
    enabled: Optional[Collection[str]] = None,
    edits: bool = False,
) -> LintResult:
    """Lint one module's source. Pure: the same inputs always give the same result.

    Whatever the source, this returns: code too deeply nested, or nested deeper than the
    recursion limit allows, is the file's ``error`` (``nesting`` explains the big stack it runs on).
    """

    def lint() -> LintResult:
        parsed = parse(source, path)
        if isinstance(parsed, LintError):
            return LintResult(path, error=parsed)
        with deep_recursion():
            return lint_module(
                parsed, path, rules=rules, options=options, module_name=module_name, is_package=is_package,
                project=project, apply_noqa=apply_noqa, fix=fix, unsafe_fixes=unsafe_fixes, source=source,
                defer_calls=defer_calls, enabled=enabled, edits=edits,
            )

    try:
        return on_deep_stack(lint)
    except (RecursionError, MemoryError):
        return LintResult(path, error=LintError(path, "cannot analyse: code nested too deeply"))


def lint_module(
    parsed: cst.Module,
    path: str = "<string>",
    *,
    rules: Optional[Sequence[Type[Rule]]] = None,
    options: Optional[Options] = None,
    module_name: Optional[str] = None,
    is_package: bool = False,
    project: Any = None,
    apply_noqa: bool = True,
    fix: bool = False,
    unsafe_fixes: bool = False,
    source: Optional[str] = None,
    defer_calls: bool = False,
    enabled: Optional[Collection[str]] = None,
    edits: bool = False,
) -> LintResult:
    """Lint an already parsed module: the seam the codemods use, so they never parse twice.

    With DET401 selected, the module's call summary is returned too; its DET401 findings are
    computed here against the module alone, or, with ``defer_calls``, left to the runner, which
    computes them once every module of the project has been summarized.

    With DET900 selected, every noqa naming a DET code is judged once the other findings are
    known. ``enabled`` is the codes the config enables for the file (default: every rule); only
    their noqa codes are judged. ``apply_noqa=False`` (flake8 applies noqa itself) still judges.
    ``edits`` asks for each fix as a text edit as well.
    """
    options = options or Options()
    active = tuple(ALL_RULES if rules is None else rules)
    judging = any(rule.code == UnusedNoqa.code for rule in active)
    silent = UnusedNoqa.companions(active, ALL_RULES, enabled) if judging else ()
    hidden = {rule.code for rule in silent}
    try:
        analysis = analyse_file(
            parsed, path, active + silent, options, module_name, is_package, project, source=source
        )
        call_summary = _call_summary(parsed, analysis, path, source) if analysis.calls is not None else None
    except RecursionError:
        return LintResult(path, error=LintError(path, "cannot analyse: code nested too deeply"))
    reports = analysis.reports
    text = (parsed.code if source is None else source) if apply_noqa or judging else ""
    candidates = UnusedNoqa.candidates(parsed, text) if judging else []
    covering = noqa_comments(text) if apply_noqa or candidates else {}
    noqa = covering if apply_noqa else {}
    call_findings: Tuple[List[Finding], List[Finding]] = ([], [])
    if call_summary is not None and not defer_calls:
        graph = CallGraph([call_summary], deterministic=options.deterministic)
        call_findings = HazardousCall.findings(call_summary, graph, path, noqa)
    if not reports and not call_findings[0] and not call_findings[1] and not candidates:
        return LintResult(path, call_summary=call_summary, noqa=tuple(noqa.values()))
    positions = node_positions(parsed, [r.node for r in reports] + [c.comment for c in candidates], source, analysis.anchors)
    kept: List[Tuple[Finding, Optional[Fix]]] = []
    suppressed: List[Finding] = []
    #: Findings a noqa comment covers, applied or not: what DET900 judges the comments by.
    covered: List[Finding] = []
    seen: Set[Tuple[int, int, str]] = set()
    for report in reports:
        line, column = positions[id(report.node)]
        if (line, column, report.code) in seen:
            continue
        seen.add((line, column, report.code))
        finding = Finding(
            path, line, column, report.code, report.message,
            fixable=report.fix is not None, fix_safe=report.fix is not None and report.fix.safe,
        )
        comment = covering.get(line)
        hit = comment is not None and comment.suppresses(report.code)
        if hit:
            covered.append(finding)
        if report.code in hidden:
            continue
        if hit and apply_noqa:
            suppressed.append(finding)
        else:
            kept.append((finding, report.fix))
    for finding in call_findings[0] + call_findings[1]:
        comment = covering.get(finding.line)
        if comment is not None and comment.suppresses(finding.code):
            covered.append(finding)
    if HazardousCall.code not in hidden:
        kept.extend((finding, None) for finding in call_findings[0])
        suppressed.extend(call_findings[1])
    pending: Tuple[Noqa, ...] = ()
    if candidates:
        ran = {rule.code for rule in active + silent} - {UnusedNoqa.code}
        if defer_calls and HazardousCall.code in ran:
            # DET401's findings are decided later, by the runner: its codes are judged then
            ran.discard(HazardousCall.code)
            pending = UnusedNoqa.pending(candidates, positions, HazardousCall.code)
        for finding, stale_fix in UnusedNoqa.findings(candidates, positions, covered, ran, path):
            comment = noqa.get(finding.line)
            if comment is not None and comment.suppresses(finding.code):
                suppressed.append(finding)
            else:
                kept.append((finding, stale_fix))
    kept.sort(key=lambda pair: pair[0])
    if not fix:
        result = LintResult(path, tuple(f for f, _ in kept), suppressed=tuple(sorted(suppressed)))
        if edits:
            result = replace(result, edits=_text_edits(parsed, kept))
    elif source is not None and parsed.code != source:
        # LibCST drops a final bare "\r": writing its output back would change more than the fix
        message = "cannot fix: the file does not round-trip through LibCST (bare CR line endings?)"
        result = LintResult(path, tuple(f for f, _ in kept), error=LintError(path, message))
    else:
        result = _apply_fixes(parsed, path, kept, tuple(sorted(suppressed)), unsafe_fixes)
        if result.fixed_source is not None:
            # what remains is reported where it now stands, as `check` on the fixed file reports it;
            # what the fixes made fixable (a noqa whose finding a fix removed) is fixed now, so that
            # a second `fix` never has anything to do
            after = lint_source(
                result.fixed_source, path, rules=rules, options=options, module_name=module_name,
                is_package=is_package, project=project, apply_noqa=apply_noqa, defer_calls=defer_calls,
                enabled=enabled, fix=True, unsafe_fixes=unsafe_fixes,
            )
            if after.fixed_source is not None:
                result = replace(result, fixed_source=after.fixed_source, fixed=result.fixed + after.fixed)
            return replace(result, findings=after.findings, suppressed=after.suppressed,
                           call_summary=after.call_summary, noqa=after.noqa, pending_noqa=after.pending_noqa)
    return replace(result, call_summary=call_summary, noqa=tuple(noqa.values()), pending_noqa=pending)


def _text_edits(
    module: cst.Module, kept: List[Tuple[Finding, Optional[Fix]]]
) -> Tuple[Tuple[Finding, TextEdit], ...]:
    """Each fix as a text edit: its target's whole span (parentheses and owned whitespace
    included, as the replacement's code includes its own) and the replacement's code."""
    fixes = [(finding, fix) for finding, fix in kept if fix is not None]
    if not fixes:
        return ()
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(WhitespaceInclusivePositionProvider)
    edits = []
    for finding, fix in fixes:
        where = ranges[fix.target]
        removed = isinstance(fix.replacement, cst.RemovalSentinel)
        text = "" if removed else module.code_for_node(fix.replacement)
        if "\n" in text or "\r" in text:  # indentation comes from the context: render it there
            text = _rendered_in_place(module, fix, where)
        edit = TextEdit(
            where.start.line, where.start.column + 1, where.end.line, where.end.column + 1,
            text, fix.description, fix.safe,
        )
        edits.append((finding, edit))
    return tuple(edits)


def _rendered_in_place(module: cst.Module, fix: Fix, where: Any) -> str:
    """The replacement's code as the fixed module holds it: everything around it is unchanged."""
    fixed = cast(cst.Module, module.deep_replace(fix.target, fix.replacement)).code
    old = module.code
    starts = [0] + [match.end() for match in re.finditer(r"\r\n|\r|\n", old)]

    def offset(line: int, column: int) -> int:  # a range may end past a missing final newline
        return starts[line - 1] + column if line <= len(starts) else len(old)

    start = offset(where.start.line, where.start.column)
    end = offset(where.end.line, where.end.column)
    return fixed[start : len(fixed) - (len(old) - end)]


class _FixApplier(cst.CSTTransformer):
    """Replaces each fix target by its replacement, all in one pass.

    A fix inside another's target (``for k in {x: 1 for x in s}``) is carried into the outer
    replacement: replacements are built from their target's children, so each rewritten child is
    substituted there. If one cannot be (the replacement dropped it), the outer fix is not applied
    and stays a finding, so a second ``fix`` run never has anything left to do.
    """

    def __init__(self, fixes: Dict[int, Fix]) -> None:
        super().__init__()
        self.fixes = fixes
        self.applied: Set[int] = set()
        self._applied_at_visit: Dict[int, int] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.fixes:
            self._applied_at_visit[id(node)] = len(self.applied)
        return True

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        key = id(original_node)
        fix = self.fixes.get(key)
        if fix is None:
            return updated_node
        replacement: Optional[cst.CSTNode] = fix.replacement
        if len(self.applied) != self._applied_at_visit[key] and isinstance(replacement, cst.CSTNode):
            replacement = _carry_inner_fixes(replacement, original_node, updated_node)
        if replacement is None:
            return updated_node
        self.applied.add(key)
        return replacement


def _carry_inner_fixes(
    replacement: cst.CSTNode, original: cst.CSTNode, updated: cst.CSTNode
) -> Optional[cst.CSTNode]:
    """``replacement`` with each child of ``original`` that fixes rewrote swapped for its new form."""
    old_children, new_children = original.children, updated.children
    if len(old_children) != len(new_children):
        return None
    for old, new in zip(old_children, new_children):
        if old.deep_equals(new):
            continue
        carried = replacement.deep_replace(old, new)
        if carried.deep_equals(replacement):
            return None
        replacement = carried
    return replacement


def _apply_fixes(
    module: cst.Module,
    path: str,
    kept: List[Tuple[Finding, Optional[Fix]]],
    suppressed: Tuple[Finding, ...],
    unsafe_fixes: bool,
) -> LintResult:
    chosen = {id(f.target): f for _, f in kept if f is not None and (f.safe or unsafe_fixes)}
    if not chosen:
        return LintResult(path, tuple(f for f, _ in kept), suppressed=suppressed)
    applier = _FixApplier(chosen)
    new_code = module.visit(applier).code
    try:
        cst.parse_module(new_code)
    except Exception:  # a fix that breaks the syntax is never written
        return LintResult(path, tuple(f for f, _ in kept), suppressed=suppressed)
    remaining = tuple(f for f, fx in kept if fx is None or id(fx.target) not in applier.applied)
    fixed = tuple(f for f, fx in kept if fx is not None and id(fx.target) in applier.applied)
    changed = new_code != module.code
    return LintResult(path, remaining, fixed_source=new_code if changed else None, fixed=fixed, suppressed=suppressed)
