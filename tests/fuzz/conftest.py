"""The fuzz campaign runs only on demand: ``ORCH_LINT_FUZZ_EXAMPLES=10000 pytest tests/fuzz -m fuzz``.

Without the variable nothing here is collected, so the normal suite (and ``pytest -m "not
fuzz"``) never pays for it; the bounded runs in ``tests/test_fuzz.py`` are always part of it.
"""

from __future__ import annotations

import os

collect_ignore_glob = [] if os.environ.get("ORCH_LINT_FUZZ_EXAMPLES") else ["test_*.py"]
