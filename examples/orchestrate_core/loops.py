"""What a loop iterates: the rendered ``in`` value as an ordered list of items."""

from __future__ import annotations

from typing import List

from .errors import EvaluationError
from .jsonvalue import JSON, loads_strict

MAX_ITERATIONS = 100_000


def loop_items(value: JSON, step: str) -> List[JSON]:
    """A list as is; a mapping as ``{key, value}`` items in key order; n as 0..n-1.

    JSON objects have no order, and a mapping reaches a loop through events whose canonical
    form sorts keys: iterating in key order makes the result independent of how any log or
    template happened to order them.

    A string is read as a JSON list, or else split on commas and newlines, as the original
    does. Anything else (null, a boolean, a fraction) is an ``EvaluationError``: a loop that
    silently ran zero times would leave the execution hanging.
    """
    if isinstance(value, str):
        value = _from_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, float):
        kind = "null" if value is None else type(value).__name__
        raise EvaluationError(f"step {step!r}: loop `in` rendered to {kind}, not something to iterate")
    if isinstance(value, int):
        items: List[JSON] = list(range(max(min(value, MAX_ITERATIONS + 1), 0)))
    elif isinstance(value, dict):
        items = [{"key": key, "value": item} for key, item in sorted(value.items())]
    else:
        items = list(value)
    if len(items) > MAX_ITERATIONS:
        raise EvaluationError(f"step {step!r}: loop over more than {MAX_ITERATIONS} items")
    return items


def _from_text(text: str) -> JSON:
    try:
        parsed = loads_strict(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, list):
        return parsed
    parts = [part.strip() for part in text.replace("\n", ",").split(",")]
    return [part for part in parts if part]
