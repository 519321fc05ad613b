"""JSON values: validation, conversion and the one canonical text form.

Everything the core reads or writes (event payloads, rendered templates, results) is plain JSON:
dict with str keys, list, str, int, float (finite), bool, None. Keeping that invariant at the
edges is what lets ``canonical_json`` be byte-identical across processes.
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Optional

JSON = Any  # a JSON value as parsed by ``json.loads``; mappings keep document order

_SCALARS = (str, int, float, bool, type(None))


def canonical_json(value: JSON, indent: Optional[int] = None) -> str:
    """The one text form of a JSON value: sorted keys, no NaN, UTF-8 kept as is."""
    separators = (",", ": ") if indent is not None else (",", ":")
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False,
                      indent=indent, separators=separators)


def loads_strict(text: str) -> JSON:
    """``json.loads`` that refuses ``NaN`` and ``Infinity``, which are not JSON."""
    return json.loads(text, parse_constant=_reject_constant)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def check_json(value: Any, where: str, fail: Callable[[str], Exception]) -> JSON:
    """Return ``value`` if it is plain JSON, else raise ``fail(message)`` naming the bad path."""
    if isinstance(value, float) and not math.isfinite(value):
        raise fail(f"{where}: non-finite number {value!r} is not JSON")
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list):
        for index, item in enumerate(value):
            check_json(item, f"{where}[{index}]", fail)
        return value
    if isinstance(value, dict):
        for key, item in _pairs(value):
            if not isinstance(key, str):
                raise fail(f"{where}: key {key!r} is not a string")
            check_json(item, f"{where}.{key}", fail)
        return value
    raise fail(f"{where}: {type(value).__name__} is not a JSON value")


def _pairs(mapping: Any) -> list:
    """The items of a JSON object in document order (validation only; order is irrelevant)."""
    return list(mapping.items())
