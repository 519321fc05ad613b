"""Baselines: accept today's findings so that only new ones fail, to adopt orch-lint on an
existing codebase.

A finding is remembered by what it is, not by its line number: the file's path (relative to the
baseline file's directory, so the baseline moves with the repository), its code, and a
fingerprint of the offending line's text with its whitespace normalised, so unrelated edits
above it, or re-indenting it, do not make it new. Identical lines are counted: a baseline that
accepts two ``time.time()`` lines in a file hides two, and a third is new.

Pure functions on text: the runner reads and writes the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Sequence, Tuple

from orch_lint.model import Finding

FORMAT = "orch-lint-baseline"
VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be used; the message says why (the caller names the file)."""


@dataclass(frozen=True)
class Located:
    """A finding with what a baseline needs to know about it: its file and its line's text."""

    finding: Finding
    #: The file's absolute path.
    path: Path
    text: str


@dataclass(frozen=True)
class Entry:
    """One accepted finding (or several on identical lines of one file)."""

    path: str
    code: str
    text: str
    fingerprint: str
    count: int = 1


def normalise(text: str) -> str:
    return " ".join(text.split())


def fingerprint(path: str, code: str, text: str) -> str:
    key = "\0".join((path, code, normalise(text)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def relative(path: Path, directory: Path) -> str:
    """``path`` relative to the baseline's directory, with ``/`` separators (``..`` if outside)."""
    return Path(os.path.relpath(path, directory)).as_posix()


def _key(item: Located, directory: Path) -> Tuple[str, str, str, str]:
    path = relative(item.path, directory)
    text = normalise(item.text)
    return path, item.finding.code, text, fingerprint(path, item.finding.code, text)


def record(located: Iterable[Located], directory: Path) -> List[Entry]:
    """The entries that accept every finding in ``located``, in a stable order."""
    counts = Counter(_key(item, directory) for item in located)
    return [Entry(path, code, text, key, count) for (path, code, text, key), count in sorted(counts.items())]


def dumps(entries: Sequence[Entry]) -> str:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "findings": [
            {"path": e.path, "code": e.code, "text": e.text, "fingerprint": e.fingerprint, "count": e.count}
            for e in entries
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def loads(text: str, name: str) -> Dict[str, int]:
    """How many findings each fingerprint accepts; a file that is not a baseline is an error.

    ``name`` is the file's name, for the hint on how to write one.
    """
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"not a baseline: invalid JSON at line {error.lineno}: {error.msg}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BaselineError(f"not a baseline file (write one with `orch-lint check --write-baseline {name}`)")
    if document.get("version") != VERSION:
        raise BaselineError(f"baseline version {document.get('version')!r} is not supported (expected {VERSION})")
    counts: Dict[str, int] = {}
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise BaselineError("'findings' must be a list")
    for number, entry in enumerate(findings, start=1):
        key = entry.get("fingerprint") if isinstance(entry, dict) else None
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if not isinstance(key, str) or not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise BaselineError(f"finding {number} needs a 'fingerprint' string and a positive 'count'")
        counts[key] = counts.get(key, 0) + count
    return counts


def new_findings(located: Iterable[Located], accepted: Mapping[str, int], directory: Path) -> Tuple[List[Finding], int]:
    """The findings the baseline does not accept, and how many it hid."""
    remaining = dict(accepted)
    new: List[Finding] = []
    hidden = 0
    for item in sorted(located, key=lambda item: item.finding):
        key = _key(item, directory)[3]
        if remaining.get(key, 0) > 0:
            remaining[key] -= 1
            hidden += 1
        else:
            new.append(item.finding)
    return new, hidden
