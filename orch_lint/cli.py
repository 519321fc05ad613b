"""``orch-lint check | fix | rules | explain``: a thin layer of argument parsing over the runner.

Exit codes follow flake8 and ruff: 0 clean, 1 findings, 2 usage, config or unreadable input.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from orch_lint import __version__, replay

if TYPE_CHECKING:
    from orch_lint.config import ConfigError, ConfigFinder
    from orch_lint.explain import UnknownRule, rule_page
    from orch_lint.output import FORMATTERS, MACHINE_FORMATS, OutputContext, format_statistics
    from orch_lint.rules import ALL_RULES
    from orch_lint.runner import RunResult, run, write_baseline_file


def _import_commands() -> None:
    """The commands' modules, imported once the cache could not answer: a replayed ``check``
    (``replay``) never loads them, nor LibCST."""
    global ConfigError, ConfigFinder, UnknownRule, rule_page, FORMATTERS, MACHINE_FORMATS
    global OutputContext, format_statistics, ALL_RULES, RunResult, run, write_baseline_file
    from orch_lint.config import ConfigError, ConfigFinder
    from orch_lint.explain import UnknownRule, rule_page
    from orch_lint.output import FORMATTERS, MACHINE_FORMATS, OutputContext, format_statistics
    from orch_lint.rules import ALL_RULES
    from orch_lint.runner import RunResult, run, write_baseline_file

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orch-lint",
        description="Enforce the determinism contract on an orchestrator's core package.",
    )
    parser.add_argument("--version", action="version", version=f"orch-lint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    check = commands.add_parser("check", help="report determinism hazards")
    _add_common(check)
    check.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="output format")
    check.add_argument("--statistics", action="store_true", help="also print how many findings each code has")
    check.add_argument("--baseline", type=Path, metavar="FILE", help="report only findings this baseline does not accept")
    check.add_argument(
        "--write-baseline", type=Path, metavar="FILE", help="record today's findings as accepted in FILE, and exit 0"
    )

    fix = commands.add_parser("fix", help="apply fixes (safe ones unless --unsafe-fixes)")
    _add_common(fix)
    fix.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    fix.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that may change behaviour")
    fix.add_argument("--baseline", type=Path, metavar="FILE", help="report only findings this baseline does not accept")

    commands.add_parser("rules", help="list every rule code with its summary")

    explain = commands.add_parser("explain", help="print a rule's page: what, why, examples, fix safety, options")
    explain.add_argument("code", metavar="CODE", nargs="?", help="a rule code, e.g. DET201")
    explain.add_argument(
        "--chain", metavar="FILE:LINE", help="print the call chain of the DET401 finding at FILE:LINE, one hop per line"
    )
    return parser


def _add_common(command: argparse.ArgumentParser) -> None:
    command.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or directories")
    command.add_argument("--config", type=Path, metavar="FILE", help="use this config for every file")
    command.add_argument(
        "--jobs", "-j", type=_positive, metavar="N", help="processes to lint with (default: every core)"
    )
    command.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    command.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar, and no summary line after the findings"
    )


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a positive number of processes, got {value!r}")
    return number


def speed_options(args: argparse.Namespace, finder: ConfigFinder) -> Dict[str, Any]:
    """``--jobs``, the cache (unless ``--no-cache``) and the progress bar, for ``run``."""
    from orch_lint.parallel import default_jobs
    from orch_lint.progress import Progress

    stream = getattr(sys.stderr, "uncaptured", sys.stderr)
    cache_dir = None if args.no_cache else replay.cache_directory(finder.cwd, args.config)
    return {
        "jobs": args.jobs or default_jobs(),
        "cache_dir": cache_dir,
        "progress": Progress(0, stream, enabled=not args.quiet),
    }


def quiet_text(text: str) -> str:
    """Text output without its summary: only the ``path:line:col: CODE message`` lines."""
    return "".join(line for line in text.splitlines(keepends=True) if _is_finding_line(line))


def _is_finding_line(line: str) -> bool:
    head = line.split(" ", 2)
    return len(head) >= 2 and head[0].count(":") >= 3 and head[1][:1].isalpha() and head[1][-1:].isdigit()


def default_paths(finder: ConfigFinder) -> List[Path]:
    """No paths given: the ``core`` of the config found from here, or the current directory."""
    config = finder.for_directory(finder.cwd)
    if config.core:
        return [p for p in config.core if p.exists()]
    return [finder.cwd]


def _print_problems(result: RunResult) -> None:
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    for error in result.errors:
        print(error.render(), file=sys.stderr)


def command_check(args: argparse.Namespace, finder: ConfigFinder) -> int:
    paths = args.paths or default_paths(finder)
    if args.write_baseline is not None:
        return write_baseline(args.write_baseline, paths, finder)
    result = run(paths, finder, baseline=args.baseline, edits=args.format == "sarif", **speed_options(args, finder))
    _print_problems(result)
    context = OutputContext(
        root=repository_root(finder),
        cwd=finder.cwd,
        edits={finding: edit for outcome in result.results for finding, edit in outcome.edits},
        errors=result.errors,
    )
    text = FORMATTERS[args.format](result.findings, result.files_checked, context)
    sys.stdout.write(quiet_text(text) if args.quiet and args.format == "text" else text)
    if args.statistics:
        (sys.stderr if args.format in MACHINE_FORMATS else sys.stdout).write(format_statistics(result.findings))
    if result.baselined and args.format == "text" and not args.quiet:
        print(f"{result.baselined} accepted finding{'s' if result.baselined != 1 else ''} in the baseline not shown.")
    if result.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.findings else EXIT_CLEAN


def repository_root(finder: ConfigFinder) -> Path:
    """Where SARIF's relative URIs start: the directory of the config governing the current
    directory (a bad one is already reported with the run's errors)."""
    try:
        return finder.for_directory(finder.cwd).root
    except ConfigError:
        return finder.cwd


def write_baseline(target: Path, paths: Sequence[Path], finder: ConfigFinder) -> int:
    """``--write-baseline``: accept every finding of today; exit 0 (2 if some file could not be read)."""
    result = run(paths, finder, write_baseline=True)
    _print_problems(result)
    try:
        count = write_baseline_file(target, result.located)
    except OSError as error:
        print(f"{target}: error: cannot write baseline: {error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Wrote a baseline of {count} finding{'s' if count != 1 else ''} to {target}.")
    return EXIT_ERROR if result.errors else EXIT_CLEAN


def command_fix(args: argparse.Namespace, finder: ConfigFinder) -> int:
    """As ruff: exit 0 when nothing is left to report, 1 when findings remain, 2 on errors.

    With ``--diff`` stdout carries nothing but the patch (summary on stderr), and the exit code
    says whether there is anything to change (1) or not (0).
    """
    paths = args.paths or default_paths(finder)
    result = run(
        paths, finder, fix=True, unsafe_fixes=args.unsafe_fixes, diff=args.diff, baseline=args.baseline,
        **speed_options(args, finder),
    )
    _print_problems(result)
    if args.diff:
        sys.stdout.write("".join(result.diffs))
    else:
        for finding in result.findings:
            print(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}")
    print(fix_summary(result, args.diff, args.unsafe_fixes), file=sys.stderr if args.diff else sys.stdout)
    if result.errors:
        return EXIT_ERROR
    if args.diff:
        return EXIT_FINDINGS if result.fixes_applied else EXIT_CLEAN
    return EXIT_FINDINGS if result.findings else EXIT_CLEAN


def fix_summary(result: RunResult, diff: bool, unsafe_fixes: bool) -> str:
    """``Fixed 3 findings; 1 remaining.``, and how many more ``--unsafe-fixes`` would fix."""
    fixed = result.fixes_applied
    summary = f"{'Would fix' if diff else 'Fixed'} {fixed} finding{'s' if fixed != 1 else ''}; {len(result.findings)} remaining."
    unsafe = sum(1 for f in result.findings if f.fixable and not f.fix_safe)
    if unsafe and not unsafe_fixes:
        summary += f" {unsafe} more fixable with --unsafe-fixes."
    return summary


def command_chain(location: str) -> int:
    """``explain --chain FILE:LINE``: the DET401 message, one hop per line (editors get one line)."""
    path, _, line = location.rpartition(":")
    if not path or not line.isdigit():
        print(f"orch-lint: error: --chain takes FILE:LINE, got '{location}'", file=sys.stderr)
        return EXIT_ERROR
    result = run([Path(path)], ConfigFinder())
    for error in result.errors:
        print(error.render(), file=sys.stderr)
    chains = [f for f in result.findings if f.code == "DET401" and f.line == int(line)]
    if not chains:
        print(f"orch-lint: no DET401 finding at {location}", file=sys.stderr)
        return EXIT_ERROR if result.errors else EXIT_FINDINGS
    for finding in chains:
        hops = finding.message.split(": ", 1)[1].split(" -> ")
        print(f"{finding.path}:{finding.line}:{finding.column}: DET401 call reaches a hazard")
        for depth, hop in enumerate(hops):
            print(f"{'  ' * depth}{'-> ' if depth else ''}{hop}")
    return EXIT_CLEAN


def command_explain(args: argparse.Namespace) -> int:
    if args.chain is not None:
        try:
            return command_chain(args.chain)
        except ConfigError as error:
            print(render_config_error(error), file=sys.stderr)
            return EXIT_ERROR
    if args.code is None:
        print("orch-lint: error: explain needs a rule code, e.g. `orch-lint explain DET201`", file=sys.stderr)
        return EXIT_ERROR
    try:
        sys.stdout.write(rule_page(args.code))
    except UnknownRule as error:
        print(f"orch-lint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_CLEAN


def command_rules(args: argparse.Namespace) -> int:
    for rule in ALL_RULES:
        print(f"{rule.code}  {rule.name:32} {rule.summary}")
    return EXIT_CLEAN


def render_config_error(error: ConfigError) -> str:
    from orch_lint.model import LintError
    from orch_lint.runner import display_path

    return LintError(display_path(error.path, Path.cwd()), error.message, error.line, error.column).render()


#: The garbage collector's thresholds while orch-lint runs. A LibCST tree is hundreds of
#: thousands of small objects, nearly all alive until the file is done, so at Python's default
#: (a young collection every 700 allocations, promoted into ever larger older ones) collections
#: that find nothing took 10-15% of a cold run (Django, one process: 13.0 s -> 11.6 s median
#: of three, the same peak memory). Trees are freed by reference counting as each file ends.
GC_THRESHOLDS = (10_000, 10, 10)


def main(argv: Optional[Sequence[str]] = None) -> int:
    previous = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        return _main(argv)
    finally:
        gc.set_threshold(*previous)  # main() may run inside another program (tests, tools)


def _main(argv: Optional[Sequence[str]] = None) -> int:
    _printable_streams()
    arguments = list(sys.argv[1:] if argv is None else argv)
    replayable = replay.replayable(arguments)
    if replayable:
        cwd = Path.cwd().resolve()
        replayed = replay.replay(arguments, cwd, replay.forced_config(arguments))
        if replayed is not None:
            return replayed
    _import_commands()
    args = build_parser().parse_args(arguments)
    if args.command == "rules":
        return command_rules(args)
    if args.command == "explain":
        return command_explain(args)
    try:
        finder = ConfigFinder(forced=args.config)
        if args.command == "check":
            if replayable:
                return _recorded_check(args, finder, arguments)
            return command_check(args, finder)
        return command_fix(args, finder)
    except ConfigError as error:
        print(render_config_error(error), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def _printable_streams() -> None:
    """A path that is not valid in the output's encoding (a file name that is not UTF-8, an
    ASCII-only terminal) is printed escaped, never a crash: flake8-style output must not fail."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _recorded_check(args: argparse.Namespace, finder: ConfigFinder, arguments: List[str]) -> int:
    """``check``, recorded for ``replay``: its roots are the current directory, the paths given
    and the roots of the configs governing them (a config error: nothing is recorded)."""
    try:
        roots = [finder.cwd, finder.for_directory(finder.cwd).root]
        for path in args.paths:
            roots += [Path(path).absolute(), finder.for_path(Path(path)).root]
        roots += [Path(extra).absolute() for extra in (args.config, args.baseline) if extra is not None]
    except ConfigError:
        return command_check(args, finder)
    cache_dir = replay.cache_directory(finder.cwd, args.config)
    return replay.check_and_record(lambda: command_check(args, finder), arguments, finder.cwd, roots, cache_dir)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
