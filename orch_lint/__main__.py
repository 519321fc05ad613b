"""``python -m orch_lint``: the same as the ``orch-lint`` console script."""

from __future__ import annotations

import sys

from orch_lint.cli import main

sys.exit(main())
