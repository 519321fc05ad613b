# Cases for DET101. `# expect: CODE:COL` marks each finding on its line; every other line is clean.
import datetime
import datetime as d
import time
import time as t
from dataclasses import dataclass, field
from datetime import date
from datetime import datetime as dt
from time import monotonic, perf_counter as pc

a = datetime.datetime.now()  # expect: DET101:5
b = datetime.datetime.utcnow()  # expect: DET101:5
c = datetime.datetime.today()  # expect: DET101:5
e = datetime.date.today()  # expect: DET101:5
f = d.datetime.now(d.timezone.utc)  # expect: DET101:5
g = dt.now()  # expect: DET101:5
h = date.today()  # expect: DET101:5
i = time.time() + time.time_ns()  # expect: DET101:5 DET101:19
j = monotonic() - pc()  # expect: DET101:5 DET101:19
k = t.perf_counter_ns(), t.process_time(), t.process_time_ns()  # expect: DET101:5 DET101:26 DET101:44
m = time.thread_time(), time.thread_time_ns(), time.monotonic_ns()  # expect: DET101:5 DET101:25 DET101:48
n = time.localtime(), time.gmtime(), time.ctime(), time.asctime()  # expect: DET101:5 DET101:23 DET101:38 DET101:52
o = time.localtime(None)  # expect: DET101:5
p = time.strftime("%Y-%m-%d")  # expect: DET101:5
CLOCK = datetime.datetime.utcnow  # expect: DET101:9
clock_fn = time.time  # expect: DET101:12
stamp = lambda: time.time()  # expect: DET101:17


@dataclass
class Event:
    at: dt = field(default_factory=dt.now)  # expect: DET101:36
    day: date = field(default_factory=date.today)  # expect: DET101:39
    parts: object = field(default_factory=time.gmtime)  # expect: DET101:43


def run(clock=time.monotonic, when=time.localtime):  # expect: DET101:15 DET101:36
    return clock(), when()


# Pure functions of the modules, and look-alikes: never reported.
q = datetime.datetime.fromisoformat("2024-01-01T00:00:00+00:00")
r = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(days=1)
s = time.localtime(0), time.gmtime(12), time.ctime(1.5), time.asctime(time.gmtime(0))
u = time.strftime("%Y", time.gmtime(0))
v = list(map(time.gmtime, [0, 1]))
w = dt.fromtimestamp(0, d.timezone.utc)


def shadowed_parameter(now, time):
    return now(), time.time()


def shadowed_local():
    time = FakeClock()  # noqa: F821 - a name the test never resolves
    datetime = FakeClock()  # noqa: F821
    return time.time(), datetime.datetime.now()


def attribute_lookalikes(obj, self):
    return obj.datetime.now(), self.clock.now(), obj.time.time()


class Clocked:
    def now(self):
        return self.clock.now()

    def time(self):
        return self.time()


def comprehension_shadow(fns):
    return [time() for time in fns]


# Assigned aliases: an attribute of a name that holds an imported module or class resolves.
Clock = dt
clock_module = time
Moment = Clock


def through_assigned_aliases():
    return Clock.now(), clock_module.monotonic(), Moment.utcnow()  # expect: DET101:12 DET101:25 DET101:51


def alias_then_rebound():
    Clock = FakeClock()  # noqa: F821
    return Clock.now(), Clock.fromisoformat("2024-01-01")


reader = dt.now  # expect: DET101:10


def bare_alias_is_reported_where_assigned():
    return reader()


def walrus():
    if (started := t.time()) > 0:  # expect: DET101:20
        return started


# Rebinding the module's own name: its value is read before the name is rebound.
time = time.monotonic  # expect: DET101:8
time()
