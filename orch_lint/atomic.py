"""Replacing a file atomically: the one way orch-lint writes anything it may be killed during.

The bytes go to a temporary file in the target's own directory (a rename is atomic only
within one file system), which is then renamed over the target with ``os.replace``. A reader,
or a run killed at any moment, sees the old file or the new one, never a part of either; a
failure removes the temporary file. Nothing heavy is imported: the cache uses this too.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional


def replace_atomically(
    path: Path, data: bytes, *, prefix: str, suffix: str = "", mode: Optional[int] = None, durable: bool = False,
) -> None:
    """Write ``data`` to ``path`` through a temporary file named ``prefix...suffix`` beside it.

    ``mode``: the permission bits the new file gets. ``durable``: flush it to disk before the
    rename, for the user's own files (a cache entry that is lost is only a miss).
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
            if durable:
                output.flush()
                os.fsync(output.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
