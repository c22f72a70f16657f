"""memory.sqlite stays bounded: one checkpoint per conversation, a window of turns, nothing for one-shot asks.

Before: every turn added a checkpoint holding the whole state, history included, so a conversation's n-th
checkpoint was bigger than the last (30 turns: 48 KB for the 30th alone) and the file grew about
quadratically; every question asked without a thread id saved a checkpoint under a random thread id nobody
could read back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from advisor import Advisor, Settings
from advisor.index import Index
from tests.reliability.helpers import SKILLS_Q

# One conversation's cycle on the tiny corpus: answered questions (evidence, citations and all in the
# checkpoint), a follow-up, and greetings, which route straight to the reply (cheap turns).
CYCLE = (SKILLS_Q, "thanks!", "How can a system administrator move into MLOps?", "Hi!",
         "And which tools do they use?", "Hello there")
# 200 turns over 10 threads, measured on this corpus: before the fix 200 checkpoints in a 1,503,232-byte file
# (and growing with every turn); after, 10 checkpoints of at most ~6 KB in a 118,784-byte file that reuses the
# pages older checkpoints freed. `python -m bench.memory --checkpoints`: 1,000 turns over 50 threads, 7.4 MB
# before, 467 KB after.
MAX_MAIN_FILE_BYTES = 300_000


def converse(adv: Advisor, turns: int, threads: int, prefix: str = "conv") -> list[str]:
    """`turns` questions spread round-robin over `threads` conversations; returns the thread ids."""
    ids = [f"{prefix}-{n}" for n in range(threads)]
    for i in range(turns):
        adv.ask(CYCLE[(i // threads) % len(CYCLE)], thread_id=ids[i % threads])
    return ids


def checkpoint_rows(path: Path) -> list[tuple[str, int]]:
    """(thread id, number of checkpoints) per thread in memory.sqlite; none when there is no memory at all."""
    if not path.exists():
        return []
    with sqlite3.connect(path) as con:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'checkpoints'").fetchone():
            return []
        return con.execute("SELECT thread_id, count(*) FROM checkpoints GROUP BY thread_id").fetchall()


def main_file_bytes(path: Path) -> int:
    """Size of memory.sqlite once the WAL is folded in (the WAL itself is capped by SQLite's autocheckpoint)."""
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


def _sqlite(tiny_settings: Settings, **update: object) -> Settings:
    settings = tiny_settings.model_copy(update={"checkpointer": "sqlite", **update})
    Index(settings).ingest()
    return settings


def test_one_shot_asks_write_no_checkpoint(tiny_settings: Settings):
    settings = _sqlite(tiny_settings)
    adv = Advisor(settings)
    for q in (SKILLS_Q, "Hi!", "How can a system administrator move into MLOps?"):
        assert adv.ask(q).thread_id is None
    assert checkpoint_rows(settings.memory_path) == []
    adv.ask(SKILLS_Q, thread_id="kept")  # the same count sees a conversation's checkpoint
    assert checkpoint_rows(settings.memory_path) == [("kept", 1)]


def test_one_shot_asks_leave_the_shared_memory_unchanged(advisor: Advisor):
    advisor.ask("Hi!", thread_id="growth-one-shot")  # memory.sqlite exists from here on
    before = checkpoint_rows(advisor.settings.memory_path)
    advisor.ask("What is an AI engineer?")
    advisor.ask("thanks!")
    assert checkpoint_rows(advisor.settings.memory_path) == before


def test_many_turns_keep_one_checkpoint_per_thread_and_a_bounded_file(tiny_settings: Settings):
    settings = _sqlite(tiny_settings)
    adv = Advisor(settings)
    ids = converse(adv, 200, 10)
    assert sorted(checkpoint_rows(settings.memory_path)) == sorted((t, 1) for t in ids)
    for t in ids:
        history = adv.history(t)
        assert len(history) == 2 * settings.memory_turns  # 20 turns each, the last 12 kept
        assert [m["role"] for m in history] == ["user", "assistant"] * settings.memory_turns
    size = main_file_bytes(settings.memory_path)
    assert size <= MAX_MAIN_FILE_BYTES, f"memory.sqlite is {size:,} bytes after 200 turns"
    # a follow-up still resolves against the kept window
    follow = adv.ask("And which tools do they use?", thread_id=ids[0])
    assert follow.question != "And which tools do they use?" and not follow.refused


def test_the_window_keeps_the_last_turns_and_follow_ups_still_work(tiny_settings: Settings):
    adv = Advisor(_sqlite(tiny_settings, memory_turns=2))
    for q in ("Hi!", "thanks!", "Hello there", SKILLS_Q):
        adv.ask(q, thread_id="w")
    assert [m["content"] for m in adv.history("w") if m["role"] == "user"] == ["Hello there", SKILLS_Q]
    follow = adv.ask("And which tools do they use?", thread_id="w")
    assert "AI engineers" in follow.question
    assert [m["content"] for m in adv.history("w") if m["role"] == "user"] == [SKILLS_Q,
                                                                               "And which tools do they use?"]


def test_the_in_memory_saver_keeps_only_the_latest_checkpoint(tiny_settings: Settings):
    Index(tiny_settings).ingest()
    adv = Advisor(tiny_settings)  # checkpointer="memory"
    converse(adv, 30, 1, prefix="mem")
    saver = adv.graph.checkpointer
    assert [len(ns) for ns in saver.storage["mem-0"].values()] == [1]
    assert len([k for k in saver.blobs if k[0] == "mem-0"]) <= len(adv.graph.channels)
    assert len(adv.history("mem-0")) == 2 * adv.settings.memory_turns
    follow = adv.ask("And which tools do they use?", thread_id="mem-0")  # the kept window still resolves it
    assert "MLOps" in follow.question
