"""DET401: a call from the core that reaches a hazard through first-party code."""

from __future__ import annotations

from typing import Dict, List, Tuple

from orch_lint.analysis.callgraph import CallGraph, CallSummary
from orch_lint.model import Finding, Invalid, Options, Valid
from orch_lint.rule import Rule
from orch_lint.suppression import Noqa

STAMP = "import time\n\n\ndef stamp():\n    return time.time()\n\n\n"


class HazardousCall(Rule):
    """A hazard one call away is still a hazard: the core must not call into clocks, entropy, ...

    Unlike the other rules this one is decided per project, not per file: the traversal
    collects call sites and hazards (``analysis.callgraph.CallSites``), and ``findings`` joins
    them with the project's call graph once every module's summary is known.
    """

    code = "DET401"
    name = "call-reaches-hazard"
    summary = "call to a first-party function that reaches a wall-clock, entropy, environment, ... hazard"
    message = "call reaches a hazard: {chain}"

    valid = [
        Valid("def stamp(event):\n    return event.timestamp\n\n\ndef decide(event):\n    return stamp(event)\n"),
        Valid("def decide(obj):\n    return obj.stamp()\n"),
        Valid("import requests\n\n\ndef decide(url):\n    return requests.get(url)\n"),
        Valid(STAMP + "def decide():\n    return stamp()\n", options=Options(deterministic=("example.stamp",))),
        Valid("def a(n):\n    return b(n - 1) if n else 0\n\n\ndef b(n):\n    return a(n)\n"),
    ]
    invalid = [
        Invalid(STAMP + "def decide():\n    return stamp()\n", at=(9, 12),
                message="decide() -> example.stamp (example.py:5) -> time.time (wall clock)"),
        Invalid(
            "import time\n\n\nclass Clock:\n    def now(self):\n        return time.monotonic()\n\n"
            "    def tick(self):\n        return self.now()\n",
            at=(9, 16), message="Clock.tick() -> example.Clock.now (example.py:6) -> time.monotonic (wall clock)",
        ),
        Invalid(
            "import time\n\n\nclass Clock:\n    def now(self):\n        return time.time()\n\n\n"
            "def decide(clock: Clock):\n    return clock.now()\n",
            at=(10, 12),
        ),
        Invalid(STAMP + "def decide():\n    c = Clockless()\n    return [stamp][0], run(stamp)\n", at=(10, 28)),
        Invalid(
            "import functools\n" + STAMP + "def decide():\n    later = functools.partial(stamp)\n    return later()\n",
            at=(11, 12),
        ),
    ]

    @classmethod
    def findings(
        cls, summary: CallSummary, graph: CallGraph, path: str, noqa: Dict[int, Noqa]
    ) -> Tuple[List[Finding], List[Finding]]:
        """DET401 findings for one module's call sites: (kept, suppressed by ``# noqa``)."""
        kept: List[Finding] = []
        suppressed: List[Finding] = []
        prefix = f"{summary.module}."
        for site in summary.sites:
            callee = graph.resolve(site.target)
            chain = graph.chain(callee) if callee is not None else None
            if chain is None:
                continue
            caller = site.caller[len(prefix):] if site.caller and site.caller.startswith(prefix) else "<module>"
            finding = Finding(path, site.line, site.column, cls.code, cls.message.format(chain=chain.render(caller)))
            comment = noqa.get(site.line)
            (suppressed if comment is not None and comment.suppresses(cls.code) else kept).append(finding)
        return kept, suppressed
