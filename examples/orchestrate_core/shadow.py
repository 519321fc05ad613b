"""``shadow_diff``: compare two evaluate results by content, listing every difference.

Two drives that agree issue the same commands (execution, step, tool kind and config, input,
context, iteration) and emit the same events, in the same order. The only things allowed to
differ are what the server mints: command and event ids, and the timestamps of new events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

from .errors import EvaluationError
from .jsonvalue import JSON, canonical_json
from .result import EvaluateResult

IGNORED_COMMAND_KEYS = ("command_id",)
IGNORED_EVENT_KEYS = ("event_id", "timestamp", "created_at")
IGNORED_META_KEYS = ("command_id",)

CHANGED, ONLY_LEFT, ONLY_RIGHT = "changed", "only in A", "only in B"


@dataclass(frozen=True)
class Difference:
    path: str
    kind: str
    left: JSON = None
    right: JSON = None

    def render(self) -> str:
        where = self.path or "<result>"
        if self.kind == ONLY_LEFT:
            return f"{where}: only in A: {_short(self.left)}"
        if self.kind == ONLY_RIGHT:
            return f"{where}: only in B: {_short(self.right)}"
        return f"{where}: {_short(self.left)} != {_short(self.right)}"


def shadow_diff(a: Any, b: Any) -> Tuple[Difference, ...]:
    """Every difference between two results (``EvaluateResult`` or its ``to_dict`` form)."""
    found: List[Difference] = []
    _compare(normalise(a, "A"), normalise(b, "B"), "", found)
    return tuple(found)


def normalise(result: Any, name: str = "result") -> Dict[str, JSON]:
    """The result's content: ids and timestamps the server mints are dropped."""
    data = result.to_dict() if isinstance(result, EvaluateResult) else result
    if not isinstance(data, dict):
        raise EvaluationError(f"{name}: expected an evaluate result (a JSON object)")
    out = dict(data)
    for key, ignored in (("commands", IGNORED_COMMAND_KEYS), ("events", IGNORED_EVENT_KEYS)):
        if key not in out:
            continue
        if not isinstance(out[key], list):
            raise EvaluationError(f"{name}: {key} is not a list")
        out[key] = [_without(item, ignored) for item in out[key]]
    out["events"] = [_without_meta_ids(event) for event in out.get("events", [])]
    return out


def _without(item: JSON, keys: Tuple[str, ...]) -> JSON:
    if not isinstance(item, dict):
        return item
    kept = dict(item)
    for key in keys:
        kept.pop(key, None)
    return kept


def _without_meta_ids(event: JSON) -> JSON:
    if not isinstance(event, dict) or not isinstance(event.get("meta"), dict):
        return event
    kept = dict(event)
    kept["meta"] = _without(event["meta"], IGNORED_META_KEYS)
    return kept


def _compare(left: JSON, right: JSON, path: str, found: List[Difference]) -> None:
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            where = _child(path, key)
            if key not in right:
                found.append(Difference(where, ONLY_LEFT, left=left[key]))
            elif key not in left:
                found.append(Difference(where, ONLY_RIGHT, right=right[key]))
            else:
                _compare(left[key], right[key], where, found)
    elif isinstance(left, list) and isinstance(right, list):
        for index in range(max(len(left), len(right))):
            where = f"{path}[{index}]"
            if index >= len(right):
                found.append(Difference(where, ONLY_LEFT, left=left[index]))
            elif index >= len(left):
                found.append(Difference(where, ONLY_RIGHT, right=right[index]))
            else:
                _compare(left[index], right[index], where, found)
    elif type(left) is not type(right) or left != right:
        found.append(Difference(path, CHANGED, left, right))


def _child(path: str, key: str) -> str:
    part = key if key.isidentifier() else canonical_json(key)
    if not key.isidentifier():
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def _short(value: JSON, limit: int = 160) -> str:
    text = canonical_json(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
