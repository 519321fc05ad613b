"""The LibCST codemods: before/after with LibCST's own ``CodemodTest``, and the real
``python -m libcst.tool codemod`` run from the repository root, as the README shows it."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List

import libcst
import pytest
from libcst.codemod import CodemodContext, CodemodTest

from conftest import REPO
from readme_snippets import example_after, run_shell
from orch_lint.codemods.inject_clock import InjectClock, dotted_name
from orch_lint.codemods.sort_unordered import SortUnorderedIteration
from orch_lint.codemods.type_checking_imports import TypeCheckingImports
from orch_lint.engine import lint_source
from orch_lint.model import Options
from orch_lint.rules import RULES_BY_CODE


def _context_with_config(test: CodemodTest, config: str, module: str = "core.m") -> CodemodContext:
    """A context for a file ``core/m.py`` in a fresh directory holding ``orch-lint.toml``."""
    directory = tempfile.TemporaryDirectory()
    test.addCleanup(directory.cleanup)
    root = Path(directory.name)
    (root / "orch-lint.toml").write_text(config)
    (root / "core").mkdir()
    return CodemodContext(filename=str(root / "core" / "m.py"), full_module_name=module, full_package_name="core")


# -- SortUnorderedIteration ---------------------------------------------------------------


class TestSortUnorderedIteration(CodemodTest):
    TRANSFORM = SortUnorderedIteration

    def test_safe_sites_are_sorted(self) -> None:
        before = """
            def f(ready: set[str], env: dict[str, str]):
                names = list(ready)
                text = ", ".join(ready)
                pairs = [f"{k}={v}" for k, v in env.items()]
                return names, text, pairs
        """
        after = """
            def f(ready: set[str], env: dict[str, str]):
                names = sorted(ready)
                text = ", ".join(sorted(ready))
                pairs = [f"{k}={v}" for k, v in sorted(env.items())]
                return names, text, pairs
        """
        self.assertCodemod(before, after, expected_warnings=[])

    def test_unsafe_sites_are_left_with_a_warning(self) -> None:
        before = """
            def f(a, b):
                return tuple(set(a) - set(b))
        """
        self.assertCodemod(
            before, before,
            expected_warnings=["2:18: DET201 not sorted: the element types are unknown, so sorted() might raise; "
                               "check them and pass --unsafe-fixes"],
        )

    def test_unsafe_fixes_flag_sorts_them_too(self) -> None:
        before = """
            def f(a, b):
                return tuple(set(a) - set(b))
        """
        after = """
            def f(a, b):
                return tuple(sorted(set(a) - set(b)))
        """
        self.assertCodemod(before, after, unsafe_fixes=True, expected_warnings=[])

    def test_noqa_is_respected(self) -> None:
        before = """
            def f(s: set[str]):
                first = list(s)  # noqa: DET201
                return first, list(s)
        """
        after = """
            def f(s: set[str]):
                first = list(s)  # noqa: DET201
                return first, sorted(s)
        """
        self.assertCodemod(before, after)

    def test_code_without_sites_is_unchanged(self) -> None:
        before = """
            def f(s: set[str]):
                return sorted(s), len(s)
        """
        self.assertCodemod(before, before, expected_warnings=[])

    def test_it_rewrites_every_rule_example_as_orch_lint_fix_does(self) -> None:
        for code in ("DET201", "DET202"):
            for example in RULES_BY_CODE[code].invalid:
                if example.fixed is None:
                    continue
                with self.subTest(code=code, example=example.code):
                    self.assertCodemod(example.code, example.fixed, unsafe_fixes=True)
                    fixed = lint_source(example.code, fix=True, unsafe_fixes=True).fixed_source
                    self.assertEqual(fixed, example.fixed)


# -- InjectClock ---------------------------------------------------------------------------


class TestInjectClock(CodemodTest):
    TRANSFORM = InjectClock

    def test_called_reads_become_clock_calls_and_unused_imports_go(self) -> None:
        before = """
            import time
            from datetime import datetime, timezone


            def stamp(step) -> datetime:
                started = time.time()
                return datetime.now(timezone.utc), started
        """
        after = """
            from datetime import datetime
            from app.clock import now


            def stamp(step) -> datetime:
                started = now()
                return now(), started
        """
        self.assertCodemod(
            before, after, clock="app.clock.now",
            expected_warnings=["dropped the arguments of `datetime.now(timezone.utc)`: now() must return what it returned"],
        )

    def test_uncalled_references_become_the_clock_itself(self) -> None:
        before = """
            from dataclasses import dataclass, field
            from datetime import datetime


            @dataclass
            class Event:
                at: datetime = field(default_factory=datetime.utcnow)


            def wait(clock=datetime.now):
                return clock()
        """
        after = """
            from dataclasses import dataclass, field
            from datetime import datetime
            from app.clock import now


            @dataclass
            class Event:
                at: datetime = field(default_factory=now)


            def wait(clock=now):
                return clock()
        """
        self.assertCodemod(
            before, after, clock="app.clock.now",
            expected_warnings=[
                "`datetime.utcnow` gives a naive datetime: check that now() gives what its users expect",
                "`datetime.now` gives a naive datetime: check that now() gives what its users expect",
            ],
        )

    def test_a_taken_name_gets_an_alias(self) -> None:
        before = """
            import time


            def f(now):
                return now - time.time()
        """
        after = """
            from app.clock import now as now_clock


            def f(now):
                return now - now_clock()
        """
        self.assertCodemod(before, after, clock="app.clock.now")

    def test_an_existing_import_of_the_clock_is_reused(self) -> None:
        before = """
            import time
            from app.clock import now as clock_now

            a = clock_now()
            b = time.time()
        """
        after = """
            from app.clock import now as clock_now

            a = clock_now()
            b = clock_now()
        """
        self.assertCodemod(before, after, clock="app.clock.now")

    def test_reads_limits_the_rewrite(self) -> None:
        before = """
            import time
            from datetime import datetime

            seconds = time.time()
            moment = datetime.now()
        """
        after = """
            from datetime import datetime
            from app.clock import epoch_seconds

            seconds = epoch_seconds()
            moment = datetime.now()
        """
        self.assertCodemod(before, after, clock="app.clock.epoch_seconds", reads="time.time, time.time_ns")

    def test_reads_that_lack_only_a_time_argument_are_left_with_a_warning(self) -> None:
        before = """
            import time

            text = time.strftime("%H:%M")
            parts = time.localtime(0)
        """
        self.assertCodemod(
            before, before, clock="app.clock.now",
            expected_warnings=['left `time.strftime("%H:%M")`: `time.strftime` reads the clock only without a time '
                               "argument; pass it one from the injected clock by hand"],
        )

    def test_shadowed_names_and_noqa_are_not_reads(self) -> None:
        before = """
            import time

            def f(time):
                return time.time()

            kept = time.time()  # noqa: DET101
        """
        self.assertCodemod(before, before, clock="app.clock.now", expected_warnings=[])

    def test_the_clock_module_itself_is_left_alone(self) -> None:
        before = """
            import time

            def now():
                return time.time()
        """
        context = CodemodContext(full_module_name="app.clock", full_package_name="app")
        self.assertCodemod(
            before, before, clock="app.clock.now", context_override=context,
            expected_warnings=["left app.clock: it defines the clock, where the wall clock is read"],
        )

    def test_extend_wall_clock_from_the_files_config(self) -> None:
        before = """
            import acme.clock

            due = acme.clock.now()
        """
        after = """
            from app.clock import now

            due = now()
        """
        context = _context_with_config(self, 'extend-wall-clock = ["acme.clock.now"]\n')
        self.assertCodemod(before, after, clock="app.clock.now", context_override=context)


def test_clock_must_be_a_dotted_function_name() -> None:
    assert dotted_name("app.clock.now") == "app.clock.now"
    for bad in ("now", "app..now", "app.clock.now()", "app.1clock"):
        with pytest.raises(argparse.ArgumentTypeError, match="expected package.module.function"):
            dotted_name(bad)


# -- TypeCheckingImports -------------------------------------------------------------------


class TestTypeCheckingImports(CodemodTest):
    TRANSFORM = TypeCheckingImports

    def test_annotation_only_imports_move_under_type_checking(self) -> None:
        before = '''
            """Core."""
            import json
            from sqlalchemy.orm import Session
            import sqlite3.dbapi2 as dbapi

            def load(session: Session, raw: str) -> "dbapi.Connection":
                return json.loads(raw)
        '''
        after = '''
            """Core."""
            from __future__ import annotations
            import json
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from sqlalchemy.orm import Session
                import sqlite3.dbapi2 as dbapi

            def load(session: Session, raw: str) -> "dbapi.Connection":
                return json.loads(raw)
        '''
        self.assertCodemod(before, after, expected_warnings=[])

    def test_a_statement_is_split_and_runtime_uses_stay_with_a_warning(self) -> None:
        before = """
            from sqlalchemy.orm import Session, sessionmaker

            def make(bind) -> Session:
                return sessionmaker(bind)()
        """
        after = """
            from __future__ import annotations
            from sqlalchemy.orm import sessionmaker
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from sqlalchemy.orm import Session

            def make(bind) -> Session:
                return sessionmaker(bind)()
        """
        self.assertCodemod(
            before, after,
            expected_warnings=["left `from sqlalchemy.orm import Session, sessionmaker`: `sessionmaker` is used "
                               "outside annotations (or not at all, or exported)"],
        )

    def test_an_existing_type_checking_block_receives_them(self) -> None:
        before = """
            from __future__ import annotations

            import typing

            import redis

            if typing.TYPE_CHECKING:
                from json import JSONDecoder

            def f(client: redis.Redis, decoder: JSONDecoder) -> None:
                pass
        """
        after = """
            from __future__ import annotations

            import typing

            if typing.TYPE_CHECKING:
                from json import JSONDecoder
                import redis

            def f(client: redis.Redis, decoder: JSONDecoder) -> None:
                pass
        """
        self.assertCodemod(before, after)

    def test_runtime_use_unused_and_exported_imports_stay(self) -> None:
        before = """
            import sqlite3
            import redis
            from pymongo import MongoClient

            __all__ = ["MongoClient"]

            def connect(path) -> MongoClient:
                return sqlite3.connect(path)
        """
        self.assertCodemod(
            before, before,
            expected_warnings=[
                "left `import sqlite3`: `sqlite3` is used outside annotations (or not at all, or exported)",
                "left `import redis`: `redis` is used outside annotations (or not at all, or exported)",
                "left `from pymongo import MongoClient`: `MongoClient` is used outside annotations "
                "(or not at all, or exported)",
            ],
        )

    def test_forbidden_imports_from_the_files_config_and_relative_imports(self) -> None:
        before = """
            from ..server import db

            def save(store: db.Store) -> None:
                pass
        """
        after = """
            from __future__ import annotations
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from ..server import db

            def save(store: db.Store) -> None:
                pass
        """
        context = _context_with_config(self, 'forbidden-imports = ["app.server"]\n', module="app.core.m")
        self.assertCodemod(before, after, context_override=context)

    def test_the_result_runs_without_the_module_and_is_clean(self) -> None:
        before = """
            from orch_lint_no_such_db import Session

            def rows(session: Session) -> list[Session]:
                return []
        """
        config = 'forbidden-imports = ["orch_lint_no_such_db"]\n'
        context = _context_with_config(self, config)
        transform = TypeCheckingImports(context)
        after = transform.transform_module(libcst.parse_module(self.make_fixture_data(before))).code
        with self.assertRaises(ModuleNotFoundError):
            exec(compile(self.make_fixture_data(before), "before.py", "exec"), {})
        namespace: dict = {}  # type: ignore[type-arg]
        exec(compile(after, "after.py", "exec"), namespace)
        self.assertEqual(namespace["rows"](None), [])
        self.assertEqual(namespace["rows"].__annotations__, {"session": "Session", "return": "list[Session]"})
        result = lint_source(after, rules=[RULES_BY_CODE["DET301"]], options=Options(forbidden_imports=("orch_lint_no_such_db",)))
        self.assertEqual(result.findings, ())


# -- the real libcst.tool, from the repository root ---------------------------------------


def _codemod(target: str, *args: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """``target`` is a full dotted path (run with ``-x``) or a short name the repository's
    ``.libcst.codemod.yaml`` makes known."""
    external = ["-x"] if target.startswith("orch_lint.") else []
    return subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "--no-format", "--hide-progress", *external, target, *args],
        cwd=REPO, capture_output=True, text=True,
    )


def _summary_lines(stderr: str) -> List[str]:
    return [line for line in stderr.splitlines() if line.startswith(" - ")]


TRANSFORMED_ONE = [
    " - Transformed 1 files successfully.", " - Skipped 0 files.", " - Failed to codemod 0 files.",
    " - 0 warnings were generated.",
]


@pytest.mark.parametrize(
    "target, args, before, after",
    [
        pytest.param(
            "orch_lint.codemods.sort_unordered.SortUnorderedIteration", [],
            "def f(s: set[str]):\n    return list(s)\n", "def f(s: set[str]):\n    return sorted(s)\n",
            id="SortUnorderedIteration",
        ),
        pytest.param(
            "orch_lint.codemods.inject_clock.InjectClock", ["--clock", "app.clock.now"],
            "import time\n\nstarted = time.time()\n", "from app.clock import now\n\nstarted = now()\n",
            id="InjectClock",
        ),
        pytest.param(  # by its short name, through .libcst.codemod.yaml
            "type_checking_imports.TypeCheckingImports", [],
            "import sqlite3\n\n\ndef f(db: sqlite3.Connection) -> None:\n    pass\n",
            "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
            "    import sqlite3\n\n\ndef f(db: sqlite3.Connection) -> None:\n    pass\n",
            id="TypeCheckingImports",
        ),
    ],
)
def test_libcst_tool_runs_the_codemod(tmp_path: Path, target: str, args: List[str], before: str, after: str) -> None:
    path = tmp_path / "m.py"
    path.write_text(before)
    completed = _codemod(target, *args, str(path))
    assert completed.returncode == 0, completed.stderr
    assert _summary_lines(completed.stderr) == TRANSFORMED_ONE
    assert path.read_text() == after


def test_libcst_tool_rejects_a_bad_clock(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("import time\n")
    completed = _codemod("orch_lint.codemods.inject_clock.InjectClock", "--clock", "now", str(path))
    assert completed.returncode == 2
    assert "argument --clock: expected package.module.function, got 'now'" in completed.stderr
    assert path.read_text() == "import time\n"


def test_libcst_tool_lists_the_codemods_by_short_name() -> None:
    """The repository's .libcst.codemod.yaml registers orch_lint.codemods with the tool."""
    completed = subprocess.run([sys.executable, "-m", "libcst.tool", "list"], cwd=REPO, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    listed = [line.split(" - ")[0] for line in completed.stdout.splitlines()]
    for name in ("inject_clock.InjectClock", "sort_unordered.SortUnorderedIteration",
                 "type_checking_imports.TypeCheckingImports"):
        assert name in listed


# -- the README, as a new user runs it -------------------------------------------------------


def test_the_legacy_demo_prints_what_the_readme_says(tmp_path: Path) -> None:
    """The README's commands, verbatim, on a copy of the repository's examples (the codemods
    rewrite files in place), with its .libcst.codemod.yaml: the two checks print the counts and
    the remaining findings the README shows (the codemods themselves report on stderr)."""
    shutil.copytree(REPO / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / ".libcst.codemod.yaml", tmp_path)
    script, expected = example_after("### On the legacy drive")
    completed = run_shell(script, tmp_path, merge_stderr=False)
    assert completed.stdout == expected
    rewritten = (tmp_path / "examples/legacy/orchestrator.py").read_text()
    assert "for name in sorted(skipped):" in rewritten
    assert "from examples.legacy.clock import now\n" in rewritten
