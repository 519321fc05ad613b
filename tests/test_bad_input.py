"""Whatever a repository holds, orch-lint never crashes on it.

Each bad file is one line on stderr, ``path[:line:col]: error: message``, with the line and
column to look at where there is one; the exit code is 2; every other file is still checked
(``good.py`` below is always reported). Cases that could crash the interpreter itself (deep
nesting reaches LibCST's native parser) run the CLI in a subprocess, so that a regression fails
one test instead of killing the test run.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import Project
from privileges import require_permissions_bind, run_bound
from orch_lint.rules.set_iteration import SetIteration
from orch_lint.rules.wall_clock import WallClockRead

GOOD = b"import time\nstamp = time.time()\n"
GOOD_FINDING = f"good.py:2:9: DET101 {WallClockRead.message.format(name='time.time')}"
ONE_FINDING = "Found 1 finding in 1 file (1 checked).\n"
SET_MESSAGE = SetIteration.message.format(expr="s")
UNORDERED = b"def f(s: set[str]):\n    return list(s)\n"


def write(root: Path, files: Dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def check_with_good(project: Project, files: Dict[str, bytes], *args: str) -> "tuple[int, str, str]":
    write(project.root, {"good.py": GOOD, **files})
    return project.main("check", *(args or (".",)))


# -- files that cannot be read as Python: each an error, the good file still checked -----------

UNREADABLE_SOURCES = [
    pytest.param(b"def f(:\n    pass\n", "bad.py:1:7: error: cannot parse: invalid syntax", id="syntax-error"),
    pytest.param(b'x = 1\ny = "\xff"\n', "bad.py:2:6: error: not valid utf-8: cannot decode byte 0xff", id="not-utf8"),
    pytest.param(b"\xe9t\xe9 = 1\n", "bad.py:1:1: error: not valid utf-8: cannot decode byte 0xe9", id="not-utf8-line-1"),
    pytest.param(
        b"# coding: utf-8\nx = '\xe9'\n", "bad.py:2:6: error: not valid utf-8: cannot decode byte 0xe9",
        id="cookie-says-utf8-bytes-are-not",
    ),
    pytest.param(
        b"# -*- coding: klingon -*-\nx = 1\n", "bad.py:1:15: error: unknown encoding 'klingon' in the coding declaration",
        id="unknown-cookie",
    ),
    pytest.param(
        b"#!/usr/bin/env python\n# vim: set fileencoding=utf-16 :\nx = 1\n",
        "bad.py:2:25: error: coding 'utf-16' cannot encode Python source (not ASCII-compatible)",
        id="cookie-not-ascii-compatible",
    ),
    pytest.param(
        b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
        "bad.py:1:11: error: a UTF-8 BOM and a coding declaration for 'latin-1' disagree", id="bom-and-cookie-disagree",
    ),
    pytest.param(
        b"\x7fELF\x02\x01\x01\x00\x00\x00", "bad.py:1:8: error: binary content (NUL byte), not Python source",
        id="binary-with-nul",
    ),
    pytest.param(b"\x89PNG\r\n\x1a\n", "bad.py:1:1: error: not valid utf-8: cannot decode byte 0x89", id="binary-no-nul"),
    pytest.param(b"if x:\n\tpass\n        pass\n", "bad.py:3:1: error: cannot parse: inconsistent use of tabs and spaces in indentation", id="tabs-and-spaces"),
]


@pytest.mark.parametrize("data, error", UNREADABLE_SOURCES)
def test_unreadable_source_is_one_error_line_and_the_others_are_checked(
    project: Project, data: bytes, error: str
) -> None:
    assert check_with_good(project, {"bad.py": data}) == (2, f"{GOOD_FINDING}\n{ONE_FINDING}", f"{error}\n")


def test_fix_leaves_an_unreadable_file_untouched_and_fixes_the_others(project: Project) -> None:
    write(project.root, {"bad.py": b'x = 1\ny = "\xff"\n', "ok.py": UNORDERED})
    code, out, err = project.main("fix", ".")
    assert (code, out, err) == (2, "Fixed 1 finding; 0 remaining.\n", "bad.py:2:6: error: not valid utf-8: cannot decode byte 0xff\n")
    assert (project.root / "bad.py").read_bytes() == b'x = 1\ny = "\xff"\n'
    assert (project.root / "ok.py").read_bytes() == UNORDERED.replace(b"list", b"sorted")


# -- encodings, BOMs and line endings Python accepts: read right, and written back as they were --


def test_a_pep263_cookie_is_honoured_and_fix_writes_back_in_that_encoding(project: Project) -> None:
    source = "# -*- coding: latin-1 -*-\nLABEL = 'déjà'\ndef f(s: set[str]):\n    return list(s)\n"
    write(project.root, {"m.py": source.encode("latin-1")})
    assert project.main("check", ".") == (
        1, f"m.py:4:17: DET201 {SET_MESSAGE}\nFound 1 finding in 1 file (1 checked). 1 fixable with `orch-lint fix`.\n", ""
    )
    assert project.main("fix", ".")[0] == 0
    assert (project.root / "m.py").read_bytes() == source.replace("list", "sorted").encode("latin-1")


def test_a_cookie_line_that_is_not_utf8_itself_is_read_as_python_reads_it(project: Project) -> None:
    """``tokenize.detect_encoding`` refuses this file; Python runs it."""
    data = "# coding: latin-1  (é)\nimport time\nt = time.time()\n".encode("latin-1")
    write(project.root, {"m.py": data})
    code, out, err = project.main("check", ".")
    assert (code, out.splitlines()[0], err) == (1, f"m.py:3:5: DET101 {WallClockRead.message.format(name='time.time')}", "")


def test_empty_and_comment_only_files_are_clean(project: Project) -> None:
    write(project.root, {"empty.py": b"", "bom_only.py": b"\xef\xbb\xbf", "comments.py": b"# nothing\r\n\r\n"})
    assert project.main("check", ".") == (0, "All checks passed (3 files checked).\n", "")
    assert project.main("fix", ".") == (0, "Fixed 0 findings; 0 remaining.\n", "")
    assert (project.root / "bom_only.py").read_bytes() == b"\xef\xbb\xbf"


def test_a_bom_does_not_shift_columns_and_fix_keeps_it(project: Project) -> None:
    write(project.root, {"m.py": b"\xef\xbb\xbf" + UNORDERED})
    assert project.main("check", ".")[1].startswith(f"m.py:2:17: DET201 {SET_MESSAGE}\n")
    assert project.main("fix", ".")[0] == 0
    assert (project.root / "m.py").read_bytes() == b"\xef\xbb\xbf" + UNORDERED.replace(b"list", b"sorted")


@pytest.mark.parametrize(
    "data, at",
    [
        pytest.param(UNORDERED.replace(b"\n", b"\r\n"), "2:17", id="crlf"),
        pytest.param(b"import os\r\ndef f(s: set[str]):\n    return list(s)\r\n\r\n# end\n", "3:17", id="mixed"),
        pytest.param(b"def f(s: set[str]):\n    return list(s)", "2:17", id="no-final-newline"),
        pytest.param(b"def f(s: set[str]):\n\treturn list(s)  \t# tab and trailing blanks\n", "2:14", id="tabs"),
        pytest.param(b"x = 1\n\x0c\ndef f(s: set[str]):\n    return list(s)\n", "4:17", id="form-feed"),
    ],
)
def test_line_endings_and_whitespace_survive_a_fix_byte_for_byte(project: Project, data: bytes, at: str) -> None:
    write(project.root, {"m.py": data})
    code, out, _ = project.main("check", ".")
    assert (code, out.splitlines()[0]) == (1, f"m.py:{at}: DET201 {SET_MESSAGE}")
    assert project.main("fix", ".")[0] == 0
    assert (project.root / "m.py").read_bytes() == data.replace(b"list(s)", b"sorted(s)")


def test_a_file_libcst_would_not_write_back_as_it_was_is_never_fixed(project: Project) -> None:
    """LibCST drops a form feed that starts a line of code: writing its output back would
    change more than the fix, so the file is reported and left as it is."""
    data = b"\x0cdef f(s: set[str]):\n    return list(s)\n"
    write(project.root, {"m.py": data})
    assert project.main("fix", ".") == (
        2, f"m.py:2:17: DET201 {SET_MESSAGE}\nFixed 0 findings; 1 remaining.\n",
        "m.py: error: cannot fix: the file does not round-trip through LibCST (bare CR line endings?)\n",
    )
    assert (project.root / "m.py").read_bytes() == data


def test_a_one_megabyte_generated_file_is_checked(project: Project) -> None:
    rows = "".join(f'    "key_{i:05d}": ("{"generated payload " * 5}{i}", {i}),\n' for i in range(9_000))
    source = f"TABLE = {{\n{rows}}}\ndef f(s: set[str]):\n    return list(s)\n"
    assert len(source) > 1_000_000
    write(project.root, {"generated.py": source.encode()})
    assert project.main("check", ".") == (
        1, f"generated.py:9004:17: DET201 {SET_MESSAGE}\n"
        "Found 1 finding in 1 file (1 checked). 1 fixable with `orch-lint fix`.\n", "",
    )


# -- deep nesting: Python's parser refuses what is too deep; LibCST never sees it ---------------


def run_cli(project: Project, *args: str) -> "tuple[int, str, str]":
    """The real CLI in a subprocess: a crash fails this test, a hang fails it after a minute."""
    completed = subprocess.run(
        [sys.executable, "-m", "orch_lint", *args], cwd=project.root, capture_output=True, text=True, timeout=60,
    )
    return completed.returncode, completed.stdout, completed.stderr


def nested_functions(depth: int) -> str:
    lines = [f"{'    ' * level}def f{level}(s: set[str]):" for level in range(depth)]
    return "\n".join(lines) + f"\n{'    ' * depth}return list(s)\n"


TOO_DEEP = [
    pytest.param("x = " + "(" * 1000 + "1" + ")" * 1000 + "\n",
                 "bad.py:1:205: error: cannot parse: too many nested parentheses", id="1000-parentheses"),
    pytest.param("x = " + "[" * 1000 + "]" * 1000 + "\n",
                 "bad.py:1:205: error: cannot parse: too many nested parentheses", id="1000-lists"),
    pytest.param("x = " + "+".join(["1"] * 100_000) + "\n",
                 "bad.py: error: cannot parse: nested deeper than Python allows", id="100000-term-sum"),
    pytest.param("x = " + "-" * 100_000 + "1\n",
                 "bad.py: error: cannot parse: nested deeper than Python allows", id="100000-unary-minus"),
    pytest.param("if a:\n    pass\n" + "elif a:\n    pass\n" * 50_000,
                 "bad.py: error: cannot parse: nested deeper than Python allows", id="50000-elifs"),
    pytest.param(nested_functions(100),
                 "bad.py:101:1: error: cannot parse: too many levels of indentation", id="100-nested-functions"),
    pytest.param("x = " + " and ".join(["a"] * 101_000) + "\n",
                 "bad.py:1:605999: error: cannot parse: nested 101003 levels deep (orch-lint's limit is 100000)",
                 id="101000-and-chain"),
]


@pytest.mark.parametrize("source, error", TOO_DEEP)
def test_code_nested_too_deeply_is_a_parse_error_not_a_crash(project: Project, source: str, error: str) -> None:
    write(project.root, {"good.py": GOOD, "bad.py": source.encode()})
    assert run_cli(project, "check", ".") == (2, f"{GOOD_FINDING}\n{ONE_FINDING}", f"{error}\n")
    assert run_cli(project, "fix", ".")[0] == 2
    assert (project.root / "bad.py").read_text() == source


CLOCK = WallClockRead.message.format(name="time.time")
DEEP_BUT_VALID = [
    pytest.param("import time\nx = " + "+".join(["1"] * 1000) + "+time.time()\n", f"2:{4 + 2 * 1000 + 1}: DET101 {CLOCK}",
                 id="1000-term-sum"),
    pytest.param("import time\nx = " + "[" * 190 + "time.time()" + "]" * 190 + "\n", f"2:195: DET101 {CLOCK}",
                 id="190-nested-lists"),
    pytest.param("import time\nx = " + " and ".join(["a"] * 20_000) + " and time.time()\n",
                 f"2:{4 + 6 * 20_000 + 1}: DET101 {CLOCK}", id="20000-and-chain"),
    pytest.param("import time\nif a:\n    pass\n" + "elif a:\n    pass\n" * 1000 + "else:\n    time.time()\n",
                 f"{3 + 2 * 1000 + 2}:5: DET101 {CLOCK}", id="1000-elifs"),
    pytest.param(nested_functions(99), f"100:{4 * 99 + 13}: DET201 {SET_MESSAGE}", id="99-nested-functions"),
    pytest.param("import " + ".".join(["a"] * 20_000) + "\nimport time\ntime.time()\n", f"3:1: DET101 {CLOCK}",
                 id="20000-link-import"),
]


@pytest.mark.parametrize("source, finding", DEEP_BUT_VALID)
def test_deep_code_python_accepts_is_analysed_whole(project: Project, source: str, finding: str) -> None:
    write(project.root, {"m.py": source.encode()})
    code, out, err = run_cli(project, "check", ".")
    assert (code, out.splitlines()[0], err) == (1, f"m.py:{finding}", "")


def test_deep_code_is_fixed_and_the_fix_parses(project: Project) -> None:
    source = nested_functions(99)
    write(project.root, {"m.py": source.encode()})
    assert run_cli(project, "fix", ".") == (0, "Fixed 1 finding; 0 remaining.\n", "")
    fixed = (project.root / "m.py").read_text()
    assert fixed == source.replace("return list(s)", "return sorted(s)")
    compile(fixed, "m.py", "exec")


def test_the_recursion_limit_is_restored_after_deep_code() -> None:
    from orch_lint.engine import lint_source

    before = sys.getrecursionlimit()
    result = lint_source("import time\nx = " + "+".join(["1"] * 2000) + "+time.time()\n", "m.py")
    assert [(f.line, f.code) for f in result.findings] == [(2, "DET101")]
    assert sys.getrecursionlimit() == before


def test_deep_work_runs_on_one_big_stack_thread_and_hands_back_errors() -> None:
    from orch_lint import nesting

    def where() -> "tuple[int, str]":
        return threading.get_native_id(), threading.current_thread().name  # the kernel's id: never reused soon

    first, second = nesting.on_deep_stack(where), nesting.on_deep_stack(where)
    assert first == second  # the same thread, kept: not a new 512 MiB stack for every file
    assert first[0] != threading.get_native_id() and first[1] == "orch-lint-deep"
    assert nesting.on_deep_stack(lambda: nesting.on_deep_stack(where)) == first  # no thread waits on itself

    def fail() -> None:
        raise KeyError("from the deep thread")

    with pytest.raises(KeyError, match="from the deep thread"):
        nesting.on_deep_stack(fail)
    assert nesting.on_deep_stack(where) == first  # an error does not lose the thread


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_starts_its_own_big_stack_thread() -> None:
    """The child of a fork (a ``--jobs`` worker) inherits the record of the thread, not the thread:
    handing it work must not wait forever on a thread that is not there."""
    from orch_lint import nesting

    nesting.on_deep_stack(threading.get_ident)  # the parent's thread exists
    reader, writer = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork() with threads running
        child = os.fork()
    if child == 0:
        try:
            os.write(writer, nesting.on_deep_stack(lambda: threading.current_thread().name).encode())
        finally:
            os._exit(0)
    os.close(writer)
    try:
        ready, _, _ = select.select([reader], [], [], 60)
        answer = os.read(reader, 100).decode() if ready else "a hang"
    finally:
        os.close(reader)
        if not ready:
            os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    assert answer == "orch-lint-deep"


# -- paths: missing, directories, links, permissions, special files ----------------------------


def test_a_path_that_does_not_exist_is_an_error_and_the_others_are_checked(project: Project) -> None:
    assert check_with_good(project, {}, "good.py", "nope.py", "gone/") == (
        2, f"{GOOD_FINDING}\n{ONE_FINDING}", "gone: error: no such file or directory\nnope.py: error: no such file or directory\n"
    )


def test_a_directory_named_like_a_python_file_is_walked_not_read(project: Project) -> None:
    write(project.root, {"pkg.py/inner.py": GOOD})
    expected = (1, f"pkg.py/{GOOD_FINDING.replace('good.py', 'inner.py')}\n{ONE_FINDING}", "")
    assert project.main("check", ".") == expected
    assert project.main("check", "pkg.py") == expected


def test_a_symlink_loop_inside_the_tree_is_not_followed_and_looping_file_links_are_errors(project: Project) -> None:
    write(project.root, {"good.py": GOOD})
    os.symlink(".", project.root / "loop")
    os.symlink("b.py", project.root / "a.py")
    os.symlink("a.py", project.root / "b.py")
    assert project.main("check", ".") == (
        2, f"{GOOD_FINDING}\n{ONE_FINDING}", "a.py: error: symlink loop\nb.py: error: symlink loop\n"
    )
    assert project.main("check", "a.py", "good.py") == (2, f"{GOOD_FINDING}\n{ONE_FINDING}", "a.py: error: symlink loop\n")


def test_a_broken_symlink_is_an_error_walked_or_named(project: Project) -> None:
    write(project.root, {"good.py": GOOD})
    os.symlink("deleted.py", project.root / "gone.py")
    expected = (2, f"{GOOD_FINDING}\n{ONE_FINDING}", "gone.py: error: broken symlink\n")
    assert project.main("check", ".") == expected
    assert project.main("check", "gone.py", "good.py") == expected


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_is_never_opened(project: Project) -> None:
    """Opening a FIFO for reading blocks until someone writes: the run would never end."""
    write(project.root, {"good.py": GOOD})
    os.mkfifo(project.root / "pipe.py")
    expected = (2, f"{GOOD_FINDING}\n{ONE_FINDING}", "pipe.py: error: not a regular file\n")
    assert run_cli(project, "check", ".") == expected
    assert run_cli(project, "check", ".") == expected  # replayed from the cache, whose digest skips it too


def test_a_file_without_read_permission_is_an_error_and_the_others_are_checked(project: Project) -> None:
    require_permissions_bind()
    write(project.root, {"good.py": GOOD, "secret.py": GOOD, "locked/inner.py": GOOD})
    (project.root / "secret.py").chmod(0)
    (project.root / "locked").chmod(0)
    try:
        result = run_bound(["check", "--no-cache", "."], project.root)
    finally:
        (project.root / "locked").chmod(0o755)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, f"{GOOD_FINDING}\n{ONE_FINDING}",
        "locked: error: cannot list directory: Permission denied\nsecret.py: error: cannot read: permission denied\n",
    )


def test_a_file_name_that_is_not_utf8_is_printed_escaped_not_a_crash(tmp_path: Path) -> None:
    if sys.platform == "darwin":
        pytest.skip("macOS file systems refuse names that are not UTF-8")
    (tmp_path / os.fsdecode(b"caf\xe9.py")).write_bytes(GOOD)
    for encoding in ("utf-8", "ascii"):
        completed = subprocess.run(
            [sys.executable, "-m", "orch_lint", "check", "--no-cache", "."], cwd=tmp_path, capture_output=True,
            env=dict(os.environ, PYTHONIOENCODING=encoding),
        )
        assert completed.returncode == 1, completed.stderr
        assert completed.stdout.decode("ascii").splitlines()[0] == GOOD_FINDING.replace("good.py", "caf\\udce9.py")


# -- configs: a bad one stops only what it governs ----------------------------------------------


@pytest.mark.parametrize(
    "config, error",
    [
        pytest.param(b'core = ["a"\n', "sub/orch-lint.toml:2:1: error: invalid TOML: Unclosed array", id="invalid-toml"),
        pytest.param(b'cores = ["a"]\n', "sub/orch-lint.toml: error: unknown key 'cores' in config (known keys: ",
                     id="unknown-key"),
        pytest.param(b'core = "a"\n', "sub/orch-lint.toml: error: 'core' in config must be a list of strings, got str 'a'",
                     id="wrong-type"),
        pytest.param(b'exclude = ["a\\u0000b"]\n',
                     "sub/orch-lint.toml: error: 'exclude' in config must be a list of strings without NUL characters, "
                     "got list ['a\\x00b']", id="nul-in-a-path"),
        pytest.param(b"\xff = 1\n", "sub/orch-lint.toml:1:1: error: invalid TOML: not UTF-8 (byte 0xff)", id="not-utf8"),
        pytest.param(b"core = " + b"[" * 5000 + b"]" * 5000 + b"\n", "sub/orch-lint.toml: error: invalid TOML: nested too deeply",
                     id="nested-too-deeply"),
    ],
)
def test_a_bad_nested_config_is_an_error_and_other_subtrees_are_checked(project: Project, config: bytes, error: str) -> None:
    write(project.root, {"good.py": GOOD, "sub/orch-lint.toml": config, "sub/m.py": GOOD})
    code, out, err = project.main("check", ".")
    assert (code, out) == (2, f"{GOOD_FINDING}\n{ONE_FINDING}")
    assert err.startswith(error) and err.count("\n") == 1, err


def test_a_core_path_that_does_not_exist_is_a_warning_and_the_run_goes_on(project: Project) -> None:
    write(project.root, {"orch-lint.toml": b'core = ["gone", "good.py"]\n', "good.py": GOOD})
    code, out, err = project.main("check")
    assert (code, out) == (1, f"{GOOD_FINDING}\n{ONE_FINDING}")
    assert err == f"{project.root.resolve() / 'orch-lint.toml'}: warning: core path 'gone' does not exist\n"


# -- everything at once ------------------------------------------------------------------------


def test_a_tree_of_every_bad_input_reports_each_once_and_still_checks_the_good_file(project: Project) -> None:
    files: Dict[str, bytes] = {f"bad_{index}.py": param.values[0] for index, param in enumerate(UNREADABLE_SOURCES)}
    write(project.root, {"good.py": GOOD, "empty.py": b"", "dir.py/clean.py": b"x = 1\n", **files})
    os.symlink("nowhere.py", project.root / "broken.py")
    os.symlink("loop_b.py", project.root / "loop_a.py")
    os.symlink("loop_a.py", project.root / "loop_b.py")
    os.symlink(str(project.root.parent), project.root / "outside")
    code, out, err = project.main("check", ".", "missing.py")
    expected: List[str] = ["broken.py: error: broken symlink"]
    expected += [str(param.values[1]).replace("bad.py", f"bad_{index}.py") for index, param in enumerate(UNREADABLE_SOURCES)]
    expected += ["loop_a.py: error: symlink loop", "loop_b.py: error: symlink loop", "missing.py: error: no such file or directory"]
    assert (code, out) == (2, f"{GOOD_FINDING}\nFound 1 finding in 1 file (3 checked).\n")
    assert err.splitlines() == sorted(expected, key=lambda line: line.split(":")[0])
