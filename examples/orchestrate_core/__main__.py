"""``python -m examples.orchestrate_core replay | shadow-diff``.

The core's only edge with files. Output is canonical JSON (sorted keys), so two runs can be
compared byte for byte. Bad input is one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, NoReturn, Optional, Sequence

from .errors import CoreError, EventError
from .evaluate import evaluate
from .event import Event
from .jsonvalue import JSON, canonical_json, loads_strict
from .playbook_load import load_playbook
from .shadow import shadow_diff

EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m examples.orchestrate_core",
                     description="Replay an event log through the orchestrator core.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    replay = commands.add_parser("replay", help="print evaluate(events, playbook) as JSON")
    replay.add_argument("--playbook", required=True, type=Path, metavar="P.yaml")
    replay.add_argument("--events", required=True, type=Path, metavar="E.jsonl")
    replay.add_argument("--trigger", metavar="T",
                        help="triggering event type (default: the latest event's type)")
    diff = commands.add_parser("shadow-diff", help="compare two replay results by content")
    diff.add_argument("left", type=Path, metavar="A.json")
    diff.add_argument("right", type=Path, metavar="B.json")
    return parser


def read_events(path: Path) -> List[Event]:
    """One JSON object a line; blank lines are skipped; errors name the line."""
    events: List[Event] = []
    for number, line in enumerate(_read(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        events.append(Event.from_dict(_parse(line, where), where))
    return events


def replay(args: argparse.Namespace) -> int:
    playbook = load_playbook(args.playbook)
    result = evaluate(read_events(args.events), playbook, args.trigger)
    sys.stdout.write(canonical_json(result.to_dict(), indent=2) + "\n")
    return EXIT_OK


def diff(args: argparse.Namespace) -> int:
    left = _parse(_read(args.left), str(args.left))
    right = _parse(_read(args.right), str(args.right))
    differences = shadow_diff(left, right)
    for difference in differences:
        print(difference.render())
    if not differences:
        print("no differences")
    return EXIT_DIFFERENT if differences else EXIT_OK


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return replay(args) if args.command == "replay" else diff(args)
    except CoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # a reader like `head` left early: nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_DIFFERENT


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise EventError(f"{path}: cannot read: {error}") from None


def _parse(text: str, where: str) -> JSON:
    try:
        return loads_strict(text)
    except ValueError as error:
        raise EventError(f"{where}: invalid JSON: {error}") from None


if __name__ == "__main__":
    sys.exit(main())
