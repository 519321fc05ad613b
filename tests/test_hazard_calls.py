"""DET401 on small multi-module projects: chains, resolution, cycles, the escape hatch."""

from __future__ import annotations

from typing import Dict, List

from conftest import Project

CONFIG = '[tool.orch-lint]\ncore = ["app/core"]\n'
PACKAGES = {"app/__init__.py": "", "app/core/__init__.py": "", "app/util/__init__.py": ""}
HELPERS = "import time\n\n\ndef stamp():\n    return time.time()\n\n\ndef pure(event):\n    return event.timestamp\n"


def det401(project: Project, files: Dict[str, str], config: str = CONFIG) -> List[str]:
    project.write({"pyproject.toml": config, **PACKAGES, **files})
    code, out, err = project.main("check", "--format", "json")
    assert err == "" and code in (0, 1)
    import json

    return [f"{f['path']}:{f['line']}:{f['column']}: {f['message']}" for f in json.loads(out) if f["code"] == "DET401"]


def test_direct_chain_through_an_imported_module(project: Project) -> None:
    found = det401(project, {
        "app/util/helpers.py": HELPERS,
        "app/core/decide.py": "from app.util import helpers\n\n\ndef decide(event):\n    return helpers.stamp(), helpers.pure(event)\n",
    })
    assert found == [
        "app/core/decide.py:5:12: call reaches a hazard: decide() -> app.util.helpers.stamp "
        "(app/util/helpers.py:5) -> time.time (wall clock)"
    ]


def test_two_hop_chain_with_alias_and_relative_import(project: Project) -> None:
    found = det401(project, {
        "app/util/helpers.py": HELPERS,
        "app/util/middle.py": "from .helpers import stamp as s\n\n\ndef tick():\n    return s() + 1\n",
        "app/core/decide.py": "import app.util.middle as m\n\n\ndef decide():\n    return m.tick()\n",
    })
    assert found == [
        "app/core/decide.py:5:12: call reaches a hazard: decide() -> app.util.middle.tick (app/util/middle.py:5)"
        " -> app.util.helpers.stamp (app/util/helpers.py:5) -> time.time (wall clock)"
    ]


def test_re_export_through_a_package_init(project: Project) -> None:
    found = det401(project, {
        "app/util/__init__.py": "from .helpers import stamp\n",
        "app/util/helpers.py": HELPERS,
        "app/core/decide.py": "from app.util import stamp\n\n\ndef decide():\n    return stamp()\n",
    })
    assert [f.split(": ", 1)[0] for f in found] == ["app/core/decide.py:5:12"]
    assert "app.util.helpers.stamp (app/util/helpers.py:5)" in found[0]


def test_methods_self_constructor_and_annotation(project: Project) -> None:
    found = det401(project, {
        "app/util/clock.py": (
            "import os\n\n\nclass Host:\n    def name(self):\n        return os.getpid()\n\n"
            "    def label(self):\n        return self.name()\n"
        ),
        "app/core/decide.py": (
            "from app.util.clock import Host\n\n\n"
            "def by_constructor():\n    host = Host()\n    return host.label()\n\n\n"
            "def by_annotation(host: Host):\n    return host.label()\n\n\n"
            "def unknown(host):\n    return host.label()\n"
        ),
    })
    assert [f.split(": ", 1)[0] for f in found] == ["app/core/decide.py:6:12", "app/core/decide.py:10:12"]
    assert found[0].endswith(
        "by_constructor() -> app.util.clock.Host.label (app/util/clock.py:9) -> "
        "app.util.clock.Host.name (app/util/clock.py:6) -> os.getpid (environment)"
    )


def test_constructor_reaching_a_hazard_in_init(project: Project) -> None:
    found = det401(project, {
        "app/util/ids.py": "import uuid\n\n\nclass Minted:\n    def __init__(self):\n        self.id = uuid.uuid4()\n",
        "app/core/decide.py": "from app.util.ids import Minted\n\n\ndef decide():\n    return Minted()\n",
    })
    assert found == [
        "app/core/decide.py:5:12: call reaches a hazard: decide() -> app.util.ids.Minted.__init__ "
        "(app/util/ids.py:6) -> uuid.uuid4 (entropy)"
    ]


def test_references_and_partials(project: Project) -> None:
    found = det401(project, {
        "app/util/helpers.py": HELPERS,
        "app/core/decide.py": (
            "import functools\nfrom app.util.helpers import stamp\n\n\n"
            "def passes(run):\n    return run(stamp)\n\n\n"
            "def partial():\n    later = functools.partial(stamp)\n    return later()\n"
        ),
    })
    assert [f.split(": ", 1)[0] for f in found] == ["app/core/decide.py:6:16", "app/core/decide.py:11:12"]


def test_cycles_terminate_and_find_the_hazard(project: Project) -> None:
    found = det401(project, {
        "app/util/a.py": "from app.util import b\n\n\ndef ping(n):\n    return b.pong(n - 1) if n else 0\n",
        "app/util/b.py": (
            "import random\nfrom app.util import a\n\n\ndef pong(n):\n    return a.ping(n) if n else random.random()\n"
        ),
        "app/core/decide.py": "from app.util import a\n\n\ndef decide():\n    return a.ping(3)\n",
    })
    assert found == [
        "app/core/decide.py:5:12: call reaches a hazard: decide() -> app.util.a.ping (app/util/a.py:5) -> "
        "app.util.b.pong (app/util/b.py:6) -> random.random (entropy)"
    ]


def test_cycle_without_hazard_is_silent(project: Project) -> None:
    assert det401(project, {
        "app/util/a.py": "from app.util import b\n\n\ndef ping(n):\n    return b.pong(n)\n",
        "app/util/b.py": "from app.util import a\n\n\ndef pong(n):\n    return a.ping(n)\n",
        "app/core/decide.py": "from app.util import a\n\n\ndef decide():\n    return a.ping(3)\n",
    }) == []


def test_escape_hatch_declares_functions_deterministic(project: Project) -> None:
    files = {
        "app/util/helpers.py": HELPERS,
        "app/util/ids.py": "import uuid\n\n\ndef mint():\n    return uuid.uuid4()\n",
        "app/core/decide.py": (
            "from app.util import helpers, ids\n\n\ndef decide():\n    return helpers.stamp(), ids.mint()\n"
        ),
    }
    config = CONFIG + 'deterministic = ["app.util.helpers.stamp", "app.util.ids.*"]\n'
    assert det401(project, files, config) == []


def test_a_noqa_at_the_hazard_still_counts(project: Project) -> None:
    found = det401(project, {
        "app/util/helpers.py": "import time\n\n\ndef stamp():\n    return time.time()  # noqa: DET101\n",
        "app/core/decide.py": "from app.util import helpers\n\n\ndef decide():\n    return helpers.stamp()  # noqa: DET401\n\n\n"
        "def other():\n    return helpers.stamp()\n",
    })
    assert [f.split(": ", 1)[0] for f in found] == ["app/core/decide.py:9:12"]


def test_unresolvable_and_third_party_calls_are_silent(project: Project) -> None:
    assert det401(project, {
        "app/core/decide.py": (
            "import json\n\n\ndef decide(handler, registry):\n"
            "    return handler(), registry['x'](), getattr(json, 'dumps')({}), json.dumps({})\n"
        ),
    }) == []


def test_hazard_only_at_module_level_of_a_helper_is_not_a_call_hazard(project: Project) -> None:
    assert det401(project, {
        "app/util/helpers.py": "import time\nSTARTED = time.time()\n\n\ndef started():\n    return STARTED\n",
        "app/core/decide.py": "from app.util import helpers\n\n\ndef decide():\n    return helpers.started()\n",
    }) == []


def test_chain_changes_when_a_helper_changes(project: Project) -> None:
    files = {
        "app/util/helpers.py": HELPERS,
        "app/core/decide.py": "from app.util import helpers\n\n\ndef decide():\n    return helpers.stamp()\n",
    }
    assert len(det401(project, files)) == 1
    (project.root / "app/util/helpers.py").write_text("def stamp():\n    return 0\n", encoding="utf-8")
    code, out, _ = project.main("check")
    assert (code, out) == (0, "All checks passed (2 files checked).\n")
    (project.root / "app/util/helpers.py").write_text("import os\n\n\ndef stamp():\n    return os.getenv('X')\n",
                                                      encoding="utf-8")
    code, out, _ = project.main("check")
    assert code == 1 and "-> os.getenv (environment)" in out


def test_explain_chain_prints_one_hop_per_line(project: Project) -> None:
    det401(project, {
        "app/util/helpers.py": HELPERS,
        "app/util/middle.py": "from .helpers import stamp\n\n\ndef tick():\n    return stamp()\n",
        "app/core/decide.py": "from app.util import middle\n\n\ndef decide():\n    return middle.tick()\n",
    })
    assert project.main("explain", "--chain", "app/core/decide.py:5") == (
        0,
        "app/core/decide.py:5:12: DET401 call reaches a hazard\n"
        "decide()\n"
        "  -> app.util.middle.tick (app/util/middle.py:5)\n"
        "    -> app.util.helpers.stamp (app/util/helpers.py:5)\n"
        "      -> time.time (wall clock)\n",
        "",
    )
    assert project.main("explain", "--chain", "app/core/decide.py:4") == (
        1, "", "orch-lint: no DET401 finding at app/core/decide.py:4\n"
    )
    assert project.main("explain", "--chain", "decide.py")[0] == 2
