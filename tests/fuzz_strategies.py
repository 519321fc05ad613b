"""Programs for fuzzing orch-lint: Python's whole grammar, and small programs full of our hazards.

hypothesmith's strategies (``from_grammar``: any program the grammar allows; ``from_node``:
programs built as LibCST trees) cover odd syntax, but a random program almost never holds a set
or a dict that our rules can see, so they rarely exercise a fix. ``hazard_programs`` writes
programs the way the core is written, dense in what the rules look at: sets, dicts and their
views behind annotations of every spelling, the sinks that show an order and the consumers that
hide it, clocks imported under other names, shadowed builtins (a local ``sorted`` must stop the
fix), ``# noqa`` comments, parentheses holding comments, nesting. Each program compiles.
"""

from __future__ import annotations

from typing import Callable, List

from hypothesis import strategies as st

IMPORTS = [
    "import time", "import datetime", "from datetime import datetime as dt", "from time import time as now",
    "import os", "import glob", "from typing import Dict, FrozenSet, Mapping, Set",
    "from collections import Counter, OrderedDict, defaultdict", "import random", "import uuid",
    "from pathlib import Path", "import sqlite3", "import os.path as osp", "from os import listdir",
]
#: Annotations for a set of str (sorts safely), a set of unknown elements, and dicts.
SET_TYPES = ["set[str]", "frozenset[int]", "Set[str]", "FrozenSet[bytes]", "set", "'set[str]'"]
DICT_TYPES = ["dict[str, int]", "Dict[str, str]", "Mapping[str, float]", "dict", "OrderedDict[str, int]"]
OTHER_TYPES = ["list[str]", "int", "str", "object"]
CLOCKS = [
    "time.time()", "datetime.datetime.now()", "dt.now()", "now()", "time.monotonic", "datetime.date.today()",
    "time.localtime()", "time.strftime('%H')", "dt.utcnow", "random.random()", "uuid.uuid4()", "hash(name)",
    "id(name)", "os.environ.get('X')", "os.getenv('HOME')",
]
LISTINGS = ["os.listdir('.')", "glob.glob('*.py')", "listdir(base)", "os.scandir('.')", "Path('.').iterdir()"]
NOQA = ["", "", "", "  # noqa", "  # noqa: DET201", "  # noqa: DET2", "  # noqa: DET101,DET202", "  # noqa: E501",
        "  # noqa:DET204", "  # noqa: DET900"]
NAMES = ["a", "b", "name", "item", "key", "value", "k", "v", "x"]


@st.composite
def _expression(draw: st.DrawFn, collections: List[str], depth: int = 0) -> str:
    """An expression that is (or may be) a set or a dict, or a view of one."""
    base = draw(st.sampled_from(collections)) if collections else "{'a', 'b'}"
    choices: List[Callable[[], str]] = [
        lambda: base,
        lambda: f"{base}.keys()",
        lambda: f"{base}.values()",
        lambda: f"{base}.items()",
        lambda: "{" + ", ".join(repr(n) for n in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3))) + "}",
        lambda: "{'k': 1, 'j': 2}",
        lambda: f"set({base})",
        lambda: f"frozenset({base})",
        lambda: f"({base} | {draw(st.sampled_from(collections or ['set()']))})",
        lambda: f"{base}.union({draw(st.sampled_from(collections or ['()']))})",
        lambda: f"{base} - {{'z'}}",
        lambda: f"(  # why\n        {base}\n    )",
        lambda: f"{{{draw(st.sampled_from(NAMES))} for {draw(st.sampled_from(NAMES))} in {base}}}",
        lambda: f"{{k: 1 for k in {base}}}",
        lambda: draw(st.sampled_from(LISTINGS)),
        lambda: "defaultdict(int)",
        lambda: f"Counter({base})",
    ]
    if depth < 2:
        choices.append(lambda: f"{{x for x in {draw(_expression(collections, depth + 1))}}}")
    return draw(st.sampled_from(choices))()


@st.composite
def _use(draw: st.DrawFn, collections: List[str], indent: str, in_function: bool = True) -> List[str]:
    """Lines that use an expression where its order may or may not show."""
    e = draw(_expression(collections))
    v = draw(st.sampled_from(NAMES))
    noqa = draw(st.sampled_from(NOQA))
    clock = draw(st.sampled_from(CLOCKS))
    forms = [
        [f"for {v} in {e}:{noqa}", f"    out.append({v})"],
        [f"for {v} in {e}:", "    seen.add(v)"],
        [f"for {v} in {e}:", f"    if {v}:", "        continue", "    print(v)"],
        [f"out = [{v} for {v} in {e}]{noqa}"],
        [f"out = list({e}){noqa}"],
        [f"out = tuple({e})"],
        [f"out = ', '.join({e}){noqa}"],
        [f"out = sorted({e})"],
        [f"out = sorted(list({e}))"],
        [f"out = len({e}), sum(1 for _ in {e}), max({e}, default=None)"],
        [f"out = [*{e}]"],
        [f"out = {{*{e}}}"],
        [f"print(*{e}){noqa}"],
        [f"out = dict(zip({e}, range(3)))"],
        [f"out = list(enumerate({e}))"],
        [f"out = next(iter({e})){noqa}"],
        [f"out = next(iter({e}), None)"],
        [f"out = {v} in {e}"],
        [f"out = any({v} for {v} in {e})"],
        [f"out = {{{v}: 1 for {v} in {e}}}{noqa}"],
        [f"out = list(map(str, {e}))"],
        [f"out = [({v}, {v}) for {v} in {e} if {v}]"],
        [f"out = {clock}{noqa}"],
        [f"stamp = {clock}", "out = stamp"],
        [f"def later(clock={clock.rstrip('()') if clock.endswith('()') else clock}):", "    return clock"],
        ["sorted = list", f"out = list({e})"],
        ["list = tuple", f"out = list({e})"],
        ["min = max", f"out = next(iter({e}))"],
        ["import datetime", "datetime = None", "out = datetime"],
        [f"out = [y for y in [z for z in {e}]]"],
        [f"out = sorted({v} for {v} in {e})"],
    ]
    if in_function:
        forms.append([f"yield from {e}"])
    lines = draw(st.sampled_from(forms))
    return [indent + line for line in lines]


@st.composite
def _function(draw: st.DrawFn, module_collections: List[str]) -> List[str]:
    params = draw(st.lists(st.sampled_from(["s", "t", "d", "m", "items"]), max_size=3, unique=True))
    annotated = []
    collections = list(module_collections)
    for param in params:
        kind = draw(st.sampled_from(["set", "dict", "other", "none"]))
        if kind == "none":
            annotated.append(param)
            continue
        annotation = draw(st.sampled_from({"set": SET_TYPES, "dict": DICT_TYPES, "other": OTHER_TYPES}[kind]))
        annotated.append(f"{param}: {annotation}")
        collections.append(param)
    returns = draw(st.sampled_from(["", " -> set[str]", " -> dict[str, int]", " -> list[str]"]))
    name = draw(st.sampled_from(["f", "g", "evaluate", "names", "ids"]))
    lines = [f"def {name}({', '.join(annotated)}){returns}:", "    out = []", "    seen = set()", "    base = '.'"]
    for _ in range(draw(st.integers(1, 4))):
        lines += draw(_use(collections, "    "))
    lines.append("    return out")
    return lines


@st.composite
def _class(draw: st.DrawFn) -> List[str]:
    annotation = draw(st.sampled_from(SET_TYPES + DICT_TYPES))
    lines = ["class State:", f"    ready: {annotation}", "", "    def __init__(self):",
             f"        self.done: {draw(st.sampled_from(SET_TYPES))} = set()", "",
             "    def names(self):", "        out = []", "        seen = set()", "        base = '.'"]
    lines += draw(_use(["self.ready", "self.done"], "        "))
    lines.append("        return out")
    return lines


@st.composite
def hazard_programs(draw: st.DrawFn) -> str:
    """A small module dense in determinism hazards; it always compiles."""
    lines = ["import time", "import datetime"] + draw(st.lists(st.sampled_from(IMPORTS), max_size=6, unique=True))
    lines += ["from typing import Dict, FrozenSet, Mapping, Set", "from collections import Counter, OrderedDict, defaultdict",
              "import os, glob", "from os import listdir", "from pathlib import Path", "name = 'n'", "base = '.'"]
    collections: List[str] = []
    for index in range(draw(st.integers(0, 3))):
        value = draw(st.sampled_from(["{'b', 'a'}", "set()", "frozenset('ab')", "{'k': 1}", "dict(a=1)", "Counter()"]))
        annotation = draw(st.sampled_from(["", ": set[str]", ": dict[str, int]", ": Set[str]"]))
        lines.append(f"G{index}{annotation} = {value}")
        collections.append(f"G{index}")
    for _ in range(draw(st.integers(1, 3))):
        lines += [""] + draw(st.one_of(_function(collections), _class()))
    lines += ["", "out, seen = [], set()"] + draw(_use(collections, "", in_function=False))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline * draw(st.integers(0, 1))
