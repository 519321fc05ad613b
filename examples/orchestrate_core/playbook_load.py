"""Loading a playbook from YAML into the validated model, with errors that name the bad path.

``yaml.safe_load`` keeps mappings in document order; here every mapping the core must iterate
becomes a tuple of pairs, YAML-only values (dates, sets, binary) are turned into JSON or refused,
and the four shapes of ``next`` become one ``Router``.
"""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import Any, List, Optional, Tuple

import yaml

from .errors import PlaybookError
from .jsonvalue import JSON
from .playbook import (END, EXCLUSIVE, INCLUSIVE, PARALLEL, SEQUENTIAL, START, Arc, Loop,
                       Metadata, Pairs, Playbook, Router, Step, Tool)

_TOP_KEYS = ("apiVersion", "kind", "metadata", "workload", "workflow")
_STEP_KEYS = ("step", "desc", "when", "args", "set", "tool", "loop", "next")
_RESERVED_NAMES = ("ctx", "workload", "execution_id", "iter", "_index", "_total")


def load_playbook(path: str | Path) -> Playbook:
    """Read and validate a playbook file; every error names the file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlaybookError("", f"{source}: cannot read: {error}") from None
    return parse_playbook(text, source)


def parse_playbook(text: str, source: str = "<playbook>") -> Playbook:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PlaybookError("", f"{source}: invalid YAML: {_yaml_message(error)}") from None
    try:
        return playbook_from_dict(data)
    except PlaybookError as error:
        raise PlaybookError(error.path, f"{error.detail} (in {source})") from None


def playbook_from_dict(data: Any) -> Playbook:
    """Validate an already parsed document (as ``yaml.safe_load`` returns it)."""
    top = _pairs(data, "", "the playbook")
    _only(top, _TOP_KEYS, "")
    doc = dict(top)
    for key in ("apiVersion", "kind", "metadata", "workflow"):
        if key not in doc:
            raise PlaybookError(key, "missing")
    meta = dict(_pairs(doc["metadata"], "metadata", "metadata"))
    metadata = Metadata(
        name=_text(meta.get("name"), "metadata.name", required=True),
        path=_text(meta.get("path"), "metadata.path"),
        version=_text(meta.get("version"), "metadata.version", scalar=True),
    )
    workload = _json_pairs(doc.get("workload"), "workload")
    raw_steps = doc["workflow"]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise PlaybookError("workflow", "expected a non-empty list of steps")
    steps = tuple(_step(raw, f"workflow[{i}]") for i, raw in enumerate(raw_steps))
    playbook = Playbook(
        api_version=_text(doc["apiVersion"], "apiVersion", required=True),
        kind=_text(doc["kind"], "kind", required=True),
        metadata=metadata, steps=steps, workload=workload,
    )
    _check_graph(playbook)
    return playbook


def _step(raw: Any, path: str) -> Step:
    pairs = _pairs(raw, path, "a step")
    _only(pairs, _STEP_KEYS, path)
    node = dict(pairs)
    name = _text(node.get("step"), f"{path}.step", required=True)
    if name in _RESERVED_NAMES:
        raise PlaybookError(f"{path}.step", f"{name!r} is reserved in the render context")
    return Step(
        name=name,
        desc=_text(node.get("desc"), f"{path}.desc"),
        when=_json(node.get("when"), f"{path}.when"),
        args=_json_pairs(node.get("args"), f"{path}.args"),
        set_vars=_json_pairs(node.get("set"), f"{path}.set"),
        tool=_tool(node.get("tool"), f"{path}.tool"),
        loop=None if node.get("loop") is None else _loop(node["loop"], f"{path}.loop"),
        next=None if node.get("next") is None else _router(node["next"], f"{path}.next"),
    )


def _tool(raw: Any, path: str) -> Tool:
    """No tool runs as ``noop``: a step that only routes (like ``end``) needs none."""
    if raw is None:
        return Tool(kind="noop")
    if isinstance(raw, list):
        if not raw:
            raise PlaybookError(path, "an empty list of tools")
        tasks = [_tool_map(item, f"{path}[{i}]") for i, item in enumerate(raw)]
        return Tool(kind="task_sequence", config=(("tasks", tasks),))
    config = _json_pairs(raw, path)
    kind = _text(dict(config).get("kind"), f"{path}.kind", required=True)
    return Tool(kind=kind, config=tuple(pair for pair in config if pair[0] != "kind"))


def _tool_map(raw: Any, path: str) -> JSON:
    config = _json_pairs(raw, path)
    _text(dict(config).get("kind"), f"{path}.kind", required=True)
    return dict(config)


def _loop(raw: Any, path: str) -> Loop:
    pairs = _pairs(raw, path, "a loop")
    _only(pairs, ("in", "iterator", "spec"), path)
    node = dict(pairs)
    if node.get("in") is None:
        raise PlaybookError(f"{path}.in", "missing")
    iterator = _text(node.get("iterator"), f"{path}.iterator") or "item"
    if not iterator.isidentifier():
        raise PlaybookError(f"{path}.iterator", f"{iterator!r} is not a name")
    mode = SEQUENTIAL
    if node.get("spec") is not None:
        spec = _pairs(node["spec"], f"{path}.spec", "a mapping")
        _only(spec, ("mode",), f"{path}.spec")
        mode = _choice(dict(spec).get("mode"), f"{path}.spec.mode", (SEQUENTIAL, PARALLEL))
    return Loop(in_expr=_json(node["in"], f"{path}.in"), iterator=iterator, mode=mode)


def _router(raw: Any, path: str) -> Router:
    """``next`` as a name, a list of names, a list of ``{step, when, args}``, or a router."""
    if isinstance(raw, str):
        return Router(EXCLUSIVE, (Arc(step=_text(raw, path, required=True), origin=path),))
    if isinstance(raw, list):
        if not raw:
            raise PlaybookError(path, "an empty list of next steps")
        if all(isinstance(item, str) for item in raw):
            return Router(INCLUSIVE, tuple(_name_arc(item, f"{path}[{i}]")
                                           for i, item in enumerate(raw)))
        return Router(EXCLUSIVE, tuple(_arc(item, f"{path}[{i}]", ("step", "when", "args"))
                                       for i, item in enumerate(raw)))
    pairs = _pairs(raw, path, "a step name, a list, or a router {spec, arcs}")
    _only(pairs, ("spec", "arcs"), path)
    node = dict(pairs)
    mode = EXCLUSIVE
    if node.get("spec") is not None:
        spec = _pairs(node["spec"], f"{path}.spec", "a mapping")
        _only(spec, ("mode",), f"{path}.spec")
        mode = _choice(dict(spec).get("mode"), f"{path}.spec.mode", (EXCLUSIVE, INCLUSIVE))
    arcs = node.get("arcs")
    if not isinstance(arcs, list) or not arcs:
        raise PlaybookError(f"{path}.arcs", "expected a non-empty list of arcs")
    return Router(mode, tuple(_arc(item, f"{path}.arcs[{i}]", ("step", "when", "set"))
                              for i, item in enumerate(arcs)))


def _name_arc(raw: str, path: str) -> Arc:
    return Arc(step=_text(raw, path, required=True), origin=path)


def _arc(raw: Any, path: str, keys: Tuple[str, ...]) -> Arc:
    pairs = _pairs(raw, path, "an arc {" + ", ".join(keys) + "}")
    _only(pairs, keys, path)
    node = dict(pairs)
    return Arc(
        step=_text(node.get("step"), f"{path}.step", required=True),
        when=_json(node.get("when"), f"{path}.when"),
        args=_json_pairs(node.get("args"), f"{path}.args"),
        set_vars=_json_pairs(node.get("set"), f"{path}.set"),
        origin=path,
    )


def _check_graph(playbook: Playbook) -> None:
    """Unique names, a ``start`` step, and every arc aimed at a step (or the ``end`` sentinel)."""
    seen: List[str] = []
    for index, step in enumerate(playbook.steps):
        if step.name in seen:
            raise PlaybookError(f"workflow[{index}].step", f"duplicate step name {step.name!r}")
        seen.append(step.name)
    if START not in seen:
        raise PlaybookError("workflow", "no step named 'start'")
    for step in playbook.steps:
        for arc in step.next.arcs if step.next is not None else ():
            if arc.step != END and arc.step not in seen:
                raise PlaybookError(arc.origin, f"unknown step {arc.step!r}")


def _pairs(raw: Any, path: str, what: str) -> Pairs:
    if not isinstance(raw, dict):
        raise PlaybookError(path, f"expected {what} (a mapping), got {_kind(raw)}")
    out: List[Tuple[str, JSON]] = []
    for key, value in list(raw.items()):  # document order
        if not isinstance(key, str):
            raise PlaybookError(path, f"key {key!r} is not a string (quote it)")
        out.append((key, value))
    return tuple(out)


def _json_pairs(raw: Any, path: str) -> Pairs:
    if raw is None:
        return ()
    return tuple((key, _json(value, _join(path, key)))
                 for key, value in _pairs(raw, path, "a mapping"))


def _json(raw: Any, path: str) -> JSON:
    """YAML value -> JSON value: dates become ISO text, sets and binary are refused."""
    if isinstance(raw, bool) or raw is None or isinstance(raw, (str, int)):
        return raw
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise PlaybookError(path, f"{raw!r} is not a JSON number")
        return raw
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return raw.isoformat()
    if isinstance(raw, list):
        return [_json(item, f"{path}[{i}]") for i, item in enumerate(raw)]
    if isinstance(raw, dict):
        return {key: _json(value, _join(path, key)) for key, value in _pairs(raw, path, "")}
    if isinstance(raw, (set, frozenset)):
        raise PlaybookError(path, "a YAML set has no order; use a list")
    raise PlaybookError(path, f"{_kind(raw)} is not a JSON value")


def _text(raw: Any, path: str, required: bool = False, scalar: bool = False) -> Optional[str]:
    if raw is None:
        if required:
            raise PlaybookError(path, "missing")
        return None
    if scalar and isinstance(raw, (int, float, _dt.date)) and not isinstance(raw, bool):
        return raw.isoformat() if isinstance(raw, _dt.date) else str(raw)
    if not isinstance(raw, str) or (required and not raw):
        raise PlaybookError(path, f"expected a non-empty string, got {_kind(raw)}")
    return raw


def _choice(raw: Any, path: str, allowed: Tuple[str, ...]) -> str:
    if raw not in allowed:
        raise PlaybookError(path, f"expected one of {', '.join(allowed)}, got {raw!r}")
    return raw


def _only(pairs: Pairs, allowed: Tuple[str, ...], path: str) -> None:
    for key, _ in pairs:
        if key not in allowed:
            raise PlaybookError(_join(path, key), f"unknown key (expected one of {', '.join(allowed)})")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(raw: Any) -> str:
    return "nothing" if raw is None else type(raw).__name__


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}{problem}"
