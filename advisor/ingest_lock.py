"""One index-writing process at a time: an advisory lock on `<data_dir>/ingest.lock`, and the detached
process that embeds the postings after a first `advisor ask`.

`flock`, not a pid file: the kernel drops the lock when its holder exits, killed or not, so an interrupted
postings stage never leaves a stale lock for the next one to guess about. The holder writes its pid into
the file, so `advisor ingest --status` can say who is at it.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from advisor.config import Settings
from advisor.storage import DataDirNotWritableError, not_writable_message
from advisor.types import AdvisorError

LOCK_NAME = "ingest.lock"
LOG_NAME = "ingest.log"


class IngestBusyError(AdvisorError):
    """Another process holds the ingest lock (and `wait=False` was asked)."""


class IngestLock:
    """Reentrant within one object (rebuild calls ingest), exclusive across processes and objects."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None
        self._depth = 0

    @contextmanager
    def hold(self, wait: bool = True) -> Iterator[None]:
        if self._depth == 0:
            self._acquire(wait)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._release()

    def _acquire(self, wait: bool) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = self.path.open("a+", encoding="utf-8")
        except OSError as exc:  # read-only or full data dir: say so instead of a traceback
            raise DataDirNotWritableError(not_writable_message(self.path.parent, "the index can't be updated")) from exc
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as exc:
            fh.close()
            raise IngestBusyError(f"Another advisor process (pid {self.holder() or '?'}) is updating the index "
                                  f"in {self.path.parent}; `advisor ingest --status` shows how far it is.") from exc
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh

    def _release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing the descriptor drops the flock
            self._fh = None

    def holder(self) -> int | None:
        """The pid of the process holding the lock, or None when nobody does."""
        if self._depth:
            return os.getpid()
        if not self.path.exists():
            return None
        with self.path.open("r", encoding="utf-8") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                text = fh.read().strip()
                return int(text) if text.isdigit() else -1
            fcntl.flock(fh, fcntl.LOCK_UN)
            return None


def start_background_ingest(settings: Settings) -> int | None:
    """Start `advisor ingest --background` detached (its own session, output to `<data_dir>/ingest.log`);
    returns its pid, or None when another process already holds the lock.

    The child takes the lock itself and exits quietly if it lost a race for it, so two `ask`s starting one
    each still embed the postings once.
    """
    if IngestLock(settings.data_dir / LOCK_NAME).holder() is not None:
        return None
    cmd = [sys.executable, "-m", "advisor", "--data-dir", str(settings.data_dir),
           "--corpus-dir", str(settings.corpus_dir), "ingest", "--background"]
    with (settings.data_dir / LOG_NAME).open("ab") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, close_fds=True)
    return proc.pid
