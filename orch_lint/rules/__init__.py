"""Every rule orch-lint ships, in code order: the one registry the engine, CLI and docs read."""

from __future__ import annotations

from typing import Dict, Tuple, Type

from orch_lint.rule import Rule
from orch_lint.rules.arbitrary_element import ArbitraryElement
from orch_lint.rules.db_import import DatabaseImport
from orch_lint.rules.dict_iteration import DictIteration
from orch_lint.rules.entropy import Entropy
from orch_lint.rules.environment import EnvironmentRead
from orch_lint.rules.filesystem_order import FilesystemOrder
from orch_lint.rules.hazard_call import HazardousCall
from orch_lint.rules.process_salted import ProcessSaltedValue
from orch_lint.rules.set_iteration import SetIteration
from orch_lint.rules.transitive_import import TransitiveDatabaseImport
from orch_lint.rules.unused_noqa import UnusedNoqa
from orch_lint.rules.wall_clock import WallClockRead

#: Issue #5: the remaining host, entropy and order hazards, and the transitive db import.
_MORE_RULES = (Entropy, ProcessSaltedValue, EnvironmentRead, ArbitraryElement, FilesystemOrder, TransitiveDatabaseImport)

ALL_RULES: Tuple[Type[Rule], ...] = tuple(
    sorted((WallClockRead, SetIteration, DictIteration, DatabaseImport, HazardousCall, UnusedNoqa) + _MORE_RULES, key=lambda rule: rule.code)
)
RULES_BY_CODE: Dict[str, Type[Rule]] = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE"]
