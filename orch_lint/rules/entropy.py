"""DET102: randomness and freshly minted ids inside the core."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from orch_lint.model import Invalid, Valid
from orch_lint.rules._references import NameReference

#: The ``random`` module's functions: all draw from one process-wide generator seeded by the OS.
RANDOM_FUNCTIONS = frozenset(
    f"random.{name}"
    for name in (
        "random", "uniform", "randint", "randrange", "choice", "choices", "shuffle", "sample",
        "getrandbits", "randbytes", "triangular", "gauss", "normalvariate", "lognormvariate",
        "expovariate", "vonmisesvariate", "gammavariate", "betavariate", "paretovariate",
        "weibullvariate", "binomialvariate",
    )
)
#: Entropy whatever the arguments. ``secrets.compare_digest`` is deterministic and not here.
ENTROPY = RANDOM_FUNCTIONS | frozenset(
    {
        "uuid.uuid1", "uuid.uuid4", "os.urandom", "os.getrandom", "random.SystemRandom",
        "secrets.token_bytes", "secrets.token_hex", "secrets.token_urlsafe", "secrets.choice",
        "secrets.randbelow", "secrets.randbits", "secrets.SystemRandom",
    }
)
#: Generators that are deterministic when given a seed, and draw one from the OS without.
SEEDABLE = frozenset({"random.Random"})
#: Types also used in annotations: only a call (or a factory handed on) is a draw.
CALLED_ONLY = frozenset({"random.SystemRandom", "secrets.SystemRandom"}) | SEEDABLE


class Entropy(NameReference):
    """A random draw or a fresh uuid differs on every run, so two runs of evaluate() cannot agree."""

    code = "DET102"
    name = "entropy"
    summary = "randomness or fresh ids: random.*, unseeded random.Random(), uuid1/uuid4, os.urandom, secrets"
    message = "entropy source `{name}`: take ids and randomness from the events, or seed a random.Random from them"
    modules = frozenset(name.partition(".")[0] for name in ENTROPY | SEEDABLE)

    valid = [
        Valid("import random\ndef pick(seed, items):\n    rng = random.Random(seed)\n    return rng.choice(items)\n"),
        Valid("import uuid\nstep_id = uuid.uuid5(uuid.NAMESPACE_URL, 'step')\nother = uuid.uuid3(uuid.NAMESPACE_DNS, 'x')\n"),
        Valid("class Picker:\n    def pick(self, items):\n        return self.random.choice(items)\n"),
        Valid("import random\ndef f(rng: random.Random, items):\n    return rng.choice(items)\n"),
        Valid("def f(random, items):\n    return random.choice(items)\n"),
        Valid("import secrets\nsame = secrets.compare_digest(a, b)\n"),
        Valid("from random import Random\nrng = Random(42)\nvalue = rng.random()\n"),
    ]
    invalid = [
        Invalid("import random\nx = random.choice(items)\n", at=(2, 5), message="`random.choice`"),
        Invalid("from random import shuffle\nshuffle(items)\n", at=(2, 1)),
        Invalid("import random as r\nn = r.randint(1, 6)\n", at=(2, 5)),
        Invalid("import random\nrng = random.Random()\n", at=(2, 7), message="`random.Random`"),
        Invalid("from random import Random\nrng = Random(None)\n", at=(2, 7)),
        Invalid("import random\nrng = random.SystemRandom(42)\n", at=(2, 7)),
        Invalid("import uuid\ncommand_id = str(uuid.uuid4())\n", at=(2, 18), message="`uuid.uuid4`"),
        Invalid("from uuid import uuid1\nx = uuid1()\n", at=(2, 5)),
        Invalid("import os\nsalt = os.urandom(16)\n", at=(2, 8)),
        Invalid("import secrets\ntoken = secrets.token_hex(8)\n", at=(2, 9)),
        Invalid(
            "import uuid\nfrom dataclasses import dataclass, field\n@dataclass\nclass C:\n"
            "    id: str = field(default_factory=uuid.uuid4)\n",
            at=(5, 37),
        ),
        Invalid("import random\nfrom dataclasses import field\nf = field(default_factory=random.Random)\n", at=(3, 27)),
        Invalid("import random\nordered = sorted(items, key=lambda _: random.random())\n", at=(2, 39)),
    ]

    def check(self, node: cst.BaseExpression, qualified: str) -> None:
        if qualified not in ENTROPY and qualified not in SEEDABLE:
            return
        if qualified in CALLED_ONLY and not self._draws(node, qualified):
            return
        self.report(node, self.message.format(name=qualified))

    def _draws(self, node: cst.BaseExpression, qualified: str) -> bool:
        """A generator type draws from the OS when it is made without a seed (SystemRandom always)."""
        call: Optional[cst.Call] = self.call_of(node)
        if call is None:
            return self.called_without_arguments_later(node)
        if qualified not in SEEDABLE:
            return True
        if any(arg.star for arg in call.args):
            return False
        seed = next((arg.value for arg in call.args if arg.keyword is None or arg.keyword.value in ("x", "a")), None)
        return seed is None or (isinstance(seed, cst.Name) and seed.value == "None")
