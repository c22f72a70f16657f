"""Index faults: an ingest killed midway, a deleted or corrupt index directory.

The promise (advisor/index.py): all embedding happens before the first write,
writes are idempotent upserts keyed by content hash, and the manifest is
replaced atomically at the very end. So a killed ingest leaves an index that
still answers, and the next ingest finishes the job; a broken index says how to
rebuild it instead of crashing, and the rebuild works (from the vector cache).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor import Advisor, Settings
from advisor.cli import cli
from advisor.index import PASSAGES, Index
from advisor.types import IndexNotReadyError
from tests.reliability.helpers import REPO, SKILLS_Q, cli_env, run_cli

# Runs in the child: an ordinary ingest whose progress callback parks the process at the chosen stage, so the
# kill lands exactly "midway" (after some batches, before others). Small batches make "midway" exist on a tiny
# corpus: Embedder(batch_size=2) reports every 32 texts, CHROMA_MAX_BATCH=20 writes 20 documents at a time.
DRIVER = """
import sys, time
from pathlib import Path
import advisor.index as index_mod
from advisor.config import Settings
from advisor.embeddings import Embedder
from advisor.index import Index

stop_at, corpus, data = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
index_mod.CHROMA_MAX_BATCH = 20
settings = Settings(corpus_dir=corpus, data_dir=data, include_postings=False)

def progress(stage, done, total):
    if stage.startswith(stop_at) and 0 < done < total:
        print(f"MIDWAY {stage} {done}/{total}", flush=True)
        time.sleep(120)  # parked until the test kills us

Index(settings, Embedder(settings.embed_cache_path, batch_size=2)).ingest(progress=progress)
print("FINISHED", flush=True)
"""

NEW_DOCS = 100


def _add_articles(settings: Settings, n: int = NEW_DOCS) -> None:
    for i in range(n):
        (settings.articles_dir / f"new_{i:03d}.txt").write_text(
            f"Remote work note {i}\nTeam {i} hires contract data annotators number {i} for a labelling project.\n",
            encoding="utf-8")


def _kill_midway(settings: Settings, stage: str) -> str:
    """Start the driver, wait for it to park at `stage`, SIGKILL it; returns the line it printed."""
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, stage, str(settings.corpus_dir), str(settings.data_dir)],
                            cwd=REPO, env=cli_env(settings), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until MIDWAY (or EOF if the child died)
        assert line.startswith("MIDWAY"), f"the ingest never reached {stage!r}: {line!r}"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
        return line.strip()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _fresh_index(settings: Settings) -> Index:
    """An Index that reads the files as they are now, as a restarted process would.

    Chroma shares one in-memory system per path within a process; dropping that
    cache makes the next client open the store from disk.
    """
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return Index(settings)


@pytest.mark.parametrize("stage", ["embedding", "writing passages"])
def test_ingest_killed_midway_leaves_an_answering_index_and_the_next_ingest_completes(tiny_settings: Settings,
                                                                                       stage: str):
    first = Index(tiny_settings).ingest()
    assert first.collections[PASSAGES]["added"] == 3
    manifest_before = json.loads((tiny_settings.data_dir / "manifest.json").read_text())
    _add_articles(tiny_settings)

    line = _kill_midway(tiny_settings, stage)
    assert stage in line

    # The old index still answers, and still says it is the old one (the manifest is written last).
    index = _fresh_index(tiny_settings)
    assert index.is_ready() and index.manifest()["built_at"] == manifest_before["built_at"]
    answer = Advisor(tiny_settings).ask(SKILLS_Q)
    assert not answer.refused and "Python, SQL" in answer.text
    sources = {e.source for e in index.all_docs(PASSAGES)}
    assert {"pay.txt", "skills.txt", "path.txt"} <= sources
    written = len(sources) - 3
    assert written == (0 if stage == "embedding" else 20)  # embedding writes nothing; one batch of 20 was written

    # The next ingest completes: exactly the documents still missing are added, nothing is duplicated.
    report = _fresh_index(tiny_settings).ingest()
    c = report.collections[PASSAGES]
    assert (c["added"], c["unchanged"], c["deleted"]) == (NEW_DOCS - written, 3 + written, 0)
    assert len(_fresh_index(tiny_settings).all_docs(PASSAGES)) == 3 + NEW_DOCS
    assert Advisor(tiny_settings).ask(SKILLS_Q).citations


def test_deleted_index_directory_says_how_to_rebuild_and_the_rebuild_works(tiny_settings: Settings):
    Index(tiny_settings).ingest()
    import shutil

    shutil.rmtree(tiny_settings.index_dir)
    answer = Advisor(tiny_settings).ask(SKILLS_Q)
    assert answer.refused and answer.intent == "error"
    assert "advisor ingest --rebuild" in answer.text and "missing" in answer.text

    args = ["--data-dir", str(tiny_settings.data_dir), "--corpus-dir", str(tiny_settings.corpus_dir)]
    result = CliRunner().invoke(cli, [*args, "ingest", "--rebuild"], env={"ADVISOR_INCLUDE_POSTINGS": "false"})
    assert result.exit_code == 0, result.output
    assert "Embedded 0 texts" in result.output  # vectors come from the cache: a rebuild is cheap
    answer = Advisor(tiny_settings).ask(SKILLS_Q)
    assert not answer.refused and "Python, SQL" in answer.text


def test_corrupt_index_gives_a_clear_message_in_a_fresh_process_and_rebuild_works(tiny_settings: Settings):
    Index(tiny_settings).ingest()
    for f in tiny_settings.index_dir.rglob("*.sqlite3"):
        f.write_bytes(b"this is not a database" * 200)

    t0 = time.perf_counter()
    asked = run_cli(tiny_settings, "ask", SKILLS_Q)
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert "advisor ingest --rebuild" in asked.stdout
    assert "Traceback" not in asked.stdout + asked.stderr

    assert time.perf_counter() - t0 < 60

    _fresh_index(tiny_settings)  # this process opens the corrupt files anew, as that CLI process did
    args = ["--data-dir", str(tiny_settings.data_dir), "--corpus-dir", str(tiny_settings.corpus_dir)]
    env = {"ADVISOR_INCLUDE_POSTINGS": "false"}
    plain = CliRunner().invoke(cli, [*args, "ingest"], env=env)  # without --rebuild: refuses clearly
    assert plain.exit_code == 1, plain.output
    assert "advisor ingest --rebuild" in plain.output and not isinstance(plain.exception, IndexNotReadyError)

    rebuilt = CliRunner().invoke(cli, [*args, "ingest", "--rebuild"], env=env)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "3 added" in rebuilt.output
    _fresh_index(tiny_settings)  # as a restarted server would (a running one keeps the old files open)
    answer = Advisor(tiny_settings).ask(SKILLS_Q)
    assert not answer.refused and "Python, SQL" in answer.text


def _scribble_tail(path: Path, keep: float = 0.75) -> None:
    """Overwrite the end of a file with random bytes: the header reads, some pages don't ("partly corrupt")."""
    data = path.read_bytes()
    cut = int(len(data) * keep)
    rnd = random.Random(7)
    path.write_bytes(data[:cut] + bytes(rnd.getrandbits(8) for _ in range(len(data) - cut)))


def test_partly_corrupt_index_ingest_says_rebuild_and_rebuild_moves_it_aside(tiny_settings: Settings):
    Index(tiny_settings).ingest()
    _scribble_tail(tiny_settings.index_dir / "chroma.sqlite3")

    plain = run_cli(tiny_settings, "ingest")
    assert plain.returncode == 1
    assert "Traceback" not in plain.stdout + plain.stderr, plain.stderr[-3000:]
    assert "advisor ingest --rebuild" in plain.stderr

    rebuilt = run_cli(tiny_settings, "ingest", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    assert "Traceback" not in rebuilt.stdout + rebuilt.stderr
    moved = list(tiny_settings.data_dir.glob("chroma.corrupt-*"))
    assert len(moved) == 1 and (moved[0] / "chroma.sqlite3").exists()  # kept, not deleted
    assert str(moved[0]) in rebuilt.stdout and "3 added" in rebuilt.stdout
    asked = run_cli(tiny_settings, "ask", SKILLS_Q)
    assert "Python, SQL" in asked.stdout and "Traceback" not in asked.stderr
