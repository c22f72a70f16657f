"""Files in the data directory that can break: is the directory writable, and moving a broken file aside.

Everything in `ADVISOR_DATA_DIR` (the Chroma index, the vector cache, the DuckDB
store) is derived from the corpus and can be rebuilt, but a broken file is
renamed, never deleted: the person running the advisor may want to look at it,
and a rename is cheap. Permission bits can't tell whether a directory is
writable (root ignores them; a read-only mount overrides them), so writability
is probed by creating a file.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

from advisor.types import IndexNotReadyError

log = logging.getLogger(__name__)

# SQLite keeps these next to a database; a hot journal left behind would be replayed into the new file.
SQLITE_SIDECARS = ("-journal", "-wal", "-shm")


class DataDirNotWritableError(IndexNotReadyError):
    """The data directory can't be written; the message names it (and says nothing was deleted)."""


def writable(directory: Path) -> bool:
    """Whether a file can be created in `directory` (made if missing)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            return True
    except OSError:
        return False


def not_writable_message(directory: Path, what: str) -> str:
    return (
        f"The data directory {directory} is not writable, so {what}. It must be writable: fix its permissions, "
        "or point ADVISOR_DATA_DIR (--data-dir) at a writable directory. Nothing was deleted."
    )


def require_writable(directory: Path, what: str) -> None:
    """Raise a readable `DataDirNotWritableError` before a write that would fail halfway."""
    if not writable(directory):
        raise DataDirNotWritableError(not_writable_message(directory, what))


def aside_name(path: Path, label: str) -> Path:
    """`<name>.<label>-<timestamp>` next to `path`, not yet taken."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
        n += 1
    return target


def move_aside(path: Path, label: str = "corrupt", sidecars: tuple[str, ...] = ()) -> Path:
    """Rename `path` (a file or a directory) and its `sidecars` out of the way; returns the new path.

    Raises OSError when the directory can't be written (the caller decides what that means).
    """
    target = aside_name(path, label)
    os.rename(path, target)
    for suffix in sidecars:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.rename(side, target.with_name(target.name + suffix))
    return target
