"""The grounding check removes what the evidence does not support — the safety net for weak models."""

import pytest

from advisor.agent.grounding import GroundedStream, GroundingChecker, split_claims
from advisor.embeddings import Embedder
from advisor.types import Citation, Evidence

EV = {
    "e1": Evidence("e1", "AI Agents is now the #3 most demanded AI skill, appearing in 47.3% of all postings "
                   "(1,967 of 4,155).", "003.txt", "Gap", "article"),
    "e2": Evidence("e2", "Postings that explicitly require generative AI skills show a US median base salary of "
                   "$140,000 (base salary only).", "003.txt", "Gap", "article"),
    "e3": Evidence("e3", "Fintech leads industry AI adoption at 95.1% of AI Engineer postings.", "003.txt", "Gap",
                   "article"),
}
CITES = [Citation(i, "003.txt", "Gap", EV[k].text, 0.7, evidence_id=k) for i, k in enumerate(EV, start=1)]


@pytest.fixture(scope="module")
def checker(settings) -> GroundingChecker:
    return GroundingChecker(Embedder(settings.embed_cache_path))


def test_claims_carry_their_markers():
    claims = split_claims("Agents appear in 47.3% of postings. [1] Pay is $140,000 [2][3]. Ok.")
    assert [(c.text, c.cited) for c in claims] == [
        ("Agents appear in 47.3% of postings.", [1]),
        ("Pay is $140,000.", [2, 3]),
    ]


def test_planted_unsupported_number_is_removed(checker):
    answer = ("AI agents appear in 47.3% of all postings [1]. The median base salary for generative AI postings is "
              "$190,000 [2].")
    result = checker.check(answer, CITES, EV)
    assert "47.3%" in result.text
    assert "$190,000" not in result.text
    assert result.removed and "$190,000" in result.removed[0]
    assert result.support == 0.5


def test_figure_spellings_match(checker):
    result = checker.check("Generative AI postings pay a median of $140K base [2].", CITES, EV)
    assert result.support == 1.0 and "$140K" in result.text


def test_citation_to_unrelated_evidence_is_replaced(checker):
    # cites [3] (fintech) for a claim only [1] supports: the wrong citation goes, the right one comes in
    result = checker.check("AI Agents appear in 47.3% of all postings [3].", CITES, EV)
    assert result.support == 1.0
    assert len(result.citations) == 1 and result.citations[0].evidence_id == "e1"
    assert result.text.endswith("[1]")


def test_unsupported_claim_without_figures_is_removed(checker):
    result = checker.check("Quantum chefs bake sourdough on Mars every Tuesday [1].", CITES, EV)
    assert result.text == "" and result.support == 0.0 and result.citations == []


def test_streaming_never_emits_an_unsupported_sentence(checker):
    answer = ("AI agents appear in 47.3% of all postings. [1] Fintech adoption is 99.9% [3]. "
              "Fintech leads industry AI adoption [3].")
    stream = GroundedStream(checker, CITES, EV)
    emitted = []
    for i in range(0, len(answer), 7):  # arrives in small pieces, markers split from their sentences
        emitted += stream.feed(answer[i : i + 7])
    emitted += stream.finish()
    assert emitted == ["AI agents appear in 47.3% of all postings. [1]", "Fintech leads industry AI adoption. [2]"]
    assert stream.result().support == pytest.approx(2 / 3, abs=0.01)
