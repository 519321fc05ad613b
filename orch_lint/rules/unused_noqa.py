"""DET900: a ``# noqa: DETxxx`` that suppresses nothing.

An exemption should not outlive its reason: once the code under a ``# noqa: DET101`` is fixed,
or the noqa sits on the wrong line, the comment only waits to hide the next real finding there.
The semantics are ruff's RUF100: only our own (``DET``) codes are judged, and only codes of rules
that ran on the file (a code switched off by config or per-file-ignores is not "unused"); other
tools' codes in the same comment are left alone; a bare ``# noqa`` is never judged; and a comment
that itself names DET900 is exempt, as that is how a reader says "keep this one".

Judging needs every other rule's findings and the suppressions, which only exist after the
traversal, and comments are trivia the traversal never enters. So the engine drives this rule:
``candidates`` finds the noqa comments naming a DET code (only in files whose text has one), and
``findings`` judges them once the other findings are known. The fix is a CST replacement of the
comment (or of the whitespace holding it) and goes through the engine's one fix pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Collection, Dict, Iterable, List, Optional, Sequence, Tuple, Type, Union, cast

import libcst as cst

from orch_lint.model import Finding, Fix, Invalid, Valid
from orch_lint.rule import Rule
from orch_lint.suppression import NOQA, Noqa

OWN_PREFIX = "DET"
#: A cheap test on the whole text before any comment is looked for: a noqa naming a DET code.
_DET_NOQA = re.compile(r"#\s*noqa:[^\n]*?\bDET[0-9]", re.IGNORECASE)

CommentOwner = Union[cst.TrailingWhitespace, cst.EmptyLine]


@dataclass(frozen=True)
class Directive:
    """The noqa inside one comment: where it sits in the comment's text, and its codes."""

    start: int
    codes_start: int
    end: int
    #: The codes as written, and upper-cased for comparison.
    written: Tuple[str, ...]
    codes: Tuple[str, ...]
    separator: str

    @classmethod
    def parse(cls, comment: str) -> Optional["Directive"]:
        match = NOQA.search(comment)
        if match is None or match.group("codes") is None:
            return None
        text = match.group("codes")
        written = tuple(code for code in re.split(r"[,\s]+", text) if code)
        gap = re.search(r"[,\s]+", text)
        return cls(
            match.start(), match.start("codes"), match.end(), written,
            tuple(code.upper() for code in written), gap.group() if gap else ", ",
        )

    def without(self, comment: str, stale: Collection[str]) -> Optional[str]:
        """The comment with the ``stale`` codes taken out; None when nothing of it is left.

        When no code remains the whole directive goes: ``# noqa`` alone would suppress everything.
        """
        kept = [w for w, code in zip(self.written, self.codes) if code not in stale]
        after = comment[self.end:]
        if kept:
            return comment[: self.codes_start] + self.separator.join(kept) + after
        before = comment[: self.start].rstrip()
        if before:
            return before + after.rstrip()
        if after.strip():
            return "#" + after.rstrip()
        return None


@dataclass(frozen=True)
class NoqaComment:
    """A comment holding a noqa that names a DET code, with the node that holds the comment."""

    owner: CommentOwner
    comment: cst.Comment
    directive: Directive


class UnusedNoqa(Rule):
    """A ``# noqa: DETxxx`` that suppresses nothing would silently hide the next real finding."""

    code = "DET900"
    name = "unused-noqa"
    summary = "`# noqa: DETxxx` that suppresses nothing (its code no longer reports on that line)"
    message = "unused suppression `# noqa: {codes}`: nothing on this line is reported under it; remove it"

    valid = [
        Valid("import time\nnow = time.time()  # noqa: DET101\n"),
        Valid("names = {'b', 'a'}\nout = list(names)  # noqa: DET2\n"),
        Valid("x = 1  # noqa: E501\n"),
        Valid("x = 1  # noqa\n"),
        Valid("x = 1  # noqa: DET101, DET900\n"),
        Valid("text = '# noqa: DET101'\n"),
    ]
    invalid = [
        Invalid("x = 1  # noqa: DET101\n", at=(1, 8), fixed="x = 1\n", message="`# noqa: DET101`"),
        Invalid(
            "import time\nnow = time.time()  # noqa: DET101, DET201\n", at=(2, 20),
            fixed="import time\nnow = time.time()  # noqa: DET101\n", message="`# noqa: DET201`",
        ),
        Invalid("x = 1  # noqa: E501,DET101\n", at=(1, 8), fixed="x = 1  # noqa: E501\n"),
        Invalid("x = 1  # why: reasons  # noqa: DET101\n", at=(1, 24), fixed="x = 1  # why: reasons\n"),
        Invalid(
            "import time\n\n\ndef stamp():  # noqa: DET101\n    return time.time()\n", at=(4, 15),
            fixed="import time\n\n\ndef stamp():\n    return time.time()\n",
        ),
        Invalid("def f():\n    # noqa: DET101\n    return 1\n", at=(2, 5), fixed="def f():\n    return 1\n"),
    ]

    @classmethod
    def companions(
        cls, active: Sequence[Type[Rule]], known: Sequence[Type[Rule]], enabled: Optional[Collection[str]]
    ) -> Tuple[Type[Rule], ...]:
        """Rules to run unreported so that ``# noqa`` codes of every enabled rule can be judged.

        The runner asks for exactly the enabled rules, so this is empty there; it matters when
        DET900 is run on its own (its examples) with every rule counted as enabled.
        """
        chosen = {rule.code for rule in active}
        return tuple(
            rule for rule in known
            if rule.code not in chosen and rule.code != cls.code and (enabled is None or rule.code in enabled)
        )

    @classmethod
    def candidates(cls, module: cst.Module, source: str) -> List[NoqaComment]:
        """Every comment with a noqa naming a DET code; files without one cost one regex search."""
        if _DET_NOQA.search(source) is None:
            return []
        found = []
        for owner in _comment_owners(module):
            comment = cast(cst.Comment, owner.comment)
            directive = Directive.parse(comment.value)
            if directive is not None and any(code.startswith(OWN_PREFIX) for code in directive.codes):
                found.append(NoqaComment(owner, comment, directive))
        return found

    @classmethod
    def findings(
        cls,
        candidates: Iterable[NoqaComment],
        positions: Dict[int, Tuple[int, int]],
        covered: Iterable[Finding],
        ran: Collection[str],
        path: str,
    ) -> List[Tuple[Finding, Fix]]:
        """Judge each candidate against the findings a noqa covered (suppressed or not) by line."""
        covered_codes: Dict[int, List[str]] = {}
        for finding in covered:
            covered_codes.setdefault(finding.line, []).append(finding.code)
        results = []
        for candidate in candidates:
            line, column = positions[id(candidate.comment)]
            stale = cls._stale(candidate.directive, ran, covered_codes.get(line, ()))
            if not stale:
                continue
            fix = cls._fix(candidate, stale)
            message = cls.message.format(codes=", ".join(stale))
            finding = Finding(path, line, column + candidate.directive.start, cls.code, message, True, True)
            results.append((finding, fix))
        return results

    @classmethod
    def pending(
        cls, candidates: Iterable[NoqaComment], positions: Dict[int, Tuple[int, int]], deferred: str
    ) -> Tuple[Noqa, ...]:
        """The comments naming ``deferred`` (DET401, decided once the whole project is known),
        where they stand, for ``deferred_findings`` to judge then."""
        pending = []
        for candidate in candidates:
            codes = candidate.directive.codes
            if any(cls.code.startswith(code) for code in codes):
                continue
            if any(code.startswith(OWN_PREFIX) and deferred.startswith(code) for code in codes):
                line, column = positions[id(candidate.comment)]
                pending.append(Noqa(line, column + candidate.directive.start, frozenset(codes)))
        return tuple(pending)

    @classmethod
    def deferred_findings(
        cls, pending: Iterable[Noqa], deferred: str, reported_lines: Collection[int], path: str
    ) -> List[Finding]:
        """DET900 for the ``deferred`` codes of ``pending`` comments on lines where that rule
        reported nothing (suppressed or not). No fix: the tree is gone by then."""
        found = []
        for noqa in pending:
            if noqa.line in reported_lines or noqa.codes is None:
                continue
            stale = sorted(code for code in noqa.codes if code.startswith(OWN_PREFIX) and deferred.startswith(code))
            found.append(Finding(path, noqa.line, noqa.column, cls.code, cls.message.format(codes=", ".join(stale))))
        return found

    @classmethod
    def _stale(cls, directive: Directive, ran: Collection[str], used: Collection[str]) -> List[str]:
        if any(cls.code.startswith(code) for code in directive.codes):
            return []
        return [
            code for code in directive.codes
            if code.startswith(OWN_PREFIX)
            and any(rule.startswith(code) for rule in ran)
            and not any(found.startswith(code) for found in used)
        ]

    @classmethod
    def _fix(cls, candidate: NoqaComment, stale: Sequence[str]) -> Fix:
        description = f"remove {', '.join(stale)} from the noqa"
        text = candidate.directive.without(candidate.comment.value, stale)
        if text is not None:
            return Fix(candidate.comment, cst.Comment(text), safe=True, description=description)
        owner = candidate.owner
        if isinstance(owner, cst.TrailingWhitespace):
            bare = owner.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
            return Fix(owner, bare, safe=True, description="remove the unused noqa comment")
        # A comment on a line of its own goes with its line; LibCST removes it from the sequence.
        return Fix(owner, cast(cst.CSTNode, cst.RemoveFromParent()), safe=True,
                   description="remove the unused noqa comment line")


_FIELDS: Dict[type, Tuple[str, ...]] = {}


def _comment_owners(module: cst.Module) -> List[CommentOwner]:
    """The whitespace nodes that hold a comment, by reading every node's fields in place.

    The engine's traversal skips trivia, and ``CSTNode.visit`` rebuilds every node; this walk
    does neither, and only runs on files whose text names a DET code in a noqa.
    """
    owners: List[CommentOwner] = []
    stack: List[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.TrailingWhitespace, cst.EmptyLine)):
            if node.comment is not None:
                owners.append(node)
            continue
        names = _FIELDS.get(type(node))
        if names is None:
            names = _FIELDS[type(node)] = tuple(f.name for f in fields(node))
        for name in names:
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif isinstance(value, (tuple, list)):
                stack.extend(item for item in value if isinstance(item, cst.CSTNode))
    return owners
