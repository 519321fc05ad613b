"""The project: first-party modules, their import graph, and the type facts they export.

A core module that imports no database can still reach one through a helper (DET302), and a set
declared in ``model.py`` is still a set when ``state.py`` imports it (DET201-DET203). Both need
facts from other files, so the runner builds one ``Project`` per run, before linting, and every
file's analysis reads it. Each first-party module is read once into a ``ModuleSummary``
(``analysis.summary``); only modules reachable from the linted files through imports are read.
Nothing here touches the disk: the runner hands in ``read`` and ``is_file``.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Deque, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from orch_lint.analysis.summary import ModuleSummary, summarize_module
from orch_lint.analysis.types import TypeFact

__all__ = ["ModuleFile", "ModuleSummary", "Project", "build_project", "project_from_sources", "summarize_module"]

_MAX_RE_EXPORT_DEPTH = 8


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
    #: Memo of ``exported_facts`` by (module, depth), and of each module's summary digest:
    #: without it, re-exports fan out exponentially on a large package (Django: minutes).
    _memo: Dict[Tuple[str, int], Dict[str, TypeFact]] = field(default_factory=dict, compare=False, repr=False)
    _digests: Dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _fingerprints: Dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _chains: Dict[Tuple[str, Tuple[str, ...]], Optional[Tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )

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

    def forbidden_chain(self, module: str, prefixes: Tuple[str, ...]) -> Optional[Tuple[str, ...]]:
        """``import_chain`` to a module under one of ``prefixes`` (whole dotted components),
        remembered: every file of a run asks about the same helpers."""
        key = (module, prefixes)
        if key not in self._chains:
            self._chains[key] = self.import_chain(module, lambda name: under_any(name, prefixes) is not None)
        return self._chains[key]

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
        memo = self._memo.get((module, depth))
        if memo is not None:
            return memo
        summary = self.modules.get(module)
        if summary is None or depth > _MAX_RE_EXPORT_DEPTH:
            return {}
        facts = dict(summary.facts)
        self._memo[(module, depth)] = facts  # depth grows along a chain: never read half-built
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
        if module is None or module not in self.modules:
            return hashlib.sha256().hexdigest()
        if not self._fingerprints:
            self._fingerprints.update(_merkle_fingerprints(self.modules, self._summary_digest))
        return self._fingerprints[module]

    def _summary_digest(self, name: str) -> bytes:
        known = self._digests.get(name)
        if known is None:
            summary = self.modules[name]
            known = hashlib.sha256(repr((name, summary.is_package, tuple(t for t, _ in summary.imports),
                                         summary.bindings, summary.facts)).encode("utf-8")).hexdigest()
            self._digests[name] = known
        return known.encode("ascii")


def under_any(name: str, prefixes: Tuple[str, ...]) -> Optional[str]:
    """The prefix ``name`` falls under, on whole dotted components (``sqlite3.dbapi2`` is under
    ``sqlite3``, ``sqlite3x`` is not), or None. Looks up the name's own few prefixes in a set,
    rather than testing every prefix: the graph walks ask this of every import they pass."""
    wanted = _prefix_set(prefixes)
    end = name.find(".")
    while end != -1:
        if name[:end] in wanted:
            return name[:end]
        end = name.find(".", end + 1)
    return name if name in wanted else None


@functools.lru_cache(maxsize=64)
def _prefix_set(prefixes: Tuple[str, ...]) -> FrozenSet[str]:
    return frozenset(prefixes)


def _merkle_fingerprints(modules: Mapping[str, ModuleSummary], own: Callable[[str], bytes]) -> Dict[str, str]:
    """Every module's fingerprint at once, in time linear in the import graph.

    A module's fingerprint digests its own summary and its imports' fingerprints; modules that
    import each other (a strongly connected component, found by Tarjan's algorithm, which
    yields every component after those it imports) share one digest of all their summaries.
    So it changes exactly when a summary it can reach changes, as a digest of the whole
    dependency set would, without walking that set once per module (quadratic on Django).
    An import of ``a.b`` counts as importing both ``a.b`` and the package ``a``.
    """
    edges: Dict[str, List[str]] = {}
    for name, summary in modules.items():
        targets: List[str] = []
        for target, _ in summary.imports:
            for candidate in (target, target.rpartition(".")[0]):
                if candidate in modules and candidate != name:
                    targets.append(candidate)
        edges[name] = sorted(set(targets))
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    on_stack: Set[str] = set()
    stack: List[str] = []
    component_of: Dict[str, str] = {}
    fingerprints: Dict[str, str] = {}
    for root in sorted(modules):
        if root in index:
            continue
        work: List[Tuple[str, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            neighbours = edges[node]
            if position < len(neighbours):
                work.append((node, position + 1))
                nxt = neighbours[position]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members: List[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                digest = hashlib.sha256()
                for member in sorted(members):
                    digest.update(own(member))
                outside = {component_of[t] for m in members for t in edges[m] if t in component_of}
                for name in sorted(outside):
                    digest.update(fingerprints[name].encode("ascii"))
                value = digest.hexdigest()
                for member in members:
                    component_of[member] = node
                fingerprints[node] = value
    return {name: fingerprints[component_of[name]] for name in modules}


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


def project_from_sources(sources: Mapping[str, str]) -> Project:
    """A project of in-memory files (``{"app/db.py": source}``, paths relative to the root), for
    rule examples and tests: the same build, with the dictionary as the disk."""
    files = []
    for path in sources:
        parts = path[: -len(".py")].split("/")
        is_package = parts[-1] == "__init__"
        module = ".".join(parts[:-1] if is_package else parts)
        files.append(ModuleFile(module, is_package, f"/{path}"))
    return build_project(files, ["/"], read=lambda p: sources.get(p[1:]), is_file=lambda p: p[1:] in sources)
