"""``[tool.orch-lint]`` (or a top-level ``orch-lint.toml``) into a typed, validated ``Config``.

As in ruff, each checked file is governed by the nearest config file in its own directory or
above; ``--config FILE`` forces one for every file. Unknown keys and wrong types are errors that
name the file and the key: a typo must never silently turn a rule off.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type

from orch_lint.model import Options
from orch_lint.rule import Rule
from orch_lint.rules import ALL_RULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

CONFIG_FILENAMES = ("orch-lint.toml", "pyproject.toml")
SECTION = "tool.orch-lint"

#: Every key, with its expected type: "list" is a list of strings, "table" maps str -> list.
SCHEMA: Dict[str, str] = {
    "core": "list",
    "forbidden-imports": "list",
    "extend-wall-clock": "list",
    "select": "list",
    "ignore": "list",
    "per-file-ignores": "table",
    "exclude": "list",
    "cache-dir": "str",
    "baseline": "str",
    "deterministic": "list",
}


class ConfigError(Exception):
    """A config that cannot be used: which file, where in it (if known), and why, on one line."""

    def __init__(self, path: Path, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.message = message
        self.line = line
        self.column = column


def _toml_error(path: Path, error: Exception) -> ConfigError:
    """tomllib says ``... (at line 3, column 5)``: move the position to where editors look."""
    text = str(error)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", text)
    if match:
        return ConfigError(path, f"invalid TOML: {text[: match.start()]}", int(match.group(1)), int(match.group(2)))
    if text.endswith("(at end of document)"):
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").count("\n") + 1
        except OSError:
            lines = 0
        return ConfigError(path, f"invalid TOML: {text[: -len('(at end of document)')].rstrip()}", lines, 1 if lines else 0)
    return ConfigError(path, f"invalid TOML: {text}")


@dataclass(frozen=True)
class Config:
    """The effective settings for the files under one config file (or the defaults)."""

    root: Path
    source: Optional[Path] = None
    core: Optional[Tuple[Path, ...]] = None
    forbidden_imports: Tuple[str, ...] = ()
    extend_wall_clock: Tuple[str, ...] = ()
    select: Tuple[str, ...] = ("DET",)
    ignore: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    exclude: Tuple[str, ...] = ()
    cache_dir: Optional[Path] = None
    baseline: Optional[Path] = None
    deterministic: Tuple[str, ...] = ()
    warnings: Tuple[str, ...] = field(default=(), compare=False)

    @property
    def options(self) -> Options:
        return Options(
            extend_wall_clock=frozenset(self.extend_wall_clock),
            forbidden_imports=self.forbidden_imports,
            deterministic=self.deterministic,
        )

    def relative(self, path: Path) -> Optional[PurePosixPath]:
        """``path`` relative to this config's root, or None when it lies outside."""
        try:
            return PurePosixPath(real_path(path).relative_to(self.root).as_posix())
        except ValueError:
            return None

    def is_core(self, path: Path) -> bool:
        if self.core is None:
            return True
        resolved = real_path(path)
        return any(resolved == c or c in resolved.parents for c in self.core)

    def is_excluded(self, path: Path) -> bool:
        if not self.exclude:
            return False  # without resolving the path: a walk asks this of every file
        relative = self.relative(path)
        if relative is None:
            return False
        parts = relative.parts
        for pattern in self.exclude:
            pattern = pattern.rstrip("/")
            if fnmatch.fnmatch(relative.as_posix(), pattern) or any(fnmatch.fnmatch(p, pattern) for p in parts):
                return True
            if any(fnmatch.fnmatch("/".join(parts[:i]), pattern) for i in range(1, len(parts))):
                return True
        return False

    def codes_for(self, path: Path) -> Tuple[str, ...]:
        """The codes that apply to ``path``: select, minus ignore, minus its per-file ignores."""
        ignored = list(self.ignore)
        relative = self.relative(path) if self.per_file_ignores else None
        if relative is not None:
            for pattern, codes in self.per_file_ignores:
                if fnmatch.fnmatch(relative.as_posix(), pattern) or fnmatch.fnmatch(relative.name, pattern):
                    ignored.extend(codes)
        return tuple(
            rule.code
            for rule in ALL_RULES
            if _matches(rule.code, self.select) and not _matches(rule.code, ignored)
        )

    def rules_for(self, path: Path) -> Tuple[Type[Rule], ...]:
        return rules_with(self.codes_for(path))


def rules_with(codes: Sequence[str]) -> Tuple[Type[Rule], ...]:
    """The rule classes of ``codes``, in registry order."""
    wanted = set(codes)
    return tuple(rule for rule in ALL_RULES if rule.code in wanted)


def _matches(code: str, prefixes: "Tuple[str, ...] | List[str]") -> bool:
    return any(p == "ALL" or code.startswith(p) for p in prefixes)


def read_table(path: Path) -> Optional[Mapping[str, Any]]:
    """The orch-lint table of a config file; None for a pyproject.toml that has none."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        document = tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(path, error) from None
    except OSError as error:
        raise ConfigError(path, f"cannot read config: {error.strerror or error}") from None
    except UnicodeDecodeError as error:  # TOML is UTF-8
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ConfigError(path, f"invalid TOML: not UTF-8 (byte 0x{data[error.start]:02x})", line, column) from None
    except RecursionError:  # arrays or inline tables nested thousands deep
        raise ConfigError(path, "invalid TOML: nested too deeply") from None
    if path.name == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("orch-lint") if isinstance(tool, dict) else None
        if table is not None and not isinstance(table, dict):
            raise ConfigError(path, f"[{SECTION}] must be a table")
        return table
    return document


def real_path(path: "Path | str") -> Path:
    """The absolute path with symlinks resolved, as far as they resolve: unlike ``Path.resolve``
    on Python < 3.13, a symlink loop is not an exception (it is reported where it is read)."""
    return Path(os.path.realpath(path))


def load_config(path: Path) -> Config:
    """Read and validate one config file."""
    path = real_path(path)
    table = read_table(path)
    if table is None:
        if path.name == "pyproject.toml":
            return Config(root=path.parent, source=path)
        table = {}
    return parse_config(table, path)


def parse_config(table: Mapping[str, Any], path: Path) -> Config:
    where = f"[{SECTION}]" if path.name == "pyproject.toml" else "config"
    known = ", ".join(SCHEMA)
    values: Dict[str, Any] = {}
    for key, value in table.items():
        expected = SCHEMA.get(key)
        if expected is None:
            raise ConfigError(path, f"unknown key '{key}' in {where} (known keys: {known})")
        values[key] = _check_type(path, where, key, value, expected)
    root = path.parent
    warnings: List[str] = []
    core = None
    if "core" in values:
        core = tuple(real_path(root / entry) for entry in values["core"])
        for entry, resolved in zip(values["core"], core):
            if not resolved.exists():
                warnings.append(f"{path}: warning: core path '{entry}' does not exist")
    _check_codes(path, where, "select", values.get("select", []))
    _check_codes(path, where, "ignore", values.get("ignore", []))
    for pattern, codes in values.get("per-file-ignores", {}).items():
        _check_codes(path, where, f"per-file-ignores.{pattern}", codes)
    return Config(
        root=root,
        source=path,
        core=core,
        forbidden_imports=tuple(values.get("forbidden-imports", ())),
        extend_wall_clock=tuple(values.get("extend-wall-clock", ())),
        select=tuple(values.get("select", ("DET",))),
        ignore=tuple(values.get("ignore", ())),
        per_file_ignores=tuple((p, tuple(c)) for p, c in values.get("per-file-ignores", {}).items()),
        exclude=tuple(values.get("exclude", ())),
        cache_dir=real_path(root / values["cache-dir"]) if "cache-dir" in values else None,
        baseline=real_path(root / values["baseline"]) if "baseline" in values else None,
        deterministic=tuple(values.get("deterministic", ())),
        warnings=tuple(warnings),
    )


def _check_type(path: Path, where: str, key: str, value: Any, expected: str) -> Any:
    def fail(what: str) -> ConfigError:
        return ConfigError(path, f"'{key}' in {where} must be {what}, got {type(value).__name__} {value!r}")

    if expected == "str":
        if not isinstance(value, str):
            raise fail("a string")
        if "\x00" in value:  # no path, glob or name holds one; the OS would refuse it later
            raise fail("a string without NUL characters")
        return value
    if expected == "list":
        if isinstance(value, str):
            value = [value] if key in ("select", "ignore") else value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail("a list of strings")
        if any("\x00" in v for v in value):
            raise fail("a list of strings without NUL characters")
        return value
    if not isinstance(value, dict):
        raise fail("a table of glob = [codes]")
    for pattern, codes in value.items():
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(
                path, f"'per-file-ignores.\"{pattern}\"' in {where} must be a list of codes, got {codes!r}"
            )
    return value


def _check_codes(path: Path, where: str, key: str, codes: List[str]) -> None:
    known = [rule.code for rule in ALL_RULES]
    for code in codes:
        if code != "ALL" and not any(k.startswith(code) for k in known):
            raise ConfigError(path, f"'{key}' in {where} names unknown code '{code}'")


class ConfigFinder:
    """Finds (once per directory) and loads (once per file) the config governing each path."""

    def __init__(self, forced: Optional[Path] = None, cwd: Optional[Path] = None) -> None:
        self.cwd = (cwd or Path.cwd()).resolve()
        self._forced = load_config(forced) if forced is not None else None
        self._by_directory: Dict[Path, Config] = {}
        #: The same, by the directory as it was asked for (before resolving it: a walk asks
        #: for the parent of every file).
        self._by_given: Dict[Path, Config] = {}
        self._by_file: Dict[Path, Config] = {}
        self.default = Config(root=self.cwd)

    def for_directory(self, directory: Path) -> Config:
        if self._forced is not None:
            return self._forced
        given = self._by_given.get(directory)
        if given is not None:
            return given
        config = self._by_given[directory] = self._resolved_directory(directory.resolve())
        return config

    def _resolved_directory(self, directory: Path) -> Config:
        passed: List[Path] = []  # walked up from: the config found above governs them too
        current = directory
        while True:  # a loop, not recursion: a directory tree may be deeper than the stack
            found = self._by_directory.get(current)
            if found is not None:
                break
            passed.append(current)
            found = self._find(current)
            if found is not None:
                break
            if current.parent == current:
                found = self.default
                break
            current = current.parent
        for walked in passed:
            self._by_directory[walked] = found
        return found

    def for_path(self, path: Path) -> Config:
        path = Path(path)
        return self.for_directory(path if path.is_dir() else path.parent)

    def _find(self, directory: Path) -> Optional[Config]:
        """The config file in ``directory`` itself, if it has one."""
        for name in CONFIG_FILENAMES:
            candidate = directory / name
            if os.path.isfile(candidate):  # False, not an error, in a directory we may not search
                if candidate in self._by_file:
                    return self._by_file[candidate]
                if name == "pyproject.toml" and read_table(candidate) is None:
                    continue
                config = load_config(candidate)
                self._by_file[candidate] = config
                return config
        return None
