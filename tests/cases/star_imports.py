"""Star imports of the standard-library modules the rules know bind their public names."""

from datetime import *
from time import *
from random import *
from orchestrate_helpers import *


def stamp():
    return datetime.now(), date.today()  # expect: DET101:12 DET101:28


def elapsed():
    return monotonic() - time()  # expect: DET101:12 DET101:26


def pick(items):
    return choice(items), now()  # expect: DET102:12


def parse(text):
    return datetime.fromisoformat(text), timedelta(seconds=1), strptime(text, "%Y")


def later():
    from datetime import datetime
    datetime = object()
    return datetime.now()
