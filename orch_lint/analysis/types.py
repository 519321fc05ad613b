"""Which expressions are sets and which are dicts, learned from the code itself.

DET201/DET202/DET203 must never guess: an expression counts as a set or a dict only when a
literal, a constructor, a set operator or method, or an annotation (on a parameter, a variable,
a class or instance attribute, or a function's return in the same module) says so. Everything
else is unknown, and unknown is never reported.

The same facts come across modules: the runner's project (``analysis.project``) hands in, as
``external``, the facts of first-party names imported here (``pkg.model.KINDS`` for a value,
``pkg.model.kinds()`` for what calling a function returns). A third kind, ``PATH``, marks
``pathlib.Path`` values, whose ``iterdir``/``glob``/``rglob`` DET204 reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Tuple, Union

import libcst as cst

from orch_lint.analysis.names import LOCAL, NameModel, _target_names

SET, DICT, PATH = "set", "dict", "path"

#: Concrete paths (``PurePath`` has no ``iterdir``/``glob``): annotations and constructors.
PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"})
PATH_FACTORIES = frozenset({"pathlib.Path.cwd", "pathlib.Path.home"})
#: Path methods and properties that give another Path.
PATH_RESULT_METHODS = frozenset(
    {"resolve", "absolute", "expanduser", "with_name", "with_suffix", "with_stem", "joinpath", "relative_to"}
)
PATH_PROPERTIES = frozenset({"parent"})

SET_TYPES = frozenset(
    {
        "builtins.set", "builtins.frozenset",
        "typing.Set", "typing.FrozenSet", "typing.AbstractSet", "typing.MutableSet",
        "collections.abc.Set", "collections.abc.MutableSet",
        "typing_extensions.Set", "typing_extensions.FrozenSet",
    }
)
DICT_TYPES = frozenset(
    {
        "builtins.dict",
        "typing.Dict", "typing.Mapping", "typing.MutableMapping", "typing.DefaultDict",
        "typing.OrderedDict", "typing.Counter", "typing.ChainMap",
        "collections.abc.Mapping", "collections.abc.MutableMapping",
        "collections.defaultdict", "collections.OrderedDict", "collections.Counter",
        "collections.ChainMap", "types.MappingProxyType",
    }
)
SET_CONSTRUCTORS = frozenset({"builtins.set", "builtins.frozenset"})
DICT_CONSTRUCTORS = frozenset(
    {
        "builtins.dict", "collections.defaultdict", "collections.OrderedDict",
        "collections.Counter", "collections.ChainMap", "types.MappingProxyType",
    }
)
SET_RESULT_METHODS = frozenset(
    {"union", "intersection", "difference", "symmetric_difference", "copy"}
)
SET_OPERATORS = (cst.BitOr, cst.BitAnd, cst.Subtract, cst.BitXor)
DICT_VIEWS = frozenset({"keys", "values", "items"})
#: Element types that always sort: a fix that sorts them cannot raise.
SORTABLE_SCALARS = frozenset({"str", "int", "float", "bytes", "bool"})


@dataclass(frozen=True)
class TypeFact:
    """What we know of a value: a set or a dict (or a view of one), and its element types."""

    kind: str  # SET or DICT
    #: Set element or dict key type, when it is a plain scalar ("str", "int", ...).
    element: Optional[str] = None
    #: Dict value type, as a nested fact (for ``d[k]``) and as a scalar name (for sorting).
    value: Optional["TypeFact"] = None
    value_scalar: Optional[str] = None
    #: For a dict view: "keys", "values" or "items"; None for the dict itself.
    view: Optional[str] = None

    def viewed(self, view: str) -> "TypeFact":
        return TypeFact(self.kind, self.element, self.value, self.value_scalar, view)

    @property
    def sorts_safely(self) -> bool:
        """Whether ``sorted()`` over this value can never raise (its elements compare)."""
        if self.kind == SET:
            return self.element in SORTABLE_SCALARS
        if self.view == "values":
            return self.value_scalar in SORTABLE_SCALARS
        return self.element in SORTABLE_SCALARS  # keys are unique: items compare by key


Annotation = Union[cst.BaseExpression, None]


class TypeFacts(cst.BatchableCSTVisitor):
    """Records set/dict facts for names, attributes and functions as the traversal goes."""

    def __init__(self, names: NameModel) -> None:
        super().__init__()
        self.names = names
        #: "func" or "Class.method" -> the fact of its return annotation.
        self.returns: Dict[str, Optional[TypeFact]] = {}
        #: (class name, attribute) -> fact.
        self.attributes: Dict[Tuple[str, str], Optional[TypeFact]] = {}
        #: Facts from other modules (names imported into this one), by qualified name.
        self.external: Dict[str, TypeFact] = {}

    # -- the module's declarations, read before the traversal -----------------------------

    def prescan(self, module: cst.Module) -> None:
        """Read module-level and class-level declarations, so uses above them resolve too.

        Annotations are read with the module's top-level imports already bound (``-> Set[str]``
        needs ``typing.Set`` even above its import, as Python resolves it), in a name model of
        their own: the traversal's model must still learn bindings in the code's order.
        """
        reader = TypeFacts(module_level_imports(module, self.names.module_name, self.names.is_package))
        reader.external = self.external
        for statement in module.body:
            reader._declare(statement, owner=None)
        self.returns.update(reader.returns)
        self.attributes.update(reader.attributes)
        self._module_facts().update(reader._module_facts())

    def _declare(self, statement: cst.CSTNode, owner: Optional[str]) -> None:
        if isinstance(statement, cst.FunctionDef):
            key = f"{owner}.{statement.name.value}" if owner else statement.name.value
            if statement.returns is not None:
                self.returns[key] = self.annotation_fact(statement.returns.annotation)
            if owner is not None:
                self._declare_self_attributes(statement, owner)
        elif isinstance(statement, cst.ClassDef):
            for inner in _block_statements(statement.body):
                self._declare(inner, owner=statement.name.value)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    fact = self.annotation_fact(small.annotation.annotation)
                    if owner is not None:
                        self.attributes[(owner, small.target.value)] = fact
                    else:
                        self._module_facts()[small.target.value] = fact
                elif isinstance(small, cst.Assign) and owner is None:
                    fact = self.expression_fact(small.value)
                    for target in small.targets:
                        for name in _target_names(target.target):
                            self._module_facts().setdefault(name, fact)

    def _declare_self_attributes(self, method: cst.FunctionDef, owner: str) -> None:
        params = list(method.params.posonly_params) + list(method.params.params)
        if not params:
            return
        self_name = params[0].name.value
        for statement in _block_statements(method.body):
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.AnnAssign) and _is_attribute_of(small.target, self_name):
                    attr = small.target.attr.value  # type: ignore[union-attr]
                    self.attributes[(owner, attr)] = self.annotation_fact(small.annotation.annotation)
                elif isinstance(small, cst.Assign):
                    for target in small.targets:
                        if _is_attribute_of(target.target, self_name):
                            attr = target.target.attr.value  # type: ignore[union-attr]
                            key = (owner, attr)
                            if key not in self.attributes:
                                self.attributes[key] = self.expression_fact(small.value)

    def _module_facts(self) -> Dict[str, Optional[TypeFact]]:
        return self.names.scopes[0].facts

    # -- facts as the traversal goes -------------------------------------------------------

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._bind_params(node.params)

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._bind_params(node.params)

    def _bind_params(self, params: cst.Parameters) -> None:
        facts = self.names.scope.facts
        for param in list(params.posonly_params) + list(params.params) + list(params.kwonly_params):
            fact = None
            if param.annotation is not None:
                fact = self.annotation_fact(param.annotation.annotation)
            facts[param.name.value] = fact

    def leave_Assign(self, original_node: cst.Assign) -> None:
        fact = self.expression_fact(original_node.value)
        for target in original_node.targets:
            single = isinstance(target.target, cst.Name)
            for name in _target_names(target.target):
                self._set(name, fact if single else None)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        if isinstance(original_node.target, cst.Name):
            fact = self.annotation_fact(original_node.annotation.annotation)
            self._set(original_node.target.value, fact)

    def visit_For(self, node: cst.For) -> None:
        for name in _target_names(node.target):
            self._set(name, None)

    def _set(self, name: str, fact: Optional[TypeFact]) -> None:
        self.names.scope.facts[name] = fact

    # -- queries ---------------------------------------------------------------------------

    def name_fact(self, name: str) -> Optional[TypeFact]:
        scopes = self.names.scopes
        innermost = len(scopes) - 1
        for index in range(innermost, -1, -1):
            scope = scopes[index]
            if scope.kind == "class" and index != innermost:
                continue
            if name in scope.facts:
                return scope.facts[name]
            if name in scope.bindings:
                bound = scope.bindings[name]
                return self.external.get(bound) if bound != LOCAL else None
        return None

    def expression_fact(self, node: cst.BaseExpression) -> Optional[TypeFact]:
        """The set/dict fact for an expression, or None when the code does not say."""
        if isinstance(node, (cst.Set, cst.SetComp)):
            return TypeFact(SET, _literal_element(node))
        if isinstance(node, (cst.Dict, cst.DictComp)):
            return TypeFact(DICT, _literal_key(node))
        if isinstance(node, cst.Name):
            if not self.names.is_load(node):
                return None
            return self.name_fact(node.value)
        if isinstance(node, cst.Attribute):
            return self._attribute_fact(node)
        if isinstance(node, cst.Call):
            return self._call_fact(node)
        if isinstance(node, cst.BinaryOperation):
            return self._operator_fact(node)
        if isinstance(node, cst.Subscript):
            container = self.expression_fact(node.value)
            if container is not None and container.kind == DICT and container.view is None:
                return container.value
            return None
        if isinstance(node, cst.IfExp):
            body, orelse = self.expression_fact(node.body), self.expression_fact(node.orelse)
            return body if body is not None and orelse is not None and body.kind == orelse.kind else None
        return None

    def _attribute_fact(self, node: cst.Attribute) -> Optional[TypeFact]:
        qualified = self.names.qualified(node)
        if qualified is not None and (qualified in self.external or node.attr.value not in PATH_PROPERTIES):
            return self.external.get(qualified)
        if node.attr.value in PATH_PROPERTIES:  # also ``ROOT.parent`` for an imported ROOT
            receiver = self.expression_fact(node.value)
            return receiver if receiver is not None and receiver.kind == PATH else None
        if isinstance(node.value, cst.Name):
            function = self.names.enclosing_function()
            if function is not None and function.self_name == node.value.value and function.owner_class:
                if self.names.lookup(node.value.value) == LOCAL:
                    return self.attributes.get((function.owner_class, node.attr.value))
        return None

    def _call_fact(self, node: cst.Call) -> Optional[TypeFact]:
        func = node.func
        qualified = self.names.qualified(func)
        if qualified in SET_CONSTRUCTORS:
            element = None
            if node.args:
                inner = self.expression_fact(node.args[0].value)
                element = inner.element if inner is not None and inner.view in (None, "keys") else None
            return TypeFact(SET, element)
        if qualified in DICT_CONSTRUCTORS:
            return TypeFact(DICT)
        if qualified in PATH_TYPES or qualified in PATH_FACTORIES:
            return TypeFact(PATH)
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method == "fromkeys" and self.names.qualified(func.value) == "builtins.dict":
                return TypeFact(DICT)
            receiver = self.expression_fact(func.value)
            if receiver is not None and receiver.view is None:
                if receiver.kind == SET and method in SET_RESULT_METHODS:
                    return receiver
                if receiver.kind == DICT and method in DICT_VIEWS:
                    return receiver.viewed(method)
                if receiver.kind == DICT and method == "copy":
                    return receiver
                if receiver.kind == DICT and method == "get":
                    return receiver.value
                if receiver.kind == PATH and method in PATH_RESULT_METHODS:
                    return receiver
            if isinstance(func.value, cst.Name):
                function = self.names.enclosing_function()
                if function is not None and function.self_name == func.value.value and function.owner_class:
                    return self.returns.get(f"{function.owner_class}.{method}")
        if isinstance(func, cst.Name) and func.value in self.returns and self.names.refers_to_module_function(func.value):
            return self.returns.get(func.value)
        if qualified is not None:
            return self.external.get(f"{qualified}()")
        return None

    def _operator_fact(self, node: cst.BinaryOperation) -> Optional[TypeFact]:
        if isinstance(node.operator, cst.Divide):
            for side in (node.left, node.right):  # path / "name" and "root" / path are paths
                fact = self.expression_fact(side)
                if fact is not None and fact.kind == PATH:
                    return fact
            return None
        if not isinstance(node.operator, SET_OPERATORS):
            return None
        left = self.expression_fact(node.left)
        right = self.expression_fact(node.right)
        for fact in (left, right):
            if fact is not None and fact.kind == SET and fact.view is None:
                return fact
        for fact in (left, right):  # `d.keys() - seen`: a keys or items view's set algebra is a set
            if fact is not None and fact.kind == DICT and fact.view in ("keys", "items"):
                return TypeFact(SET, fact.element if fact.view == "keys" else None)
        if isinstance(node.operator, cst.BitOr) and left is not None and left.kind == DICT and left.view is None:
            return left
        return None

    def annotation_fact(self, annotation: cst.BaseExpression) -> Optional[TypeFact]:
        """The fact an annotation states: ``set[str]``, ``Mapping[str, int]``, ``Optional[...]``."""
        if isinstance(annotation, cst.SimpleString):
            try:
                return self.annotation_fact(cst.parse_expression(annotation.evaluated_value))
            except (cst.ParserSyntaxError, ValueError, SyntaxError):
                return None
        if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
            return _single_non_none(self.annotation_fact(annotation.left), annotation.right) or _single_non_none(
                self.annotation_fact(annotation.right), annotation.left
            )
        base = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        qualified = self.names.qualified(base)
        arguments = list(_subscript_arguments(annotation))
        if qualified in ("typing.Optional",) and arguments:
            return self.annotation_fact(arguments[0])
        if qualified == "typing.Union":
            facts = [self.annotation_fact(a) for a in arguments if not _is_none(a)]
            if len(facts) == 1:
                return facts[0]
            return None
        if qualified in PATH_TYPES:
            return TypeFact(PATH)
        if qualified in SET_TYPES:
            return TypeFact(SET, self._scalar(arguments[0]) if arguments else None)
        if qualified in DICT_TYPES:
            key = self._scalar(arguments[0]) if arguments else None
            if qualified in ("collections.Counter", "typing.Counter"):
                return TypeFact(DICT, key, None, "int")
            value_annotation = arguments[1] if len(arguments) > 1 else None
            value = self.annotation_fact(value_annotation) if value_annotation is not None else None
            value_scalar = self._scalar(value_annotation) if value_annotation is not None else None
            return TypeFact(DICT, key, value, value_scalar)
        return None

    def _scalar(self, annotation: cst.BaseExpression) -> Optional[str]:
        qualified = self.names.qualified(annotation)
        if qualified is not None and qualified.startswith("builtins."):
            name = qualified[len("builtins."):]
            return name if name in SORTABLE_SCALARS else None
        return None


def module_level_imports(module: cst.Module, module_name: Optional[str], is_package: bool) -> NameModel:
    """A name model holding only the module's top-level imports (also in top-level if/try)."""
    names = NameModel(module_name, is_package)
    pending = list(module.body)
    while pending:
        statement = pending.pop(0)
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    names.visit_Import(small)
                elif isinstance(small, cst.ImportFrom):
                    names.visit_ImportFrom(small)
        elif isinstance(statement, (cst.If, cst.Try)):
            pending[:0] = _branch_statements(statement)
    return names


def _branch_statements(statement: "cst.If | cst.Try") -> List[cst.CSTNode]:
    suites: List[cst.BaseSuite] = [statement.body]
    if isinstance(statement, cst.Try):
        suites += [handler.body for handler in statement.handlers]
        suites += [part.body for part in (statement.orelse, statement.finalbody) if part is not None]
    elif isinstance(statement.orelse, cst.Else):
        suites.append(statement.orelse.body)
    elif isinstance(statement.orelse, cst.If):
        return list(_block_statements(statement.body)) + [statement.orelse]
    return [inner for suite in suites for inner in _block_statements(suite)]


def _block_statements(body: cst.BaseSuite) -> Iterator[cst.CSTNode]:
    if isinstance(body, cst.IndentedBlock):
        yield from body.body
    else:
        yield cst.SimpleStatementLine(body=body.body)  # type: ignore[attr-defined]


def _is_attribute_of(target: cst.BaseExpression, name: str) -> bool:
    return (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value == name
    )


def _subscript_arguments(annotation: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    if isinstance(annotation, cst.Subscript):
        for element in annotation.slice:
            if isinstance(element.slice, cst.Index):
                yield element.slice.value


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _single_non_none(fact: Optional[TypeFact], other: cst.BaseExpression) -> Optional[TypeFact]:
    return fact if fact is not None and _is_none(other) else None


def _literal_element(node: Union[cst.Set, cst.SetComp]) -> Optional[str]:
    if isinstance(node, cst.SetComp):
        return None
    values = [element.value for element in node.elements]
    if values and all(isinstance(v, (cst.SimpleString, cst.ConcatenatedString)) for v in values):
        return "str"
    if values and all(isinstance(v, cst.Integer) for v in values):
        return "int"
    return None


def _literal_key(node: Union[cst.Dict, cst.DictComp]) -> Optional[str]:
    if isinstance(node, cst.DictComp):
        return None
    keys = [e.key for e in node.elements if isinstance(e, cst.DictElement)]
    if keys and len(keys) == len(node.elements) and all(isinstance(k, cst.SimpleString) for k in keys):
        return "str"
    return None
