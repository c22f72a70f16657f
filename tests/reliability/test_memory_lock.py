"""The conversation memory (memory.sqlite) held by another writer: a bounded wait, then a clear outcome.

Another process holding `BEGIN EXCLUSIVE` (a backup tool, a second instance
stuck mid-transaction, someone in the sqlite3 shell) must not hang a question.
The advisor waits `memory_busy_timeout` seconds once per turn, then:

* in WAL mode (how the advisor always creates the file) reads still work, so
  the answer is given, with a notice that this turn was not saved;
* if the file was never in WAL mode, even reading is blocked, so the reply
  says the memory is busy and to try again.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from advisor import Advisor, Settings
from advisor.api import MEMORY_BUSY_MESSAGE, MEMORY_UNSAVED_NOTICE
from advisor.index import Index
from tests.reliability.helpers import SKILLS_Q

Q = "What percent of AI engineer postings ask for AI agents?"
BUSY_S = 1.0

HOLDER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "rollback":
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("CREATE TABLE IF NOT EXISTS other_tool (x)")
con.execute("BEGIN EXCLUSIVE")
print("LOCKED", flush=True)
time.sleep(60)
"""


@contextmanager
def held_exclusive(path: Path, journal: str = "wal") -> Iterator[None]:
    """Another process holds an exclusive transaction on `path` until the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), journal], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "LOCKED"
        yield
    finally:
        proc.kill()
        proc.wait(10)


def _thread_questions(adv: Advisor, thread: str) -> list[str]:
    return [m["content"] for m in adv.history(thread) if m["role"] == "user"]


def test_locked_memory_answers_unsaved_with_a_notice_then_recovers(advisor: Advisor):
    adv = Advisor(advisor.settings.model_copy(update={"memory_busy_timeout": BUSY_S}))
    thread = f"lock-{time.time_ns()}"
    adv.ask("What do AI engineers earn in Germany?", thread_id=thread)
    assert _thread_questions(adv, thread) == ["What do AI engineers earn in Germany?"]

    with held_exclusive(adv.settings.memory_path):
        t0 = time.perf_counter()
        answer = adv.ask(Q, thread_id=thread)
        elapsed = time.perf_counter() - t0
        assert elapsed < BUSY_S + 5, f"waited {elapsed:.1f} s on a lock (bound: one busy timeout per turn)"
        assert not answer.refused and "47.3%" in answer.text
        assert MEMORY_UNSAVED_NOTICE in answer.notices
        # reads still work in WAL mode: the history is there, without the unsaved turn
        assert _thread_questions(adv, thread) == ["What do AI engineers earn in Germany?"]

    follow = adv.ask("And for senior ones?", thread_id=thread)  # the lock is gone: saved again, history used
    assert MEMORY_UNSAVED_NOTICE not in follow.notices
    assert "Germany" in follow.question and "senior" in follow.question
    assert _thread_questions(adv, thread)[-1] == "And for senior ones?"


def test_locked_memory_in_rollback_mode_says_busy_without_hanging(tmp_path: Path, tiny_settings: Settings):
    settings = tiny_settings.model_copy(update={"checkpointer": "sqlite", "memory_busy_timeout": BUSY_S})
    Index(settings).ingest()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with held_exclusive(settings.memory_path, journal="rollback"):
        adv = Advisor(settings)
        t0 = time.perf_counter()
        answer = adv.ask(SKILLS_Q, thread_id="t1")
        assert time.perf_counter() - t0 < BUSY_S + 10
        assert answer.refused and answer.text == MEMORY_BUSY_MESSAGE
        again = adv.ask(SKILLS_Q, thread_id="t1")  # still locked: same clear answer, no half-built state
        assert again.text == MEMORY_BUSY_MESSAGE
    answer = adv.ask(SKILLS_Q, thread_id="t1")
    assert not answer.refused and "Python, SQL" in answer.text
    assert [m["content"] for m in adv.history("t1") if m["role"] == "user"] == [SKILLS_Q]
    with sqlite3.connect(settings.memory_path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
