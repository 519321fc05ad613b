"""The flake8 plugin: ``flake8 --select DET`` reports what ``orch-lint check`` reports.

A thin adapter over the engine. flake8 reads each file, and applies ``# noqa``,
``--per-file-ignores`` and ``--extend-ignore`` itself; this adapter only finds the file's
``[tool.orch-lint]`` config (loaded once per run, not per file), skips files outside the core or
excluded, and lints the text flake8 already read. A file LibCST cannot parse yields nothing:
flake8's own E999 reports the syntax error.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import ClassVar, Dict, Iterator, Optional, Sequence, Tuple

from orch_lint import __version__
from orch_lint.analysis.callgraph import CallGraph
from orch_lint.analysis.project import Project
from orch_lint.config import Config, ConfigFinder
from orch_lint.engine import lint_source
from orch_lint.rules.hazard_call import HazardousCall
from orch_lint.rules.unused_noqa import UnusedNoqa
from orch_lint.runner import iter_python_files, load_project, module_identity, summarize_first_party

Result = Tuple[int, int, str, type]


class OrchLintChecker:
    """One file's DET findings, as flake8 wants them: (line, 0-based column, "CODE message", type)."""

    name = "orch-lint"
    version = __version__

    #: One finder per working directory and process: configs are found and read once per run.
    _finder: ClassVar[Optional[ConfigFinder]] = None
    #: The first-party project facts and call graph of each config, built on first use.
    _projects: ClassVar[Dict[Path, Project]] = {}
    _graphs: ClassVar[Dict[Path, CallGraph]] = {}

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        # flake8 classifies plugins by their parameters: ``tree`` makes this one run once per file.
        # That ast is flake8's own (pyflakes needs it anyway); the engine parses with LibCST.
        self.lines = lines
        self.path = Path(filename)
        # A bad config raises here, where flake8 reports it as this plugin's failure (exit 1).
        self.config = self.finder().for_path(self.path)

    @classmethod
    def finder(cls) -> ConfigFinder:
        cwd = Path.cwd().resolve()
        if cls._finder is None or cls._finder.cwd != cwd:
            cls._finder = ConfigFinder(cwd=cwd)
            cls._projects, cls._graphs = {}, {}
        return cls._finder

    @classmethod
    def project(cls, config: Config) -> Project:
        """The project facts ``orch-lint check`` would use: built from the config's core."""
        project = cls._projects.get(config.root)
        if project is None:
            paths = [p for p in config.core if p.exists()] if config.core is not None else [config.root]
            project = cls._projects[config.root] = load_project(iter_python_files(paths, cls.finder()))
        return project

    @classmethod
    def call_graph(cls, config: Config) -> CallGraph:
        """DET401's project call graph, which the runner builds after linting every file.

        flake8 hands over one file at a time, so the graph is built before the first file:
        every first-party module of the project summarized once per process.
        """
        graph = cls._graphs.get(config.root)
        if graph is None:
            finder = cls.finder()
            summaries = []
            for module, path in sorted(cls.project(config).files.items()):
                summary = summarize_first_party(module, path, finder.for_path(Path(path)), finder.cwd)
                if summary is not None:
                    summaries.append(summary)
            graph = cls._graphs[config.root] = CallGraph(summaries, deterministic=config.deterministic)
        return graph

    def run(self) -> Iterator[Result]:
        config = self.config
        if not config.is_core(self.path) or config.is_excluded(self.path):
            return
        module_name, is_package = module_identity(self.path)
        result = lint_source(
            "".join(self.lines),
            str(self.path),
            rules=config.rules_for(self.path),
            enabled=config.codes_for(self.path),
            options=config.options,
            module_name=module_name,
            is_package=is_package,
            project=self.project(config),
            apply_noqa=False,
            defer_calls=True,
        )
        findings = list(result.findings)
        codes = config.codes_for(self.path)
        if result.call_summary is not None and HazardousCall.code in codes:
            calls = HazardousCall.findings(result.call_summary, self.call_graph(config), str(self.path), {})[0]
            findings += calls
            if UnusedNoqa.code in codes:
                lines = {finding.line for finding in calls}
                findings += UnusedNoqa.deferred_findings(result.pending_noqa, HazardousCall.code, lines, str(self.path))
        for finding in sorted(findings):
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
