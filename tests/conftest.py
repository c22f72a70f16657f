"""Shared fixtures: a small real slice of the corpus, indexed once per test session.

The slice keeps all five articles and the BLS table (they are small) and the
first 300 postings, so the whole pipeline runs for real (MiniLM, Chroma,
LangGraph) in seconds instead of the full corpus's minutes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from advisor import Advisor, Settings
from advisor.config import DEFAULT_CORPUS, InterpreterChoice

POSTINGS_SLICE = 300


def make_corpus_slice(dest: Path, postings: int = POSTINGS_SLICE) -> Path:
    shutil.copytree(DEFAULT_CORPUS / "articles", dest / "articles")
    (dest / "data" / "postings").mkdir(parents=True)
    src = DEFAULT_CORPUS / "data" / "postings" / "data_jobs_2023_with_salary.csv"
    with src.open(encoding="utf-8") as fh, (dest / "data" / "postings" / src.name).open("w", encoding="utf-8") as out:
        for i, line in enumerate(fh):
            if i > postings:
                break
            out.write(line)
    shutil.copytree(DEFAULT_CORPUS / "data" / "bls", dest / "data" / "bls")
    (dest / "data" / "salaries").mkdir()
    sal = DEFAULT_CORPUS / "data" / "salaries" / "salaries_aijobs_snapshot_2025-01-19.csv"
    os.symlink(sal, dest / "data" / "salaries" / sal.name)
    for p in dest.rglob("*"):
        if p.is_file() and not p.is_symlink():
            p.chmod(0o644)
    return dest


@pytest.fixture(scope="session")
def corpus_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus_slice(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def settings(corpus_slice: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # The rules read the questions here: tests that configure an endpoint script (and count) its calls for the
    # answer; the LLM interpreter's own tests (tests/agent/test_interpreters.py, tests/backends/) choose it.
    return Settings(corpus_dir=corpus_slice, data_dir=tmp_path_factory.mktemp("data"),
                    interpreter=InterpreterChoice.RULES)


@pytest.fixture(scope="session")
def advisor(settings: Settings) -> Advisor:
    adv = Advisor(settings)
    adv.ensure_index()
    return adv
