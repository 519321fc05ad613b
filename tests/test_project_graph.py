"""The project import graph (DET302) and cross-module type facts, on small projects on disk run
through the real CLI; then the summaries and the project value the runner and the cache use."""

from __future__ import annotations

import pickle
import textwrap

import pytest

from orch_lint.analysis.project import ModuleSummary, project_from_sources, summarize_module
from orch_lint.analysis.types import DICT, PATH, SET, TypeFact

CONFIG = '[tool.orch-lint]\ncore = ["app/core"]\n'
CHAIN = "database reached through imports `{}`: the core must not depend on the db layer, even indirectly"


def det302(path: str, line: int, column: int, chain: str) -> str:
    return f"{path}:{line}:{column}: DET302 {CHAIN.format(chain)}"


def app(**files: str) -> dict:
    """An ``app`` package with a core, a db layer that imports sqlite3 and the given modules."""
    tree = {
        "pyproject.toml": CONFIG,
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/db.py": "import sqlite3\n\nCONNECTION = sqlite3.connect(':memory:')\n",
        "app/util/__init__.py": "",
    }
    tree.update({name.replace("__", "/") + ".py" if not name.endswith(".toml") else name: text
                 for name, text in files.items()})
    return tree


# -- DET302 through the CLI -----------------------------------------------------------------------

def test_direct_chain_through_a_first_party_db_layer(project) -> None:
    project.write(app(app__core__state="from app import db\n\n\ndef load():\n    return db.CONNECTION\n"))
    code, out, err = project.main("check")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        det302("app/core/state.py", 1, 17, "app.db -> sqlite3"),
        "Found 1 finding in 1 file (2 checked).",
    ]


def test_two_hop_chain_is_reported_on_the_core_import_with_the_chain(project) -> None:
    project.write(app(
        app__util__helpers="from app.db import CONNECTION\n\n\ndef render(x):\n    return str(x)\n",
        app__core__state="import json\nfrom app.util.helpers import render\n",
    ))
    completed = project.run("check")
    assert completed.returncode == 1
    assert completed.stdout.splitlines()[0] == det302("app/core/state.py", 2, 6, "app.util.helpers -> app.db -> sqlite3")
    assert len(completed.stdout.splitlines()) == 2


def test_every_import_spelling_of_the_helper_is_reported(project) -> None:
    project.write(app(
        app__util__helpers="import app.db\n",
        app__core__state=(
            "import app.util.helpers\n"
            "import app.util.helpers as h\n"
            "from app.util import helpers\n"
            "from ..util import helpers as hh\n"
            "from ..util.helpers import x\n"
            "def f():\n    from app.util.helpers import y\n"
        ),
    ))
    code, out, _ = project.main("check", "--format", "json")
    import json

    assert code == 1
    assert [(f["line"], f["column"], f["code"]) for f in json.loads(out)] == [
        (1, 8, "DET302"), (2, 8, "DET302"), (3, 22, "DET302"), (4, 20, "DET302"), (5, 8, "DET302"), (7, 10, "DET302"),
    ]
    assert {f["message"] for f in json.loads(out)} == {CHAIN.format("app.util.helpers -> app.db -> sqlite3")}


def test_type_checking_imports_are_not_edges(project) -> None:
    project.write(app(
        app__util__helpers=(
            "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from app.db import CONNECTION\nelse:\n    import json\n"
        ),
        app__util__other="import typing\nif typing.TYPE_CHECKING:\n    import sqlite3\n",
        app__core__state=(
            "from typing import TYPE_CHECKING\nfrom app.util import helpers, other\n"
            "if TYPE_CHECKING:\n    from app import db\n"
        ),
    ))
    assert project.main("check") == (0, "All checks passed (2 files checked).\n", "")


def test_import_cycles_terminate_and_still_find_the_database(project) -> None:
    project.write(app(
        app__util__a="from app.util import b\n",
        app__util__b="from app.util import a\nfrom app.util import c\n",
        app__util__c="import app.util.a\nimport app.db\n",
        app__util__clean_a="from app.util import clean_b\n",
        app__util__clean_b="from app.util import clean_a\n",
        app__core__state="from app.util import a\nfrom app.util import clean_a\n",
    ))
    code, out, _ = project.main("check")
    assert code == 1
    assert out.splitlines()[:-1] == [det302("app/core/state.py", 1, 22, "app.util.a -> app.util.b -> app.util.c -> app.db -> sqlite3")]


def test_core_modules_importing_each_other_in_a_cycle(project) -> None:
    project.write(app(
        app__core__a="from app.core import b\n",
        app__core__b="from app.core import a\n",
    ))
    assert project.main("check")[0] == 0


def test_an_import_det301_reports_is_not_reported_again(project) -> None:
    project.write(app(**{
        "pyproject.toml": CONFIG + 'forbidden-imports = ["app.db"]\n',
        "app__util__helpers": "from app import db\n",
        "app__core__state": "from app import db\nimport sqlite3\nfrom app.util.helpers import x\n",
    }))
    code, out, _ = project.main("check")
    assert code == 1
    assert [line.split(" ")[:2] for line in out.splitlines()[:-1]] == [
        ["app/core/state.py:1:17:", "DET301"],
        ["app/core/state.py:2:8:", "DET301"],
        ["app/core/state.py:3:6:", "DET302"],
    ]
    assert out.splitlines()[2] == det302("app/core/state.py", 3, 6, "app.util.helpers -> app.db")


def test_noqa_and_per_file_ignores_apply_to_det302(project) -> None:
    project.write(app(**{
        "pyproject.toml": CONFIG + '[tool.orch-lint.per-file-ignores]\n"app/core/boundary.py" = ["DET302"]\n',
        "app__util__helpers": "import app.db\n",
        "app__core__state": "from app.util import helpers  # noqa: DET302\n",
        "app__core__boundary": "from app.util import helpers\n",
    }))
    assert project.main("check")[0] == 0


def test_modules_importable_by_top_level_name_from_the_root(project) -> None:
    project.write({
        "orch-lint.toml": 'core = ["core"]\n',
        "core/evaluate.py": "import storage\nfrom helpers import fmt\n",  # a flat layout: no packages
        "core/helpers.py": "def fmt(x):\n    return x\n",
        "storage.py": "import psycopg2\n",
    })
    code, out, _ = project.main("check")
    assert code == 1
    assert out.splitlines()[0] == det302("core/evaluate.py", 1, 8, "storage -> psycopg2")


def test_without_a_config_the_current_directory_is_the_root(project) -> None:
    project.write({"core.py": "import store\n", "store.py": "import redis\n"})
    code, out, _ = project.main("check", "core.py")
    assert code == 1
    assert out.splitlines()[0] == det302("core.py", 1, 8, "store -> redis")


def test_modules_outside_the_root_and_broken_helpers_lead_nowhere(project) -> None:
    project.write({
        "outside/store.py": "import sqlite3\n",
        "proj/orch-lint.toml": 'core = ["core"]\n',
        "proj/core/state.py": "import store\nimport broken\n",
        "proj/broken.py": "def f(:\n    import sqlite3\n",
    })
    code, out, err = project.main("check", cwd=project.root / "proj")
    assert (code, out, err) == (0, "All checks passed (1 file checked).\n", "")


# -- cross-module type facts through the CLI ------------------------------------------------------

MODEL = """\
from __future__ import annotations

from typing import Dict, FrozenSet, Set

STEP_KINDS: frozenset[str] = frozenset({"tool", "loop"})
TERMINAL: FrozenSet[str] = frozenset()
LITERAL = {"a", "b"}
NOT_A_SET: list = []


def ready_steps() -> Set[str]:
    return set()


def context() -> Dict[str, str]:
    return {}
"""


def test_imported_set_names_and_function_returns_count_as_sets(project) -> None:
    project.write(app(
        app__core__model=MODEL,
        app__core__state=(
            "from .model import STEP_KINDS, TERMINAL as T, LITERAL, NOT_A_SET, ready_steps, context\n"
            "from . import model\n"
            "import app.core.model as m\n"
            "a = list(STEP_KINDS)\n"
            "b = [k for k in T]\n"
            "c = ', '.join(LITERAL)\n"
            "d = list(NOT_A_SET)\n"
            "for name in ready_steps():\n    print(name)\n"
            "e = [k for k in context()]\n"
            "f = list(model.TERMINAL), list(m.ready_steps())\n"
            "g = ready_steps().pop(), next(iter(model.STEP_KINDS))\n"
            "h = sorted(STEP_KINDS), len(ready_steps()), ready_steps\n"
        ),
    ))
    code, out, _ = project.main("check")
    assert code == 1
    assert [line.split(" ")[:2] for line in out.splitlines()[:-1]] == [
        ["app/core/state.py:4:10:", "DET201"],
        ["app/core/state.py:5:17:", "DET201"],
        ["app/core/state.py:6:15:", "DET201"],
        ["app/core/state.py:8:13:", "DET201"],
        ["app/core/state.py:10:17:", "DET202"],
        ["app/core/state.py:11:10:", "DET201"],
        ["app/core/state.py:11:32:", "DET201"],
        ["app/core/state.py:12:5:", "DET203"],
        ["app/core/state.py:12:26:", "DET203"],
    ]


def test_facts_come_through_re_exports_and_from_outside_the_core(project) -> None:
    project.write(app(
        app__util__kinds="KINDS: set[str] = set()\n",
        app__core__model=MODEL,
        app__core__api="from .model import STEP_KINDS\nfrom app.util.kinds import KINDS as ALL_KINDS\n",
        app__core__state="from app.core.api import STEP_KINDS, ALL_KINDS\nx = list(STEP_KINDS), list(ALL_KINDS)\n",
    ))
    code, out, _ = project.main("check", "app/core/state.py")
    assert code == 1
    assert [line.split(" ")[:2] for line in out.splitlines()[:-1]] == [
        ["app/core/state.py:2:10:", "DET201"], ["app/core/state.py:2:28:", "DET201"],
    ]


def test_an_imported_path_is_a_path_for_filesystem_order(project) -> None:
    project.write(app(
        app__util__places="from pathlib import Path\nPLAYBOOKS = Path(__file__).parent / 'playbooks'\n"
                          "def home() -> Path:\n    return Path.home()\n",
        app__core__state="from app.util.places import PLAYBOOKS, home\n"
                         "def f():\n    return [p.name for p in PLAYBOOKS.glob('*')], list(home().iterdir())\n"
                         "def g():\n    return list(PLAYBOOKS.parent.iterdir()), list(PLAYBOOKS.name.glob('*'))\n",
    ))
    code, out, _ = project.main("check")
    assert code == 1
    assert [line.split(" ")[:2] for line in out.splitlines()[:-1]] == [
        ["app/core/state.py:3:29:", "DET204"], ["app/core/state.py:3:56:", "DET204"],
        ["app/core/state.py:5:17:", "DET204"],
    ]


def test_an_imported_name_rebound_locally_loses_its_fact(project) -> None:
    project.write(app(
        app__core__model=MODEL,
        app__core__state="from .model import STEP_KINDS\ndef f(STEP_KINDS):\n    return list(STEP_KINDS)\n"
                         "STEP_KINDS = sorted(STEP_KINDS)\nx = list(STEP_KINDS)\n",
    ))
    assert project.main("check")[0] == 0


def test_fix_uses_cross_module_facts(project) -> None:
    project.write(app(app__core__model=MODEL, app__core__state="from .model import STEP_KINDS\nx = list(STEP_KINDS)\n"))
    code, _, _ = project.main("fix")
    assert code == 0
    assert (project.root / "app/core/state.py").read_text() == "from .model import STEP_KINDS\nx = sorted(STEP_KINDS)\n"


# -- summaries and the project value -----------------------------------------------------------

def test_summary_lists_runtime_imports_in_order_with_lines() -> None:
    source = textwrap.dedent("""\
        import os, app.db as database
        from typing import TYPE_CHECKING
        from . import sibling
        from .model import Step, KINDS
        if TYPE_CHECKING:
            import sqlite3
        else:
            import json
        def f():
            from ..util import helpers
        try:
            import redis
        except ImportError:
            redis = None
        """)
    summary = summarize_module(source, "app.core.state", False)
    assert summary.imports == (
        ("os", 1), ("app.db", 1), ("typing", 2), ("typing.TYPE_CHECKING", 2), ("app.core.sibling", 3),
        ("app.core.model", 4), ("app.core.model.Step", 4), ("app.core.model.KINDS", 4), ("json", 8),
        ("app.util", 10), ("app.util.helpers", 10), ("redis", 12),
    )
    assert ("database", "app.db") in summary.bindings and ("sqlite3", "sqlite3") in summary.bindings
    assert ("os", "os") in summary.bindings and ("helpers", "app.util.helpers") not in summary.bindings


def test_summary_facts_are_those_type_facts_finds_in_one_module() -> None:
    source = textwrap.dedent("""\
        from pathlib import Path
        from typing import Mapping, Optional, Set as S
        A: S[str] = set()
        B = {"x": 1}
        C = frozenset(A)
        D: Optional[Mapping[str, int]] = None
        ROOT = Path(__file__).parent / "data"
        E = sorted(A)
        F = {1}
        F = list(F)
        def kinds() -> "S[int]":
            return set()
        def plain():
            return set()
        class K:
            def method(self) -> S[str]:
                return set()
        """)
    facts = dict(summarize_module(source, "m", False).facts)
    assert facts == {
        "A": TypeFact(SET, "str"), "B": TypeFact(DICT, "str"), "C": TypeFact(SET, "str"),
        "D": TypeFact(DICT, "str", None, "int"), "ROOT": TypeFact(PATH), "kinds()": TypeFact(SET, "int"),
    }


@pytest.mark.parametrize("source", ["def f(:\n", "x = '\0'\n", "(" * 300 + ")" * 300 + "\n", ""])
def test_a_module_that_does_not_parse_has_an_empty_summary(source: str) -> None:
    assert summarize_module(source, "m", False) == ModuleSummary("m", False)


SOURCES = {
    "app/__init__.py": "",
    "app/db.py": "import sqlite3\n",
    "app/util/__init__.py": "",
    "app/util/helpers.py": "from app import db\nKINDS: set[str] = set()\n",
    "app/util/text.py": "def slug(x):\n    return x\n",
    "app/core/state.py": "from app.util.helpers import KINDS\nfrom app.util import text\n",
}


def test_import_chain_is_the_shortest_and_none_for_clean_or_unknown_modules() -> None:
    project = project_from_sources(SOURCES)
    forbidden = lambda name: name == "sqlite3"  # noqa: E731
    assert project.import_chain("app.util.helpers", forbidden) == ("app.util.helpers", "app.db", "sqlite3")
    assert project.import_chain("app.util.text", forbidden) is None
    assert project.import_chain("json", forbidden) is None
    assert project.external_facts("app.core.state")["app.util.helpers.KINDS"] == TypeFact(SET, "str")


def test_project_survives_pickling_for_worker_processes() -> None:
    project = project_from_sources(SOURCES)
    assert pickle.loads(pickle.dumps(project)) == project


def test_fingerprint_changes_exactly_when_a_dependency_changes() -> None:
    base = project_from_sources(SOURCES).fingerprint("app.core.state")
    moved = dict(SOURCES, **{"app/db.py": "\n\nimport sqlite3\n"})  # same facts, other lines
    assert project_from_sources(moved).fingerprint("app.core.state") == base
    unrelated = dict(SOURCES, **{"app/other.py": "import redis\n"})
    assert project_from_sources(unrelated).fingerprint("app.core.state") == base
    for path, text in [
        ("app/db.py", "import json\n"),  # two hops away
        ("app/util/helpers.py", "from app import db\nKINDS: list = []\n"),  # a fact
        ("app/util/text.py", "import app.db\n"),  # a new edge
    ]:
        assert project_from_sources(dict(SOURCES, **{path: text})).fingerprint("app.core.state") != base, path
    assert project_from_sources(SOURCES).fingerprint("app.util.text") != base
