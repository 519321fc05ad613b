"""The value types every layer shares: findings, fixes, rule examples and rule options.

All frozen: a finding produced in a worker process, read from the cache or compared in a test
is a plain value, equal to any other with the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import FrozenSet, Optional, Tuple

import libcst as cst


@dataclass(frozen=True, order=True)
class Finding:
    """One reported hazard. ``line`` and ``column`` are 1-based, as editors show them."""

    path: str
    line: int
    column: int
    code: str
    message: str
    #: Whether a fix exists for it, and whether that fix is safe to apply unasked.
    fixable: bool = field(default=False, compare=False)
    fix_safe: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Fix:
    """Replace ``target`` (a node of the parsed module) with ``replacement``."""

    target: cst.CSTNode
    replacement: cst.CSTNode
    #: Safe fixes keep the meaning in every case; unsafe ones may not (ruff's classification).
    safe: bool
    description: str = ""


@dataclass(frozen=True)
class Report:
    """What a rule reports during the traversal; positions are resolved afterwards, once."""

    node: cst.CSTNode
    code: str
    message: str
    fix: Optional[Fix] = None


@dataclass(frozen=True)
class Valid:
    """A code example the rule must not report: both documentation and a test."""

    code: str
    #: Where it runs, when that matters: e.g. a module name for relative imports.
    module: Optional[str] = None
    #: The options it runs with, when it shows one.
    options: Optional["Options"] = None


@dataclass(frozen=True)
class Invalid:
    """A code example the rule must report at ``at`` (line, 1-based column)."""

    code: str
    at: Tuple[int, int] = (1, 1)
    #: The source after the rule's fix, if the rule offers one for this example.
    fixed: Optional[str] = None
    #: Whether that fix is safe (applied without ``--unsafe-fixes``).
    fix_safe: bool = True
    module: Optional[str] = None
    #: Text the message must contain.
    message: Optional[str] = None
    options: Optional["Options"] = None


@dataclass(frozen=True)
class Options:
    """The rule-facing part of the config: typed, so every rule can see its own options."""

    extend_wall_clock: FrozenSet[str] = frozenset()
    forbidden_imports: Tuple[str, ...] = ()
    deterministic: Tuple[str, ...] = ()


@dataclass(frozen=True)
class LintError:
    """A file that could not be checked: it does not parse, decode or read."""

    path: str
    message: str
    line: int = 0
    column: int = 0

    def render(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: error: {self.message}"
