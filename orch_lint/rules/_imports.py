"""The shared walk behind DET301 and DET302: every module an import statement names.

``import a.b``, ``from a import b`` (which may name module ``a.b``), relative imports resolved
against the file's own module: each rule judges the names this yields, in order, and a judgement
on the ``from`` module itself settles the statement.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from orch_lint.analysis.names import dotted_name, resolve_relative
from orch_lint.rule import Rule


class ImportedModules(Rule):
    """Base for rules that judge each module an import statement names."""

    def judge(self, node: cst.CSTNode, name: Optional[str]) -> bool:
        """Report ``node`` if importing ``name`` is a hazard of this rule; True if it was."""
        raise NotImplementedError

    def settles(self, module: str) -> bool:
        """Whether the ``from`` module alone decides the statement without a report here."""
        return False

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self.judge(alias.name, dotted_name(alias.name))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        names = self.names
        source = dotted_name(node.module) if node.module is not None else ""
        base = resolve_relative(names.module_name, names.is_package, len(node.relative), source or "")
        if base is None:
            return
        if node.module is not None and (self.settles(base) or self.judge(node.module, base)):
            return
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            imported = dotted_name(alias.name)
            if imported is not None:
                self.judge(alias.name, f"{base}.{imported}")
