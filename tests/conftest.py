"""Shared fixtures: a throwaway project tree and a way to run the real CLI on it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Optional

import pytest

REPO = Path(__file__).resolve().parent.parent


class Project:
    """A temporary directory of files, and the orch-lint CLI run inside it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, files: Dict[str, str]) -> "Project":
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return self

    def run(self, *args: str, cwd: Optional[Path] = None, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
        environment = dict(os.environ, **(env or {}))
        return subprocess.run(
            [sys.executable, "-m", "orch_lint", *args],
            cwd=cwd or self.root, capture_output=True, text=True, env=environment,
        )

    def main(self, *args: str, cwd: Optional[Path] = None) -> "tuple[int, str, str]":
        """Run the CLI in-process (fast); returns (exit code, stdout, stderr)."""
        import contextlib
        import io

        from orch_lint.cli import main

        out, err = io.StringIO(), io.StringIO()
        previous = os.getcwd()
        os.chdir(cwd or self.root)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(args))
        finally:
            os.chdir(previous)
        return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def finding_lines(stdout: str) -> List[str]:
    """The ``path:line:col: CODE`` heads of text output, without messages or the summary."""
    heads = []
    for line in stdout.splitlines():
        parts = line.split(" ", 2)
        if len(parts) >= 2 and parts[0].count(":") >= 3 and parts[1].startswith("DET"):
            heads.append(f"{parts[0]} {parts[1]}")
    return heads
