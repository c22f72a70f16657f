"""Hybrid retrieval on the corpus slice: both methods contribute, switches work, filters hold, no near-duplicates."""

from __future__ import annotations

import pytest

from advisor.agent.nodes import MIN_RELEVANCE
from advisor.index import PASSAGES
from advisor.retrieval import RetrievalConfig, _near_duplicate, _rerank, spell_out


@pytest.fixture(scope="module")
def retriever(advisor):
    assert advisor.graph is not None  # building the graph builds the retriever
    return advisor.retriever


def test_results_carry_dense_scores_and_fusion_ranks(retriever):
    hits = retriever.search("What percent of AI engineer postings ask for AI agents?", k=6)
    assert len(hits) == 6
    assert all(-1.0 <= h.score <= 1.0 and h.metadata["rrf"] > 0 for h in hits)
    fused = [h.metadata["rrf"] for h in hits]
    assert fused == sorted(fused, reverse=True)
    assert any("47.3%" in h.text for h in hits[:3])


def test_keyword_search_finds_a_rare_exact_term(retriever):
    bm25 = retriever.search("LangGraph", k=5, config=RetrievalConfig(use_dense=False, dedupe=False))
    assert bm25 and all("langgraph" in h.text.lower() for h in bm25)
    hybrid = retriever.search("LangGraph", k=5)
    assert "langgraph" in hybrid[0].text.lower()


def test_switches_change_the_ranking(retriever):
    q = "How do I move from IT infrastructure into AI engineering?"
    dense = retriever.search(q, k=8, config=RetrievalConfig(use_bm25=False, dedupe=False))
    assert [h.score for h in dense] == sorted((h.score for h in dense), reverse=True)  # pure cosine order
    bm25 = retriever.search(q, k=8, config=RetrievalConfig(use_dense=False, dedupe=False))
    assert [h.id for h in dense] != [h.id for h in bm25]


def test_filters_hold_for_both_methods(retriever):
    hits = retriever.search("median annual wage data scientists", k=5, where={"kind": "bls"})
    assert hits and all(h.kind == "bls" for h in hits)


def test_no_near_duplicates_in_the_results(retriever):
    hits = retriever.search("Which AI skills do AI engineer postings require most?", k=8)
    assert not any(_near_duplicate(a.text, b.text) for i, a in enumerate(hits) for b in hits[i + 1:])


def test_acronyms_are_spelled_out_for_the_embedder(retriever, advisor):
    assert spell_out("What is RAG?") == "What is RAG (retrieval-augmented generation)?"
    assert spell_out("MLOps or ML?") == "MLOps (machine learning operations) or ML (machine learning)?"
    assert spell_out("a rage of drag") == "a rage of drag"
    q = "What is RAG and why do employers want it?"
    plain = max(h.score for h in advisor.index.query(PASSAGES, advisor.embedder.encode_one(q), 6, None))
    spelled = max(h.score for h in retriever.search(q, k=6))
    assert spelled > plain and spelled >= MIN_RELEVANCE - 0.1


def test_a_question_naming_a_corpus_term_is_answered_not_called_off_topic(advisor):
    assert not advisor.ask("What is RAG and why do employers want it?").refused
    assert advisor.ask("Tell me about LangGraph").intent != "off_topic"
    assert advisor.ask("How do I bake sourdough bread?").intent == "off_topic"


def test_rerank_reorders_the_head_by_the_second_order_and_keeps_the_tail_below():
    fused = {"a": 0.10, "b": 0.09, "c": 0.08, "d": 0.07, "e": 0.06}
    second = {"c": 0.9, "a": 0.5, "b": 0.1, "d": 0.99}  # d is outside the head: its score must not lift it
    out = _rerank(fused, second, depth=3, k=20)
    assert sorted(out, key=lambda i: -out[i]) == ["a", "c", "b", "d", "e"]
