"""One module's summary: what other modules need to know of it, read without a full parse.

The project (``analysis.project``) needs, for every first-party module, its runtime imports
(not those under ``if TYPE_CHECKING:``), its module-level import bindings (for re-exports), and
the set/dict/path facts of its module-level names and function returns. ``summarize_module`` is
a pure function of the source text, so a cache can key its result on the content hash. It uses
CPython's ``ast`` (about six times faster than a LibCST parse) and parses with LibCST only the
few annotation and value snippets that can carry a fact, read by the same ``TypeFacts`` that
reads them inside one module: a fact is the same whichever side of an import it is seen from.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst

from orch_lint.analysis.names import LOCAL, NameModel, resolve_relative
from orch_lint.nesting import deep_recursion, on_deep_stack, parsed_tree, refusal
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


def summarize_module(source: str, module_name: str, is_package: bool) -> ModuleSummary:
    """The summary of one module's source. Pure; a file that does not parse has an empty one.

    A file too deeply nested for LibCST has one too, and the rest runs on the big stack:
    module-level values are read with LibCST (see ``nesting``).
    """
    if refusal(source, module_name) is not None:
        return ModuleSummary(module_name, is_package)
    tree = parsed_tree(source)  # the tree the nesting check just parsed
    if not isinstance(tree, ast.Module):  # a syntax error
        return ModuleSummary(module_name, is_package)

    def summarize() -> ModuleSummary:
        with deep_recursion():
            return _summary(tree, source, module_name, is_package)

    try:
        return on_deep_stack(summarize)
    except (RecursionError, MemoryError):
        return ModuleSummary(module_name, is_package)


def _summary(tree: ast.Module, source: str, module_name: str, is_package: bool) -> ModuleSummary:
    bindings = tuple(_module_bindings(tree, module_name, is_package))
    return ModuleSummary(
        module_name,
        is_package,
        tuple(_runtime_imports(tree, module_name, is_package)),
        bindings,
        _module_facts(tree, source, module_name, is_package, bindings),
    )


def _import_targets(node: "ast.Import | ast.ImportFrom", module: str, is_package: bool) -> Iterator[Tuple[str, str, str]]:
    """(local name, what it is bound to, module imported) for each name an import binds.

    ``import a.b`` binds ``a`` to ``a`` and imports ``a.b``; ``from X import Y`` also yields
    ``("", X, X)`` for X itself, which runs even when it binds nothing.
    """
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                yield alias.asname, alias.name, alias.name
            else:
                top = alias.name.split(".")[0]
                yield top, top, alias.name
        return
    base = resolve_relative(module, is_package, node.level, node.module or "")
    if base is None:
        return
    if node.module is not None:
        yield "", base, base
    for alias in node.names:
        if alias.name != "*":
            yield (alias.asname or alias.name), f"{base}.{alias.name}", f"{base}.{alias.name}"


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _runtime_imports(tree: ast.Module, module: str, is_package: bool) -> Iterator[Tuple[str, int]]:
    """Every import anywhere in the module, in source order, except under ``if TYPE_CHECKING:``."""
    pending: List[ast.stmt] = list(reversed(tree.body))  # a stack: the next statement is last
    seen: Set[str] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for _, _, target in _import_targets(node, module, is_package):
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
        pending.extend(reversed([s for s in inner if isinstance(s, ast.stmt)]))


def _top_level(tree: ast.Module) -> Iterator[ast.stmt]:
    """Module-level statements, also inside top-level ``if``/``try`` (TYPE_CHECKING included)."""
    pending: List[ast.stmt] = list(reversed(tree.body))
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, (ast.If, ast.Try)):
            inner = list(node.body) + list(node.orelse) + list(getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                inner.extend(handler.body)
            pending.extend(reversed(inner))


def _module_bindings(tree: ast.Module, module: str, is_package: bool) -> Iterator[Tuple[str, str]]:
    for node in _top_level(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for local, bound, _ in _import_targets(node, module, is_package):
                if local:
                    yield local, bound


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
    types: TypeFacts, lines: List[str], node: ast.expr, words: FrozenSet[str], annotation: bool
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
