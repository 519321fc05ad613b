"""The persistent cache: work done before is not done again.

Entries are content-addressed: each key is a sha256 of everything its value depends on
(orch-lint's version, the effective config of the file, the file's content, and for lint results
the fingerprint of the project facts the file reads). A changed input gives a new key, so an
entry is never invalidated, only no longer asked for (``orch-lint`` leaves pruning to the user:
delete the directory at any time).

Safe under concurrent runs: one file per entry, written to a temporary file in the same
directory and renamed over (``os.replace`` is atomic), so a reader sees a whole entry or none.
Every entry carries the digest of its payload: a truncated or corrupt entry is a miss (and is
rewritten by the run that misses it), never an error. Values are pickles of orch-lint's own
frozen dataclasses, loaded by an unpickler that admits nothing else: an entry planted in the
repository cannot make orch-lint run code.

This module imports nothing heavy (no LibCST): a fully warm run reads the cache without it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
import sys
from pathlib import Path
from typing import Any, Optional

from orch_lint.atomic import replace_atomically

CACHE_DIR_NAME = ".orch_lint_cache"
#: Bumped when the layout of entries changes; part of the directory name.
LAYOUT = "v1"
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by orch-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
_MISSING = object()


def digest(*parts: Any) -> str:
    """A stable sha256 of plain values (str, int, bool, None, tuples, lists, sets, dataclasses).

    Sets are sorted and dataclasses expanded field by field, so the digest is the same in every
    process whatever its hash seed (a ``repr`` of a frozenset is not).
    """
    return hashlib.sha256(_canonical(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(value: Any) -> str:
    if isinstance(value, (str, int, float, bool, type(None), bytes)):
        return repr(value)
    if isinstance(value, Path):
        return repr(str(value))
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(_canonical(v) for v in value)) + "}"
    if isinstance(value, dict):
        return "{" + ",".join(sorted(f"{_canonical(k)}:{_canonical(v)}" for k, v in value.items())) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(_canonical(v) for v in value) + ")"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
        return f"{type(value).__name__}(" + ",".join(f"{n}={_canonical(v)}" for n, v in fields) + ")"
    raise TypeError(f"cannot digest a {type(value).__name__}")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class Cache:
    """A directory of content-addressed entries; ``Cache(None)`` is a cache that never hits."""

    def __init__(self, directory: Optional[Path]) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.hits = 0
        self.misses = 0
        self._ready = False

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / LAYOUT / key[:2] / key

    def get(self, key: str, default: Any = None) -> Any:
        """The value stored under ``key``; ``default`` when absent, unreadable or corrupt."""
        if self.directory is None:
            return default
        try:
            data = self._path(key).read_bytes()
        except OSError:
            self.misses += 1
            return default
        value = _decode(data, key)
        if value is _MISSING:
            self.misses += 1
            return default
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` atomically; a cache that cannot be written is silently skipped."""
        if self.directory is None:
            return
        try:
            payload = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return
        data = hashlib.sha256(payload).digest() + payload
        try:
            self._prepare()
            target = self._path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_atomically(target, data, prefix=".tmp-")
        except OSError:
            return

    def _prepare(self) -> None:
        """Create the directory with a CACHEDIR.TAG and a ``*`` .gitignore, as ruff does."""
        if self._ready or self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "# Automatically created by orch-lint.\n*\n")):
            path = self.directory / name
            if not path.exists():
                replace_atomically(path, text.encode("utf-8"), prefix=".tmp-")
        self._ready = True


def _decode(data: bytes, key: str) -> Any:
    check, payload = data[:32], data[32:]
    if len(check) != 32 or hashlib.sha256(payload).digest() != check:
        return _MISSING
    try:
        stored_key, value = _OwnValues(io.BytesIO(payload)).load()
    except Exception:  # an entry from an incompatible orch-lint (or not ours): a miss like any other
        return _MISSING
    return value if stored_key == key else _MISSING


class _OwnValues(pickle.Unpickler):
    """Unpickles orch-lint's own value classes and plain data, nothing else.

    The cache lives in the working tree, where whoever can write to the repository can plant an
    entry (digest and all): a plain ``pickle.loads`` would run whatever callable it names. Here
    the only callables an entry can name are orch-lint's dataclasses, whose constructors store
    fields; any other name makes the entry a miss.
    """

    def find_class(self, module: str, name: str) -> Any:
        # modules already imported only: importing one (``orch_lint.__main__``) may run it
        loaded = sys.modules.get(module) if module.split(".")[0] == "orch_lint" else None
        value = getattr(loaded, name, None)
        if isinstance(value, type) and dataclasses.is_dataclass(value):
            return value
        raise pickle.UnpicklingError(f"{module}.{name} is not an orch-lint value")


def default_directory(root: Path, configured: Optional[Path]) -> Path:
    """``cache-dir`` when set, else ``.orch_lint_cache`` at the governing config's root."""
    return Path(configured) if configured is not None else Path(root) / CACHE_DIR_NAME
