"""A lightweight name model, built in the same traversal as the rules.

LibCST's ``ScopeProvider`` + ``QualifiedNameProvider`` cost ~50 ms a file; the rules only need
to know which imported thing a name or dotted attribute refers to, and whether a local binding
shadows it. So this visitor tracks imports, aliases (``import time as t``, and assigned ones:
``Clock = datetime.datetime``) and the bindings that shadow them, scope by scope, as the single
batched traversal reaches them. It runs first in the batch, so when a rule
visits a node every binding before it is already known.

Known limits, all on the side of silence (a name we cannot resolve is never reported): a
binding that comes later in the same function than its use, ``global``/``nonlocal``, star
imports of anything but the standard-library modules in ``STAR_RESOLVED``, and ``exec``.
"""

from __future__ import annotations

import builtins
import functools
import importlib
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

BUILTIN_NAMES = frozenset(dir(builtins))

#: A binding that is not an import: a parameter, an assignment, a def, a loop target.
LOCAL = ""
#: Standard-library modules whose ``from M import *`` binds names the rules look for (clocks,
#: entropy, the environment, the filesystem). Their star exports are read from the modules
#: themselves, which the linter imports anyway: never from the code being checked.
STAR_RESOLVED = frozenset(
    {"datetime", "time", "random", "uuid", "secrets", "os", "os.path", "glob", "pathlib", "shutil"}
)
#: Attribute links past which a chain resolves to nothing (no module path is deeper).
MAX_QUALIFIED_PARTS = 64


@dataclass
class Scope:
    """One Python scope: names bound in it, each to a qualified name or to ``LOCAL``."""

    kind: str  # "module", "class", "function", "comprehension"
    bindings: Dict[str, str] = field(default_factory=dict)
    class_name: Optional[str] = None
    #: For a method: the name of its first parameter (``self``/``cls``) and its class.
    self_name: Optional[str] = None
    owner_class: Optional[str] = None
    function_name: Optional[str] = None
    #: Type facts (see ``analysis.types``) for names bound in this scope.
    facts: Dict[str, Any] = field(default_factory=dict)
    #: What calling a local name reaches (see ``analysis.callgraph``): "ref:<qualname>" for a
    #: function reference, "instance:<class qualname>" for an object of a known class.
    callables: Dict[str, str] = field(default_factory=dict)
    #: Names assigned an imported thing (``DT = datetime.datetime``, ``clock = time``): what an
    #: attribute of them resolves to. The name itself stays ``LOCAL``: reading it bare is the
    #: assignment's business (``now = datetime.now`` is reported where it is assigned).
    aliases: Dict[str, str] = field(default_factory=dict)


def resolve_relative(module: Optional[str], is_package: bool, level: int, name: str) -> Optional[str]:
    """Resolve ``from <level dots><name> import ...`` against the importing module's name."""
    if level == 0:
        return name or None
    if module is None:
        return None
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    drop = level - 1
    if drop > len(parts):
        return None
    base = parts[: len(parts) - drop]
    if name:
        base = base + name.split(".")
    return ".".join(base) or None


def dotted_name(node: cst.BaseExpression) -> Optional[str]:
    """``a.b.c`` as a string, for a chain of plain names; None for anything else."""
    attributes: List[str] = []
    while isinstance(node, cst.Attribute):  # a loop: an imported name may have any length
        attributes.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    return ".".join([node.value, *reversed(attributes)])


def _target_names(target: cst.BaseExpression) -> List[str]:
    """Names bound by an assignment or loop target (``a``, ``a, (b, *c)``); not ``x.y``/``x[i]``."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        names: List[str] = []
        for element in target.elements:
            names.extend(_target_names(element.value))
        return names
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return []

@functools.lru_cache(maxsize=None)
def star_exports(module: str) -> FrozenSet[str]:
    """The names ``from module import *`` binds, for a module in ``STAR_RESOLVED``; else none."""
    if module not in STAR_RESOLVED:
        return frozenset()
    imported = importlib.import_module(module)
    exported = getattr(imported, "__all__", None)
    if exported is None:
        exported = [name for name in vars(imported) if not name.startswith("_")]
    return frozenset(name for name in exported if isinstance(name, str))


class NameModel(cst.BatchableCSTVisitor):
    """Imports, aliases and shadowing bindings, scope by scope, during the one traversal."""

    def __init__(self, module_name: Optional[str] = None, is_package: bool = False) -> None:
        super().__init__()
        self.module_name = module_name
        self.is_package = is_package
        self.scopes: List[Scope] = [Scope("module")]
        #: ids of Name nodes that are not reads: attribute parts, keywords, def names, targets.
        self._not_loads: Set[int] = set()
        #: id(func expression) -> the Call node it is the callee of.
        self._calls: Dict[int, cst.Call] = {}
        self._type_checking_blocks: Set[int] = set()
        self.type_checking_depth = 0
        self.function_depth = 0
        #: Every module imported anywhere in the file (runtime imports only): name -> node.
        self.imported_modules: List[str] = []
        self._pending_alias: Optional[Tuple[str, str]] = None

    # -- queries used by rules -------------------------------------------------------------

    def lookup(self, name: str) -> Optional[str]:
        """What ``name`` is bound to here: a qualified name, ``LOCAL``, or None if unbound."""
        innermost = len(self.scopes) - 1
        for index in range(innermost, -1, -1):
            scope = self.scopes[index]
            if scope.kind == "class" and index != innermost:
                continue  # class bodies are not visible from the methods inside them
            if name in scope.bindings:
                return scope.bindings[name]
        if name in BUILTIN_NAMES:
            return f"builtins.{name}"
        return None

    def binding_scope(self, name: str) -> Optional[Scope]:
        """The scope whose binding of ``name`` is visible here, if any."""
        innermost = len(self.scopes) - 1
        for index in range(innermost, -1, -1):
            scope = self.scopes[index]
            if scope.kind == "class" and index != innermost:
                continue
            if name in scope.bindings:
                return scope
        return None

    def refers_to_module_function(self, name: str) -> bool:
        """Whether a call of ``name`` here can only mean the module-level def of that name."""
        scope = self.binding_scope(name)
        if scope is None:
            return True
        return scope.kind == "module" and scope.bindings[name] == LOCAL

    def qualified(self, node: cst.BaseExpression) -> Optional[str]:
        """The qualified name a read of ``node`` refers to, if it is an import or a builtin.

        ``obj.datetime.now`` and a parameter named ``now`` give None: only names that trace
        back to an import (or an unshadowed builtin) resolve.
        """
        if isinstance(node, cst.Name):
            if id(node) in self._not_loads:
                return None
            bound = self.lookup(node.value)
            return bound or None
        if isinstance(node, cst.Attribute):
            # a loop with a cap, not recursion: rules ask this of every link of a chain, so a
            # chain of n links would cost n * n (an `import a.b.c...` of 20,000 links: minutes)
            attributes: List[str] = []
            while isinstance(node, cst.Attribute):
                if len(attributes) == MAX_QUALIFIED_PARTS:
                    return None  # no module is that deep
                attributes.append(node.attr.value)
                node = node.value
            base = self.qualified(node) if isinstance(node, cst.Name) else None
            if base is None and isinstance(node, cst.Name) and self.is_load(node):
                base = self.alias_of(node.value)
            if base is None or base.startswith("builtins."):
                return None
            return ".".join([base, *reversed(attributes)])
        return None

    def alias_of(self, name: str) -> Optional[str]:
        """What ``name`` was assigned, if that was an imported module, class or function."""
        scope = self.binding_scope(name)
        return scope.aliases.get(name) if scope is not None else None

    def is_load(self, node: cst.Name) -> bool:
        return id(node) not in self._not_loads

    def call_of(self, func: cst.BaseExpression) -> Optional[cst.Call]:
        """The Call whose callee is ``func``, if ``func`` is called right where it stands."""
        return self._calls.get(id(func))

    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    def enclosing_function(self) -> Optional[Scope]:
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                return scope
        return None

    def enclosing_class(self) -> Optional[str]:
        """The class whose method we are in (for ``self.x``), or whose body we are in."""
        for scope in reversed(self.scopes):
            if scope.kind == "function" and scope.owner_class:
                return scope.owner_class
            if scope.kind == "class":
                return scope.class_name
        return None

    def in_type_checking(self) -> bool:
        return self.type_checking_depth > 0

    def bind(self, name: str, value: str = LOCAL) -> None:
        self.scope.bindings[name] = value
        self.scope.aliases.pop(name, None)

    # -- imports ---------------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name)
            self._skip_names(alias.name)
            if full is None:
                continue
            if not self.in_type_checking():
                self.imported_modules.append(full)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._not_loads.add(id(alias.asname.name))
                self.bind(alias.asname.name.value, full)
            else:
                top = full.split(".")[0]
                self.bind(top, top)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is not None:
            self._skip_names(node.module)
        source = dotted_name(node.module) if node.module is not None else ""
        base = resolve_relative(self.module_name, self.is_package, len(node.relative), source or "")
        if isinstance(node.names, cst.ImportStar):
            for name in sorted(star_exports(base or "")):
                self.bind(name, f"{base}.{name}")
            return
        for alias in node.names:
            self._skip_names(alias.name)
            imported = dotted_name(alias.name)
            if imported is None:
                continue
            local = imported
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self._not_loads.add(id(alias.asname.name))
                local = alias.asname.name.value
            self.bind(local, f"{base}.{imported}" if base else LOCAL)

    def _skip_names(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            self._not_loads.add(id(node))
        elif isinstance(node, cst.Attribute):
            self._skip_names(node.value)
            self._not_loads.add(id(node.attr))

    # -- contexts where a Name is not a read ----------------------------------------------

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._not_loads.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._not_loads.add(id(node.keyword))

    def visit_Call(self, node: cst.Call) -> None:
        self._calls[id(node.func)] = node

    # -- bindings --------------------------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._not_loads.add(id(node.name))
        self.bind(node.name.value)
        owner = self.scope.class_name if self.scope.kind == "class" else None
        scope = Scope("function", owner_class=owner, function_name=node.name.value)
        params = node.params
        positional = list(params.posonly_params) + list(params.params)
        if owner is not None and positional:
            is_static = any(
                isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
                for d in node.decorators
            )
            if not is_static:
                scope.self_name = positional[0].name.value
        self.scopes.append(scope)
        self.function_depth += 1
        self._bind_params(params)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()
        self.function_depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.scopes.append(Scope("function", function_name="<lambda>"))
        self._bind_params(node.params)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.scopes.pop()

    def _bind_params(self, params: cst.Parameters) -> None:
        every = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                every.append(star)
        for param in every:
            self._not_loads.add(id(param.name))
            self.scope.bindings[param.name.value] = LOCAL

    def visit_Param(self, node: cst.Param) -> None:
        self._not_loads.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._not_loads.add(id(node.name))
        self.bind(node.name.value)
        self.scopes.append(Scope("class", class_name=node.name.value))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()

    def _comprehension(self, for_in: cst.CompFor) -> None:
        scope = Scope("comprehension")
        current: Optional[cst.CompFor] = for_in
        while current is not None:
            for name in _target_names(current.target):
                scope.bindings[name] = LOCAL
            current = current.inner_for_in
        self.scopes.append(scope)

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehension(node.for_in)

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self.scopes.pop()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehension(node.for_in)

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self.scopes.pop()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehension(node.for_in)

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self.scopes.pop()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node.for_in)

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self.scopes.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        # resolved before the targets are bound: `time = time.monotonic` reads the old `time`
        self._pending_alias = None
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            value = node.value
            qualified = self.qualified(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
            if qualified is None and isinstance(value, cst.Name):
                qualified = self.alias_of(value.value)
            if qualified and not qualified.startswith("builtins."):
                self._pending_alias = (node.targets[0].target.value, qualified)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        # bound once the value has been read: in `time = time.monotonic` the value's `time` is
        # still the module (targets come before the value in the traversal)
        for target in original_node.targets:
            self._store(target.target)
        if self._pending_alias is not None:
            name, qualified = self._pending_alias
            self.scope.aliases[name] = qualified
            self._pending_alias = None

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._mark_stored(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._mark_stored(node.target)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        self._store(original_node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self._not_loads.add(id(node.target))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._mark_stored(node.target)

    def leave_NamedExpr(self, original_node: cst.NamedExpr) -> None:
        self._store(original_node.target)

    def visit_For(self, node: cst.For) -> None:
        self._store(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._store(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._store(node.name.name)

    def _store(self, target: cst.BaseExpression) -> None:
        for name in _target_names(target):
            self.bind(name)
        self._mark_stored(target)

    def _mark_stored(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self._not_loads.add(id(target))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._mark_stored(element.value)
        elif isinstance(target, cst.StarredElement):
            self._mark_stored(target.value)

    # -- `if TYPE_CHECKING:` ---------------------------------------------------------------

    def visit_If(self, node: cst.If) -> None:
        test = node.test
        name = self.qualified(test) if isinstance(test, (cst.Name, cst.Attribute)) else None
        if name in ("typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING") or (
            isinstance(test, cst.Name) and test.value == "TYPE_CHECKING"
        ):
            self._type_checking_blocks.add(id(node.body))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if id(node) in self._type_checking_blocks:
            self.type_checking_depth += 1

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if id(original_node) in self._type_checking_blocks:
            self.type_checking_depth -= 1

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        if id(node) in self._type_checking_blocks:
            self.type_checking_depth += 1

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        if id(original_node) in self._type_checking_blocks:
            self.type_checking_depth -= 1
