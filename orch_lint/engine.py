"""One module in, findings (and fixed source) out.

Parse once; build the shared analyses (names, type facts, order-insensitive positions) and run
every rule in one batched traversal; resolve positions only if something was reported; drop
what ``# noqa`` suppresses; apply the chosen fixes in one transformer pass and check that the
result still parses. No file I/O here: the runner reads and writes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple, Type

import libcst as cst

from orch_lint.analysis.consumers import OrderContext
from orch_lint.analysis.names import NameModel
from orch_lint.analysis.types import TypeFacts
from orch_lint.model import Finding, Fix, LintError, Options, Report
from orch_lint.positions import start_positions
from orch_lint.rule import FileContext, Rule
from orch_lint.rules import ALL_RULES
from orch_lint.suppression import noqa_comments

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


def parse(source: str, path: str) -> "cst.Module | LintError":
    """Parse once, turning every parser failure into a one-line error naming the position."""
    global PARSE_COUNT
    PARSE_COUNT += 1
    try:
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
        compile(source, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as python_error:
        return LintError(
            path, f"cannot parse: {python_error.msg}", python_error.lineno or 1, python_error.offset or 1
        )
    except (ValueError, RecursionError, MemoryError):
        pass
    message = str(error.message).splitlines()[0] if error.message else "invalid syntax"
    return LintError(path, f"cannot parse: {message}", error.raw_line, error.raw_column + 1)


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
    names = NameModel(module_name, is_package)
    types = TypeFacts(names)
    if project is not None and hasattr(project, "external_facts"):
        types.external.update(project.external_facts(module_name))
    types.prescan(module)
    order = OrderContext(names)
    context = FileContext(path, module, names, types, order, options, module_name, project)
    visitors: List[cst.BatchableCSTVisitor] = [names, types, order]
    visitors.extend(rule(context) for rule in rules)
    cst.visit_batched(module, visitors)
    return context.reports


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
) -> LintResult:
    """Lint one module's source. Pure: the same inputs always give the same result."""
    parsed = parse(source, path)
    if isinstance(parsed, LintError):
        return LintResult(path, error=parsed)
    try:
        reports = analyse(
            parsed, path, ALL_RULES if rules is None else rules, options or Options(), module_name, is_package, project
        )
    except RecursionError:
        return LintResult(path, error=LintError(path, "cannot analyse: code nested too deeply"))
    if not reports:
        return LintResult(path)
    positions = start_positions(parsed, (report.node for report in reports))
    noqa = noqa_comments(source) if apply_noqa else {}
    kept: List[Tuple[Finding, Optional[Fix]]] = []
    suppressed: List[Finding] = []
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
        comment = noqa.get(line)
        if comment is not None and comment.suppresses(report.code):
            suppressed.append(finding)
        else:
            kept.append((finding, report.fix))
    kept.sort(key=lambda pair: pair[0])
    if not fix:
        return LintResult(path, tuple(f for f, _ in kept), suppressed=tuple(sorted(suppressed)))
    return _apply_fixes(parsed, path, kept, tuple(sorted(suppressed)), unsafe_fixes)


class _FixApplier(cst.CSTTransformer):
    """Replaces each fix target by its replacement; a target inside another waits for a later run."""

    def __init__(self, fixes: Dict[int, Fix]) -> None:
        super().__init__()
        self.fixes = fixes
        self.depth = 0
        self.applied: Set[int] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.fixes:
            if self.depth == 0:
                self.applied.add(id(node))
            self.depth += 1
        return True

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        key = id(original_node)
        if key in self.fixes:
            self.depth -= 1
            if key in self.applied:
                return self.fixes[key].replacement
        return updated_node


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
