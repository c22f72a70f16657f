"""Deployment shapes beyond one process on one disk: a Chroma server, a Postgres checkpointer, several instances.

* Chroma client/server: a real `chroma run` (the CLI ships with chromadb and runs offline) on a free localhost
  port; ingest and ask go through `Settings(chroma_host=..., chroma_port=...)`. A second instance with its own
  (empty) data dir attaches to the same server index without embedding anything. A server that goes away gives
  a clear message naming the server, not a traceback or advice to rebuild a local index.
* Postgres checkpointer: a throwaway cluster (`initdb` + `pg_ctl`, as the `postgres` user when running as
  root), or `ADVISOR_TEST_POSTGRES_DSN` if set. Skipped, with the reason, when psycopg or the saver are not
  installed (`pip install -e ".[postgres]"`) or no server can be started. Conversation memory is shared by two
  instances: a follow-up asked on one is resolved from the question asked on the other.
* Two instances on one data dir with the SQLite checkpointer, asking concurrently: no lock errors, no lost turns.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from advisor import Advisor, Settings
from advisor.api import MEMORY_UNSAVED_NOTICE
from tests.backends.scripted import free_port
from tests.reliability.helpers import SKILLS_Q, write_corpus


# -- Chroma server -----------------------------------------------------------------------------------------
@pytest.fixture()
def chroma_server(tmp_path: Path) -> Iterator[tuple[str, int, subprocess.Popen[bytes]]]:
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.skip("the `chroma` CLI (installed with chromadb) is not on PATH")
    port = free_port()
    log = tmp_path / "chroma.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"`chroma run` did not start: {log.read_text(errors='replace')[-500:]}")
            time.sleep(0.2)
        yield "127.0.0.1", port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def test_chroma_client_server_mode_ingests_answers_and_serves_a_second_instance(tmp_path: Path, chroma_server):
    host, port, proc = chroma_server
    corpus = write_corpus(tmp_path / "corpus")

    def settings(name: str) -> Settings:
        return Settings(corpus_dir=corpus, data_dir=tmp_path / name, include_postings=False, checkpointer="memory",
                        chroma_host=host, chroma_port=port)

    first = Advisor(settings("instance-1"))
    report = first.ingest()
    assert report.collections["passages"]["added"] == 3 and report.embedded == 3
    assert not (tmp_path / "instance-1" / "chroma").exists()  # the index lives in the server, not on local disk
    answer = first.ask(SKILLS_Q)
    assert not answer.refused and "Python, SQL" in answer.text

    second = Advisor(settings("instance-2"))  # another host: its own empty data dir and vector cache
    report = second.ingest()
    assert report.embedded == 0 and report.collections["passages"]["unchanged"] == 3
    assert "Python, SQL" in second.ask(SKILLS_Q).text

    proc.terminate()
    proc.wait(10)
    t0 = time.perf_counter()
    down = Advisor(settings("instance-3")).ask(SKILLS_Q)
    assert time.perf_counter() - t0 < 30
    assert down.refused and f"{host}:{port}" in down.text and "Traceback" not in down.text


# -- Postgres checkpointer --------------------------------------------------------------------------------
def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


@pytest.fixture(scope="module")
def postgres_dsn() -> Iterator[str]:
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[postgres]'")
    pytest.importorskip("langgraph.checkpoint.postgres",
                        reason="langgraph-checkpoint-postgres is not installed: pip install -e '.[postgres]'")
    if os.environ.get("ADVISOR_TEST_POSTGRES_DSN"):
        yield os.environ["ADVISOR_TEST_POSTGRES_DSN"]
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("no Postgres server binaries (initdb, pg_ctl) and ADVISOR_TEST_POSTGRES_DSN is not set")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="advisor-pg-"))
    if os.geteuid() == 0:  # postgres refuses to run as root
        runuser = shutil.which("runuser")
        if not runuser:
            pytest.skip("running as root and `runuser` is missing: cannot start Postgres as another user")
        as_user = [runuser, "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
        root.chmod(0o700)
    port = free_port()
    data = root / "data"
    start = [*as_user, pg_ctl, "-D", str(data), "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1",
             "-l", str(root / "log"), "-w", "-t", "30", "start"]
    try:
        subprocess.run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "advisor"], check=True,
                       capture_output=True, timeout=120)
        subprocess.run(start, check=True, capture_output=True, timeout=60)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, KeyError, LookupError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"could not start a local Postgres: {exc} {detail.decode(errors='replace')[-300:]}")
    try:
        yield f"postgresql://advisor@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True,
                       timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def test_postgres_checkpointer_shares_conversations_between_instances(advisor: Advisor, postgres_dsn: str):
    settings = advisor.settings.model_copy(update={"checkpointer": "postgres", "postgres_dsn": postgres_dsn})
    one, two = Advisor(settings), Advisor(settings)  # two instances (two connections), like two processes
    thread = f"pg-{uuid.uuid4().hex}"
    first = one.ask("What do AI engineers earn in Germany?", thread_id=thread)
    assert not first.refused
    follow = two.ask("And for senior ones?", thread_id=thread)  # resolved from the turn the other instance saved
    assert "Germany" in follow.question and "senior" in follow.question
    history = Advisor(settings).history(thread)
    assert [m["content"] for m in history if m["role"] == "user"] == [
        "What do AI engineers earn in Germany?", "And for senior ones?"]

    errors: list[BaseException] = []

    def converse(adv: Advisor, country: str) -> None:
        tid = f"pg-{country}-{uuid.uuid4().hex}"
        try:
            adv.ask(f"What do AI engineers earn in {country}?", thread_id=tid)
            assert country in adv.ask("And for senior ones?", thread_id=tid).question
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    workers = [threading.Thread(target=converse, args=(adv, c))
               for adv, c in ((one, "France"), (two, "Canada"), (one, "India"), (two, "Spain"))]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert not errors, errors


# -- several instances on one SQLite file -------------------------------------------------------------------
def test_two_instances_share_one_sqlite_memory_concurrently(advisor: Advisor):
    one, two = Advisor(advisor.settings), Advisor(advisor.settings)  # separate connections to memory.sqlite
    results: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def converse(adv: Advisor, country: str) -> None:
        tid = f"multi-{country}-{uuid.uuid4().hex}"
        try:
            answers = [adv.ask(q, thread_id=tid) for q in (f"What do AI engineers earn in {country}?",
                                                           "And for senior ones?")]
            assert all(MEMORY_UNSAVED_NOTICE not in a.notices for a in answers)
            results[tid] = [a.question for a in answers]
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    countries = ["Germany", "France", "Canada", "India"]
    workers = [threading.Thread(target=converse, args=(one if i % 2 else two, c)) for i, c in enumerate(countries)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert not errors, errors
    assert len(results) == len(countries)
    for tid, questions in results.items():
        country = tid.split("-")[1]
        assert all(country in q for q in questions), questions
        saved = [m["content"] for m in one.history(tid) if m["role"] == "user"]
        assert len(saved) == 2
