"""Broken files in the data directory: a corrupt vector cache, a corrupt DuckDB store, a read-only directory.

Each is derived data, so the promise is repair, not a traceback: an unreadable
vector cache is moved aside (`embeddings.sqlite.corrupt-<time>`) and started
afresh; an unreadable store is rebuilt from the CSVs (on open, on the query that
hits the damage, or by `advisor ingest`); each repair says so in one line. A
read-only data directory gets a message naming it and saying it must be
writable, never advice to `--rebuild` (which could not help), and whatever only
reads (the data tools) still works.

Faults are observed through the real entry points: `Advisor.ask` on a fresh
Advisor, and the `advisor` CLI as a separate process. A read-only directory is
made with a private read-only bind mount (`unshare -m`) when running as root
(root ignores permission bits), with `chmod` otherwise.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from advisor import Advisor, Settings
from advisor.data.store import open_store
from advisor.index import Index
from tests.figures import survey_median
from tests.reliability.helpers import REPO, SKILLS_Q, cli_env, run_cli

SALARY_Q = "What does a senior machine learning engineer earn in the US?"
# the survey's median for senior ML engineers in the US (full salaries CSV), computed with pandas
SALARY_FIGURE = survey_median(job_title="Machine Learning Engineer", company_location="US", experience_level="SE")


def damage(path: Path, how: str) -> None:
    """Break a database file the ways disks and people do: overwrite it, cut it short, scribble over its middle."""
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(b"this is not a database" * 200)
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:  # "scribbled": the header survives, the second half is random
        rnd = random.Random(7)
        half = len(data) // 2
        path.write_bytes(data[:half] + bytes(rnd.getrandbits(8) for _ in range(len(data) - half)))


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr[-3000:]


@pytest.fixture()
def sliced(advisor: Advisor, tmp_path: Path) -> Settings:
    """A private copy of the session's indexed corpus slice (index, vector cache, store) that a test may break."""
    open_store(advisor.settings)  # the store exists before it is copied
    data = tmp_path / "data"
    shutil.copytree(advisor.settings.data_dir, data, ignore=shutil.ignore_patterns("memory.sqlite*", "*.tmp-*"))
    return advisor.settings.model_copy(update={"data_dir": data, "checkpointer": "memory"})


# -- the vector cache ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["garbage", "truncated"])
def test_corrupt_vector_cache_is_moved_aside_and_questions_still_answer(tiny_settings: Settings, how: str,
                                                                       caplog: pytest.LogCaptureFixture):
    Index(tiny_settings).ingest()
    cache = tiny_settings.embed_cache_path
    damage(cache, how)
    broken = cache.read_bytes()

    with caplog.at_level(logging.WARNING):
        advisor = Advisor(tiny_settings)
        answer = advisor.ask(SKILLS_Q)
    assert not answer.refused and "Python, SQL" in answer.text

    moved = list(cache.parent.glob("embeddings.sqlite.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == broken  # kept as it was, for whoever wants to look
    assert any("moved it to embeddings.sqlite.corrupt-" in n for n in advisor.embedder.notices)
    assert any("vector cache" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    with contextlib.closing(sqlite3.connect(cache)) as db:  # the new cache is a database, and it is being filled
        assert db.execute("SELECT count(*) FROM vec").fetchone()[0] >= 1


def test_corrupt_vector_cache_then_ingest_rebuild_works_from_the_cli(tiny_settings: Settings):
    Index(tiny_settings).ingest()
    damage(tiny_settings.embed_cache_path, "garbage")

    rebuilt = run_cli(tiny_settings, "ingest", "--rebuild", timeout=180)
    no_traceback(rebuilt)
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    assert "moved it to embeddings.sqlite.corrupt-" in rebuilt.stderr
    assert "3 added" in rebuilt.stdout
    asked = run_cli(tiny_settings, "ask", SKILLS_Q)
    no_traceback(asked)
    assert "Python, SQL" in asked.stdout


# -- the DuckDB store -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["garbage", "truncated", "scribbled"])
def test_corrupt_store_is_rebuilt_and_the_pay_question_is_answered(sliced: Settings, how: str,
                                                                   caplog: pytest.LogCaptureFixture):
    damage(sliced.store_path, how)
    with caplog.at_level(logging.WARNING):
        answer = Advisor(sliced).ask(SALARY_Q)
    assert not answer.refused, answer.text
    assert SALARY_FIGURE in answer.text
    assert not any("tool failed" in n for n in answer.notices), answer.notices
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert any("rebuilt it from the CSVs" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("how", ["truncated", "scribbled"])
def test_corrupt_store_salary_command_repairs_and_says_so(sliced: Settings, how: str):
    damage(sliced.store_path, how)
    result = run_cli(sliced, "salary", "senior machine learning engineer", "--country", "US")
    no_traceback(result)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "rebuilt it from the CSVs" in result.stderr
    assert SALARY_FIGURE in result.stdout


def test_ingest_finds_and_repairs_a_damaged_store_and_rebuild_rebuilds_it(sliced: Settings):
    damage(sliced.store_path, "scribbled")
    ingested = run_cli(sliced, "ingest", timeout=180)
    no_traceback(ingested)
    assert ingested.returncode == 0, ingested.stderr[-2000:]
    assert "rebuilt it from the CSVs" in ingested.stderr
    with contextlib.closing(duckdb.connect(str(sliced.store_path), read_only=True)) as con:  # reads whole now
        assert con.execute("SELECT count(*), sum(salary_in_usd) FROM salaries").fetchone()[0] == 74301
        built_at = con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()[0]

    rebuilt = run_cli(sliced, "ingest", "--rebuild", timeout=180)
    no_traceback(rebuilt)
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    with contextlib.closing(duckdb.connect(str(sliced.store_path), read_only=True)) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()[0] != built_at
    assert not list(sliced.data_dir.glob("chroma.*")), "a readable old index is replaced, not kept"


# -- a read-only data directory ----------------------------------------------------------------------------------
@functools.cache
def _unshare_works(tmp: Path) -> bool:
    probe = tmp / "probe"
    probe.mkdir(exist_ok=True)
    script = 'mount --bind -o ro "$0" "$0" && ! touch "$0/x" 2>/dev/null'
    try:
        return subprocess.run(["unshare", "-m", "sh", "-c", script, str(probe)], capture_output=True,
                              timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@contextlib.contextmanager
def _chmod_read_only(root: Path) -> Iterator[None]:
    paths = [root, *root.rglob("*")]
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield
    finally:
        for p in paths:
            p.chmod(0o755 if p.is_dir() else 0o644)


def run_cli_read_only(settings: Settings, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process that sees `settings.data_dir` read-only."""
    cmd = [sys.executable, "-m", "advisor", "--data-dir", str(settings.data_dir), "--corpus-dir",
           str(settings.corpus_dir), *args]
    return run_read_only(settings, tmp, cmd)


def run_read_only(settings: Settings, tmp: Path, cmd: list[str]) -> subprocess.CompletedProcess[str]:
    """`cmd` in a process that sees `settings.data_dir` read-only."""
    run = {"cwd": REPO, "env": cli_env(settings), "capture_output": True, "text": True, "timeout": 180}
    if os.geteuid() != 0:
        with _chmod_read_only(settings.data_dir):
            return subprocess.run(cmd, **run)  # type: ignore[call-overload,no-any-return]
    if not _unshare_works(tmp):
        pytest.skip("running as root without a way to mount read-only (unshare -m)")
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    return subprocess.run(["unshare", "-m", "sh", "-c", script, str(settings.data_dir), *cmd],  # type: ignore[call-overload,no-any-return]
                          **run)


def _says_not_writable(result: subprocess.CompletedProcess[str], settings: Settings) -> None:
    out = result.stdout + result.stderr
    no_traceback(result)
    assert f"data directory {settings.data_dir} is not writable" in out, out[-2000:]
    assert "--rebuild" not in out  # rebuilding can't help a read-only directory


@pytest.mark.parametrize("rebuild", [False, True])
def test_ingest_on_a_read_only_data_dir_names_it_and_deletes_nothing(sliced: Settings, tmp_path: Path,
                                                                     rebuild: bool):
    before = sorted(p.relative_to(sliced.data_dir) for p in sliced.data_dir.rglob("*"))
    result = run_cli_read_only(sliced, tmp_path, "ingest", *(["--rebuild"] if rebuild else []))
    assert result.returncode == 1
    _says_not_writable(result, sliced)
    assert sorted(p.relative_to(sliced.data_dir) for p in sliced.data_dir.rglob("*")) == before


def test_ask_on_a_read_only_data_dir_names_it_and_the_data_tools_still_work(sliced: Settings, tmp_path: Path):
    asked = run_cli_read_only(sliced, tmp_path, "ask", SKILLS_Q)  # memory checkpointer: Chroma is what can't open
    assert asked.returncode == 0
    _says_not_writable(asked, sliced)

    salary = run_cli_read_only(sliced, tmp_path, "salary", "senior machine learning engineer", "--country", "US")
    no_traceback(salary)
    assert salary.returncode == 0 and SALARY_FIGURE in salary.stdout  # reading is all it needs


def test_conversation_memory_on_a_read_only_data_dir_names_it(sliced: Settings, tmp_path: Path):
    """The SQLite memory is the first thing a threaded question opens after the index: its error names the dir."""
    code = ("import sys\nfrom pathlib import Path\nfrom advisor import Advisor\n"
            "from advisor.storage import DataDirNotWritableError\n"
            "adv = Advisor(data_dir=Path(sys.argv[1]), checkpointer='sqlite')\n"
            "try:\n    adv._checkpointer()\nexcept DataDirNotWritableError as exc:\n    print(exc)\n")
    (sliced.data_dir / "memory.sqlite").unlink(missing_ok=True)
    result = run_read_only(sliced, tmp_path, [sys.executable, "-c", code, str(sliced.data_dir)])
    no_traceback(result)
    assert f"data directory {sliced.data_dir} is not writable" in result.stdout, result.stdout + result.stderr
