"""Many files: the cache first, then every core, in an order that never shows.

For each file the runner read, the result cache is asked first (the key holds the version, the
file's effective config, its content and the fingerprint of the project facts it reads); only
the misses are linted, in a process pool when there are enough of them to pay for one. Results
come back in the files' order whatever the scheduling, and the runner sorts findings by path
and position, so ``--jobs 1`` and ``--jobs 8`` print the same bytes.

Small runs stay in-process: starting workers costs more than linting a few files, and a
pre-commit hook passes a handful, so the pool is used only for at least ``POOL_THRESHOLD``
files to lint (and at least two jobs).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from orch_lint import __version__
from orch_lint.cache import Cache, content_hash, digest
from orch_lint.progress import Progress

if TYPE_CHECKING:
    from orch_lint.analysis.summary import ModuleSummary
    from orch_lint.engine import LintResult
    from orch_lint.model import LintError
    from orch_lint.runner import FileTask, Source

#: Fewer files to lint than this: no process pool.
POOL_THRESHOLD = 24
#: Files handed to a worker at a time: big enough to amortise the round trip, small enough to
#: keep every core busy to the end.
CHUNK = 4


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True)
class LintOptions:
    """How every file of one run is linted (sent once to each worker)."""

    fix: bool = False
    unsafe_fixes: bool = False
    defer_calls: bool = False
    edits: bool = False


def result_key(task: "FileTask", text: str, fingerprint: str, options: LintOptions) -> str:
    """Everything a file's result depends on: change any of it and the entry is not found."""
    config = task.config
    return digest(
        __version__, "result", task.display, task.module_name, task.is_package, _config_digest(config),
        task.codes, content_hash(text), fingerprint, options,
    )


_config_digests: Dict[Any, str] = {}


def _config_digest(config: Any) -> str:
    """A config's digest, computed once per config (a run has one or a few, and many files)."""
    known = _config_digests.get(config)
    if known is None:
        known = _config_digests[config] = digest(config)
    return known


# -- the worker side -------------------------------------------------------------------------

_worker_project: Any = None
_worker_options = LintOptions()


def _start_worker(project: Any, options: LintOptions) -> None:
    global _worker_project, _worker_options
    _worker_project, _worker_options = project, options


def _lint_in_worker(item: Tuple["FileTask", "Source"]) -> "LintResult":
    return _lint(item[0], item[1], _worker_project, _worker_options)


def summarize_all(items: Sequence[Tuple[str, str, bool]], jobs: int) -> Optional[List["ModuleSummary"]]:
    """The import-graph summaries of many modules (source, module name, is package), shared
    among ``jobs`` processes; None when there are too few to pay for a pool (the caller makes
    them as it goes). The project must exist before any file is linted, so without this its
    summaries were the largest serial part of a run on every core."""
    if jobs < 2 or len(items) < POOL_THRESHOLD:
        return None
    with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
        return list(pool.map(_summarize_in_worker, items, chunksize=CHUNK))


def _summarize_in_worker(item: Tuple[str, str, bool]) -> "ModuleSummary":
    from orch_lint.analysis.summary import summarize_module

    return summarize_module(*item)


def _lint(task: "FileTask", source: "Source", project: Any, options: LintOptions) -> "LintResult":
    from orch_lint.runner import lint_task

    result, _ = lint_task(
        task, fix=options.fix, unsafe_fixes=options.unsafe_fixes, project=project,
        defer_calls=options.defer_calls, edits=options.edits, source=source,
    )
    return result


# -- the parent side -------------------------------------------------------------------------


def lint_all(
    tasks: Sequence["FileTask"],
    sources: Dict[str, Union["Source", "LintError"]],
    project: Any,
    cache: Cache,
    options: LintOptions,
    jobs: int = 1,
    progress: Optional[Progress] = None,
    on_fresh: Optional[Callable[["FileTask", "LintResult", "Source"], None]] = None,
) -> Iterator[Tuple["FileTask", "LintResult", Optional["Source"]]]:
    """Each task with its result (and its source), in the order of ``tasks``; ``on_fresh`` is
    told of each result that was linted rather than found in the cache."""
    from orch_lint.engine import LintResult
    from orch_lint.model import LintError

    use_cache = cache.enabled and not options.fix
    results: List[Optional[LintResult]] = [None] * len(tasks)
    keys: List[Optional[str]] = [None] * len(tasks)
    misses: List[int] = []
    for index, task in enumerate(tasks):
        source = sources[str(task.path)]
        if isinstance(source, LintError):
            results[index] = LintResult(task.display, error=source)
            continue
        if use_cache:
            fingerprint = project.fingerprint(task.module_name) if project is not None else ""
            keys[index] = result_key(task, source.text, fingerprint, options)
            cached = cache.get(keys[index])
            if isinstance(cached, LintResult):
                results[index] = cached
                continue
        misses.append(index)
    if progress is not None:
        progress.advance(len(tasks) - len(misses))
    work = [(tasks[i], sources[str(tasks[i].path)]) for i in misses]
    work_sources = {i: sources[str(tasks[i].path)] for i in misses}
    for index, result in zip(misses, _run(work, project, options, jobs, progress)):
        results[index] = result
        key = keys[index]
        if key is not None and result.error is None:
            cache.put(key, result)
            if on_fresh is not None:
                on_fresh(tasks[index], result, work_sources[index])
    for task, result in zip(tasks, results):
        assert result is not None
        source = sources[str(task.path)]
        yield task, result, None if isinstance(source, LintError) else source


def _run(
    work: List[Tuple["FileTask", Any]], project: Any, options: LintOptions, jobs: int, progress: Optional[Progress]
) -> Iterator["LintResult"]:
    if jobs < 2 or len(work) < POOL_THRESHOLD:
        for task, source in work:
            yield _lint(task, source, project, options)
            if progress is not None:
                progress.advance()
        return
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(work)), initializer=_start_worker, initargs=(project, options)
    ) as pool:
        for result in pool.map(_lint_in_worker, work, chunksize=CHUNK):
            yield result
            if progress is not None:
                progress.advance()
