"""orch-lint reads code; it never runs it, and nothing in a repository can make it run anything.

- A checked module whose import would leave a marker file never leaves it: not under ``check``
  (any format), ``fix``, ``--diff``, flake8, nor when it sits where Python looks for modules
  (``typing.py``, ``libcst.py`` at the root of the checked tree).
- A config is TOML: values that look like code or shell are names, paths and patterns.
- A cache entry planted in the repository (digest and all) cannot name a callable to run.
- SARIF URIs never climb out of the root (``..``); files outside it get absolute URIs.
- Walking never follows a symlink out of the tree it walks.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Dict, List
from urllib.parse import unquote

import pytest

from orch_lint.cache import CACHE_DIR_NAME, LAYOUT
from orch_lint.rules.set_iteration import SetIteration
from orch_lint.rules.wall_clock import WallClockRead

BIN = Path(sys.executable).parent
CLOCK = WallClockRead.message.format(name="time.time")
SET_MESSAGE = SetIteration.message.format(expr="s")


def leaves_marker(marker: Path) -> str:
    """Module-level code that would create ``marker`` if the module were ever run."""
    return f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"


def script(name: str, *args: str, cwd: Path) -> "subprocess.CompletedProcess[str]":
    """A console script of the virtualenv, as a user or a hook runs it (the cwd is not on sys.path)."""
    return subprocess.run([str(BIN / name), *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A repository whose every Python file would leave a marker in ``markers/`` if run."""
    root = tmp_path / "repo"
    markers = tmp_path / "markers"
    markers.mkdir()
    files: Dict[str, str] = {
        "core/__init__.py": leaves_marker(markers / "package"),
        "core/evil.py": leaves_marker(markers / "evil")
        + "import time\nstamp = time.time()\n\n\ndef f(s: set[str]):\n    return list(s)\n",
        "core/uses.py": "from core import evil\nfrom core.evil import f\n" + leaves_marker(markers / "uses"),
        "core/conftest.py": leaves_marker(markers / "conftest"),
        "setup.py": leaves_marker(markers / "setup"),
        "typing.py": leaves_marker(markers / "typing"),
        "libcst.py": leaves_marker(markers / "libcst"),
        "tomllib.py": leaves_marker(markers / "tomllib"),
        "sitecustomize.py": leaves_marker(markers / "sitecustomize"),
        "pyproject.toml": '[tool.orch-lint]\ncore = ["core"]\n',
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def markers_of(root: Path) -> List[str]:
    return sorted(p.name for p in (root.parent / "markers").iterdir())


def test_checked_code_is_never_imported_or_run(hostile: Path) -> None:
    finding = f"core/evil.py:4:9: DET101 {CLOCK}"
    check = script("orch-lint", "check", cwd=hostile)
    assert (check.returncode, check.stdout.splitlines()[:2], check.stderr) == (
        1, [finding, f"core/evil.py:8:17: DET201 {SET_MESSAGE}"], ""
    )
    for args in (["check", "--format", "json"], ["check", "--format", "sarif"], ["check", "--format", "github"],
                 ["check", "--statistics", "--no-cache"], ["fix", "--diff"], ["explain", "DET101"], ["rules"]):
        completed = script("orch-lint", *args, cwd=hostile)
        assert completed.returncode in (0, 1) and "error" not in completed.stderr.lower(), (args, completed.stderr)
    assert script("orch-lint", "fix", cwd=hostile).returncode == 1
    assert "return sorted(s)" in (hostile / "core/evil.py").read_text()
    flake8 = script("flake8", "--select", "DET", "core", cwd=hostile)
    assert flake8.stdout.splitlines()[0] == finding
    assert markers_of(hostile) == []


def test_a_config_is_data_whatever_its_values_look_like(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    shell = f"$(touch {marker}); `touch {marker}`"
    code = f"__import__('os').system('touch {marker}')"
    config = {
        "core": [".", shell],
        "forbidden-imports": [code],
        "extend-wall-clock": [code, "os.system"],
        "deterministic": [f"eval({code!r})"],
        "exclude": [shell],
        "per-file-ignores": {shell: ["DET2"]},
        "cache-dir": shell,
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in config.items() if not isinstance(value, dict)]
    lines.append(f"per-file-ignores = {{ {json.dumps(shell)} = [\"DET2\"] }}")
    (tmp_path / "orch-lint.toml").write_text("\n".join(lines) + "\n")
    (tmp_path / "m.py").write_text("import os\nos.system('true')\n")
    completed = script("orch-lint", "check", cwd=tmp_path)
    assert (completed.returncode, completed.stdout.splitlines()[0]) == (
        1, "m.py:2:1: DET101 wall-clock read `os.system`: take the time from the triggering event or an injected clock"
    )
    assert completed.stderr == f"{tmp_path / 'orch-lint.toml'}: warning: core path '{shell}' does not exist\n"
    assert not marker.exists()
    assert (tmp_path / shell).is_dir()  # the cache went where the string says, quoted by no shell
    (tmp_path / "orch-lint.toml").write_text(f"select = [{json.dumps(code)}]\n")
    refused = script("orch-lint", "check", cwd=tmp_path)
    assert (refused.returncode, refused.stderr) == (2, f"orch-lint.toml: error: 'select' in config names unknown code '{code}'\n")
    assert not marker.exists()


class _Planted:
    """What an attacker would put in a cache entry: unpickling it runs ``exec``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (exec, (f"open({str(self.marker)!r}, 'w').write('ran')",))


def plant_exec(key: str, marker: Path) -> bytes:
    return pickle.dumps((key, _Planted(marker)), protocol=pickle.HIGHEST_PROTOCOL)


def plant_import(key: str, marker: Path) -> bytes:
    """An entry naming ``orch_lint.__main__.main``: importing that module runs the CLI."""
    return b"(V" + key.encode() + b"\ncorch_lint.__main__\nmain\n)Rt."


@pytest.mark.parametrize("plant", [plant_exec, plant_import])
def test_a_cache_entry_planted_in_the_repository_cannot_run_code(tmp_path: Path, plant) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "marker"
    (tmp_path / "core").mkdir()
    for number in range(3):
        (tmp_path / f"core/m{number}.py").write_text("import time\nstamp = time.time()\n")
    first = script("orch-lint", "check", "core", cwd=tmp_path)
    assert first.returncode == 1
    entries = [p for p in (tmp_path / CACHE_DIR_NAME / LAYOUT).rglob("*") if p.is_file()]
    assert entries
    for entry in entries:  # each key is its file name; the digest is what the cache checks
        payload = plant(entry.name, marker)
        entry.write_bytes(hashlib.sha256(payload).digest() + payload)
    for _ in range(2):
        again = script("orch-lint", "check", "core", cwd=tmp_path)
        assert (again.returncode, again.stdout, again.stderr) == (1, first.stdout, "")
    assert not marker.exists()


# -- SARIF URIs and symlinks: nothing leaves the root ---------------------------------------------


def sarif_uris(document: str) -> List[dict]:
    run = json.loads(document)["runs"][0]
    return [location["physicalLocation"]["artifactLocation"] for result in run["results"] for location in result["locations"]]


def test_sarif_uris_stay_under_the_root_or_are_absolute(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "elsewhere"
    for name in ("core/a b.py", "core/100%.py", "core/#x.py", "core/q?.py", "core/sub/deep.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("import time\nstamp = time.time()\n")
    (root / "pyproject.toml").write_text("[tool.orch-lint]\n")
    outside.mkdir()
    (outside / "far.py").write_text("import time\nstamp = time.time()\n")
    (root / "core/link.py").symlink_to(outside / "far.py")
    completed = script("orch-lint", "check", "--format", "sarif", "--no-cache", "../..", "../../core/link.py",
                       str(outside / "far.py"), cwd=root / "core/sub")
    assert completed.returncode == 1, completed.stderr
    locations = sarif_uris(completed.stdout)
    relative = sorted(loc["uri"] for loc in locations if loc.get("uriBaseId") == "SRCROOT")
    absolute = [loc["uri"] for loc in locations if "uriBaseId" not in loc]
    assert relative == sorted(
        ["core/a%20b.py", "core/100%25.py", "core/%23x.py", "core/q%3F.py", "core/sub/deep.py", "core/link.py"]
    )
    assert absolute == [(outside / "far.py").resolve().as_uri()]
    for uri in relative:
        assert ".." not in uri.split("/") and not uri.startswith("/")
        assert (root / unquote(uri)).is_file()


def test_walking_never_follows_a_link_out_of_the_tree(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "elsewhere"
    (outside / "pkg").mkdir(parents=True)
    for name in ("secret.py", "pkg/inner.py"):
        (outside / name).write_text("import time\nstamp = time.time()\n")
    root.mkdir()
    (root / "own.py").write_text("x = 1\n")
    (root / "to_file.py").symlink_to(outside / "secret.py")
    (root / "to_dir").symlink_to(outside / "pkg")
    (root / "to_parent").symlink_to(tmp_path)
    (root / "absolute.py").symlink_to("/etc/hostname")
    completed = script("orch-lint", "check", ".", cwd=root)
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, "All checks passed (1 file checked).\n", "")
