"""``# noqa`` comments, read as flake8 reads them.

``# noqa`` alone suppresses every finding on its line; ``# noqa: DET101,DET201`` only those
codes (a prefix such as ``DET2`` counts for every code it starts). A noqa for other tools'
codes (``# noqa: E501``) suppresses nothing of ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Optional

# flake8's own pattern: codes after the colon, separated by commas and/or whitespace.
NOQA = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
    re.IGNORECASE,
)


_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Noqa:
    """One noqa comment: its line, its column (1-based) and its codes (None: every code)."""

    line: int
    column: int
    codes: Optional[FrozenSet[str]]

    def suppresses(self, code: str) -> bool:
        return self.codes is None or any(code.startswith(c) for c in self.codes)


def noqa_comments(source: str) -> Dict[int, Noqa]:
    """Every noqa comment in the source, by line (1-based). Cheap: one regex per line with '#'."""
    found: Dict[int, Noqa] = {}
    if "noqa" not in source.lower():
        return found
    # Lines end at newlines only: str.splitlines() also splits at form feeds, which Python allows
    # in code, and every noqa after one would be read one line off.
    for number, line in enumerate(_LINE_END.split(source), start=1):
        if "#" not in line:
            continue
        match = NOQA.search(line)
        if match is None:
            continue
        codes = match.group("codes")
        parsed = frozenset(c.upper() for c in re.split(r"[,\s]+", codes) if c) if codes else None
        found[number] = Noqa(number, match.start() + 1, parsed)
    return found
