"""DET204: a directory listing whose order reaches a result.

``os.listdir``, ``os.scandir``, ``os.walk``, ``glob.glob``/``iglob`` and ``Path.iterdir``/
``glob``/``rglob`` return entries in the file system's own order, which differs between
machines, file systems and even runs. A listing counts when it is returned, stored, iterated,
indexed or passed on; not when an order-insensitive consumer takes it (``sorted``, ``len``,
``set``, ``in``: the list DET201 uses, from ``analysis.consumers``), when its value is thrown
away, or when a loop over it has the same effect in any order (``order_insensitive_body``).

A listing stored in a function's local variable is followed: ``names = os.listdir(p)`` is
fine if ``names.sort()`` comes before any use that shows its order, or if every use is
order-insensitive; the first use that shows the order is reported on the listing itself.
``Path`` methods count only on receivers known to be concrete paths (``analysis.types``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Set, Tuple

import libcst as cst

from orch_lint.analysis.consumers import is_str_join
from orch_lint.analysis.names import Scope
from orch_lint.analysis.types import PATH
from orch_lint.model import Fix, Invalid, Valid
from orch_lint.rule import FileContext, Rule
from orch_lint.rules._unordered import FIRST_ARGUMENT_SINKS, order_insensitive_body, sorted_call

LIST, ITERATOR, ENTRIES, WALK = "list", "iterator", "entries", "walk"
LISTINGS = {
    "os.listdir": LIST, "glob.glob": LIST, "glob.iglob": ITERATOR,
    "os.scandir": ENTRIES, "os.walk": WALK, "os.fwalk": WALK,
}
PATH_LISTINGS = {"iterdir": ITERATOR, "glob": ITERATOR, "rglob": ITERATOR, "walk": WALK}
ADVICE = {
    LIST: "wrap it in sorted(...)",
    ITERATOR: "wrap it in sorted(...)",
    ENTRIES: "sort the entries by name",
    WALK: "sort the directory names in place (dirs.sort()) and iterate sorted(files)",
}
#: List methods that neither show nor change the order of a stored listing.
NEUTRAL_METHODS = frozenset({"append", "extend", "insert", "remove", "count", "clear", "copy"})
ITERATING_CALLS = FIRST_ARGUMENT_SINKS | {"builtins.zip", "builtins.map", "builtins.filter", "builtins.next"}


@dataclass(frozen=True, eq=False)
class _Tracked:
    """A listing kept in a local name until a use shows its order (or ``.sort()`` fixes it)."""

    scope: Scope  # held, so that its id is never reused while tracked
    call: cst.Call
    kind: str
    fixable: bool


class FilesystemOrder(Rule):
    """Directory order is whatever the file system keeps: sort every listing whose order is seen."""

    code = "DET204"
    name = "filesystem-order"
    summary = "os.listdir/scandir/walk, glob, Path.iterdir/glob/rglob whose order reaches a result"
    message = "filesystem listing `{expr}` feeds output in directory order: {advice}"

    valid = [
        Valid("import os\ndef f(p):\n    return sorted(os.listdir(p))\n"),
        Valid("import glob\ndef f(p):\n    return len(glob.glob(p)), set(glob.glob(p)), 'x' in glob.glob(p)\n"),
        Valid("import os\ndef f(p):\n    names = os.listdir(p)\n    names.sort()\n    return names\n"),
        Valid("import os\ndef f(p):\n    names = os.listdir(p)\n    if not names:\n        return 0\n    return max(names)\n"),
        Valid("def f(p):\n    return p.iterdir(), p.glob('*')\n"),
        Valid("from pathlib import Path\ndef f(root: Path):\n    return sorted(root.glob('*.yaml'))\n"),
        Valid("import os\ndef f(p):\n    seen = set()\n    for name in os.listdir(p):\n        seen.add(name)\n    return seen\n"),
        Valid("import os\ndef f(top):\n    for root, dirs, files in os.walk(top):\n        dirs.sort()\n"
              "        for name in sorted(files):\n            print(root, name)\n"),
        Valid("class Repo:\n    def f(self, p):\n        return self.os.listdir(p)\n"),
        Valid("import os\nos.listdir('.')\n"),
    ]
    invalid = [
        Invalid(
            "import os\ndef f(p):\n    return os.listdir(p)\n", at=(3, 12), message="`os.listdir(p)`",
            fixed="import os\ndef f(p):\n    return sorted(os.listdir(p))\n",
        ),
        Invalid(
            "import glob\ndef f(p):\n    names = glob.glob(p)\n    return names\n", at=(3, 13),
            fixed="import glob\ndef f(p):\n    names = sorted(glob.glob(p))\n    return names\n",
        ),
        Invalid("from os import listdir\ndef f(p, out):\n    out.extend(listdir(p))\n", at=(3, 16)),
        Invalid(
            "from pathlib import Path\ndef f(root: Path):\n    for path in root.glob('*.yaml'):\n        print(path)\n",
            at=(3, 17),
            fixed="from pathlib import Path\ndef f(root: Path):\n    for path in sorted(root.glob('*.yaml')):\n        print(path)\n",
        ),
        Invalid("import pathlib\nfirst = next(pathlib.Path('.').iterdir())\n", at=(2, 14)),
        Invalid(
            "import os\ndef f(p):\n    return [e.name for e in os.scandir(p)]\n", at=(3, 29),
            fixed="import os\ndef f(p):\n    return [e.name for e in sorted(os.scandir(p), key=lambda entry: entry.name)]\n",
        ),
        Invalid("from pathlib import Path\ndef f(base):\n    root = Path(base) / 'playbooks'\n    return [p.name for p in root.rglob('*')]\n",
                at=(4, 29)),
        Invalid("import os\ndef f(top):\n    for root, dirs, files in os.walk(top):\n        print(root, files)\n",
                at=(3, 30), message="dirs.sort()"),
        Invalid("import os\ndef f(top):\n    for root, dirs, files in os.walk(top):\n        dirs.sort()\n"
                "        yield from files\n", at=(3, 30)),
        Invalid("import os\ndef f(p):\n    with os.scandir(p) as entries:\n        return [e.name for e in entries]\n",
                at=(3, 10)),
        Invalid("import os\ndef f(p):\n    names = os.listdir(p)\n    print(len(names))\n    return names[0]\n", at=(3, 13)),
        Invalid("import glob\nFILES = glob.glob('*.py')\n", at=(2, 9)),
    ]

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        #: ids of nodes whose context the parent already decided, before the listing is visited.
        self._discarded: Set[int] = set()
        self._iterated: Set[int] = set()
        self._unfixable: Set[int] = set()
        self._set_loops: Set[int] = set()
        self._stores: Dict[int, Tuple[str, bool]] = {}  # value id -> (local name, fixable)
        self._sorted_walks: Dict[int, str] = {}  # os.walk call id -> the loop's files name
        self._neutral: Set[int] = set()
        self._tracked: Dict[Tuple[int, str], _Tracked] = {}

    # -- contexts, marked on the parent before the listing call is visited ----------------

    def visit_Expr(self, node: cst.Expr) -> None:
        self._discarded.add(id(node.value))

    def visit_For(self, node: cst.For) -> None:
        self._iterated.add(id(node.iter))
        if order_insensitive_body(node.body):
            self._set_loops.add(id(node.iter))
        files = _walk_files_name(node)
        if files is not None:
            self._sorted_walks[id(node.iter)] = files

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._iterated.add(id(node.iter))

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.From):
            self._iterated.add(id(node.value.item))

    def visit_StarredElement(self, node: cst.StarredElement) -> None:
        self._iterated.add(id(node.value))

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._store(node.value, node.targets[0].target.value, fixable=True)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and isinstance(node.target, cst.Name):
            self._store(node.value, node.target.value, fixable=True)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self._store(node.item, node.asname.name.value, fixable=False)

    def _store(self, value: cst.BaseExpression, name: str, fixable: bool) -> None:
        if self.names.scope.kind == "function":  # module and class names are read from outside
            self._stores[id(value)] = (name, fixable)

    def visit_If(self, node: cst.If) -> None:
        self._neutral.add(id(node.test))

    def visit_While(self, node: cst.While) -> None:
        self._neutral.add(id(node.test))

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> None:
        if isinstance(node.operator, cst.Not):
            self._neutral.add(id(node.expression))

    # -- listings ---------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        self._mark_arguments(node)
        self._method_on_tracked(node)
        kind = self._listing_kind(node)
        if kind is None or self.context.order.is_insensitive(node):
            return
        key = id(node)
        if key in self._discarded or key in self._set_loops:
            return
        if kind == WALK and key in self._sorted_walks:
            self._track(self._sorted_walks[key], node, WALK, fixable=False)
        elif key in self._stores:
            name, fixable = self._stores[key]
            self._track(name, node, kind, fixable)
        else:
            self._report(node, kind, fixable=True, stored=False)

    def _listing_kind(self, node: cst.Call) -> Optional[str]:
        qualified = self.names.qualified(node.func)
        if qualified in LISTINGS:
            return LISTINGS[qualified]
        func = node.func  # an imported receiver (``from .places import ROOT``) may be a Path too
        if isinstance(func, cst.Attribute) and func.attr.value in PATH_LISTINGS:
            receiver = self.context.types.expression_fact(func.value)
            if receiver is not None and receiver.kind == PATH:
                return PATH_LISTINGS[func.attr.value]
        return None

    def _mark_arguments(self, node: cst.Call) -> None:
        """Arguments that a builtin iterates straight away: a sorted list serves them as well."""
        qualified = self.names.qualified(node.func)
        if qualified not in ITERATING_CALLS and not is_str_join(self.names, node.func):
            return
        positional = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if qualified in ("builtins.map", "builtins.filter"):
            positional = positional[1:]
        elif qualified != "builtins.zip":
            positional = positional[:1]
        if qualified == "builtins.next":
            self._unfixable.update(id(value) for value in positional)  # next() needs an iterator
        else:
            self._iterated.update(id(value) for value in positional)

    def _method_on_tracked(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return
        key = self._key(func.value.value)
        if key is None or key not in self._tracked:
            return
        if func.attr.value == "sort":
            del self._tracked[key]  # sorted in place: every later use is fine
        elif func.attr.value in NEUTRAL_METHODS:
            self._neutral.add(id(func.value))

    def _report(self, call: cst.Call, kind: str, fixable: bool, stored: bool) -> None:
        fix = None
        fixable = fixable and kind != WALK and id(call) not in self._unfixable
        if fixable and self.names.lookup("sorted") == "builtins.sorted":
            safe = kind == LIST or (not stored and id(call) in self._iterated)
            replacement = sorted_call(call)
            if kind == ENTRIES:
                replacement = replacement.with_changes(args=[*replacement.args, _BY_NAME])
            fix = Fix(call, replacement, safe=safe, description="wrap in sorted()")
        message = self.message.format(expr=self.context.code_for(call), advice=ADVICE[kind])
        self.report(call, message, fix)

    # -- listings kept in local names -------------------------------------------------------

    def _key(self, name: str) -> Optional[Tuple[int, str]]:
        scope = self.names.binding_scope(name)
        return None if scope is None else (id(scope), name)

    def _track(self, name: str, call: cst.Call, kind: str, fixable: bool) -> None:
        scope = self.names.binding_scope(name) or self.names.scope
        self._tracked[(id(scope), name)] = _Tracked(scope, call, kind, fixable)

    def visit_Name(self, node: cst.Name) -> None:
        if not self._tracked or not self.names.is_load(node):
            return
        key = self._key(node.value)
        tracked = self._tracked.get(key) if key is not None else None
        if tracked is None:
            return
        if id(node) in self._neutral or self.context.order.is_insensitive(node):
            return
        del self._tracked[key]  # type: ignore[arg-type]
        self._report(tracked.call, tracked.kind, tracked.fixable, stored=True)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        for target in original_node.targets:
            if isinstance(target.target, cst.Name):
                key = self._key(target.target.value)
                tracked = self._tracked.get(key) if key is not None else None
                if tracked is not None and tracked.call is not original_node.value:
                    del self._tracked[key]  # type: ignore[arg-type]  # rebound: a new value


_BY_NAME = cst.Arg(
    cst.Lambda(
        params=cst.Parameters(params=[cst.Param(cst.Name("entry"))]),
        body=cst.Attribute(cst.Name("entry"), cst.Name("name")),
    ),
    keyword=cst.Name("key"),
    equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
)


def _walk_files_name(loop: cst.For) -> Optional[str]:
    """For ``for root, dirs, files in os.walk(...)`` whose body sorts ``dirs`` in place: ``files``."""
    target = loop.target
    if not isinstance(target, cst.Tuple) or len(target.elements) not in (3, 4):
        return None
    names = [element.value for element in target.elements]
    if not all(isinstance(name, cst.Name) for name in names):
        return None
    dirs, files = names[1].value, names[2].value  # type: ignore[attr-defined]
    body = loop.body.body if isinstance(loop.body, cst.IndentedBlock) else ()
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            call = small.value if isinstance(small, cst.Expr) else None
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "sort"
                and isinstance(call.func.value, cst.Name)
                and call.func.value.value == dirs
            ):
                return files
    return None
