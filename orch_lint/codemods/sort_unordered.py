"""``SortUnorderedIteration``: ``orch-lint fix`` for DET201/DET202, as a LibCST codemod.

It runs the engine on the tree LibCST hands it, with the two iteration rules only, and applies
their fixes exactly as ``orch-lint fix`` does: one pass, safe fixes only unless
``--unsafe-fixes``, ``# noqa`` respected, and never a result that does not parse. Each unsafe fix
it leaves is a warning naming its line, so the codemod's summary shows what needs a human.
"""

from __future__ import annotations

import argparse

import libcst as cst
from libcst.codemod import CodemodCommand, CodemodContext

from orch_lint.codemods._shared import options_for
from orch_lint.engine import lint_module
from orch_lint.rules.dict_iteration import DictIteration
from orch_lint.rules.set_iteration import SetIteration

RULES = (SetIteration, DictIteration)


class SortUnorderedIteration(CodemodCommand):
    DESCRIPTION = (
        "Wrap set and dict iteration whose order reaches a result in sorted(...) "
        "(orch-lint's DET201/DET202 fixes); safe fixes only unless --unsafe-fixes."
    )

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--unsafe-fixes", dest="unsafe_fixes", action="store_true",
            help="also sort where the element types are unknown (sorted() may raise on them)",
        )

    def __init__(self, context: CodemodContext, unsafe_fixes: bool = False) -> None:
        super().__init__(context)
        self.unsafe_fixes = unsafe_fixes

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        filename = self.context.filename or "<module>"
        result = lint_module(
            tree, filename, rules=RULES, options=options_for(self.context),
            module_name=self.context.full_module_name, is_package=filename.endswith("__init__.py"),
            fix=True, unsafe_fixes=self.unsafe_fixes,
        )
        for finding in result.findings:
            if finding.fixable and not finding.fix_safe:
                self.warn(f"{finding.line}:{finding.column}: {finding.code} not sorted: the element types are "
                          "unknown, so sorted() might raise; check them and pass --unsafe-fixes")
        if result.fixed_source is None:
            return tree
        return cst.parse_module(result.fixed_source, config=tree.config_for_parsing)
