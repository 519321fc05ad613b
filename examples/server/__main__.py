"""``python -m examples.server run PLAYBOOK.yaml [--db FILE] [--fake-clock START]``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn, Optional, Sequence

from examples.orchestrate_core import CoreError, load_playbook
from examples.orchestrate_core.timestamps import parse_timestamp

from .clock import Clock, FakeClock, SystemClock
from .run import run_playbook


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m examples.server",
                     description="Run a playbook end to end with the in-process demo worker.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    run = commands.add_parser("run", help="run a playbook; the event log goes to stdout")
    run.add_argument("playbook", metavar="PLAYBOOK.yaml")
    run.add_argument("--db", default=":memory:", metavar="FILE",
                     help="sqlite event store (default: in memory)")
    run.add_argument("--fake-clock", metavar="START",
                     help="use a clock starting at START (ISO 8601, with zone) that ticks 1 ms"
                          " per reading: a reproducible run")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        playbook = load_playbook(args.playbook)
        clock: Clock = SystemClock()
        if args.fake_clock:
            clock = FakeClock(parse_timestamp(args.fake_clock, "--fake-clock"))
    except CoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        return run_playbook(playbook, args.db, clock, sys.stderr, sys.stdout)
    except BrokenPipeError:  # a reader like `head` left early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
