"""The floor of the benchmark: what parsing alone costs, per file, in one process.

``python bench/floor.py MODE DIRECTORY`` reads every ``*.py`` under DIRECTORY and, per file:

- ``ast``: CPython's ``ast.parse`` (what flake8's plugins start from);
- ``parse``: ``libcst.parse_module``;
- ``floor``: the LibCST parse plus the facts orch-lint cannot do without, built the way it
  builds them: one traversal carrying its name model (imports, aliases, shadowing);
- ``metadata``: the LibCST parse plus the generic ``ScopeProvider`` and
  ``QualifiedNameProvider`` a LibCST linter would otherwise resolve (for reference).

It prints the number of files. ``python bench/floor.py spin N`` runs N copies of a pure-Python
loop at once (the machine's real parallelism). Run it through ``bench/run.py``, which times it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def main(mode: str, directory: str) -> int:
    files = sorted(Path(directory).rglob("*.py"))
    if mode == "ast":
        for path in files:
            ast.parse(path.read_bytes())
        print(len(files))
        return 0
    import libcst as cst

    if mode == "parse":
        for path in files:
            cst.parse_module(path.read_text(encoding="utf-8"))
    elif mode == "floor":
        from orch_lint.analysis.names import NameModel
        from orch_lint.traversal import walk

        for path in files:
            walk(cst.parse_module(path.read_text(encoding="utf-8")), [NameModel()])
    elif mode == "metadata":
        from libcst.metadata import MetadataWrapper, QualifiedNameProvider, ScopeProvider

        for path in files:
            wrapper = MetadataWrapper(cst.parse_module(path.read_text(encoding="utf-8")), unsafe_skip_copy=True)
            wrapper.resolve_many([ScopeProvider, QualifiedNameProvider])
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(len(files))
    return 0




def spin(copies: int) -> None:
    """``copies`` processes of a pure-Python loop at once: how much parallel work the machine
    really gives (its cores may be shared, or hyperthreads of each other)."""
    import subprocess

    loop = "x = 0\nfor i in range(25_000_000):\n    x += i\n"
    runs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(copies)]
    for run in runs:
        run.wait()


if __name__ == "__main__":
    if sys.argv[1] == "spin":
        spin(int(sys.argv[2]))
        sys.exit(0)
    sys.exit(main(sys.argv[1], sys.argv[2]))
