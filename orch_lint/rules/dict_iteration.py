"""DET202: iterating a dict or mapping where the order reaches a result."""

from __future__ import annotations

from orch_lint.analysis.types import DICT
from orch_lint.model import Invalid, Valid
from orch_lint.rules._unordered import UnorderedIteration


class DictIteration(UnorderedIteration):
    """A dict iterates in insertion order, which follows whatever code filled it, not the data."""

    code = "DET202"
    name = "dict-iteration-feeds-output"
    summary = "iteration over a dict or mapping (or its keys/values/items) whose order reaches a result"
    message = (
        "iteration over dict `{expr}` feeds output in insertion order: "
        "wrap it in sorted(...) or use an order-insensitive consumer"
    )
    kind = DICT

    valid = [
        Valid("def f(d: dict[str, int]):\n    return sorted(d.items())\n"),
        Valid("def f(d: dict[str, int]):\n    return sum(d.values()), len(d), max(d)\n"),
        Valid("def f(d: dict[str, int]):\n    return {k for k in d}, 'x' in d, d['x']\n"),
        Valid("def f(d):\n    return [k for k in d.items()]\n"),
        Valid("def f(obj):\n    for k, v in obj.items():\n        print(k, v)\n"),
    ]
    invalid = [
        Invalid(
            "def f(ctx: dict[str, str]):\n    for k, v in ctx.items():\n        print(k, v)\n", at=(2, 17),
            fixed="def f(ctx: dict[str, str]):\n    for k, v in sorted(ctx.items()):\n        print(k, v)\n",
        ),
        Invalid(
            "from typing import Mapping\ndef f(m: Mapping[str, int]):\n    return [k for k in m]\n", at=(3, 24),
            fixed="from typing import Mapping\ndef f(m: Mapping[str, int]):\n    return [k for k in sorted(m)]\n",
        ),
        Invalid("from collections import defaultdict\ncounts = defaultdict(int)\nkeys = list(counts.keys())\n",
                at=(3, 13), fix_safe=False,
                fixed="from collections import defaultdict\ncounts = defaultdict(int)\nkeys = sorted(counts.keys())\n"),
        # str.join only accepts strings, which always sort: safe whatever the declared value type
        Invalid("def f(d: dict[str, object]):\n    return ','.join(d.values())\n", at=(2, 21),
                fixed="def f(d: dict[str, object]):\n    return ','.join(sorted(d.values()))\n"),
        Invalid("def f(d: dict[str, int]):\n    return {k: v + 1 for k, v in d.items()}\n", at=(2, 34),
                fixed="def f(d: dict[str, int]):\n    return {k: v + 1 for k, v in sorted(d.items())}\n"),
        Invalid("def f(d: dict[str, int]):\n    return list(reversed(d))\n", at=(2, 26),
                fixed="def f(d: dict[str, int]):\n    return list(reversed(sorted(d)))\n"),
        # a dict of dicts: sorting the values could compare two dicts, which raises
        Invalid("def f(d: dict[str, dict[str, int]]):\n    return [v for v in d.values()]\n", at=(2, 24),
                fix_safe=False,
                fixed="def f(d: dict[str, dict[str, int]]):\n    return [v for v in sorted(d.values())]\n"),
    ]
