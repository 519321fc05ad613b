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


# More sites: methods, itertools, functools, unpacking, +=.
def more_sites(a: set[str], out: list[str]):
    import collections
    import functools
    import itertools
    out.extend(a)  # expect: DET201:16
    index = dict.fromkeys(a)  # expect: DET201:27
    queue = collections.deque(a)  # expect: DET201:31
    joined = list(itertools.chain(a, out))  # expect: DET201:35
    pairs = list(itertools.combinations(a, 2))  # expect: DET201:41
    first = list(itertools.islice(a, 3))  # expect: DET201:35
    folded = functools.reduce(lambda x, y: x + y, a)  # expect: DET201:51
    left, right = a  # expect: DET201:19
    out += a  # expect: DET201:12
    numbered = sorted(enumerate(a))  # expect: DET201:33
    zipped = set(zip(a, out))  # expect: DET201:22
    return index, queue, joined, pairs, first, folded, left, right, numbered, zipped


def more_clean(a: set[str], b: set[str]):
    import itertools
    merged = sorted(itertools.chain(a, b)), len(list(zip(a))), set(itertools.chain(a, b))
    return merged


# Loop bodies whose effect is the same in any order, and those where the first match decides.
def counting(a: set[str], counts: dict[str, int]):
    total = 0
    for x in a:
        total += len(x)
    for x in a:
        counts[x] += 1
    for x in a:
        if x.startswith("_"):
            total -= 1
    flags = 0
    for x in a:
        flags |= hash_free(x)
    return total, flags


def any_like(a: set[str]) -> bool:
    for x in a:
        if x.startswith("_"):
            return True
    return False


def flag_like(a: set[str]) -> bool:
    found = False
    for x in a:
        if not x:
            found = True
            break
    return found


def removing(a: set[str], pending: dict[str, int]):
    for x in a:
        pending.pop(x, None)
    for x in a:
        del pending[x]
    for x in a:
        for y in x:
            pending.pop(y, None)


def first_match_decides(a: set[str]):
    for x in a:  # expect: DET201:14
        if x.startswith("_"):
            return True
        if x.startswith("-"):
            return False
    for x in a:  # expect: DET201:14
        if x:
            return x
    for x in a:  # expect: DET201:14
        total = len(x)
    for x in a:  # expect: DET201:14
        label = "a" if x else "b"
    for x in a:  # expect: DET201:14
        total += x.size
    for x in a:  # expect: DET201:14
        total *= 2
    for x in a:  # expect: DET201:14
        status = "open"
        status = "closed"
    for x in a:  # expect: DET201:14
        pass
    else:
        return None
    return total, label, status


def hash_free(x: str) -> int:
    return len(x)


def dict_view_algebra(old: dict[str, int], new: dict[str, int]):
    added = list(new.keys() - old.keys())  # expect: DET201:18
    changed = [k for k, _ in new.items() ^ old.items()]  # expect: DET201:30
    return added, changed, sorted(new.keys() & old.keys()), list(new.keys())  # expect: DET202:66


def indexing(a: set[str], pairs: set[tuple[str, int]], sizes: dict[str, int], out: dict):
    index = {}
    for name in a:
        index[name] = len(name)
    for name in a:
        if name:
            out[name] = name.upper()
    for key, size in sizes.items():
        index[key] = size
    for first, _ in pairs:  # expect: DET201:21
        index[first] = 0
    for name in a:  # expect: DET201:17
        index[name[0]] = name
    for size in sizes.values():  # expect: DET202:17
        index[size] = 1
    return index
