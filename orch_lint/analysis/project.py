"""The project: first-party modules, their import graph, and the type facts they export.

A core module that imports no database can still reach one through a helper (DET302), and a set
declared in ``model.py`` is still a set when ``state.py`` imports it (DET201-DET203). Both need
facts from other files, so the runner builds one ``Project`` per run, before linting, and every
file's analysis reads it. Rules never see the disk: the runner hands in ``read`` and ``is_file``.

Each first-party module is read once into a ``ModuleSummary``: its runtime imports (not those
under ``if TYPE_CHECKING:``), its module-level import bindings, and the set/dict/path facts of
its module-level names and function returns. ``summarize_module`` is a pure function of the
source text, so a cache can key its result on the content hash. It uses CPython's ``ast`` (about
six times faster than a LibCST parse) and parses with LibCST only the few annotation and value
snippets that can carry a fact, so that the facts are exactly those ``TypeFacts`` finds inside
one module. Only modules reachable from the linted files are read.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import warnings
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Deque, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst

from orch_lint.analysis.names import LOCAL, NameModel, resolve_relative
from orch_lint.analysis.types import (
    DICT_CONSTRUCTORS, DICT_TYPES, PATH_TYPES, SET_CONSTRUCTORS, SET_TYPES, TypeFact, TypeFacts,
)

#: Names an annotation or a constructor must mention to possibly carry a fact.
_FACT_WORDS = frozenset(
    q.rsplit(".", 1)[1] for q in SET_TYPES | DICT_TYPES | PATH_TYPES | SET_CONSTRUCTORS | DICT_CONSTRUCTORS
) | {"cwd", "home"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Module-level values whose fact is worth a snippet parse.
_VALUE_NODES = (ast.Set, ast.SetComp, ast.Dict, ast.DictComp, ast.Call, ast.BinOp, ast.Name, ast.Attribute, ast.IfExp)
_MAX_RE_EXPORT_DEPTH = 8


@dataclass(frozen=True)
class ModuleSummary:
    """What other modules need to know of one first-party module."""

    module: str
    is_package: bool = False
    #: Runtime imports in source order: (absolute module name, line). ``from X import Y`` gives
    #: ``X`` and ``X.Y`` (Y may be a submodule); ``from . import Y`` gives only ``pkg.Y``.
    imports: Tuple[Tuple[str, int], ...] = ()
    #: Module-level import bindings (local name, qualified name), for re-exported facts.
    bindings: Tuple[Tuple[str, str], ...] = ()
    #: Facts of module-level names (``"KINDS"``) and of calling its functions (``"kinds()"``).
    facts: Tuple[Tuple[str, TypeFact], ...] = ()


@dataclass(frozen=True)
class ModuleFile:
    """A file the run lints: its module name, whether it is a package ``__init__``, its path."""

    module: str
    is_package: bool
    path: str


@dataclass(frozen=True)
class Project:
    """Every first-party module reachable from the linted files, by module name."""

    modules: Dict[str, ModuleSummary] = field(default_factory=dict)
    #: Where each module's source lives (for adapters that need to read it again).
    files: Dict[str, str] = field(default_factory=dict)

    def is_first_party(self, module: str) -> bool:
        return module in self.modules

    def import_chain(self, module: str, forbidden: Callable[[str], bool]) -> Optional[Tuple[str, ...]]:
        """The shortest chain of runtime imports from first-party ``module`` to a forbidden one.

        ``("app.util.helpers", "app.db", "sqlite3")``: helpers imports app.db, which imports
        sqlite3. None when ``module`` is not first-party or reaches nothing forbidden. A cycle
        is walked once; neighbours are tried in import order, so the chain is stable.
        """
        if module not in self.modules:
            return None
        previous: Dict[str, str] = {}
        seen: Set[str] = {module}
        queue: Deque[str] = deque([module])
        while queue:
            current = queue.popleft()
            for target, _ in self.modules[current].imports:
                if target in seen:
                    continue
                seen.add(target)
                previous[target] = current
                if forbidden(target):
                    return self._path(previous, module, target)
                if target in self.modules:
                    queue.append(target)
        return None

    @staticmethod
    def _path(previous: Dict[str, str], start: str, end: str) -> Tuple[str, ...]:
        chain = [end]
        while chain[-1] != start:
            chain.append(previous[chain[-1]])
        return tuple(reversed(chain))

    def external_facts(self, module: Optional[str]) -> Dict[str, TypeFact]:
        """Facts of the first-party names ``module`` imports, keyed as ``TypeFacts.external`` wants."""
        summary = self.modules.get(module) if module is not None else None
        if summary is None:
            return {}
        facts: Dict[str, TypeFact] = {}
        for target, _ in summary.imports:
            if target in self.modules:
                for key, fact in self.exported_facts(target).items():
                    facts[f"{target}.{key}"] = fact
                continue
            parent, _, name = target.rpartition(".")
            if parent in self.modules:  # ``from pkg import NAME``: NAME is defined in pkg
                exported = self.exported_facts(parent)
                for key in (name, f"{name}()"):
                    if key in exported:
                        facts[f"{target}{key[len(name):]}"] = exported[key]
        return facts

    def exported_facts(self, module: str, depth: int = 0) -> Dict[str, TypeFact]:
        """A module's own facts, plus those of names it imports from first-party modules."""
        summary = self.modules.get(module)
        if summary is None or depth > _MAX_RE_EXPORT_DEPTH:
            return {}
        facts = dict(summary.facts)
        for local, qualified in summary.bindings:
            parent, _, name = qualified.rpartition(".")
            if parent not in self.modules or parent == module:
                continue
            source = self.exported_facts(parent, depth + 1)
            for suffix in ("", "()"):
                if f"{name}{suffix}" in source and f"{local}{suffix}" not in facts:
                    facts[f"{local}{suffix}"] = source[f"{name}{suffix}"]
        return facts

    def dependencies(self, module: str) -> List[str]:
        """Every first-party module ``module`` depends on, directly or not, itself included."""
        order: List[str] = []
        seen: Set[str] = set()
        queue: Deque[str] = deque([module] if module in self.modules else [])
        while queue:
            current = queue.popleft()
            if current in seen:
                continue
            seen.add(current)
            order.append(current)
            for target, _ in self.modules[current].imports:
                parent = target.rpartition(".")[0]
                for candidate in (target, parent):
                    if candidate in self.modules and candidate not in seen:
                        queue.append(candidate)
                        break
        return order

    def fingerprint(self, module: Optional[str]) -> str:
        """A digest of every fact ``module``'s cross-module findings depend on: the summaries of
        its transitive first-party imports (and the absence of the modules it imports that are
        not first-party, which those summaries name). Import lines are left out: moving an
        import in a helper changes no finding in the core.
        """
        digest = hashlib.sha256()
        for name in sorted(self.dependencies(module) if module is not None else []):
            summary = self.modules[name]
            digest.update(repr((name, summary.is_package, tuple(t for t, _ in summary.imports),
                                summary.bindings, summary.facts)).encode("utf-8"))
        return digest.hexdigest()


# -- one module's summary --------------------------------------------------------------------


def summarize_module(source: str, module_name: str, is_package: bool) -> ModuleSummary:
    """The summary of one module's source. Pure; a file that does not parse has an empty one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return ModuleSummary(module_name, is_package)
    bindings = tuple(_module_bindings(tree, module_name, is_package))
    return ModuleSummary(
        module_name,
        is_package,
        tuple(_runtime_imports(tree, module_name, is_package)),
        bindings,
        _module_facts(tree, source, module_name, is_package, bindings),
    )


def _import_targets(node: "ast.Import | ast.ImportFrom", module: str, is_package: bool) -> Iterator[Tuple[str, str]]:
    """(local name, qualified name) for each name bound; for ``import a.b``, ("a", "a.b")."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield (alias.asname or alias.name.split(".")[0]), alias.name
        return
    base = resolve_relative(module, is_package, node.level, node.module or "")
    if base is None:
        return
    if node.module is not None:
        yield "", base
    for alias in node.names:
        if alias.name != "*":
            yield (alias.asname or alias.name), f"{base}.{alias.name}"


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _runtime_imports(tree: ast.Module, module: str, is_package: bool) -> Iterator[Tuple[str, int]]:
    """Every import anywhere in the module, in source order, except under ``if TYPE_CHECKING:``."""
    pending: List[ast.stmt] = list(tree.body)
    seen: Set[str] = set()
    while pending:
        node = pending.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for _, target in _import_targets(node, module, is_package):
                if target not in seen:
                    seen.add(target)
                    yield target, node.lineno
            continue
        inner: List[ast.stmt] = []
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            inner = list(node.orelse)
        else:
            for name in ("body", "orelse", "finalbody"):
                inner.extend(getattr(node, name, ()) or ())
            for handler in getattr(node, "handlers", ()) or ():
                inner.extend(handler.body)
            for case in getattr(node, "cases", ()) or ():
                inner.extend(case.body)
        pending[:0] = [s for s in inner if isinstance(s, ast.stmt)]


def _top_level(tree: ast.Module) -> Iterator[ast.stmt]:
    """Module-level statements, also inside top-level ``if``/``try`` (TYPE_CHECKING included)."""
    pending: List[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop(0)
        yield node
        if isinstance(node, (ast.If, ast.Try)):
            inner = list(node.body) + list(node.orelse) + list(getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                inner.extend(handler.body)
            pending[:0] = inner


def _module_bindings(tree: ast.Module, module: str, is_package: bool) -> Iterator[Tuple[str, str]]:
    for node in _top_level(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for local, qualified in _import_targets(node, module, is_package):
                if local:
                    yield local, qualified


def _module_facts(
    tree: ast.Module, source: str, module: str, is_package: bool, bindings: Sequence[Tuple[str, str]]
) -> Tuple[Tuple[str, TypeFact], ...]:
    """Facts of module-level names and function returns, read as ``TypeFacts.prescan`` reads them."""
    names = NameModel(module, is_package)
    for local, qualified in bindings:
        names.bind(local, qualified)
    words = _FACT_WORDS | {local for local, qualified in bindings if qualified.rsplit(".", 1)[-1] in _FACT_WORDS}
    types = TypeFacts(names)
    values = names.scopes[0].facts
    annotated: Set[str] = set()
    lines = source.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.bind(node.name, LOCAL)
            values[node.name] = None
            if node.returns is not None:
                types.returns[node.name] = _snippet_fact(types, lines, node.returns, words, annotation=True)
        elif isinstance(node, ast.ClassDef):
            names.bind(node.name, LOCAL)
            values[node.name] = None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.bind(node.target.id, LOCAL)
            values[node.target.id] = _snippet_fact(types, lines, node.annotation, words, annotation=True)
            annotated.add(node.target.id)
        elif isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            fact = None
            if targets and isinstance(node.value, _VALUE_NODES):
                fact = _snippet_fact(types, lines, node.value, words, annotation=False)
            for target in targets:
                names.bind(target, LOCAL)
                if target not in annotated:
                    values[target] = fact
    facts = [(name, fact) for name, fact in values.items() if fact is not None]
    facts += [(f"{name}()", fact) for name, fact in types.returns.items() if fact is not None]
    return tuple(sorted(facts, key=lambda pair: pair[0]))


def _snippet_fact(
    types: TypeFacts, lines: List[str], node: ast.expr, words: Set[str], annotation: bool
) -> Optional[TypeFact]:
    text = _segment(lines, node)
    if text is None:
        return None
    if annotation and not (words & set(_WORD.findall(text))):
        return None
    try:
        expression = cst.parse_expression(text.strip() if "\n" not in text else f"({text})")
    except Exception:  # a snippet LibCST cannot read carries no fact
        return None
    return types.annotation_fact(expression) if annotation else types.expression_fact(expression)


def _segment(lines: List[str], node: ast.expr) -> Optional[str]:
    """The node's source text (ast columns count UTF-8 bytes)."""
    end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if end_line is None or end_col is None or end_line > len(lines):
        return None
    first, last = node.lineno - 1, end_line - 1
    chunk = [line.encode("utf-8") for line in lines[first: last + 1]]
    if first == last:
        return chunk[0][node.col_offset: end_col].decode("utf-8", "replace")
    chunk[0] = chunk[0][node.col_offset:]
    chunk[-1] = chunk[-1][:end_col]
    return b"".join(chunk).decode("utf-8", "replace")


# -- the project, built from the linted files outward ------------------------------------------


def build_project(
    files: Iterable[ModuleFile],
    roots: Sequence[str],
    read: Callable[[str], Optional[str]],
    is_file: Callable[[str], bool],
    summarize: Callable[[str, str, bool], ModuleSummary] = summarize_module,
) -> Project:
    """Summarize the linted files and every first-party module they reach through imports.

    A module is first-party when a file for it lies under one of ``roots`` (the governing
    configs' directories), found from a search base: each root itself (modules importable by
    top-level name) and the directory above each linted file's package (its ``__init__.py``
    chain), as ``sys.path`` would hold it. A package's ``__init__.py`` wins over a module file.
    """
    files = list(files)
    roots = [os.path.join(os.path.abspath(root), "") for root in roots]
    bases = _search_bases(files, roots)
    modules: Dict[str, ModuleSummary] = {}
    paths: Dict[str, str] = {}
    queue: Deque[str] = deque()
    for entry in files:
        if entry.module in modules:
            continue
        source = read(entry.path)
        modules[entry.module] = summarize(source or "", entry.module, entry.is_package)
        paths[entry.module] = entry.path
        queue.append(entry.module)
    missing: Set[str] = set()
    while queue:
        for target, _ in modules[queue.popleft()].imports:
            # ``from pkg import NAME`` may name a value of pkg: its facts come from pkg itself
            for candidate in (target, target.rpartition(".")[0]):
                if not candidate or candidate in modules or candidate in missing:
                    break
                located = _locate(candidate, bases, roots, is_file)
                if located is None:
                    missing.add(candidate)
                    continue
                path, is_package = located
                modules[candidate] = summarize(read(path) or "", candidate, is_package)
                paths[candidate] = path
                queue.append(candidate)
                break
    return Project(modules, paths)


def _search_bases(files: Sequence[ModuleFile], roots: Sequence[str]) -> List[str]:
    bases: List[str] = []
    for entry in files:
        depth = entry.module.count(".") + (2 if entry.is_package else 1)
        base = os.path.abspath(entry.path)
        for _ in range(depth):
            base = os.path.dirname(base)
        bases.append(base)
    bases.extend(root.rstrip(os.sep) or os.sep for root in roots)
    return list(dict.fromkeys(bases))


def _locate(module: str, bases: Sequence[str], roots: Sequence[str], is_file: Callable[[str], bool]) -> Optional[Tuple[str, bool]]:
    parts = module.split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    for base in bases:
        for path, is_package in (
            (os.path.join(base, *parts, "__init__.py"), True),
            (os.path.join(base, *parts[:-1], parts[-1] + ".py"), False),
        ):
            if any(path.startswith(root) for root in roots) and is_file(path):
                return path, is_package
    return None
