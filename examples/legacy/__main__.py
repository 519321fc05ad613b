"""``python -m examples.legacy replay --playbook P.yaml --events E.jsonl [--trigger T]``.

Prints the legacy drive's decision in the core's result shape (plus the wall-clock stamps the
legacy drive puts on events), as canonical JSON, so ``shadow-diff`` can compare the two.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from examples.orchestrate_core import CoreError, load_playbook
from examples.orchestrate_core.jsonvalue import canonical_json, loads_strict

from .orchestrator import evaluate


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.legacy")
    commands = parser.add_subparsers(dest="command", required=True)
    replay = commands.add_parser("replay")
    replay.add_argument("--playbook", required=True, type=Path)
    replay.add_argument("--events", required=True, type=Path)
    replay.add_argument("--trigger")
    args = parser.parse_args(argv)
    try:
        rows = [loads_strict(line) for line in args.events.read_text(encoding="utf-8").splitlines()
                if line.strip()]
        result = evaluate(rows, load_playbook(args.playbook), args.trigger)
    except (CoreError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(canonical_json(result.to_dict(), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
