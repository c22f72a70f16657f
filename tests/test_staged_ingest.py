"""Staged ingest: the index answers after its first stage; the postings follow in batches, resumably, one
process at a time; a first `advisor ask` leaves them to a detached background ingest.

All on the sliced corpus (300 postings, written 100 at a time), with the real model and Chroma.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor import Advisor, Settings
from advisor.cli import cli
from advisor.index import PASSAGES, POSTINGS, Index, StageState
from advisor.ingest_lock import IngestBusyError, IngestLock

REPO = Path(__file__).resolve().parents[1]
POSTING_SEARCH = "Show me data analyst jobs in the United States"
STATISTICS = "What percent of AI engineer postings ask for AI agents?"
BATCH = 100

# Runs in the child: a postings stage in batches of 100 that parks after the first batch is written, holding
# the ingest lock, until the test kills it.
DRIVER = """
import sys, time
from pathlib import Path
from advisor.config import Settings
from advisor.index import Index

corpus, data = Path(sys.argv[1]), Path(sys.argv[2])
index = Index(Settings(corpus_dir=corpus, data_dir=data))
index.postings_batch = 100

def progress(stage, done, total):
    if stage == "postings indexed":
        print(f"MIDWAY {done}/{total}", flush=True)
        time.sleep(120)

index.ingest(progress=progress)
print("FINISHED", flush=True)
"""


@pytest.fixture(scope="module")
def passage_vectors(corpus_slice: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vector cache holding the passages' vectors (not the postings'), so each test's first stage is quick
    and its postings still reach the model."""
    settings = Settings(corpus_dir=corpus_slice, data_dir=tmp_path_factory.mktemp("warm"), include_postings=False)
    Index(settings).ingest()
    return settings.embed_cache_path


@pytest.fixture
def fresh(corpus_slice: Path, passage_vectors: Path, tmp_path: Path) -> Settings:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(passage_vectors, data / passage_vectors.name)
    return Settings(corpus_dir=corpus_slice, data_dir=data, checkpointer="memory")


def _fresh(settings: Settings) -> Index:
    """An Index reading the files as they are now, as the next process would (Chroma caches a store per path)."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    index = Index(settings)
    index.postings_batch = BATCH
    return index


def _cli(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--data-dir", str(settings.data_dir), "--corpus-dir", str(settings.corpus_dir),
                                    *args], catch_exceptions=False)


def test_the_first_stage_answers_and_posting_search_says_not_yet(fresh: Settings) -> None:
    settings = fresh
    advisor = Advisor(settings)
    report = advisor.ingest(defer_postings=True)
    index = advisor.index
    assert index.is_ready() and POSTINGS not in report.collections
    assert index.collection_state(PASSAGES).complete
    postings = index.collection_state(POSTINGS)
    assert postings is not None and postings.state is StageState.PENDING and postings.indexed == 0
    assert "postings: not started yet (pending)" in report.summary()

    stats = advisor.ask(STATISTICS)  # pandas over the postings CSV: needs no embedded posting
    assert not stats.refused and "%" in stats.text, stats.text
    listing = advisor.ask(POSTING_SEARCH)
    assert not [c for c in listing.citations if c.kind == "posting"]
    assert any("still being added to the search index (not started yet)" in n for n in listing.notices), \
        listing.notices


def test_a_stopped_postings_stage_resumes_where_it_stopped(fresh: Settings) -> None:
    settings = fresh

    def stop_after_two_batches(stage: str, done: int, total: int) -> None:
        if stage == "postings indexed" and done == 2 * BATCH:
            raise KeyboardInterrupt  # Ctrl-C right after the second batch was written

    with pytest.raises(KeyboardInterrupt):
        _fresh(settings).ingest(progress=stop_after_two_batches)
    index = _fresh(settings)
    state = index.collection_state(POSTINGS)
    assert (state.state, state.indexed, state.total) == (StageState.PARTIAL, 200, 300)
    assert index.lock.holder() is None  # the lock went with the stage
    notices = Advisor(settings).ask(POSTING_SEARCH).notices
    assert any("(200 of 300 embedded)" in n for n in notices), notices

    resumed = _fresh(settings)
    report = resumed.ingest()
    c = report.collections[POSTINGS]
    assert (c["added"], c["unchanged"], c["total"]) == (100, 200, 300)
    assert report.embedded == 100  # only the batch never written reached the model
    assert resumed.collection_state(POSTINGS).complete
    assert len(resumed.all_docs(POSTINGS)) == 300

    quiet = _fresh(settings)
    again = quiet.ingest()  # unchanged and complete: the fingerprint answers, nothing heavy is opened
    assert quiet._client is None and again.embedded == 0 and again.collections[POSTINGS]["unchanged"] == 300


def test_one_postings_stage_at_a_time_and_a_killed_one_leaves_no_lock(fresh: Settings) -> None:
    settings = fresh
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(settings.corpus_dir), str(settings.data_dir)], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("MIDWAY 100/300"), line
        index = _fresh(settings)
        assert index.lock.holder() == proc.pid
        with pytest.raises(IngestBusyError, match=f"pid {proc.pid}"):
            index.ingest(wait=False)
        background = _cli(settings, "ingest", "--background")  # what a second `ask` would start: steps aside
        assert background.exit_code == 0 and f"pid {proc.pid}" in background.output
        status = _cli(settings, "ingest", "--status").output
        assert "postings: partial, 100 of 300 embedded" in status and f"process {proc.pid}" in status
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert IngestLock(settings.data_dir / "ingest.lock").holder() is None
    report = _fresh(settings).ingest(wait=False)
    assert report.collections[POSTINGS]["added"] == 200 and report.embedded == 200


def test_a_first_ask_answers_then_embeds_the_postings_in_the_background(fresh: Settings) -> None:
    settings = fresh
    result = _cli(settings, "ask", STATISTICS)
    assert result.exit_code == 0 and "%" in result.output and "Sources:" in result.output
    assert "postings follow in the background" in result.output
    assert "embedding the postings for posting search in the background" in result.output
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        state = _fresh(settings).collection_state(POSTINGS)
        if state.complete and _fresh(settings).lock.holder() is None:
            break
        time.sleep(1)
    else:
        pytest.fail(f"the background ingest did not finish: {(settings.data_dir / 'ingest.log').read_text()}")
    assert "no ingest running" in _cli(settings, "ingest", "--status").output
    listing = Advisor(settings).ask(POSTING_SEARCH)
    assert [c for c in listing.citations if c.kind == "posting"], listing.text
