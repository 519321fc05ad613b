"""Files in, results out: the only module that touches the disk.

It finds the files (walking directories, honouring excludes and the core), reads and decodes
each once, hands the text to the engine, and writes fixes back atomically. Every failure to read
or parse one file becomes a ``LintError`` for that file; the others are still checked.
"""

from __future__ import annotations

import difflib
import errno
import functools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, Type, Union

from orch_lint.analysis.callgraph import CallGraph, CallSummary
from orch_lint import baseline as baselines
from orch_lint.analysis.project import ModuleFile, ModuleSummary, Project, build_project, summarize_module
from orch_lint import __version__
from orch_lint.atomic import replace_atomically
from orch_lint.cache import Cache, content_hash, digest
from orch_lint.config import Config, ConfigError, ConfigFinder, rules_with
from orch_lint.decoding import Undecodable, decode_source
from orch_lint.engine import LintResult, lint_source, parse, summarize_calls
from orch_lint.model import Finding, LintError
from orch_lint.nesting import deep_recursion, on_deep_stack
from orch_lint.parallel import POOL_THRESHOLD, LintOptions, lint_all, summarize_all
from orch_lint.progress import Progress
from orch_lint.rule import Rule
from orch_lint.rules.hazard_call import HazardousCall
from orch_lint.rules.unused_noqa import UnusedNoqa

#: Directories never walked into: VCS data, virtualenvs, caches and build output.
SKIP_DIRECTORIES = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "__pycache__", "build", "dist",
        "node_modules", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".orch_lint_cache",
        "site-packages", ".hypothesis",
    }
)


@dataclass(frozen=True)
class Source:
    """A file's decoded text, with what is needed to write it back byte-faithfully."""

    text: str
    encoding: str


@dataclass(frozen=True)
class FileTask:
    """One file to lint, with the config and module identity that govern it."""

    path: Path
    display: str
    config: Config
    module_name: Optional[str]
    is_package: bool

    @functools.cached_property
    def codes(self) -> Tuple[str, ...]:
        """The codes that apply to this file, matched once (paths are resolved to match them)."""
        return self.config.codes_for(self.path)

    @functools.cached_property
    def rules(self) -> Tuple[Type[Rule], ...]:
        return rules_with(self.codes)


@dataclass
class RunResult:
    """What a run found: findings, per-file errors, config warnings, and files fixed."""

    findings: List[Finding] = field(default_factory=list)
    errors: List[LintError] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)
    results: List[LintResult] = field(default_factory=list)
    files_checked: int = 0
    files_fixed: List[str] = field(default_factory=list)
    fixes_applied: int = 0
    diffs: List[str] = field(default_factory=list)
    #: Findings a baseline accepted (not in ``findings``).
    baselined: int = 0
    #: Every finding with its line's text, when a baseline is to be written.
    located: List[baselines.Located] = field(default_factory=list)


def display_path(path: Path, cwd: Path) -> str:
    """Paths relative to the current directory when they lie under it, as flake8 and ruff show them."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(cwd).as_posix()
    except ValueError:
        return absolute.as_posix()


def module_identity(path: Path) -> Tuple[Optional[str], bool]:
    """The dotted module name of a file, from the ``__init__.py`` chain above it."""
    path = Path(os.path.abspath(path))
    is_package = path.name == "__init__.py"
    parts: List[str] = [] if is_package else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file():
        parts.insert(0, directory.name)
        if directory.parent == directory:
            break
        directory = directory.parent
    if not parts or not all(part.isidentifier() for part in parts):
        return None, is_package
    return ".".join(parts), is_package


def read_source(path: Path, display: str) -> Union[Source, LintError]:
    """Read and decode a file once: PEP 263 cookies and BOMs honoured, binary refused."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # reading a FIFO or a device never ends
            return LintError(display, "is a directory" if path.is_dir() else "not a regular file")
        data = path.read_bytes()
    except IsADirectoryError:
        return LintError(display, "is a directory")
    except FileNotFoundError:
        return LintError(display, "broken symlink" if path.is_symlink() else "no such file or directory")
    except PermissionError:
        return LintError(display, "cannot read: permission denied")
    except OSError as error:
        if error.errno == errno.ELOOP:
            return LintError(display, "symlink loop")
        return LintError(display, f"cannot read: {error.strerror or error}")
    decoded = decode_source(data)
    if isinstance(decoded, Undecodable):
        return LintError(display, decoded.message, decoded.line, decoded.column)
    return Source(decoded.text, decoded.encoding)


def write_atomically(path: Path, text: str, encoding: str) -> None:
    """Write through a temporary file in the same directory and rename it over the original.

    A crash at any point leaves the old file or the new one, never a truncated one; the file's
    permission bits are kept. A symlink stays a link: its target is rewritten. A read-only file
    is refused (``PermissionError``), not silently replaced.
    """
    path = Path(os.path.realpath(path))
    if not os.access(path, os.W_OK):
        raise PermissionError(13, "permission denied", str(path))
    data = text.encode(encoding)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    replace_atomically(path, data, prefix=f".{path.name}.", suffix=".orch-lint.tmp", mode=mode, durable=True)


def unified_diff(old: str, new: str, display: str) -> str:
    """A diff ``git apply`` and ``patch -p1`` accept: lines split on newlines only (not on form
    feeds, as ``str.splitlines`` would), and a missing final newline marked as diff marks it."""
    prefix = ("", "") if os.path.isabs(display) else ("a/", "b/")
    lines = difflib.unified_diff(
        _keep_newlines(old), _keep_newlines(new),
        fromfile=f"{prefix[0]}{display}", tofile=f"{prefix[1]}{display}",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _keep_newlines(text: str) -> List[str]:
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


class FileCollector:
    """Expands the command line's paths into the files to lint, each with its config."""

    def __init__(self, finder: ConfigFinder) -> None:
        self.finder = finder
        self.cwd = finder.cwd
        self.errors: List[LintError] = []
        self.warnings: List[str] = []
        self._warned: Set[Path] = set()
        self._config_errors: Set[Path] = set()

    def config_error(self, error: ConfigError) -> None:
        """Record a bad config once, however many files it governs."""
        if error.path not in self._config_errors:
            self._config_errors.add(error.path)
            self.errors.append(
                LintError(display_path(error.path, self.cwd), error.message, error.line, error.column)
            )

    def collect(self, paths: Sequence[Path]) -> List[FileTask]:
        tasks: dict = {}
        for given in paths:
            for path, explicit in self._expand(Path(given)):
                try:
                    config = self.finder.for_path(path)
                except ConfigError as error:
                    self.config_error(error)
                    continue
                self._warn(config)
                if not config.is_core(path) or config.is_excluded(path):
                    continue
                key = Path(os.path.abspath(path))
                if key not in tasks:
                    name, is_package = module_identity(path)
                    tasks[key] = FileTask(path, display_path(path, self.cwd), config, name, is_package)
        return [tasks[key] for key in sorted(tasks)]

    def _warn(self, config: Config) -> None:
        if config.source is not None and config.source not in self._warned:
            self._warned.add(config.source)
            self.warnings.extend(config.warnings)

    def _expand(self, path: Path) -> Iterator[Tuple[Path, bool]]:
        if path.is_dir():
            root = Path(os.path.realpath(path))
            yield from ((p, False) for p in self._walk(path, root))
        elif path.exists() or path.is_symlink():
            yield path, True
        else:
            self.errors.append(LintError(display_path(path, self.cwd), "no such file or directory"))

    def _walk(self, directory: Path, root: Path) -> Iterator[Path]:
        """Depth first in name order, with a stack of listings rather than recursion: a tree
        may be deeper than Python's recursion limit."""
        listings = [self._list(directory)]
        while listings:
            entry = next(listings[-1], None)
            if entry is None:
                listings.pop()
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                target = Path(os.path.realpath(path))
                if not (target == root or root in target.parents):
                    continue  # never leave the tree through a link (this also ends link loops)
                if entry.name.endswith(".py") and not target.exists():
                    self.errors.append(LintError(display_path(path, self.cwd), _dangling(path)))
                    continue
                if target.is_dir():
                    continue  # linked directories are not followed: their files are walked where they live
            if entry.is_dir(follow_symlinks=False):
                if entry.name in SKIP_DIRECTORIES or entry.name.endswith(".egg-info"):
                    continue
                if os.path.exists(path / "pyvenv.cfg"):  # False, not an error, in a directory we cannot read
                    continue
                try:
                    config = self.finder.for_directory(path)
                except ConfigError as error:
                    self.config_error(error)
                    continue
                if config.is_excluded(path):
                    continue
                listings.append(self._list(path))
            elif entry.name.endswith(".py"):
                yield path

    def _list(self, directory: Path) -> Iterator[os.DirEntry]:  # type: ignore[type-arg]
        try:
            with os.scandir(directory) as scanned:
                entries = sorted(scanned, key=lambda e: e.name)
        except OSError as error:
            self.errors.append(LintError(display_path(directory, self.cwd), f"cannot list directory: {error.strerror}"))
            return iter(())
        return iter(entries)


def _dangling(link: Path) -> str:
    """Why a link to a ``.py`` leads nowhere: its target is missing, or links lead in a circle."""
    try:
        os.stat(link)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symlink loop"
    return "broken symlink"


def lint_task(
    task: FileTask,
    fix: bool = False,
    unsafe_fixes: bool = False,
    project: Optional[Project] = None,
    defer_calls: bool = False,
    edits: bool = False,
    source: "Optional[Union[Source, LintError]]" = None,
) -> Tuple[LintResult, Optional[Source]]:
    """Read (unless the caller already did) and lint one file: the unit of work of a worker."""
    if source is None:
        source = read_source(task.path, task.display)
    if isinstance(source, LintError):
        return LintResult(task.display, error=source), None
    try:
        result = lint_source(
            source.text,
            task.display,
            rules=task.rules,
            enabled=task.codes,
            options=task.config.options,
            module_name=task.module_name,
            is_package=task.is_package,
            project=project,
            fix=fix,
            unsafe_fixes=unsafe_fixes,
            defer_calls=defer_calls,
            edits=edits,
        )
    except Exception as error:  # a bug of ours stops this file, never the run (as ruff does)
        message = f"internal error, please report it: {type(error).__name__}: {error}".splitlines()[0]
        return LintResult(task.display, error=LintError(task.display, message)), source
    return result, source


def load_project(
    tasks: Sequence[FileTask],
    sources: "Optional[Dict[str, Union[Source, LintError]]]" = None,
    cache: Optional[Cache] = None,
    seen: "Optional[Dict[str, Union[Source, LintError]]]" = None,
    jobs: int = 1,
) -> Project:
    """The first-party import graph and type facts, once per run (built in ``analysis.project``;
    only the reading happens here). The project root is each file's config root.

    ``sources`` are the linted files already read (by path), so no file is read twice; with a
    ``cache``, each module's summary is kept by content and only changed modules are summarized.
    With ``jobs`` > 1 the linted files' summaries the cache lacks are made in a process pool
    first; the modules they reach beyond them are summarized here as the graph grows.
    """
    files = [ModuleFile(t.module_name, t.is_package, os.path.realpath(t.path)) for t in tasks if t.module_name]
    roots = sorted({str(t.config.root) for t in tasks})
    known = {os.path.realpath(path): source for path, source in (sources or {}).items()}

    def read(path: str) -> Optional[str]:
        source = known.get(path) or read_source(Path(path), path)
        if seen is not None:
            seen[path] = source  # DET401 summarizes the same modules: no second read
        return None if isinstance(source, LintError) else source.text

    summaries = _Summaries(cache if cache is not None and cache.enabled else None)
    summaries.prepare(files, known, jobs)
    return build_project(files, roots, read=read, is_file=os.path.isfile, summarize=summaries)


class _Summaries:
    """Module summaries by content: from the cache, from a pool's batch, or made on demand."""

    def __init__(self, cache: Optional[Cache]) -> None:
        self.cache = cache
        #: (module, is package, content hash) -> a summary found in the cache or made by the
        #: pool ahead of ``build_project`` asking for it; ``fresh``: the pool's, not yet cached.
        self.ready: Dict[Tuple[str, bool, str], ModuleSummary] = {}
        self.fresh: Set[Tuple[str, bool, str]] = set()
        #: Each source's content hash, made once (the text is kept, so its id stays its own).
        self._hashes: Dict[int, Tuple[str, str]] = {}

    def _hash(self, source: str) -> str:
        known = self._hashes.get(id(source))
        if known is None or known[0] is not source:
            known = self._hashes[id(source)] = (source, content_hash(source))
        return known[1]

    def _key(self, module: str, is_package: bool, source: str) -> str:
        return digest(__version__, "summary", module, is_package, self._hash(source))

    def prepare(
        self, files: Sequence[ModuleFile], known: "Dict[str, Union[Source, LintError]]", jobs: int,
    ) -> None:
        """Summarize, on every core, the linted files that neither the cache nor an earlier
        entry already covers (``build_project`` asks for them first, one at a time)."""
        if jobs < 2 or len(files) < POOL_THRESHOLD:
            return  # too few to pay for a pool, even before asking the cache
        batch: Dict[Tuple[str, bool, str], Tuple[str, str, bool]] = {}
        for entry in files:
            source = known.get(entry.path)
            if source is None or isinstance(source, LintError):
                continue
            ident = (entry.module, entry.is_package, self._hash(source.text))
            if ident in batch or ident in self.ready:
                continue
            cached = self._cached(entry.module, entry.is_package, source.text)
            if cached is not None:
                self.ready[ident] = cached  # read once: ``__call__`` takes it from here
            else:
                batch[ident] = (source.text, entry.module, entry.is_package)
        made = summarize_all(list(batch.values()), jobs)
        if made is not None:
            self.ready.update(zip(batch, made))
            self.fresh.update(batch)

    def _cached(self, module: str, is_package: bool, source: str) -> Optional[ModuleSummary]:
        if self.cache is None:
            return None
        cached = self.cache.get(self._key(module, is_package, source))
        return cached if isinstance(cached, ModuleSummary) else None

    def __call__(self, source: str, module: str, is_package: bool) -> ModuleSummary:
        ident = (module, is_package, self._hash(source))
        summary = self.ready.pop(ident, None)
        if summary is None:
            summary = self._cached(module, is_package, source)
            if summary is not None:
                return summary
            summary = summarize_module(source, module, is_package)
        elif ident not in self.fresh:
            return summary  # it came from the cache
        if self.cache is not None:
            self.cache.put(self._key(module, is_package, source), summary)
        return summary


def summarize_first_party(
    module: str, path: str, config: Config, cwd: Path, cache: Optional[Cache] = None,
    source: "Optional[Union[Source, LintError]]" = None,
) -> Optional[CallSummary]:
    """Call facts of a first-party module that is not linted itself (parsed once, here; kept in
    the ``cache`` by content, so an unchanged helper is not parsed again)."""
    display = display_path(Path(path), cwd)
    if source is None:
        source = read_source(Path(path), display)
    if isinstance(source, LintError):
        return None
    _, is_package = module_identity(Path(path))
    key = calls_key(module, is_package, display, config, source.text)
    if cache is not None:
        cached = cache.get(key)
        if isinstance(cached, CallSummary):
            return cached
    text = source.text

    def summarize() -> Optional[CallSummary]:
        parsed = parse(text, display)
        if isinstance(parsed, LintError):
            return None
        with deep_recursion():
            return summarize_calls(parsed, display, config.options, module, is_package, text)

    try:
        summary = on_deep_stack(summarize)  # LibCST's parser recurses natively: see ``nesting``
    except (RecursionError, MemoryError):
        return None
    if summary is None:
        return None
    if cache is not None:
        cache.put(key, summary)
    return summary


def calls_key(module: str, is_package: bool, display: str, config: Config, text: str) -> str:
    """The cache key of a module's call facts (the same whether it was linted or summarized)."""
    return digest(__version__, "calls", module, is_package, display, config.options, content_hash(text))


def hazardous_calls(
    linted: Sequence[Tuple[FileTask, LintResult]], project: Project, finder: ConfigFinder, cache: Optional[Cache] = None,
    seen: "Optional[Dict[str, Union[Source, LintError]]]" = None,
) -> List[Finding]:
    """DET401, decided once every module is summarized: the linted files' summaries came with
    their results; the other first-party modules they import are summarized here."""
    summaries: Dict[str, CallSummary] = {}
    deterministic: List[str] = []
    for task, result in linted:
        if result.call_summary is not None:
            summaries[result.call_summary.module] = result.call_summary
            deterministic.extend(task.config.deterministic)
    for module, path in sorted(project.files.items()):
        if module not in summaries:
            source = (seen or {}).get(path)
            summary = summarize_first_party(module, path, finder.for_path(Path(path)), finder.cwd, cache, source)
            if summary is not None:
                summaries[module] = summary
    graph = CallGraph(sorted(summaries.values(), key=lambda s: s.module), deterministic=tuple(dict.fromkeys(deterministic)))
    found: List[Finding] = []
    for task, result in linted:
        codes = task.codes
        if result.call_summary is None or HazardousCall.code not in codes:
            continue
        noqa = {comment.line: comment for comment in result.noqa}
        kept, suppressed = HazardousCall.findings(result.call_summary, graph, task.display, noqa)
        found.extend(kept)
        if result.pending_noqa and UnusedNoqa.code in codes:
            lines = {finding.line for finding in kept + suppressed}
            found.extend(UnusedNoqa.deferred_findings(result.pending_noqa, HazardousCall.code, lines, task.display))
    return found


def run(
    paths: Sequence[Path],
    finder: ConfigFinder,
    *,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    baseline: Optional[Path] = None,
    write_baseline: bool = False,
    edits: bool = False,
    jobs: int = 1,
    cache_dir: Optional[Path] = None,
    progress: Optional[Progress] = None,
) -> RunResult:
    """Lint (and optionally fix) every file under ``paths``.

    Findings a baseline accepts are dropped: ``baseline`` for every file, else each file's
    configured one. With ``write_baseline`` none is applied and ``located`` holds every finding
    for the new baseline. ``edits`` asks for fixes as text edits (SARIF).

    Each file is read once. With a ``cache_dir``, results and module summaries are kept there
    and reused while nothing they depend on changes; with ``jobs`` > 1, the files to lint are
    shared among that many processes (``parallel``). Neither changes the output.
    """
    collector = FileCollector(finder)
    tasks = collector.collect(paths)
    outcome = RunResult(errors=list(collector.errors), warnings=list(collector.warnings))
    cache = Cache(cache_dir)
    sources = {str(task.path): read_source(task.path, task.display) for task in tasks}
    seen: Dict[str, Union[Source, LintError]] = {}
    project = load_project(tasks, sources, cache, seen, jobs=jobs)
    defer_calls = any(HazardousCall.code in task.codes for task in tasks)
    linted: List[Tuple[FileTask, LintResult]] = []
    texts: Dict[str, Tuple[FileTask, str]] = {}
    keep_texts = write_baseline or baseline is not None or any(task.config.baseline for task in tasks)
    options = LintOptions(fix=fix or diff, unsafe_fixes=unsafe_fixes, defer_calls=defer_calls, edits=edits)
    if progress is not None:
        progress.total = len(tasks)

    def remember_calls(task: FileTask, result: LintResult, source: Source) -> None:
        """A freshly linted file's call facts, kept also where a run that does not lint it looks."""
        if result.call_summary is not None:
            key = calls_key(result.call_summary.module, task.is_package, task.display, task.config, source.text)
            cache.put(key, result.call_summary)

    for task, result, source in lint_all(tasks, sources, project, cache, options, jobs, progress, remember_calls):
        _record(outcome, task, result, source, write=fix and not diff, diff=diff)
        linted.append((task, result))
        if keep_texts and source is not None:
            texts[task.display] = (task, source.text)
    if defer_calls:
        outcome.findings.extend(hazardous_calls(linted, project, finder, cache, seen))
    if write_baseline:
        outcome.located = locate(outcome.findings, texts)
    elif keep_texts:
        apply_baselines(outcome, texts, baseline, finder.cwd)
    outcome.findings.sort()
    # a file named and also walked into is reported once
    outcome.errors = sorted(set(outcome.errors), key=lambda e: (e.path, e.line, e.column, e.message))
    return outcome


_NEWLINE = re.compile(r"\r\n|\r|\n")


def locate(findings: Sequence[Finding], texts: Dict[str, Tuple[FileTask, str]]) -> List[baselines.Located]:
    """Each finding with its file and the text of its line, as linted (before any fix)."""
    lines: Dict[str, List[str]] = {}
    located = []
    for finding in findings:
        entry = texts.get(finding.path)
        if entry is None:
            continue
        task, text = entry
        if finding.path not in lines:
            lines[finding.path] = _NEWLINE.split(text)
        file_lines = lines[finding.path]
        line = file_lines[finding.line - 1] if 0 < finding.line <= len(file_lines) else ""
        located.append(baselines.Located(finding, Path(task.path).resolve(), line))
    return located


def read_baseline(path: Path) -> Dict[str, int]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise baselines.BaselineError(
            f"no such baseline file (write one with `orch-lint check --write-baseline {path.name}`)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise baselines.BaselineError(f"cannot read baseline: {getattr(error, 'strerror', None) or error}") from None
    return baselines.loads(text, path.name)


def apply_baselines(
    outcome: RunResult, texts: Dict[str, Tuple[FileTask, str]], forced: Optional[Path], cwd: Path
) -> None:
    """Drop the findings each file's baseline (``forced``, else its config's) accepts."""
    groups: Dict[Optional[Path], List[baselines.Located]] = {}
    for item in locate(outcome.findings, texts):
        path = forced if forced is not None else texts[item.finding.path][0].config.baseline
        groups.setdefault(None if path is None else Path(path).resolve(), []).append(item)
    kept = [finding for finding in outcome.findings if finding.path not in texts]
    for path, items in sorted(groups.items(), key=lambda pair: str(pair[0])):
        if path is None:
            kept.extend(item.finding for item in items)
            continue
        try:
            accepted = read_baseline(path)
        except baselines.BaselineError as error:
            outcome.errors.append(LintError(display_path(path, cwd), str(error)))
            kept.extend(item.finding for item in items)
            continue
        new, hidden = baselines.new_findings(items, accepted, path.parent)
        kept.extend(new)
        outcome.baselined += hidden
    outcome.findings = kept


def write_baseline_file(path: Path, located: Sequence[baselines.Located]) -> int:
    """Write a baseline accepting every located finding; returns how many it accepts."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(baselines.dumps(baselines.record(located, path.parent)), encoding="utf-8")
    return len(located)


def _record(
    outcome: RunResult, task: FileTask, result: LintResult, source: Optional[Source], write: bool, diff: bool
) -> None:
    outcome.results.append(result)
    if result.error is not None:
        outcome.errors.append(result.error)
        outcome.findings.extend(result.findings)  # a file that cannot be fixed still has them
        return
    outcome.files_checked += 1
    if result.fixed_source is None or source is None or not (write or diff):
        outcome.findings.extend(result.findings)
        return
    if diff:
        outcome.diffs.append(unified_diff(source.text, result.fixed_source, task.display))
    else:
        try:
            write_atomically(task.path, result.fixed_source, source.encoding)
        except OSError as error:
            outcome.errors.append(LintError(task.display, f"cannot write fix: {error.strerror or error}"))
            unchanged, _ = lint_task(task)  # the file is as it was: report it as `check` would
            outcome.findings.extend(unchanged.findings)
            return
        outcome.files_fixed.append(task.display)
    outcome.findings.extend(result.findings)  # positions in the fixed text
    outcome.fixes_applied += len(result.fixed)


def iter_python_files(paths: Iterable[Path], finder: ConfigFinder) -> List[FileTask]:
    """The files a run would check, for adapters that only need the list."""
    return FileCollector(finder).collect(list(paths))
