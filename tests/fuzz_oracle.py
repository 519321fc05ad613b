"""What must hold for every program, however odd: the fuzz tests' one oracle.

- ``check`` never raises, and gives the same result twice (the engine is a pure function);
- a program Python compiles is analysed, not refused (``error`` is None), unless LibCST's own
  parser cannot read it, which the error then says;
- ``fix`` (safe only, and with unsafe fixes) produces code Python compiles (or refuses a file
  LibCST would not write back as it was, and leaves it alone); a second ``fix``
  changes nothing; and the fixed code differs from the input only where a reported finding was
  fixed. That last check compares the two ASTs in step: where they differ, the fixed tree must
  hold one of the fixes' shapes (``X`` -> ``sorted(X[, key=...])``, ``list(X)`` ->
  ``sorted(X)``, ``next(iter(X)[, d])`` -> ``min(X[, default=d])``), and each such place must
  be where a fixed finding points (before any parentheses around it), one place per finding.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import List, Optional, Sequence, Tuple

import libcst as cst

from orch_lint.engine import LintResult, lint_source
from orch_lint.model import Finding

PATH = "fuzz.py"
_NEWLINE = re.compile(r"\r\n|\r|\n")
#: Between a finding and the node it names there may only be opening parentheses and comments.
_BEFORE_NODE = re.compile(r"(?:[\s(\\]|#[^\r\n]*)*")
#: DET900 edits comments only: the AST does not see them.
COMMENT_ONLY = "DET900"
#: The engine's report of valid Python that LibCST's parser cannot read.
LIBCST_REJECTS = "cannot parse: valid Python that LibCST's parser rejects"
#: The engine's refusal to fix a file LibCST would not write back byte for byte.
NOT_REPRODUCED = "cannot fix: the file does not round-trip through LibCST"


def check_program(source: str, *, compiles: Optional[bool] = None) -> LintResult:
    """Assert the oracle for ``source``; ``compiles``: whether Python accepts it (None: ask)."""
    result = lint_source(source, PATH, edits=True)
    assert lint_source(source, PATH, edits=True) == result, "the same source gave another result"
    if compiles is None:
        compiles = _compiles(source)
    if not compiles:
        return result
    if result.error is not None and result.error.message.startswith(LIBCST_REJECTS):
        assert not _libcst_reads(source), "LibCST reads a program the engine says it rejects"
        return result  # LibCST's limit, said as such (a backslash ending an empty line, ...)
    assert result.error is None, f"a program Python compiles was refused: {result.error}"
    for unsafe in (False, True):
        _check_fix(source, unsafe)
    return result


def _check_fix(source: str, unsafe: bool) -> None:
    fixed = lint_source(source, PATH, fix=True, unsafe_fixes=unsafe)
    if fixed.error is not None and fixed.error.message.startswith(NOT_REPRODUCED):
        assert cst.parse_module(source).code != source, "a file LibCST reproduces was refused"
        return  # refused, not damaged: LibCST would drop a final bare CR
    assert fixed.error is None, fixed.error
    if fixed.fixed_source is None:
        return
    new = fixed.fixed_source
    _compile(new)
    again = lint_source(new, PATH, fix=True, unsafe_fixes=unsafe)
    assert again.error is None and again.fixed_source is None, f"a second fix changed {again.fixed}"
    problems = unexplained_changes(source, new, fixed.fixed)
    assert not problems, problems


def _compiles(source: str) -> bool:
    try:
        _compile(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True


def _libcst_reads(source: str) -> bool:
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError:
        return False
    return True


def _compile(source: str) -> None:
    with warnings.catch_warnings():  # `x is 1` and friends: valid, if unwise
        warnings.simplefilter("ignore")
        compile(source, PATH, "exec", dont_inherit=True)


# -- the fixed code differs only where fixed findings point -------------------------------------


def unexplained_changes(old: str, new: str, fixed: Sequence[Finding]) -> List[str]:
    """What differs between ``old`` and ``new`` beyond the reported fixes (empty: nothing)."""
    sites: List[ast.AST] = []
    if not _match(ast.parse(old), ast.parse(new), sites):
        return ["the fixed code differs from the input beyond the shapes of the fixes"]
    wanted = [f for f in fixed if f.code != COMMENT_ONLY]
    problems = []
    for site in sites:
        finding = next((f for f in wanted if _points_at(old, f, site)), None)
        if finding is None:
            problems.append(f"a fix at {_where(old, site)} that no fixed finding points at")
        else:
            wanted.remove(finding)
    problems += [f"fixed finding {f.line}:{f.column} {f.code} changed nothing" for f in wanted]
    return problems


def _is_call(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _match(old: ast.AST, new: ast.AST, sites: List[ast.AST]) -> bool:
    """Whether ``new`` is ``old`` with fixes applied; each fixed place goes to ``sites``."""
    if type(old) is type(new) and ast.dump(old) == ast.dump(new):
        return True
    if _is_call(new, "sorted") and len(new.args) == 1 and all(k.arg == "key" for k in new.keywords):  # type: ignore[attr-defined]
        inner = new.args[0]  # type: ignore[attr-defined]
        if _trial(old, inner, sites, site=old):
            return True
        if _is_call(old, "list") and len(old.args) == 1 and not old.keywords and not new.keywords:  # type: ignore[attr-defined]
            if _trial(old.args[0], inner, sites, site=old.args[0]):  # type: ignore[attr-defined]
                return True
    if _is_call(new, "min") and _is_call(old, "next") and old.args and _is_call(old.args[0], "iter"):  # type: ignore[attr-defined]
        if _min_matches(old, new, sites):
            return True
    if type(old) is not type(new):
        return False
    for name in old._fields:
        if not _match_field(getattr(old, name, None), getattr(new, name, None), sites):
            return False
    return True


def _trial(old: ast.AST, new: ast.AST, sites: List[ast.AST], site: ast.AST) -> bool:
    found: List[ast.AST] = []
    if not _match(old, new, found):
        return False
    sites.append(site)
    sites.extend(found)
    return True


def _min_matches(old: ast.AST, new: ast.AST, sites: List[ast.AST]) -> bool:
    iterable = old.args[0].args  # type: ignore[attr-defined]
    default = old.args[1:]  # type: ignore[attr-defined]
    new_default = [k.value for k in new.keywords if k.arg == "default"]  # type: ignore[attr-defined]
    if len(iterable) != 1 or len(new.args) != 1 or len(default) != len(new_default) or len(new.keywords) != len(new_default):  # type: ignore[attr-defined]
        return False
    found: List[ast.AST] = []
    pairs = [(iterable[0], new.args[0])] + list(zip(default, new_default))  # type: ignore[attr-defined]
    if not all(_match(a, b, found) for a, b in pairs):
        return False
    sites.append(old)
    sites.extend(found)
    return True


def _match_field(old: object, new: object, sites: List[ast.AST]) -> bool:
    if isinstance(old, list):
        return isinstance(new, list) and len(old) == len(new) and all(
            _match_field(a, b, sites) for a, b in zip(old, new)
        )
    if isinstance(old, ast.AST):
        return isinstance(new, ast.AST) and _match(old, new, sites)
    return old == new


def _offsets(source: str) -> List[int]:
    return [0] + [match.end() for match in _NEWLINE.finditer(source)]


def _node_offset(source: str, node: ast.AST) -> int:
    """The character offset of ``node`` (whose column Python gives in UTF-8 bytes)."""
    starts = _offsets(source)
    line_start = starts[node.lineno - 1]  # type: ignore[attr-defined]
    line = source[line_start : starts[node.lineno] if node.lineno < len(starts) else len(source)]  # type: ignore[attr-defined]
    return line_start + len(line.encode("utf-8")[: node.col_offset].decode("utf-8", "ignore"))  # type: ignore[attr-defined]


def _points_at(source: str, finding: Finding, node: ast.AST) -> bool:
    starts = _offsets(source)
    if finding.line > len(starts):
        return False
    start = starts[finding.line - 1] + finding.column - 1
    end = _node_offset(source, node)
    return start <= end and _BEFORE_NODE.fullmatch(source[start:end]) is not None


def _where(source: str, node: ast.AST) -> Tuple[int, int]:
    return node.lineno, node.col_offset + 1  # type: ignore[attr-defined]
