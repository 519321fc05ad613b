"""Jinja2 rendering for the core: sandboxed, lenient, and deterministic by construction.

As the original: a sandboxed environment whose undefined values are chainable (``a.b.c`` of a
missing ``a`` is empty, so ``default`` can catch it). Unlike stock Jinja2, nothing a template
can reach renders differently from one process to the next: the ``random`` filter and the
``lipsum``/``cycler``/``joiner`` globals are gone, filters hand back lists instead of one-shot
iterators, and functions and methods render as ``<function name>`` rather than with a memory
address.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import lru_cache, update_wrapper
from typing import Any, Callable, Dict

from jinja2 import ChainableUndefined, Template
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import TemplateError
from .jsonvalue import JSON, canonical_json, loads_strict

FALSY = frozenset(("", "false", "0", "no", "none", "null", "off", "{}", "[]"))

_SINGLE_EXPRESSION = re.compile(r"\s*\{\{(?P<expr>.*)\}\}\s*", re.DOTALL)
_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?")
_UNSTABLE_NAMES = ("random",)
_UNSTABLE_GLOBALS = ("lipsum", "cycler", "joiner")


class _Named:
    """A callable that renders by name: the stock repr carries a memory address."""

    __slots__ = ("target", "label")

    def __init__(self, target: Callable[..., Any]) -> None:
        self.target = target
        self.label = f"<function {getattr(target, '__name__', type(target).__name__)}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.target(*args, **kwargs)

    def __repr__(self) -> str:
        return self.label

    __str__ = __repr__


class _CoreEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with callables wrapped on access and unwrapped again for the call check."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        return _name_callable(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return _name_callable(super().getitem(obj, argument))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if isinstance(__obj, _Named):
            __obj = __obj.target
        return super().call(__context, __obj, *args, **kwargs)


def _name_callable(value: Any) -> Any:
    if callable(value) and not isinstance(value, (type, Undefined, _Named)):
        return _Named(value)
    return value


def _listing(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that returns a list where the stock one returns a one-shot iterator."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        return list(result) if isinstance(result, Iterator) else result
    return update_wrapper(wrapper, function)  # keeps jinja's pass_context markers


def _finalize(value: Any) -> Any:
    return list(value) if isinstance(value, Iterator) else value


def _build_environment() -> _CoreEnvironment:
    env = _CoreEnvironment(undefined=ChainableUndefined, autoescape=False, finalize=_finalize)
    for name in _UNSTABLE_NAMES:
        env.filters.pop(name, None)
    for name in _UNSTABLE_GLOBALS:
        env.globals.pop(name, None)
    env.globals["range"] = _Named(env.globals["range"])
    for name in sorted(env.filters):
        env.filters[name] = _listing(env.filters[name])
    env.filters["tojson"] = lambda value, indent=None: canonical_json(to_json(value), indent)
    env.filters["fromjson"] = lambda value: loads_strict(str(value))
    return env


_ENV = _build_environment()


@lru_cache(maxsize=4096)
def _template(source: str) -> Template:
    return _ENV.from_string(source)


@lru_cache(maxsize=4096)
def _expression(source: str) -> Callable[..., Any]:
    return _ENV.compile_expression(source, undefined_to_none=False)


def has_template(text: str) -> bool:
    return ("{{" in text and "}}" in text) or ("{%" in text and "%}" in text)


def render_text(text: str, context: Dict[str, JSON]) -> str:
    """Render a string template to text; text without template syntax comes back unchanged."""
    if not has_template(text):
        return text
    return _guard(text, lambda: _template(text).render(context))


def render_value(value: JSON, context: Dict[str, JSON]) -> JSON:
    """Render every string inside a JSON value, keeping (or recovering) JSON types.

    A string that is exactly one ``{{ expr }}`` yields the expression's native value (a list
    stays a list); text, from such an expression or from any other template, is read back as
    JSON, a boolean, a number or null when it looks like one, as the original does. Strings
    without templates stay as they are: YAML has already typed them.
    """
    if isinstance(value, str):
        return _render_string(value, context)
    if isinstance(value, list):
        return [render_value(item, context) for item in value]
    if isinstance(value, dict):
        return {render_text(key, context): render_value(item, context)
                for key, item in sorted(value.items())}
    return value


def when_true(when: JSON, context: Dict[str, JSON]) -> bool:
    """A guard holds unless it renders to one of the falsy words (case-insensitive)."""
    if when is None:
        return True
    if isinstance(when, str):
        text = render_text(when, context)
    elif isinstance(when, bool):
        text = "true" if when else "false"
    else:
        text = canonical_json(when)
    return text.strip().lower() not in FALSY


def to_json(value: Any) -> JSON:
    """A native template value as JSON; anything that is not data renders as ``<TypeName>``."""
    if isinstance(value, Undefined) or value is None:
        return None
    if isinstance(value, (bool, int, str)):
        return value if type(value) in (bool, int, str) else _plain(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TemplateError(f"template produced the non-JSON number {value!r}")
        return value
    if isinstance(value, dict):
        return {_key(key): to_json(item) for key, item in list(value.items())}
    if isinstance(value, (list, tuple, range, Iterator)) or _is_view(value):
        return [to_json(item) for item in value]
    if isinstance(value, _Named):
        return value.label
    return f"<{type(value).__name__}>"


def _render_string(text: str, context: Dict[str, JSON]) -> JSON:
    if not has_template(text):
        return text
    single = _SINGLE_EXPRESSION.fullmatch(text)
    if single is not None:
        expr = single.group("expr")
        if not any(mark in expr for mark in ("{{", "}}", "{%", "%}")) and expr.strip() and \
                expr[0] not in "-+" and expr[-1] not in "-+":
            native = _guard(text, lambda: to_json(_expression(expr.strip())(**context)))
            return _coerce(native) if isinstance(native, str) else native
    return _coerce(render_text(text, context))


def _coerce(text: str) -> JSON:
    stripped = text.strip()
    if stripped[:1] + stripped[-1:] in ("{}", "[]"):
        try:
            return loads_strict(stripped)
        except ValueError:
            pass
    if stripped in ("true", "True", "false", "False"):
        return stripped in ("true", "True")
    if _INT.fullmatch(stripped):
        return int(stripped)
    if _FLOAT.fullmatch(stripped):
        number = float(stripped)
        return number if math.isfinite(number) else text
    if stripped in ("null", "None", ""):
        return None
    return text


def _guard(source: str, render: Callable[[], Any]) -> Any:
    try:
        return render()
    except TemplateError:
        raise
    except Exception as error:  # any failure inside a template is the template's error
        first_line = (str(error).splitlines() or [""])[0]
        raise TemplateError(f"template {source!r}: {type(error).__name__}: {first_line}") from None


def _key(key: Any) -> str:
    return key if isinstance(key, str) else canonical_json(to_json(key))


def _plain(value: Any) -> JSON:
    """Subclasses (Markup, IntEnum...) as the plain str/int/bool they are."""
    for base in (bool, int, str):
        if isinstance(value, base):
            return base(value)
    return value


def _is_view(value: Any) -> bool:
    return type(value).__name__ in ("dict_keys", "dict_values", "dict_items")
