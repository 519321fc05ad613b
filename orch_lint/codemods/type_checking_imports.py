"""``TypeCheckingImports``: forbidden imports used only in annotations move under ``if TYPE_CHECKING:``.

The imports are the module-level ones DET301 reports (the file's ``forbidden-imports`` config
and ``# noqa`` included). LibCST's scope analysis decides "used only in annotations": every
reference to the imported name is inside an annotation, and there is at least one. A name in
``__all__`` is an export, used at runtime, and stays.

Moved names are then only defined for type checkers, so annotations that mention them must not
be evaluated at runtime: the codemod adds ``from __future__ import annotations`` (PEP 563), which
turns every annotation of the module into a string. We chose it over quoting each annotation
because it is one line, covers annotations written later, and is what type checkers and ruff's
``TC`` rules expect; the cost is for code that evaluates annotations at runtime
(``typing.get_type_hints``, pydantic), which could not resolve these names anyway.
"""

from __future__ import annotations

from typing import Iterable, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.codemod import CodemodCommand
from libcst.codemod.visitors import GatherExportsVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, ScopeProvider

from orch_lint.codemods._shared import reports_for
from orch_lint.rules.db_import import DatabaseImport

AnyImport = Union[cst.Import, cst.ImportFrom]
TYPE_CHECKING_TESTS = ("TYPE_CHECKING", "typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING")


class TypeCheckingImports(CodemodCommand):
    DESCRIPTION = (
        "Move imports of forbidden modules (DET301) that are used only in annotations under "
        "`if TYPE_CHECKING:`, adding `from __future__ import annotations`."
    )
    METADATA_DEPENDENCIES = (ScopeProvider,)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        reported = {id(report.node) for report in reports_for(tree, self.context, [DatabaseImport])}
        if not reported:
            return tree
        scope = self.get_metadata(ScopeProvider, tree)
        assert scope is not None
        exports = GatherExportsVisitor(self.context)
        tree.visit(exports)
        self._scope, self._exported = scope, exports.explicit_exported_objects
        body: List[cst.BaseStatement] = []
        moved: List[cst.SimpleStatementLine] = []
        for statement in tree.body:
            kept = self._take_imports(statement, reported, moved) if isinstance(statement, cst.SimpleStatementLine) else statement
            if kept is not None:
                body.append(kept)
        if not moved:
            return tree
        self.add_needed_import("__future__", "annotations")
        return tree.with_changes(body=self._into_type_checking_block(body, moved))

    # -- choosing what moves -----------------------------------------------------------------

    def _take_imports(
        self, line: cst.SimpleStatementLine, reported: Set[int], moved: List[cst.SimpleStatementLine]
    ) -> Optional[cst.SimpleStatementLine]:
        """The line without the imports that move (None if nothing is left); those go to ``moved``."""
        remaining: List[cst.BaseSmallStatement] = []
        going: List[AnyImport] = []
        for small in line.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                stay, go = self._split(small, reported)
                if go is not None:
                    going.append(go)
                if stay is not None:
                    remaining.append(stay)
            else:
                remaining.append(small)
        if not going:
            return line
        comments = [empty for empty in line.leading_lines if empty.comment is not None]
        if not remaining and len(going) == 1:
            moved.append(line.with_changes(body=[_last(going[0])], leading_lines=comments))
            return None
        moved.extend(cst.SimpleStatementLine(body=[_last(go)]) for go in going)
        if not remaining:
            return None
        return line.with_changes(body=[*remaining[:-1], _last(remaining[-1])])

    def _split(self, node: AnyImport, reported: Set[int]) -> Tuple[Optional[AnyImport], Optional[AnyImport]]:
        """``node`` cut in two: the aliases that stay, and those that move (None for an empty side)."""
        if isinstance(node.names, cst.ImportStar):
            return node, None
        whole = isinstance(node, cst.ImportFrom) and node.module is not None and id(node.module) in reported
        stay: List[cst.ImportAlias] = []
        go: List[cst.ImportAlias] = []
        for alias in node.names:
            forbidden = whole or id(alias.name) in reported
            if forbidden and self._annotation_only(node, alias):
                go.append(alias)
                continue
            stay.append(alias)
            if forbidden:
                self.warn(f"left `{_code(node)}`: `{alias.evaluated_alias or alias.evaluated_name}` "
                          "is used outside annotations (or not at all, or exported)")
        if not go:
            return node, None
        if not stay:
            return None, node
        return node.with_changes(names=_commas(stay)), _without_parentheses(node.with_changes(names=_commas(go)))

    def _annotation_only(self, node: AnyImport, alias: cst.ImportAlias) -> bool:
        names = _bound_names(node, alias)
        if names & set(self._exported):
            return False
        references = [
            reference
            for name in names
            for assignment in self._scope.assignments[name]
            if isinstance(assignment, Assignment) and assignment.node is node
            for reference in assignment.references
        ]
        return bool(references) and all(reference.is_annotation for reference in references)

    # -- where the moved imports go ----------------------------------------------------------

    def _into_type_checking_block(
        self, body: List[cst.BaseStatement], moved: List[cst.SimpleStatementLine]
    ) -> List[cst.BaseStatement]:
        for index, statement in enumerate(body):
            if _is_type_checking_block(statement):
                assert isinstance(statement, cst.If)
                body[index] = statement.with_changes(body=_extended(statement.body, moved))
                return body
        self.add_needed_import("typing", "TYPE_CHECKING")
        block = cst.If(
            test=cst.Name("TYPE_CHECKING"), body=cst.IndentedBlock(body=moved), leading_lines=[cst.EmptyLine()]
        )
        index = _after_leading_imports(body)
        return [*body[:index], block, *body[index:]]


def _bound_names(node: AnyImport, alias: cst.ImportAlias) -> Set[str]:
    """The names LibCST's scope records for an alias: ``import a.b`` binds both ``a.b`` and ``a``."""
    if alias.asname is not None:
        return {alias.evaluated_alias or ""}
    name = alias.evaluated_name
    if isinstance(node, cst.Import):
        return {name, name.split(".")[0]}
    return {name}


def _commas(aliases: Sequence[cst.ImportAlias]) -> List[cst.ImportAlias]:
    fixed = [alias.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for alias in aliases]
    fixed[-1] = fixed[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return fixed


def _without_parentheses(node: AnyImport) -> AnyImport:
    return node.with_changes(lpar=None, rpar=None) if isinstance(node, cst.ImportFrom) else node


def _last(small: cst.BaseSmallStatement) -> cst.BaseSmallStatement:
    """A statement that ends its line: no trailing semicolon."""
    return small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _is_type_checking_block(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.If) or statement.orelse is not None:
        return False
    return get_full_name_for_node(statement.test) in TYPE_CHECKING_TESTS


def _extended(body: cst.BaseSuite, moved: Iterable[cst.SimpleStatementLine]) -> cst.IndentedBlock:
    if isinstance(body, cst.IndentedBlock):
        return body.with_changes(body=[*body.body, *moved])
    assert isinstance(body, cst.SimpleStatementSuite)
    return cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[_last(s) for s in body.body]), *moved])


def _after_leading_imports(body: Sequence[cst.BaseStatement]) -> int:
    """The index after the module docstring and the imports that open the module."""
    index = 0
    if body and _is_docstring(body[0]):
        index = 1
    while index < len(body) and _is_import_line(body[index]):
        index += 1
    return index


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )
