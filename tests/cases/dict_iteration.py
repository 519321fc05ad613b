# Cases for DET202. `# expect: CODE:COL` marks each finding on its line.
from collections import Counter, OrderedDict, defaultdict
from typing import Dict, Mapping, MutableMapping


def literal():
    ctx = {"b": 1, "a": 2}
    for key in ctx:  # expect: DET202:16
        print(key)
    for key, value in ctx.items():  # expect: DET202:23
        print(key, value)
    return list(ctx.keys()) + list(ctx.values())  # expect: DET202:17 DET202:36


def constructors(pairs):
    yield list(dict(pairs))  # expect: DET202:16
    yield list(defaultdict(list))  # expect: DET202:16
    yield list(Counter(pairs).items())  # expect: DET202:16
    yield list(OrderedDict(pairs))  # expect: DET202:16
    yield list(dict.fromkeys(pairs))  # expect: DET202:16


def annotations(a: dict[str, int], b: Dict[str, int], c: Mapping[str, int], e: MutableMapping[str, int]):
    yield [k for k in a]  # expect: DET202:23
    yield ",".join(b)  # expect: DET202:20
    yield {k: v for k, v in c.items()}  # expect: DET202:29
    yield list(reversed(e))  # expect: DET202:25


def nested(index: dict[str, set[str]]):
    return list(index["x"])  # expect: DET201:17


# Order cannot be observed, or the type is unknown: never reported.
def clean(a: dict[str, int], unknown):
    keys = sorted(a), sorted(a.items()), sorted(a.values())
    sizes = len(a), sum(a.values()), max(a), min(a.keys()), any(a), all(a.values())
    lookups = a["x"], a.get("y"), "z" in a, "w" in a.keys()
    sets = set(a), {k for k in a}, frozenset(a.items())
    others = [k for k in unknown], list(unknown.items())
    return keys, sizes, lookups, sets, others
