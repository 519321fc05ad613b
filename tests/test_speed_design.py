"""The design that makes orch-lint fast, checked as behaviour: one parse a file, one traversal
equal to LibCST's, positions equal to LibCST's, config and rule tables loaded once, and rules
skipped where they cannot report. (Speed itself is measured by ``bench/``, never asserted.)"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Iterator, List, Tuple

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from orch_lint import config as config_module
from orch_lint import engine, runner, traversal
from orch_lint.anchors import Anchors, anchored_positions
from orch_lint.config import ConfigFinder
from orch_lint.positions import start_positions
from orch_lint.rules import ALL_RULES
from orch_lint.rules.db_import import DatabaseImport
from orch_lint.rules.wall_clock import WallClockRead

REPO = Path(__file__).resolve().parent.parent


def real_code() -> List[Path]:
    """Code nobody wrote for these tests: a spread of LibCST's own modules, and our examples."""
    libcst_files = sorted(Path(cst.__file__).parent.rglob("*.py"))
    chosen = libcst_files[::max(1, len(libcst_files) // 24)]
    return chosen + sorted((REPO / "examples" / "orchestrate_core").glob("*.py"))


REAL = [pytest.param(path, id=f"{path.parent.name}/{path.name}") for path in real_code()]


def every_node(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    yield node
    for child in node.children:
        yield from every_node(child)


class Recorder(cst.BatchableCSTVisitor):
    """Records every visit and leave of the node types the rules and analyses handle."""

    TYPES = sorted({name for visitor in ALL_RULES for name in traversal.uses_node_types(visitor)} | {
        "Name", "Attribute", "Call", "FunctionDef", "ClassDef", "Lambda", "ListComp", "If", "Import",
        "ImportFrom", "Assign", "For", "Arg", "Param", "IndentedBlock", "SimpleStatementLine",
    })

    def __init__(self) -> None:
        super().__init__()
        self.events: List[Tuple[str, int]] = []

    def on_event(self, kind: str, node: cst.CSTNode) -> None:
        self.events.append((kind, id(node)))


def _recorder_class() -> type:
    methods = {}
    for name in Recorder.TYPES:
        for kind in ("visit", "leave"):
            def handler(self: Recorder, node: cst.CSTNode, event: str = f"{kind} {name}") -> None:
                self.on_event(event, node)

            handler.__name__ = f"{kind}_{name}"  # LibCST finds visitor methods by their name
            methods[handler.__name__] = handler
    return type("AllTypesRecorder", (Recorder,), methods)


AllTypesRecorder = _recorder_class()


@pytest.mark.parametrize("path", REAL)
def test_traversal_visits_like_visit_batched(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    ours, theirs = AllTypesRecorder(), AllTypesRecorder()
    traversal.walk(module, [ours])
    cst.visit_batched(module, [theirs])
    assert ours.events == theirs.events
    assert len(ours.events) > 20


def test_traversal_refuses_attribute_visitors() -> None:
    class ByAttribute(cst.BatchableCSTVisitor):
        def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
            pass

    with pytest.raises(TypeError, match="attribute visitors are not supported"):
        traversal.walk(cst.parse_module("x = 1\n"), [ByAttribute()])


@pytest.mark.parametrize("path", REAL[::3])
def test_positions_equal_libcst_position_provider(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = [n for n in every_node(module) if not isinstance(n, cst.IndentedBlock)]
    expected = {id(n): (ranges[n].start.line, ranges[n].start.column + 1) for n in nodes}
    assert start_positions(module, nodes) == expected
    chooser = random.Random(str(path.name))
    for size in (1, 3, 20):  # a few nodes: the code generation stops after the last one
        subset = chooser.sample(nodes, min(size, len(nodes)))
        assert start_positions(module, subset) == {id(n): expected[id(n)] for n in subset}
    blocks = [n for n in every_node(module) if isinstance(n, cst.IndentedBlock)][:3]
    assert start_positions(module, blocks) == {
        id(n): (ranges[n].start.line, ranges[n].start.column + 1) for n in blocks
    }


@pytest.mark.parametrize("path", REAL)
def test_anchored_positions_of_calls_functions_and_arguments_equal_code_generation(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    module = cst.parse_module(source)
    anchors = Anchors()
    traversal.walk(module, [anchors])
    nodes = [n for n in every_node(module) if id(n) in anchors.anchors]
    anchored = anchored_positions(source, anchors, nodes)
    assert anchored is not None
    assert anchored == start_positions(module, [n for n in nodes if id(n) in anchored])
    assert len(anchored) >= anchors.functions


def test_anchoring_gives_up_on_a_mismatch_instead_of_guessing() -> None:
    source = "def f():\n    return g(h(1))\n"
    module = cst.parse_module(source)
    anchors = Anchors()
    traversal.walk(module, [anchors])
    nodes = [n for n in every_node(module) if isinstance(n, cst.Call)]
    assert anchored_positions(source, anchors, nodes) == {id(nodes[0]): (2, 12), id(nodes[1]): (2, 14)}
    assert anchored_positions("def f():\n    return g(1)\n", anchors, nodes) is None  # counts differ
    assert anchored_positions("def f():\n    return k(h(1))\n", anchors, nodes) is None  # text differs
    assert anchored_positions("def f(:\n", anchors, nodes) is None


# -- one parse, loads once, rules only where they can report --------------------------------


def _tree(project, count: int):  # type: ignore[no-untyped-def]
    files = {"pyproject.toml": '[tool.orch-lint]\ncore = ["core"]\n', "core/__init__.py": ""}
    for number in range(count):
        files[f"core/m{number:02}.py"] = f"from core import m{(number + 1) % count:02}\n\ndef f{number}(x):\n    return x\n"
    return project.write(files)


def _run(root: Path) -> runner.RunResult:
    previous = os.getcwd()
    os.chdir(root)
    try:
        return runner.run([root / "core"], ConfigFinder())
    finally:
        os.chdir(previous)


def test_each_file_is_read_once_and_parsed_once(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _tree(project, 12)
    reads: List[str] = []
    original = runner.read_source
    monkeypatch.setattr(runner, "read_source", lambda path, display: reads.append(str(path)) or original(path, display))
    before = engine.PARSE_COUNT
    result = _run(project.root)
    assert result.files_checked == 13
    assert engine.PARSE_COUNT - before == 13
    assert sorted(reads) == sorted(set(reads)) and len(reads) == 13


def test_config_is_loaded_once_per_run_not_per_file(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _tree(project, 12)
    loads: List[Path] = []
    original = config_module.load_config
    monkeypatch.setattr(config_module, "load_config", lambda path: loads.append(path) or original(path))
    assert _run(project.root).files_checked == 13
    assert loads == [project.root / "pyproject.toml"]


def test_visitor_method_tables_are_built_once_per_class(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _tree(project, 12)
    monkeypatch.setattr(traversal, "_method_names", {})
    built: List[type] = []
    original = traversal._names
    monkeypatch.setattr(traversal, "_names", lambda cls: (None if cls in traversal._method_names else built.append(cls)) or original(cls))
    assert _run(project.root).files_checked == 13
    assert built and len(built) == len(set(built))


def test_a_rule_that_cannot_report_is_not_instantiated(monkeypatch) -> None:
    made: List[str] = []
    for rule in (WallClockRead, DatabaseImport):
        original = rule.__init__
        monkeypatch.setattr(rule, "__init__", lambda self, context, o=original, c=rule.code: made.append(c) or o(self, context))
    assert engine.lint_source("import sqlite3\nfor x in [1]:\n    print(x)\n").findings[0].code == "DET301"
    assert made == ["DET301"]  # no module the clock rule knows is mentioned
    made.clear()
    assert engine.lint_source("from datetime import datetime as dt\nt = dt.now()\n").findings[0].code == "DET101"
    assert sorted(made) == ["DET101", "DET301"]
    made.clear()
    options = engine.Options(extend_wall_clock=frozenset({"acme.now"}))
    assert engine.lint_source("import acme\nt = acme.now()\n", options=options).findings[0].code == "DET101"
    assert sorted(made) == ["DET101", "DET301"]


def _owner_recorder(anchors: Anchors) -> cst.BatchableCSTVisitor:
    """Notes, for every node of the recorded types, the innermost statement open (as a report does)."""
    methods = {}
    for name in ("Name", "Attribute", "Subscript", "SetComp", "ListComp", "BinaryOperation", "SimpleString", "Comment"):
        def handler(self: cst.BatchableCSTVisitor, node: cst.CSTNode) -> None:
            if anchors._open:
                anchors.owners.setdefault(id(node), anchors._open[-1])

        handler.__name__ = f"visit_{name}"
        methods[handler.__name__] = handler
    return type("Owners", (cst.BatchableCSTVisitor,), methods)()


@pytest.mark.parametrize("path", REAL[::2])
def test_positions_inside_anchored_statements_equal_libcst_position_provider(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    module = cst.parse_module(source)
    anchors = Anchors()
    traversal.walk(module, [anchors, _owner_recorder(anchors)])
    nodes = [n for n in every_node(module) if id(n) in anchors.owners and id(n) not in anchors.anchors]
    placed = anchored_positions(source, anchors, nodes, module)
    assert placed is not None and len(placed) >= 0.9 * len(nodes)
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    assert placed == {id(n): (ranges[n].start.line, ranges[n].start.column + 1) for n in nodes if id(n) in placed}


def test_statement_anchoring_places_decorators_and_nested_blocks() -> None:
    source = (
        "import os  # é\n\n"
        "class A(Base):\n"
        "    @decorate(os.environ)\n"
        "    def f(self, x=os.sep):\n"
        "        if x:\n"
        "            return {y for y in x}; z = os.name\n"
    )
    module = cst.parse_module(source)
    anchors = Anchors()
    traversal.walk(module, [anchors, _owner_recorder(anchors)])
    nodes = [n for n in every_node(module) if isinstance(n, cst.Attribute) or isinstance(n, cst.SetComp)]
    placed = anchored_positions(source, anchors, nodes, module)
    assert placed is not None
    assert sorted(placed.values()) == [(4, 15), (5, 19), (7, 20), (7, 40)]
    assert placed == start_positions(module, nodes)


def test_without_libcst_sources_the_walk_is_libcst_own(monkeypatch) -> None:
    monkeypatch.setattr(traversal, "_available", [False])
    module = cst.parse_module("import time\nt = time.time()\n")
    ours, theirs = AllTypesRecorder(), AllTypesRecorder()
    traversal.walk(module, [ours])
    cst.visit_batched(module, [theirs])
    assert ours.events == theirs.events
    assert engine.lint_source("import time\nt = time.time()\n").findings[0].code == "DET101"


def test_a_file_summarized_then_linted_is_parsed_by_cpython_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from orch_lint import nesting
    from orch_lint.analysis.summary import summarize_module

    parses: List[str] = []

    def counting_compile(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        parses.append(source)
        return compile(source, *args, **kwargs)

    monkeypatch.setattr(nesting, "compile", counting_compile, raising=False)
    source = "import time\n\ndef f(s: set[str]):\n    return [time.time()] + list(s)\n"
    summarize_module(source, "app.m", False)
    result = engine.lint_source(source, "m.py", module_name="app.m")
    assert [(f.line, f.code) for f in result.findings] == [(4, "DET101"), (4, "DET201")]
    assert len(parses) == 1  # the depth check and the anchors reuse the summary's tree
    equal_not_same = "".join(list(source))
    engine.lint_source(equal_not_same, "m.py", module_name="app.m")
    assert len(parses) == 2  # kept by identity: another string is parsed afresh


def test_kept_cpython_trees_stay_within_their_budget(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from orch_lint import nesting

    monkeypatch.setattr(nesting, "TREE_BUDGET", 1000)
    sources = [f"x{n} = {n}\n" + "#" * 300 + "\n" for n in range(10)]
    for source in sources:
        assert nesting.refusal(source, "m.py") is None
    kept = [source for source in sources if nesting.parsed_tree(source) is not None]
    assert kept == sources[-3:]  # the newest, within 1,000 characters
