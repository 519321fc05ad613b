"""The CLI run as a user whom file permissions bind, even when the tests run as root.

Root ignores read and write permissions (CAP_DAC_OVERRIDE), so a test of an unreadable file or
a read-only directory would prove nothing under root. Dropping those capabilities from the
bounding set before ``exec`` leaves the child a root that permissions bind: ``chmod 000`` then
means what it says. Where even that is not possible, the tests that need it are skipped.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, Optional, Sequence

import pytest

PR_CAPBSET_DROP = 24
#: CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER: what lets root ignore permission bits.
PERMISSION_CAPABILITIES = (1, 2, 3)


def _drop_permission_capabilities() -> None:  # runs in the child, between fork and exec
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in PERMISSION_CAPABILITIES:
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_bound(args: Sequence[str], cwd: Path, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    """``python -m orch_lint ARGS`` in ``cwd``, bound by file permissions."""
    return subprocess.run(
        [sys.executable, "-m", "orch_lint", *args], cwd=cwd, capture_output=True, text=True,
        env=dict(os.environ, **(env or {})), preexec_fn=_drop_permission_capabilities,
    )


def require_permissions_bind() -> None:
    """Skip the calling test where an unreadable file can still be read by ``run_bound``'s child."""
    if sys.platform == "win32":
        pytest.skip("POSIX permission bits")
    with tempfile.TemporaryDirectory() as directory:
        secret = Path(directory) / "secret"
        secret.write_text("x")
        secret.chmod(0)
        try:
            probe = subprocess.run(
                [sys.executable, "-c", f"open({str(secret)!r}).read()"], capture_output=True,
                preexec_fn=_drop_permission_capabilities,
            )
        except (OSError, subprocess.SubprocessError) as error:
            pytest.skip(f"cannot drop the permission capabilities: {error}")
        if probe.returncode == 0:
            pytest.skip("permission bits do not bind this user")
