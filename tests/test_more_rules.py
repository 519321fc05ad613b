"""DET102-DET104, DET203 and DET204 beyond their examples: every import spelling is found, and
every look-alike is left alone. Each case is one module and the exact (line, column) findings."""

from __future__ import annotations

import textwrap
from typing import List, Optional, Tuple

import pytest

from orch_lint.engine import lint_source
from orch_lint.rules import RULES_BY_CODE


def found(code: str, source: str) -> List[Tuple[int, int]]:
    result = lint_source(textwrap.dedent(source), "example.py", rules=[RULES_BY_CODE[code]], module_name="example")
    assert result.error is None, result.error
    assert {f.code for f in result.findings} <= {code}
    return [(f.line, f.column) for f in result.findings]


def fixed(code: str, source: str, unsafe: bool = False) -> Optional[str]:
    result = lint_source(textwrap.dedent(source), "example.py", rules=[RULES_BY_CODE[code]], module_name="example",
                         fix=True, unsafe_fixes=unsafe)
    return result.fixed_source


def case(source: str, *at: Tuple[int, int]) -> "pytest.ParameterSet":
    return pytest.param(source, list(at), id=textwrap.dedent(source).strip().splitlines()[-1][:60])


# -- DET102 entropy -------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    case("import random\nrandom.shuffle(x)\n", (2, 1)),
    case("import random as rnd\ny = rnd.sample(x, 2)\n", (2, 5)),
    case("from random import choice as pick\ny = pick(x)\n", (2, 5)),
    case("import random\ny = random.getrandbits(8) + random.randrange(3)\n", (2, 5), (2, 29)),
    case("from random import Random\nr = Random(x=None)\n", (2, 5)),
    case("import random\nr = random.Random().choice(x)\n", (2, 5)),
    case("import random\nr = random.SystemRandom()\n", (2, 5)),
    case("import secrets\nr = secrets.SystemRandom()\n", (2, 5)),
    case("import uuid as u\nx = u.uuid4().hex\n", (2, 5)),
    case("from uuid import uuid4 as new_id\nx = new_id()\n", (2, 5)),
    case("from os import urandom\nx = urandom(4)\n", (2, 5)),
    case("from secrets import choice, token_bytes\nx = choice(a) + token_bytes(2)\n", (2, 5), (2, 17)),
    case("import random\nkeys = sorted(items, key=random.random)\n", (2, 26)),
    case("import random\ndef f(pick=random.choice):\n    return pick\n", (2, 12)),
    case("import random\ndef f():\n    def g():\n        return random.random()\n    return g\n", (4, 16)),
])
def test_entropy_in_every_spelling(source: str, expected: List[Tuple[int, int]]) -> None:
    assert found("DET102", source) == expected


@pytest.mark.parametrize("source", [
    "import random\nrng = random.Random(42)\nx = rng.choice(items)\n",
    "import random\ndef f(seed):\n    return random.Random(seed).random()\n",
    "import random\ndef f(*seed):\n    return random.Random(*seed)\n",  # unknown: silence
    "class A:\n    def f(self):\n        return self.random.choice(self.items)\n",
    "from random import choice\ndef f(choice, items):\n    return choice(items)\n",
    "import random\ndef f():\n    random = Fake()\n    return random.choice([])\n",
    "import uuid\nx = uuid.uuid5(uuid.NAMESPACE_DNS, 'a'), uuid.UUID('12345678123456781234567812345678')\n",
    "import secrets\nok = secrets.compare_digest(a, b)\n",
    "import random\ndef f(rng: random.Random) -> random.SystemRandom:\n    return isinstance(rng, random.SystemRandom)\n",
    "def choice(items):\n    return items[0]\nx = choice([1])\n",
    "from app.ids import uuid4\nx = uuid4()\n",  # first-party look-alike
    "import numpy\nx = numpy.random\n",
])
def test_entropy_look_alikes_are_silent(source: str) -> None:
    assert found("DET102", source) == []


# -- DET103 process-salted values ---------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    case("x = hash('a')\n", (1, 5)),
    case("x = id(obj)\n", (1, 5)),
    case("from builtins import hash as h\nx = h('a')\n", (2, 5)),
    case("order = sorted(items, key=id)\n", (1, 27)),
    case("class A:\n    def __eq__(self, o):\n        return id(self) == id(o)\n", (3, 16), (3, 28)),
    case("def __hash__ish(x):\n    return hash(x)\n", (2, 12)),
])
def test_salted_builtins_are_reported(source: str, expected: List[Tuple[int, int]]) -> None:
    assert found("DET103", source) == expected


@pytest.mark.parametrize("source", [
    "class A:\n    def __hash__(self):\n        return hash((self.a, id(self.b)))\n",
    "class A:\n    def __hash__(self):\n        combine = lambda v: hash(v)\n        return combine(self.a)\n",
    "def hash(x):\n    return 1\ny = hash('a')\n",
    "def f(id, hash):\n    return id, hash(id)\n",
    "x = obj.id(), obj.hash(), event.id\n",
    "import hashlib\nx = hashlib.md5(b'a').hexdigest()\n",
    "from dataclasses import dataclass\n@dataclass\nclass Step:\n    id: str\nStep(id='a')\n",
    "from app.util import hash\nx = hash('a')\n",
])
def test_salted_look_alikes_are_silent(source: str) -> None:
    assert found("DET103", source) == []


# -- DET104 environment and host ----------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    case("import os\nenv = dict(os.environ)\n", (2, 12)),
    case("import os\nfor key in os.environ:\n    pass\n", (2, 12)),
    case("import os as o\npid = o.getpid()\n", (2, 7)),
    case("from os import getenv as ge\nx = ge('A')\n", (2, 5)),
    case("from os import environ\nx = environ['A']\n", (2, 5)),
    case("import os\nos.environ['A'] = '1'\n", (2, 1)),
    case("import socket, platform\nx = socket.getfqdn(), platform.uname()\n", (2, 5), (2, 23)),
    case("import getpass as gp\nuser = gp.getuser()\n", (2, 8)),
    case("import os\ndef f(read=os.getenv):\n    return read('A')\n", (2, 12)),
])
def test_environment_reads_are_reported(source: str, expected: List[Tuple[int, int]]) -> None:
    assert found("DET104", source) == expected


@pytest.mark.parametrize("source", [
    "def f(environ):\n    return environ.get('A'), 'A' in environ\n",
    "class C:\n    def f(self):\n        return self.environ['A'], self.getenv('A')\n",
    "def getenv(name):\n    return name\nx = getenv('A')\n",
    "import os\nx = os.path.join('a'), os.sep, os.linesep\n",
    "from app.config import environ\nx = environ['A']\n",
    "import os\ndef f():\n    os = Fake()\n    return os.environ\n",
])
def test_environment_look_alikes_are_silent(source: str) -> None:
    assert found("DET104", source) == []


# -- DET203 arbitrary set element ---------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    case("s = {'a', 'b'}\nx = s.pop()\n", (2, 5)),
    case("s = set()\nx = next(iter(s))\n", (2, 5)),
    case("from typing import Set\ndef f(s: Set[str]):\n    return next(iter(s), None)\n", (3, 12)),
    case("from typing import FrozenSet\nREADY: FrozenSet[str] = frozenset()\ndef f():\n    return next(iter(READY))\n",
         (4, 12)),
    case("def f(a: set[int], b: set[int]):\n    return (a | b).pop()\n", (2, 12)),
    case("def f(s: set[str]):\n    return next(iter(s.union({'x'})))\n", (2, 12)),
])
def test_arbitrary_elements_are_reported(source: str, expected: List[Tuple[int, int]]) -> None:
    assert found("DET203", source) == expected


@pytest.mark.parametrize("source", [
    "def f(stack: list[str]):\n    return stack.pop(), stack.pop(0)\n",
    "def f(d: dict[str, int]):\n    return d.pop('a'), d.popitem(), next(iter(d)), next(iter(d.values()))\n",
    "def f(s: set[str]):\n    return next(iter(sorted(s))), min(s), next(s_iter)\n",
    "def f(s: set[str]):\n    return s.pop(0)\n",  # not set.pop: no argument is allowed
    "def f(s: set[str]):\n    return next(iter(s, None))\n",
    "def f(things):\n    return things.pop(), next(iter(things))\n",
    "def f(s: set[str]):\n    def next(x):\n        return x\n    return next(iter(s))\n",
])
def test_arbitrary_element_look_alikes_are_silent(source: str) -> None:
    assert found("DET203", source) == []


def test_arbitrary_element_fix_is_min_and_its_safety_follows_the_elements() -> None:
    assert fixed("DET203", "def f(s: set[str]):\n    return next(iter(s))\n") == "def f(s: set[str]):\n    return min(s)\n"
    unknown = "def f(s: set):\n    return next(iter(s))\n"
    assert fixed("DET203", unknown) is None
    assert fixed("DET203", unknown, unsafe=True) == "def f(s: set):\n    return min(s)\n"
    shadowed = "def min(x):\n    return x\ndef f(s: set[str]):\n    return next(iter(s))\n"
    assert found("DET203", shadowed) == [(4, 12)]
    assert fixed("DET203", shadowed, unsafe=True) is None


# -- DET204 filesystem order --------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    case("from os import listdir as ls\ndef f(p):\n    return ls(p)\n", (3, 12)),
    case("import glob as g\ndef f(p):\n    return list(g.iglob(p))\n", (3, 17)),
    case("from glob import glob\ndef f(p):\n    return ','.join(glob(p))\n", (3, 21)),
    case("import os\ndef f(p):\n    return [e.name for e in os.scandir(p)]\n", (3, 29)),
    case("import os\ndef f(p):\n    return os.listdir(p)[0]\n", (3, 12)),
    case("import os\nclass C:\n    FILES = os.listdir('.')\n", (3, 13)),
    case("import os\ndef f(self, p):\n    self.files = os.listdir(p)\n", (3, 18)),
    case("import pathlib\ndef f(p):\n    return list(pathlib.Path(p).iterdir())\n", (3, 17)),
    case("from pathlib import Path\ndef f():\n    return list(Path.cwd().glob('*'))\n", (3, 17)),
    case("from pathlib import Path\ndef f(p):\n    return list((Path(p) / 'x').rglob('*'))\n", (3, 17)),
    case("from pathlib import Path\nfrom typing import Optional\ndef f(p: Optional[Path]):\n    return list(p.iterdir())\n",
         (4, 17)),
    case("from pathlib import Path\ndef f(p: Path):\n    return list(p.parent.resolve().glob('*'))\n", (3, 17)),
    case("from pathlib import Path\nROOT = Path(__file__).parent\ndef f():\n    return [*ROOT.glob('*.yaml')]\n", (4, 14)),
    case("import os\ndef f(p):\n    names = os.listdir(p)\n    out = names\n    return out\n", (3, 13)),
    case("import os\ndef f(p):\n    names = os.listdir(p)\n    def g():\n        return names\n    return g\n", (3, 13)),
    case("import os\ndef f(top):\n    for root, dirs, files in os.walk(top):\n        dirs.sort()\n"
         "        for name in files:\n            print(name)\n", (3, 30)),
    case("import os\nfor root, dirs, files in os.walk('.'):\n    print(files)\n", (2, 26)),
])
def test_listings_whose_order_is_seen_are_reported(source: str, expected: List[Tuple[int, int]]) -> None:
    assert found("DET204", source) == expected


@pytest.mark.parametrize("source", [
    "import os\ndef f(p):\n    return sorted(os.listdir(p)), len(os.listdir(p)), set(os.listdir(p)), max(os.listdir(p))\n",
    "import os\ndef f(p):\n    return any(n.endswith('.py') for n in os.listdir(p))\n",
    "import os\ndef f(p):\n    return 'a' in os.listdir(p)\n",
    "import os\ndef f(p):\n    names = os.listdir(p)\n    names.sort(key=str.lower)\n    return names\n",
    "import os\ndef f(p):\n    names = os.listdir(p)\n    names = sorted(names)\n    return names\n",
    "import os\ndef f(p):\n    names = os.listdir(p)\n    names.append('x')\n    return len(names), 'a' in names\n",
    "import os\ndef f(p):\n    names = os.listdir(p)\n    while names:\n        names.remove(min(names))\n",
    "import os\ndef f(p):\n    names = os.listdir(p)\n    return None\n",
    "import os\ndef f(top):\n    for root, dirs, files in os.walk(top):\n        dirs.sort()\n        files.sort()\n"
    "        for name in files:\n            print(root, name)\n",
    "from pathlib import PurePath\ndef f(p: PurePath):\n    return list(p.glob('*'))\n",
    "class C:\n    def f(self):\n        return list(self.root.glob('*')), list(self.os.listdir('.'))\n",
    "def f(p):\n    return list(p.iterdir())\n",
    "def f(glob):\n    return list(glob.glob('*'))\n",
    "import os\ndef f(p):\n    os.listdir(p)\n",
])
def test_order_insensitive_listings_and_look_alikes_are_silent(source: str) -> None:
    assert found("DET204", source) == []


@pytest.mark.parametrize("source, after, safe", [
    pytest.param("import os\ndef f(p):\n    names = os.listdir(p)\n    return names\n",
                 "import os\ndef f(p):\n    names = sorted(os.listdir(p))\n    return names\n", True, id="stored-list"),
    pytest.param("from pathlib import Path\ndef f(p: Path):\n    return [x.name for x in p.iterdir()]\n",
                 "from pathlib import Path\ndef f(p: Path):\n    return [x.name for x in sorted(p.iterdir())]\n",
                 True, id="iterated-iterator"),
    pytest.param("from pathlib import Path\ndef f(p: Path):\n    return p.iterdir()\n",
                 "from pathlib import Path\ndef f(p: Path):\n    return sorted(p.iterdir())\n", False, id="returned-iterator"),
    pytest.param("from pathlib import Path\ndef f(p: Path):\n    it = p.glob('*')\n    return it\n",
                 "from pathlib import Path\ndef f(p: Path):\n    it = sorted(p.glob('*'))\n    return it\n",
                 False, id="stored-iterator"),
])
def test_filesystem_fix_wraps_in_sorted_and_is_safe_only_where_a_list_serves(source: str, after: str, safe: bool) -> None:
    assert fixed("DET204", source) == (after if safe else None)
    assert fixed("DET204", source, unsafe=True) == after
    assert found("DET204", after) == []


@pytest.mark.parametrize("source", [
    "import os\ndef f(top):\n    return list(os.walk(top))\n",
    "import os\ndef f(p):\n    with os.scandir(p) as it:\n        return list(it)\n",
    "import os\ndef f(p):\n    return next(os.scandir(p))\n",
    "import os\ndef sorted(x):\n    return x\ndef f(p):\n    return os.listdir(p)\n",
])
def test_filesystem_listings_without_a_fix(source: str) -> None:
    assert len(found("DET204", source)) == 1
    assert fixed("DET204", source, unsafe=True) is None
