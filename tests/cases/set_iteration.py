# Cases for DET201. `# expect: CODE:COL` marks each finding on its line.
from typing import AbstractSet, FrozenSet, MutableSet, Optional, Set


def literal():
    names = {"b", "a"}
    for name in names:  # expect: DET201:17
        print(name)
    return [n.upper() for n in names]  # expect: DET201:32


def constructors(items):
    chosen = set(items)
    frozen = frozenset(items)
    out = list(chosen)  # expect: DET201:16
    out += tuple(frozen)  # expect: DET201:18
    return ", ".join(chosen) + "".join(frozen)  # expect: DET201:22 DET201:40


def annotations(a: set[str], b: Set[str], c: FrozenSet[int], e: AbstractSet[str], f: MutableSet[str], g: Optional[Set[str]]):
    yield from a  # expect: DET201:16
    yield list(enumerate(b))  # expect: DET201:26
    yield list(zip(c, "xyz"))  # expect: DET201:20
    yield list(map(str, e))  # expect: DET201:25
    yield list(filter(None, f))  # expect: DET201:29
    yield [*g]  # expect: DET201:13
    yield print(*a)  # expect: DET201:18


def operators(a: set[str], b: set[str]):
    yield list(a | b)  # expect: DET201:16
    yield list(a - b)  # expect: DET201:16
    yield list(a & b), list(a ^ b)  # expect: DET201:16 DET201:29
    yield list(a.union(b)), list(a.intersection(b))  # expect: DET201:16 DET201:34
    yield list(a.difference(b)), list(a.symmetric_difference(b))  # expect: DET201:16 DET201:39
    yield {x: 1 for x in a}  # expect: DET201:26
    yield (x for x in a.copy())  # expect: DET201:23


class Ready:
    pending: set[str]

    def __init__(self) -> None:
        self.ready: set[str] = set()
        self.done = set()

    def order(self):
        yield list(self.ready)  # expect: DET201:20
        yield list(self.done)  # expect: DET201:20
        yield list(self.pending)  # expect: DET201:20


def make() -> set[str]:
    return set()


def later_defined_return():
    return list(helper())  # expect: DET201:17


def helper() -> "frozenset[str]":
    return frozenset()


STEP_KINDS: frozenset = frozenset({"noop", "python"})


def module_level():
    return [k for k in STEP_KINDS] + list(make())  # expect: DET201:24 DET201:43


# Order cannot be observed, or the type is unknown: never reported.
def clean(a: set[str], b: set[str], unknown, items: list[str]):
    seen = set()
    for x in a:
        seen.add(x)
    for x in a:
        if x:
            seen.discard(x)
    total = len(a) + sum(1 for _ in a) + len(list(a))
    best = max(a), min(b), any(x for x in a), all(x for x in b)
    also = set(a), frozenset(x for x in b), {y for y in a}, {*a, *b}
    membership = "x" in a, "y" in list(b), "z" not in tuple(a)
    algebra = a | b, a - b, a & b
    ordered = sorted(a), sorted(list(a)), sorted(x for x in a), ",".join(sorted(a))
    others = [x for x in unknown], list(items), list(unknown.keys())
    rebound = a
    rebound = sorted(rebound)
    return total, best, also, membership, algebra, ordered, others, [r for r in rebound]
