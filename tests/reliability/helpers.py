"""Helpers for the fault and abuse tests: tiny throwaway corpora and the real CLI in a subprocess.

Faults that live in files (a killed ingest, a corrupt index) must be observed
by a process that opens those files fresh, the way a restarted server or the
next CLI call would: Chroma keeps an opened store in memory, so a check in the
same process could pass against a copy that is no longer on disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from advisor import Settings

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]

ARTICLES = {
    "pay.txt": "Salaries\nAI engineers in this survey earn a median of $150,000 a year, well above the typical "
               "software developer.\n",
    "skills.txt": "Skills\nJob postings for AI engineers ask for Python, SQL and hands-on experience building "
                  "RAG pipelines.\n",
    "path.txt": "Getting started\nSystem administrators can move into MLOps by automating model deployment and "
                "monitoring.\n",
}
SKILLS_Q = "Which programming languages and tools are AI engineers expected to know?"


def write_corpus(root: Path, articles: dict[str, str] | None = None) -> Path:
    """A corpus of a few one-chunk articles (no data files: questions here never need the data tools)."""
    (root / "articles").mkdir(parents=True, exist_ok=True)
    for name, text in (articles or ARTICLES).items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    return root


def tiny_settings(root: Path, articles: dict[str, str] | None = None) -> Settings:
    """Settings over a fresh tiny corpus and an empty data dir (not yet ingested)."""
    corpus = write_corpus(root / "corpus", articles)
    return Settings(corpus_dir=corpus, data_dir=root / "data", include_postings=False, checkpointer="memory")


def cli_env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
            "ADVISOR_INCLUDE_POSTINGS": "true" if settings.include_postings else "false",
            "ADVISOR_CHECKPOINTER": settings.checkpointer}


def run_cli(settings: Settings, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    """`advisor --data-dir D --corpus-dir C ARGS...` as a real process, bounded in time."""
    cmd = [sys.executable, "-m", "advisor", "--data-dir", str(settings.data_dir), "--corpus-dir",
           str(settings.corpus_dir), *args]
    return subprocess.run(cmd, cwd=REPO, env=cli_env(settings), capture_output=True, text=True, timeout=timeout)


def run_bounded(call: Callable[[], T], bound: float) -> tuple[T, float]:
    """Run `call` in a thread and fail (instead of hanging the suite) if it outlives `bound` seconds."""
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["result"] = call()
        except BaseException as exc:  # reported below, with the fault that caused it
            out["error"] = exc

    t0 = time.perf_counter()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(bound)
    elapsed = time.perf_counter() - t0
    assert not worker.is_alive(), f"no answer within {bound} s: the fault hangs the advisor"
    assert "error" not in out, f"the fault escaped as {out.get('error')!r}"
    return out["result"], elapsed  # type: ignore[return-value]
