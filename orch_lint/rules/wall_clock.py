"""DET101: reading the wall clock inside the core."""

from __future__ import annotations

from typing import FrozenSet, Optional

import libcst as cst

from orch_lint.model import Invalid, Options, Valid
from orch_lint.rule import FileContext
from orch_lint.rules._references import NameReference

#: Reads of the clock whatever the arguments.
WALL_CLOCK = frozenset(
    {
        "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
        "datetime.date.today",
        "time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns",
        "time.perf_counter", "time.perf_counter_ns", "time.process_time", "time.process_time_ns",
        "time.thread_time", "time.thread_time_ns", "time.clock_gettime", "time.clock_gettime_ns",
        # the third-party clocks people reach for instead
        "pendulum.now", "pendulum.today", "pendulum.tomorrow", "pendulum.yesterday",
        "pendulum.DateTime.now", "pendulum.DateTime.today", "pendulum.DateTime.utcnow",
        "arrow.now", "arrow.utcnow", "arrow.Arrow.now", "arrow.Arrow.utcnow",
        "django.utils.timezone.now",
        "pandas.Timestamp.now", "pandas.Timestamp.utcnow", "pandas.Timestamp.today",
    }
)
#: Pure when given a time, a clock read without one: the number of arguments that make them pure.
CLOCK_WITHOUT_ARGUMENT = {
    "time.localtime": 1, "time.gmtime": 1, "time.ctime": 1, "time.asctime": 1, "time.strftime": 2,
    "django.utils.timezone.localtime": 1, "django.utils.timezone.localdate": 1,
}


class WallClockRead(NameReference):
    """A wall-clock read makes evaluate() depend on when it runs, not on its events."""

    code = "DET101"
    name = "wall-clock-read"
    summary = "wall-clock read (datetime.now(), time.time(), ...), called or passed uncalled"
    message = "wall-clock read `{name}`: take the time from the triggering event or an injected clock"
    modules = frozenset(name.partition(".")[0] for name in WALL_CLOCK | set(CLOCK_WITHOUT_ARGUMENT))

    @classmethod
    def needed_modules(cls, options: Options) -> FrozenSet[str]:
        extra = frozenset(name.partition(".")[0] for name in options.extend_wall_clock)
        return frozenset() if "builtins" in extra else cls.modules | extra

    valid = [
        Valid("def at(event):\n    return event.timestamp\n"),
        Valid("def f(now):\n    return now()\n"),
        Valid("import time\ndef f():\n    time = FakeClock()\n    return time.time()\n"),
        Valid("def f(obj):\n    return obj.datetime.now()\n"),
        Valid("class A:\n    def f(self):\n        return self.clock.now()\n"),
        Valid("from datetime import datetime, timedelta\nx = datetime.fromisoformat(s) + timedelta(1)\n"),
        Valid("import time\nt = time.localtime(0)\ns = time.strftime('%Y', t)\n"),
        Valid("import time\nstamps = list(map(time.gmtime, seconds))\n"),
        Valid("from datetime import datetime\nd = datetime(2024, 1, 1)\n"),
        Valid("from django.utils import timezone\nlocal = timezone.localtime(event.timestamp)\n"),
    ]
    invalid = [
        Invalid("import datetime\nnow = datetime.datetime.now()\n", at=(2, 7)),
        Invalid("import datetime as d\nx = d.datetime.utcnow()\n", at=(2, 5)),
        Invalid("from datetime import datetime as dt\ndt.now()\n", at=(2, 1)),
        Invalid("from datetime import date\ntoday = date.today()\n", at=(2, 9)),
        Invalid("from time import perf_counter as pc\nstart = pc()\n", at=(2, 9)),
        Invalid("import time\nclock = time.time\n", at=(2, 9)),
        Invalid(
            "from dataclasses import dataclass, field\nfrom datetime import datetime\n"
            "@dataclass\nclass E:\n    at: datetime = field(default_factory=datetime.now)\n",
            at=(5, 42),
        ),
        Invalid("import time\ndef f(clock=time.monotonic):\n    return clock()\n", at=(2, 13)),
        Invalid("import time\nstamp = lambda: time.time_ns()\n", at=(2, 17)),
        Invalid("import time\nt = time.localtime()\n", at=(2, 5)),
        Invalid("import time\ns = time.strftime('%H:%M')\n", at=(2, 5)),
        Invalid("from datetime import datetime\nCLOCK = datetime.utcnow\n", at=(2, 9)),
        Invalid("import time\ndef f(factory=time.gmtime):\n    return factory()\n", at=(2, 15)),
        Invalid("from datetime import *\nstamp = datetime.now()\n", at=(2, 9)),
        Invalid("import pendulum\ndue = pendulum.now('UTC').add(days=1)\n", at=(2, 7)),
        Invalid("from django.utils import timezone\ntoday = timezone.localdate()\n", at=(2, 9)),
    ]

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._clock = WALL_CLOCK | self.options.extend_wall_clock

    def check(self, node: cst.BaseExpression, qualified: str) -> None:
        if qualified in self._clock or self._reads_clock_without_argument(node, qualified):
            self.report(node, self.message.format(name=qualified))

    def _reads_clock_without_argument(self, node: cst.BaseExpression, qualified: str) -> bool:
        pure_arity = CLOCK_WITHOUT_ARGUMENT.get(qualified)
        if pure_arity is None:
            return False
        call: Optional[cst.Call] = self.call_of(node)
        if call is None:
            return self.called_without_arguments_later(node)
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if any(arg.star for arg in call.args):
            return False
        if len(positional) < pure_arity:
            return True
        time_argument = positional[pure_arity - 1].value
        return isinstance(time_argument, cst.Name) and time_argument.value == "None"
