"""DET201: iterating a set or frozenset where the order reaches a result."""

from __future__ import annotations

from orch_lint.analysis.types import SET
from orch_lint.model import Invalid, Valid
from orch_lint.rules._unordered import UnorderedIteration


class SetIteration(UnorderedIteration):
    """A set iterates in hash order, which for str changes with every process (PYTHONHASHSEED)."""

    code = "DET201"
    name = "set-iteration-feeds-output"
    summary = "iteration over a set or frozenset whose order reaches a result"
    message = (
        "iteration over set `{expr}` feeds output in hash order: "
        "wrap it in sorted(...) or use an order-insensitive consumer"
    )
    kind = SET

    valid = [
        Valid("names = {'a', 'b'}\nfor n in sorted(names):\n    print(n)\n"),
        Valid("names = {'a', 'b'}\ncount = len(names)\nbiggest = max(names)\nok = any(n == 'a' for n in names)\n"),
        Valid("names = {'a', 'b'}\nupper = {n.upper() for n in names}\nboth = names | {'c'}\n"),
        Valid("names = {'a', 'b'}\nseen = set()\nfor n in names:\n    seen.add(n)\n"),
        Valid("names = {'a', 'b'}\nok = 'a' in names\nalso = 'a' in list(names)\n"),
        Valid("def f(items):\n    return [x for x in items]\n"),
        Valid("names = {'a'}\nnames = sorted(names)\nout = ','.join(names)\n"),
        Valid("def f(s: set[str]):\n    return sorted(list(s)), sum(1 for _ in s)\n"),
        Valid("def f(s: set[str]):\n    n = 0\n    for x in s:\n        if x:\n            n += 1\n    return n\n"),
        Valid("def f(s: set[str]):\n    for x in s:\n        if not x:\n            return False\n    return True\n"),
    ]
    invalid = [
        Invalid(
            "def f(ready: set[str]):\n    out = []\n    for name in ready:\n        out.append(name)\n    return out\n",
            at=(3, 17),
            fixed="def f(ready: set[str]):\n    out = []\n    for name in sorted(ready):\n        out.append(name)\n    return out\n",
        ),
        Invalid(
            "failed = {'b', 'a'}\nmessage = ', '.join(failed)\n", at=(2, 21),
            fixed="failed = {'b', 'a'}\nmessage = ', '.join(sorted(failed))\n",
        ),
        Invalid(
            "def f(s: frozenset[str]):\n    return list(s)\n", at=(2, 17),
            fixed="def f(s: frozenset[str]):\n    return sorted(s)\n",
        ),
        Invalid("from typing import Set\ndef f(s: Set[int]):\n    return [x * 2 for x in s]\n", at=(3, 28),
                fixed="from typing import Set\ndef f(s: Set[int]):\n    return [x * 2 for x in sorted(s)]\n"),
        Invalid("def f(a, b):\n    return tuple(set(a) - set(b))\n", at=(2, 18), fix_safe=False,
                fixed="def f(a, b):\n    return tuple(sorted(set(a) - set(b)))\n"),
        Invalid("class S:\n    def __init__(self):\n        self.ready: set[str] = set()\n"
                "    def names(self):\n        return [*self.ready]\n", at=(5, 18),
                fixed="class S:\n    def __init__(self):\n        self.ready: set[str] = set()\n"
                "    def names(self):\n        return [*sorted(self.ready)]\n"),
        Invalid("def ids() -> set[str]:\n    return set()\ndef f():\n    yield from ids()\n", at=(4, 16),
                fixed="def ids() -> set[str]:\n    return set()\ndef f():\n    yield from sorted(ids())\n"),
        Invalid("def f(s: set[str], t: set[str]):\n    return dict(zip(s.union(t), range(9)))\n", at=(2, 21),
                fixed="def f(s: set[str], t: set[str]):\n    return dict(zip(sorted(s.union(t)), range(9)))\n"),
        # the parentheses become the call's, keeping the comment inside them
        Invalid("def f(a: set[str], b: set[str]):\n    for x in (  # both\n        a | b\n    ):\n        print(x)\n",
                at=(3, 9),
                fixed="def f(a: set[str], b: set[str]):\n    for x in sorted(  # both\n        a | b\n    ):\n"
                "        print(x)\n"),
        # reversed() of a set raises TypeError: no fix turns that crash into a result
        Invalid("def f(s: set[str]):\n    return reversed(s)\n", at=(2, 21)),
        Invalid(
            "def f(s: set[str]):\n    for x in s:\n        if x.startswith('_'):\n            return x\n",
            at=(2, 14),
            fixed="def f(s: set[str]):\n    for x in sorted(s):\n        if x.startswith('_'):\n            return x\n",
        ),
        Invalid("def f(s: set[str], out: list[str]):\n    out.extend(s)\n", at=(2, 16),
                fixed="def f(s: set[str], out: list[str]):\n    out.extend(sorted(s))\n"),
    ]
