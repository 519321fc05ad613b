"""What every codemod needs from the linter: the file's rule options, and its unsuppressed reports."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence, Type

import libcst as cst
from libcst.codemod import CodemodContext

from orch_lint.config import ConfigFinder
from orch_lint.engine import analyse
from orch_lint.model import Options, Report
from orch_lint.positions import start_positions
from orch_lint.rule import Rule
from orch_lint.suppression import noqa_comments


@lru_cache(maxsize=1)
def _finder() -> ConfigFinder:
    """One finder per process: configs are read once per directory, not once per file."""
    return ConfigFinder()


def options_for(context: CodemodContext) -> Options:
    """The rule options of the orch-lint config governing the file (a bad config raises)."""
    if context.filename is None:
        return Options()
    return _finder().for_path(Path(context.filename)).options


def reports_for(
    tree: cst.Module, context: CodemodContext, rules: Sequence[Type[Rule]], options: Optional[Options] = None
) -> List[Report]:
    """What ``rules`` report on ``tree`` through the engine, minus what ``# noqa`` suppresses."""
    filename = context.filename or "<module>"
    reports = analyse(
        tree, filename, rules, options if options is not None else options_for(context),
        context.full_module_name, filename.endswith("__init__.py"),
    )
    if not reports:
        return []
    noqa = noqa_comments(tree.code)
    if not noqa:
        return reports
    positions = start_positions(tree, (report.node for report in reports))
    kept = []
    for report in reports:
        comment = noqa.get(positions[id(report.node)][0])
        if comment is None or not comment.suppresses(report.code):
            kept.append(report)
    return kept
