"""The README's shell examples, run as a new user would paste them.

An example is the first ```` ```sh ```` block after a heading, and the ```` ```text ```` block
right after it is what the commands print (stdout and stderr, in order).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Tuple

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"


def example_after(heading: str) -> Tuple[str, str]:
    """(script, expected output) of the example under ``heading`` (a whole ``#`` line)."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    match = re.compile(r"```sh\n(.*?)```\n\n```text\n(.*?)```\n", re.DOTALL).search(text, start)
    assert match is not None, f"no ```sh + ```text example under {heading!r}"
    return match.group(1), match.group(2)


def run_shell(script: str, cwd: Path, merge_stderr: bool = True) -> "subprocess.CompletedProcess[str]":
    """Run ``script`` with bash, with this virtualenv's ``orch-lint`` and ``python`` first on PATH;
    stdout and stderr interleaved, as a terminal shows them (or stdout alone)."""
    bin_directory = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=bin_directory + os.pathsep + os.environ.get("PATH", ""), PYTHONUNBUFFERED="1")
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
    )
