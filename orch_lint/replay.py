"""A whole ``check`` run answered from the cache, without importing LibCST or the rules.

A run is a pure function of the files it looks at (the linter's own contract), so when none of
them changed, its output is the one printed last time. After a ``check``, the CLI records a
*manifest*: the command line, the working directory, a digest of every input the run could have
looked at, and the run's exact stdout, stderr and exit code. The next identical command
recomputes that digest and, when it matches, prints the recorded output: a warm run of a whole
repository costs a directory walk and a hash of its sources.

The digest is conservative: every directory under the run's roots (the current directory, the
paths given, and the roots of their governing configs) is listed, every ``.py``/``.pyi``/
``.toml`` file in them is hashed by content, every other file by size and modification time,
and the config files a search from each root upwards could find are hashed too. Anything
unexpected (no manifest, an unreadable file, a corrupt entry) is a miss, and the normal run,
with its per-file cache, takes over.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, TextIO, Tuple

from orch_lint import __version__
from orch_lint.cache import CACHE_DIR_NAME, Cache, digest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

CONFIG_FILENAMES = ("orch-lint.toml", "pyproject.toml")
#: Directories whose content never changes a result (VCS data, caches, virtualenvs).
SKIPPED = frozenset(
    {
        ".git", ".hg", ".svn", CACHE_DIR_NAME, "__pycache__", ".venv", "venv", ".tox", ".nox",
        "node_modules", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".eggs",
    }
)
HASHED_SUFFIXES = (".py", ".pyi", ".toml")


def _governing_table(directory: Path) -> Optional[Tuple[Path, dict]]:
    """The nearest config at or above ``directory`` (as ``config.ConfigFinder`` finds it)."""
    for candidate_dir in (directory, *directory.parents):
        for name in CONFIG_FILENAMES:
            path = candidate_dir / name
            if not path.is_file():
                continue
            try:
                with open(path, "rb") as handle:
                    document = tomllib.load(handle)
            except (OSError, ValueError, RecursionError):  # bad TOML or not UTF-8: the run reports it
                return None
            table = _our_table(document) if name == "pyproject.toml" else document
            if table is None:
                continue
            return path, table if isinstance(table, dict) else {}
    return None


def _our_table(document: Dict[str, Any]) -> Any:
    """``[tool.orch-lint]`` of a pyproject document, if ``tool`` is a table at all."""
    tool = document.get("tool")
    return tool.get("orch-lint") if isinstance(tool, dict) else None


def cache_directory(cwd: Path, forced_config: Optional[Path] = None) -> Path:
    """The run's cache: ``cache-dir`` of the config governing ``cwd`` (or ``--config``), else
    ``.orch_lint_cache`` beside that config, else in ``cwd``."""
    found: Optional[Tuple[Path, dict]] = None
    if forced_config is not None:
        try:
            with open(forced_config, "rb") as handle:
                document = tomllib.load(handle)
            table = (_our_table(document) or {}) if forced_config.name == "pyproject.toml" else document
            found = (Path(os.path.abspath(forced_config)), table if isinstance(table, dict) else {})
        except (OSError, ValueError, RecursionError):
            found = None
    else:
        found = _governing_table(cwd)
    if found is None:
        return cwd / CACHE_DIR_NAME
    path, table = found
    configured = table.get("cache-dir")
    if isinstance(configured, str) and "\x00" not in configured:  # the run reports a bad one
        return Path(os.path.abspath(path.parent / configured))
    return path.parent / CACHE_DIR_NAME


#: Snapshots taken by a replay that missed, by roots, so the run after it need not take them again.
_taken: Dict[Tuple[str, ...], str] = {}


def manifest_key(argv: Sequence[str], cwd: Path) -> str:
    return digest(__version__, "manifest", tuple(argv), str(cwd), sys.version_info[:2])


def snapshot(roots: Iterable[Path], cache_dir: Optional[Path] = None) -> str:
    """A digest of everything under ``roots`` a run could read, and of the configs above them."""
    hasher = hashlib.sha256()
    tops = sorted({Path(os.path.abspath(root)) for root in roots})
    walked: Set[Path] = set()
    for top in tops:
        if any(parent in walked for parent in top.parents) or top in walked:
            continue
        walked.add(top)
        _digest_tree(top, hasher, cache_dir)
        for directory in top.parents:
            for name in CONFIG_FILENAMES:
                _digest_file(directory / name, hasher)
    return hasher.hexdigest()


def _digest_tree(top: Path, hasher: "hashlib._Hash", cache_dir: Optional[Path]) -> None:
    if top.is_file() or not top.exists():
        _digest_file(top, hasher)
        return
    stack = [str(top)]
    skipped_dir = str(cache_dir) if cache_dir is not None else None
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            hasher.update(f"!{directory}:{error.errno}\n".encode("utf-8", "surrogatepass"))
            continue
        hasher.update(f"D{directory}\n".encode("utf-8", "surrogatepass"))
        subdirectories: List[str] = []
        for entry in entries:
            name = entry.name
            if name in SKIPPED or entry.path == skipped_dir:
                continue  # neither their content nor their appearing changes a result
            if entry.is_symlink():
                hasher.update(f"L{name}>{os.path.realpath(entry.path)}\n".encode("utf-8", "surrogatepass"))
                if name.endswith(HASHED_SUFFIXES):
                    _digest_file(Path(entry.path), hasher)
                continue
            if entry.is_dir(follow_symlinks=False):
                hasher.update(f"d{name}\n".encode("utf-8", "surrogatepass"))
                if name.endswith(".egg-info"):
                    continue
                if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                    continue
                subdirectories.append(entry.path)
            elif name.endswith(HASHED_SUFFIXES):
                _digest_file(Path(entry.path), hasher)
            else:
                try:
                    status = entry.stat(follow_symlinks=False)
                    hasher.update(f"f{name}:{status.st_size}:{status.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
                except OSError:
                    hasher.update(f"?{name}\n".encode("utf-8", "surrogatepass"))
        stack.extend(reversed(subdirectories))


def _digest_file(path: Path, hasher: "hashlib._Hash") -> None:
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):  # a FIFO or a device: reading it may never end
            hasher.update(f"s{path}:{status.st_mode}\n".encode("utf-8", "surrogatepass"))
            return
        data = path.read_bytes()
    except FileNotFoundError:
        hasher.update(f"-{path}\n".encode("utf-8", "surrogatepass"))
        return
    except OSError as error:
        hasher.update(f"!{path}:{error.errno}\n".encode("utf-8", "surrogatepass"))
        return
    hasher.update(f"F{path}:{hashlib.sha256(data).hexdigest()}\n".encode("utf-8", "surrogatepass"))


def replay(argv: Sequence[str], cwd: Path, forced_config: Optional[Path] = None) -> Optional[int]:
    """Print the recorded output of this exact command if nothing it read changed; else None."""
    cache = Cache(cache_directory(cwd, forced_config))
    manifest = cache.get(manifest_key(argv, cwd))
    if not (isinstance(manifest, tuple) and len(manifest) == 5):
        return None
    roots, inputs, stdout, stderr, code = manifest
    try:
        current = snapshot([Path(root) for root in roots], cache.directory)
    except (OSError, ValueError):
        return None
    if current != inputs:
        _taken[tuple(roots)] = current  # the run that follows may record it: taken before it reads
        return None
    sys.stderr.write(stderr)
    sys.stdout.write(stdout)
    return int(code)


def record(
    argv: Sequence[str],
    cwd: Path,
    roots: Sequence[Path],
    inputs: str,
    stdout: str,
    stderr: str,
    code: int,
    forced_config: Optional[Path] = None,
) -> None:
    """Remember this run's output under its command line and the digest of its inputs."""
    cache = Cache(cache_directory(cwd, forced_config))
    cache.put(manifest_key(argv, cwd), (tuple(str(r) for r in roots), inputs, stdout, stderr, code))


# -- what the CLI needs around a check -------------------------------------------------------


def replayable(argv: Sequence[str]) -> bool:
    """Only a plain ``check`` of directories is replayed: no ``--no-cache``, nothing written."""
    if not argv or argv[0] != "check":
        return False
    if any(arg.endswith((".py", ".pyi")) and os.path.isfile(arg) for arg in argv[1:]):
        return False  # files named one by one (a pre-commit hook's): changed ones, almost surely
    blocked = ("--no-cache", "--write-baseline", "-h", "--help")
    return not any(arg == flag or arg.startswith(flag + "=") for arg in argv for flag in blocked)


def forced_config(argv: Sequence[str]) -> Optional[Path]:
    """The ``--config FILE`` of a command line, read without the argument parser."""
    for index, arg in enumerate(argv):
        if arg == "--config" and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--config="):
            return Path(arg.split("=", 1)[1])
    return None


class _Tee:
    """Writes through to a stream and keeps a copy; the progress bar writes to ``uncaptured``."""

    def __init__(self, stream: TextIO) -> None:
        self.uncaptured = getattr(stream, "uncaptured", stream)
        self.stream = stream
        self.parts: List[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def check_and_record(
    check: Callable[[], int], argv: Sequence[str], cwd: Path, roots: Sequence[Path], cache_dir: Path
) -> int:
    """Run ``check`` with its output copied, and record it when it ran to the end cleanly.

    The inputs are digested before the run: a file changed while it runs makes the digest
    stale, so the next run misses instead of replaying an output of the old content.
    """
    inputs = _taken.pop(tuple(str(r) for r in roots), None) or snapshot(roots, cache_dir)
    out, err = _Tee(sys.stdout), _Tee(sys.stderr)
    previous = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err  # type: ignore[assignment]
    try:
        code = check()
    finally:
        sys.stdout, sys.stderr = previous
    if code in (0, 1):
        record(argv, cwd, roots, inputs, "".join(out.parts), "".join(err.parts), code, forced_config(argv))
    return code
