"""Deeply nested code: refused by Python's own parser, never a crash in LibCST's.

LibCST's parser is native code that recurses once per nesting level on the C stack, where no
``except`` can catch an overflow: on the 8 MiB main-thread stack it kills the interpreter
(SIGSEGV) at about 3,000 nested brackets or 10,000 chained ``and``s, and its time and memory
grow with the square of the depth (measured: a 60 kB line ``1+1+...+1`` takes 9 minutes and
5 GB). Our traversal and LibCST's code generation recurse in Python, once per level.

So Python's parser judges a file's nesting before LibCST sees it. It is linear and bounded
itself (more than 200 nested brackets or 100 indentation levels is a SyntaxError; some 3,000
levels of expression, at the default recursion limit, a RecursionError): what it refuses as
too deep is reported as a parse error. What it keeps flat but LibCST nests (``a and b and ...``,
dotted import names) is measured on its tree when the text could hold a long chain at all.
Everything LibCST does with what passes runs on a thread with a big stack (address space,
reserved, touched only as deep as the code goes) and a raised recursion limit, so valid code
is analysed whole; a RecursionError that still happens is the file's error, never an escape.
The verdict costs one CPython parse, about a tenth of LibCST's.
"""

from __future__ import annotations

import ast
import collections
import os
import queue
import sys
import threading
import warnings
from typing import Any, Callable, List, Optional, Tuple, TypeVar

from orch_lint.model import LintError

T = TypeVar("T")

#: The stack of the thread LibCST runs on: 512 MiB holds >100,000 levels at ~4 kB a level.
STACK_SIZE = 512 * 1024 * 1024
#: The recursion limit while LibCST works on that stack.
RECURSION_LIMIT = 100_000
#: The deepest tree handed to LibCST, counting chains that Python's parser keeps flat.
MAX_DEPTH = 100_000
#: About where Python 3.11+ (at its default recursion limit) refuses a tree as too deep: older
#: Pythons build deeper ones, whose cost in LibCST grows with the square of the depth.
PYTHON_DEPTH = 3_000
TOO_DEEP = "cannot parse: nested deeper than Python allows"
#: Python's messages for nesting it refuses (tokenizer, parser and compiler limits).
_TOO_DEEP = ("too many nested parentheses", "too many levels of indentation", "too complex",
             "nested too deeply", "too many statically nested blocks")

_lock = threading.Lock()
_local = threading.local()
_raised = 0
_saved_limit = 0


#: The trees ``refusal`` parsed last, by source (the very string, not an equal one), within
#: ``TREE_BUDGET`` characters of source: the import-graph summary, the depth check before LibCST
#: and the position anchors of one file all read CPython's tree, and a run that summarizes a
#: few files and then lints them (a pre-commit hook) parses each once. A big run's files pass
#: through and out; what is kept stays small.
_trees: "collections.OrderedDict[int, Tuple[str, ast.AST]]" = collections.OrderedDict()
_trees_lock = threading.Lock()
TREE_BUDGET = 512 * 1024
_kept = 0


def parsed_tree(source: str) -> Optional[ast.AST]:
    """CPython's tree of ``source`` if ``refusal`` parsed this very text lately, else None."""
    with _trees_lock:
        entry = _trees.get(id(source))
        if entry is None or entry[0] is not source:
            return None
        _trees.move_to_end(id(source))
        return entry[1]


def _keep_tree(source: str, tree: ast.AST) -> None:
    global _kept
    with _trees_lock:
        replaced = _trees.pop(id(source), None)
        if replaced is not None:
            _kept -= len(replaced[0])
        _trees[id(source)] = (source, tree)
        _kept += len(source)
        while _kept > TREE_BUDGET and len(_trees) > 1:
            _, (dropped, _) = _trees.popitem(last=False)
            _kept -= len(dropped)


def refusal(source: str, path: str) -> Optional[LintError]:
    """The parse error for code nested too deeply to hand to LibCST, or None.

    Other syntax errors are not judged here: LibCST may read syntax newer than the running
    Python, and where it cannot, the engine reports the error at Python's position anyway.
    """
    tree = parsed_tree(source)
    try:
        if tree is None:
            with warnings.catch_warnings():  # Python 3.12+ warns of bad escapes while parsing: not ours to print
                warnings.simplefilter("ignore")
                tree = compile(source, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
            _keep_tree(source, tree)
    except (RecursionError, MemoryError):
        return LintError(path, TOO_DEEP)
    except SyntaxError as error:
        if any(phrase in str(error.msg) for phrase in _TOO_DEEP):
            return LintError(path, f"cannot parse: {error.msg}", error.lineno or 1, error.offset or 1)
        return None
    except (ValueError, OverflowError):  # a NUL byte, a number too big: LibCST's verdict then
        return None
    # Python < 3.11 builds the tree of a 100,000-term sum without a complaint: judge it here
    unjudged = sys.version_info < (3, 11) and len(source) > PYTHON_DEPTH
    # no chain can be longer than the text that spells it
    long_chains = source.count("and") + source.count("or") + source.count(".") > MAX_DEPTH
    if not (unjudged or long_chains):
        return None
    depth, chained, node = depths(tree)
    if unjudged and depth > PYTHON_DEPTH:
        return LintError(path, TOO_DEEP)
    if chained <= MAX_DEPTH:
        return None
    return LintError(
        path, f"cannot parse: nested {chained} levels deep (orch-lint's limit is {MAX_DEPTH})",
        getattr(node, "lineno", 0), getattr(node, "col_offset", -1) + 1,
    )


def depths(tree: ast.AST) -> Tuple[int, int, ast.AST]:
    """How deep Python's tree goes, how deep LibCST's goes at most, and the node that deep
    (a loop, not recursion).

    Each ``and``/``or`` operand and each dot of an imported name is a level of LibCST's tree,
    while Python's tree keeps them in one flat node.
    """
    deepest, best = 0, (0, tree)
    stack: List[Tuple[ast.AST, int, int]] = [(tree, 1, 1)]
    while stack:
        node, depth, chained = stack.pop()
        if isinstance(node, ast.BoolOp):
            chained += len(node.values) - 1
        elif isinstance(node, ast.alias):
            chained += node.name.count(".")
        elif isinstance(node, ast.ImportFrom):
            chained += (node.module or "").count(".")
        deepest = max(deepest, depth)
        if chained > best[0] and hasattr(node, "lineno"):
            best = (chained, node)
        stack.extend((child, depth + 1, chained + 1) for child in ast.iter_child_nodes(node))
    return deepest, best[0], best[1]


class _DeepWorker:
    """One long-lived thread with the big stack, running the calls handed to it one at a time.

    Starting a thread with a 512 MiB stack costs about a millisecond (the mapping, the start
    handshake): once per file that was a tenth of a cold run, so the thread is kept. A child
    made by ``fork`` has no such thread: ``_forget_in_child`` drops the parent's record of it,
    and the child starts its own on first use.
    """

    def __init__(self, thread: threading.Thread, jobs: "queue.SimpleQueue[Any]") -> None:
        self.thread = thread
        self.jobs = jobs
        #: One call at a time: callers on other threads wait their turn.
        self.turn = threading.Lock()

    def run(self, function: Callable[[], T]) -> T:
        outcome: List[Tuple[bool, Any]] = []
        done = threading.Event()
        with self.turn:
            self.jobs.put((function, outcome, done))
            done.wait()
        succeeded, value = outcome[0]
        if succeeded:
            return value  # type: ignore[no-any-return]
        raise value


def _serve(jobs: "queue.SimpleQueue[Any]") -> None:
    _local.deep = True
    while True:
        function, outcome, done = jobs.get()
        try:
            outcome.append((True, function()))
        except BaseException as error:  # handed back to the caller's thread
            outcome.append((False, error))
        finally:
            done.set()


_worker: Optional[_DeepWorker] = None


def _forget_in_child() -> None:
    """In a child made by ``fork``: the parent's thread and its lock's state did not come along."""
    global _lock, _worker
    _lock = threading.Lock()
    _worker = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)


def _deep_worker() -> Optional[_DeepWorker]:
    """This process's big-stack thread, started on first use; None where none can start."""
    global _worker
    with _lock:
        if _worker is not None and _worker.thread.is_alive():
            return _worker
        jobs: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        previous = threading.stack_size()
        try:
            threading.stack_size(STACK_SIZE)
            thread = threading.Thread(target=_serve, args=(jobs,), name="orch-lint-deep", daemon=True)
            thread.start()
        except (ValueError, RuntimeError, MemoryError):
            return None
        finally:
            threading.stack_size(previous)
        _worker = _DeepWorker(thread, jobs)
        return _worker


def on_deep_stack(function: Callable[[], T]) -> T:
    """``function()``, run on the thread with the big stack (or here, when already on it).

    The caller waits; exceptions come back as they were raised. Where no such thread can be
    started (a platform that refuses the stack size), it runs in the caller's thread.
    """
    if getattr(_local, "deep", False):
        return function()
    worker = _deep_worker()
    if worker is None:
        return function()
    return worker.run(function)


class deep_recursion:
    """Raise the recursion limit, on the big stack only, for as long as any caller needs it.

    The limit is one per process: the first of concurrent callers raises it, the last restores
    it. On the caller's own stack (no big thread could be started) it is left as it is.
    """

    def __enter__(self) -> None:
        global _raised, _saved_limit
        if not getattr(_local, "deep", False):
            return
        with _lock:
            if _raised == 0:
                _saved_limit = sys.getrecursionlimit()
                sys.setrecursionlimit(max(_saved_limit, RECURSION_LIMIT))
            _raised += 1

    def __exit__(self, *exc: object) -> None:
        global _raised
        if not getattr(_local, "deep", False):
            return
        with _lock:
            _raised -= 1
            if _raised == 0:
                sys.setrecursionlimit(_saved_limit)

