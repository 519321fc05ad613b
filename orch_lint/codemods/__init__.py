"""LibCST codemod commands for one-off refactorings toward the determinism contract.

Each is a ``CodemodCommand`` run by LibCST's own tool, for example::

    python -m libcst.tool codemod --no-format -x \\
        orch_lint.codemods.sort_unordered.SortUnorderedIteration examples/legacy

- ``sort_unordered.SortUnorderedIteration``: the DET201/DET202 fixes, over a whole tree.
- ``inject_clock.InjectClock``: wall-clock reads (DET101) become calls to an injected clock.
- ``type_checking_imports.TypeCheckingImports``: forbidden imports (DET301) used only in
  annotations move under ``if TYPE_CHECKING:``.

They find their sites with the linter's own rules, run through the engine on the tree LibCST
hands them, so a codemod rewrites exactly what ``orch-lint check`` reports (``# noqa`` and the
file's ``[tool.orch-lint]`` config included), never a second opinion.
"""
