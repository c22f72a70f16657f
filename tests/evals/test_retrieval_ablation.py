"""The retrieval ablation ranks every passage exactly, so its ranks agree with Chroma and find every gold quote."""

import json

import numpy as np
import pytest

from advisor.index import PASSAGES
from evals.harness import prepare_case
from evals.retrieval_ablation import DEVSET, Signals, ranks, rrf, run


def test_ranks_and_rrf():
    r = ranks(np.array([0.2, 0.9, 0.5]))
    assert r.tolist() == [2, 0, 1]
    fused = rrf(np.array([0, 1]), np.array([1, 0]), k=0)
    assert fused[0] == fused[1] == 1.0 + 0.5


@pytest.fixture(scope="module")
def signals(advisor):
    return Signals(advisor)


def test_dense_variant_agrees_with_chroma(advisor, signals):
    question = "What percent of AI engineer postings ask for AI agents?"
    dense = signals.variants(question)["dense (chunk vector)"]
    best = signals.docs[int(np.argmin(dense))]
    top = advisor.index.query(PASSAGES, advisor.embedder.encode_one(question), 1, None)[0]
    assert best.id == top.id


def test_run_scores_gold_passages_of_real_cases(advisor, signals):
    cases = [prepare_case(json.loads(line)) for line in DEVSET.read_text().splitlines()[:4]]
    report = {"configs": {"advisor": {"cases": [{"id": c["id"], "question": c["question"]} for c in cases]}}}
    result = run(advisor, report, cases, signals=signals)
    assert result["cases"] >= 1 and result["passages"] == len(signals.docs)
    assert all(0.0 <= v <= 1.0 for v in result["recall@5"].values())
    ranked = [r for per in result["gold_ranks"].values() for r in per["bm25"]]
    assert ranked and all(r is not None for r in ranked)  # every gold quote is in some indexed passage
