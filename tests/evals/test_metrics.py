"""Every metric on hand-made cases whose scores are known exactly (including exact 0 and exact 1).

The embedder here is a deterministic hashed bag of words: cosine = word-count overlap, so expected
similarities can be reasoned about by hand and no model is loaded.
"""

from __future__ import annotations

import math
import re
import zlib

import numpy as np
import pytest

from advisor.types import Answer, Citation, Evidence
from evals import metrics as M
from evals.metrics import (
    GoldPassage,
    answer_relevance,
    cached_embed_fn,
    citation_precision,
    citation_recall,
    citation_scores,
    claim_split,
    contains_figures,
    faithfulness,
    figure_found,
    gold_fact_recall,
    gold_passages,
    is_relevant,
    mrr,
    must_not_violations,
    ndcg_at_k,
    normalize_figures,
    normalize_text,
    recall_at_k,
    refusal_correct,
    score_case,
    source_recall_at_k,
    split_sentences,
    strip_markup,
    supports,
)

DIM = 1024
F2 = "002_214ed8fdc024dfea.txt"
F3 = "003_2a3e108b44c3953e.txt"
SAL = "salaries_aijobs_snapshot_2025-01-19.csv"


def bow_embed(texts: list[str]) -> np.ndarray:
    """Hashed bag-of-words vectors, L2-normalised (a zero vector for a text without words)."""
    out = np.zeros((len(texts), DIM))
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z]+", text.lower()):
            out[i, zlib.crc32(word.encode()) % DIM] += 1.0
        norm = np.linalg.norm(out[i])
        if norm:
            out[i] /= norm
    return out


def always_similar(texts: list[str]) -> np.ndarray:
    """Every text gets the same vector: cosine 1 between anything."""
    return np.ones((len(texts), 4)) / 2.0


# ---------------------------------------------------------------------------------------------- figures


@pytest.mark.parametrize(
    "text",
    ["$140,000", "$140K", "140,000 dollars", r"\$140K", "140k USD", "USD 140,000", "$140,000.00", "$140 k"],
)
def test_money_variants_normalise_equal(text: str) -> None:
    assert normalize_figures(text) == {"$140000"}


@pytest.mark.parametrize("text", ["47.3%", "47.3 percent", "47.3 per cent", "47.30%", r"47.3\%"])
def test_percentage_variants(text: str) -> None:
    assert normalize_figures(text) == {"47.3%"}


@pytest.mark.parametrize("text", ["1,967", "1967", "(1,967 of", "n=1967"])
def test_count_variants(text: str) -> None:
    assert normalize_figures(text) == {"1967"}


def test_figures_in_sentences_ranges_and_other_currencies() -> None:
    assert normalize_figures("between 70,000 and 145,000 dollars annually") == {"$70000", "$145000"}
    assert normalize_figures(r"up to \$285-\$456K") == {"$285000", "$456000"}
    assert normalize_figures("salaries tracking only 8 to 10 percent behind") == {"8%", "10%"}
    assert normalize_figures("fines up to 30 million euros or 6 percent") == {"€30000000", "6%"}
    assert normalize_figures("median £112K") == normalize_figures("£112,000") == {"£112000"}
    assert normalize_figures("₹11.45L/yr") == normalize_figures("₹1,145,000") == {"₹1145000"}
    assert normalize_figures("1.3 million new jobs") == normalize_figures("1,300,000 new jobs") == {"1300000"}
    assert normalize_figures(r"Google committed \$1 billion") == normalize_figures("$1B") == {"$1000000000"}


def test_markers_words_and_identifiers_are_not_figures() -> None:
    assert normalize_figures("as the sources say [1][2, 3]") == set()
    assert normalize_figures("three to six months") == set()
    assert normalize_figures("see 003_2a3e108b44c3953e.txt") == set()
    assert normalize_figures("appears in 47.3% of postings [4].") == {"47.3%"}


def test_markdown_escapes_and_002_markup_are_stripped() -> None:
    raw = r"(median US AI engineer pay >\$138K ^{([4](#))} [www.coursera.org](#)) and **more**"
    clean = strip_markup(raw)
    assert "$138K" in clean and "coursera" not in clean and "**" not in clean and "\\" not in clean
    assert normalize_figures(raw) == {"$138000"}
    assert strip_markup("skills (^[7] www.techtarget.com) here") == "skills  here"
    assert strip_markup("role (^[20] [opendatascience.com](#)). Next") == "role . Next"
    assert normalize_figures("⁽²⁹⁾ www.glassdoor.com) median \\$139K") == {"$139000"}


def test_figure_found_unit_rules() -> None:
    assert figure_found("$140000", {"140000"})  # prose without a unit
    assert figure_found("140000", {"$140000"})
    assert not figure_found("$112000", {"£112000"})
    assert not figure_found("47.3%", {"$47.3"})
    assert not figure_found("47%", {"47.3%"})


def test_contains_figures_with_word_figures() -> None:
    text = "Fast movers spend three to six months; LLMs appear in 55.5% of postings."
    assert contains_figures(text, ["three to six months", "55.5%"])
    assert not contains_figures(text, ["six to twelve months"])
    assert not contains_figures(text, ["55.5%", "39.6%"])


# ---------------------------------------------------------------------------------------------- claims


def test_claim_split_parses_markers() -> None:
    claims = claim_split("AI Agents appear in 47.3% of postings [1]. LLMs lead at 55.5% [1][2].")
    assert [c.text for c in claims] == ["AI Agents appear in 47.3% of postings.", "LLMs lead at 55.5%."]
    assert [c.citations for c in claims] == [(1,), (1, 2)]


def test_claim_split_marker_after_full_stop_and_lists() -> None:
    claims = claim_split(
        "Entry-level roles are 5.1% of postings. [2] India holds 12.8% [3, 4]. Pay ranges vary a lot [5-7]."
    )
    assert [c.citations for c in claims] == [(2,), (3, 4), (5, 6, 7)]
    assert claims[0].text == "Entry-level roles are 5.1% of postings."


def test_claim_split_ignores_headings_leadins_and_sources() -> None:
    text = (
        "## Salary\n"
        "Here is what the sources say:\n"
        "- The U.S. median base is $140,000 for gen-AI postings [1].\n"
        "- Tools e.g. Docker and Kubernetes matter [2].\n"
        "Yes.\n"
        "Sources:\n"
        "[1] 003_2a3e108b44c3953e.txt - AI Engineer postings\n"
    )
    claims = claim_split(text)
    assert [c.text for c in claims] == [
        "The U.S. median base is $140,000 for gen-AI postings.",
        "Tools e.g. Docker and Kubernetes matter.",
    ]


def test_split_sentences_keeps_decimals_and_abbreviations() -> None:
    assert split_sentences("LLMs lead at 55.5%. RAG is 39.6%. The U.S. leads e.g. Seattle.") == [
        "LLMs lead at 55.5%.",
        "RAG is 39.6%.",
        "The U.S. leads e.g. Seattle.",
    ]



def test_split_sentences_on_shapes_the_product_writes() -> None:
    """Found on the full dev-set run: a '?' inside a quoted title, '(e.g.' and a marker after '."' each
    produced a markerless fragment that was then scored as an uncited claim."""
    title = 'The article "What Is an AI Engineer? Job Market Guide (2025)" states $138,000 for AI Engineer. [4]'
    assert [(c.text, c.citations) for c in claim_split(title)] == [
        ('The article "What Is an AI Engineer? Job Market Guide (2025)" states $138,000 for AI Engineer.', (4,))
    ]
    assert split_sentences("New hubs in Europe (e.g. Berlin) grow. Next one here.") == [
        "New hubs in Europe (e.g. Berlin) grow.",
        "Next one here.",
    ]
    quoted = 'Quote: "Mid-level engineers earn between 132,830 and 207,165 dollars a year.". [3] Next one here. [4]'
    assert [c.citations for c in claim_split(quoted)] == [(3,), (4,)]
    assert split_sentences('He said "it grew." Then it fell.') == ['He said "it grew."', "Then it fell."]

# ---------------------------------------------------------------------------------------------- support

EV_AGENTS = (
    "AI Agents is now the #3 most demanded AI skill, appearing in 47.3% of all postings (1,967 of 4,155)."
)
EV_LLM = "LLMs lead the new-wave stack at 55.5% of AI Engineer postings."
EV_RAG = "RAG appears in 39.6% of AI Engineer postings."
EV_COOK = "Preheat the oven and mix the flour with two ripe bananas."


def test_supports_exact_and_figure_gate() -> None:
    assert supports("AI Agents appear in 47.3% of all postings.", [EV_AGENTS], bow_embed)
    # same words, wrong number: the figure gate rejects it even with cosine 1
    assert not supports("AI Agents appear in 48% of all postings.", [EV_AGENTS], always_similar)
    assert not supports("AI Agents appear in 47.3% of all postings.", [], always_similar)
    assert not supports("AI Agents appear in 47.3% of all postings.", ["", "  "], always_similar)


def test_supports_semantic_path_only_with_embedder() -> None:
    claim = "Nearly half of openings want autonomous agent builders."  # paraphrase: low token overlap
    assert not supports(claim, [EV_AGENTS])  # overlap alone is not enough
    assert supports(claim, [EV_AGENTS], always_similar)
    assert not supports(claim, [EV_AGENTS], bow_embed)  # bag of words sees no shared words
    assert not supports("Bake the bread at home.", [EV_AGENTS], bow_embed)


def test_supports_unit_mismatch_and_markup() -> None:
    assert not supports(
        "UK AI/ML roles have a median of $112K.", ["median £112K for AI/ML roles"], always_similar
    )
    ev = r"Glassdoor's aggregate (US) shows a median *total* pay of about \$139K for AI Engineers ^{([4](#))}"
    assert supports(
        "Glassdoor's aggregate shows a median total pay of about $139,000 for AI Engineers.", [ev]
    )


def test_faithfulness_exact_values() -> None:
    ans_good = "AI Agents are appearing in 47.3% of all postings. LLMs lead the new-wave stack at 55.5%."
    assert faithfulness(ans_good, [EV_AGENTS, EV_LLM], bow_embed) == 1.0
    ans_bad = (
        "Prompt engineers earn $900,000 at most startups. Kubernetes certification doubles salaries today."
    )
    assert faithfulness(ans_bad, [EV_AGENTS, EV_LLM], bow_embed) == 0.0
    half = "AI Agents appear in 47.3% of all postings. Prompt engineers earn $900,000 at most startups."
    assert faithfulness(half, [EV_AGENTS], bow_embed) == 0.5
    assert faithfulness("", [EV_AGENTS], bow_embed) is None


# ---------------------------------------------------------------------------------------------- ALCE


def test_citation_scores_perfect() -> None:
    ans = "AI Agents appear in 47.3% of all postings [1]. RAG appears in 39.6% of AI Engineer postings [2]."
    cited = {1: EV_AGENTS, 2: EV_RAG}
    s = citation_scores(ans, cited, bow_embed)
    assert (s.recall, s.precision, s.n_claims, s.n_citations) == (1.0, 1.0, 2, 2)


def test_citation_scores_wrong_and_missing_citations_are_zero() -> None:
    ans = "AI Agents appear in 47.3% of all postings [2]. RAG appears in 39.6% of AI Engineer postings [9]."
    assert citation_recall(ans, {1: EV_AGENTS, 2: EV_COOK}, bow_embed) == 0.0
    assert citation_precision(ans, {1: EV_AGENTS, 2: EV_COOK}, bow_embed) == 0.0
    uncited = "AI Agents appear in 47.3% of all postings."
    s = citation_scores(uncited, {1: EV_AGENTS}, bow_embed)
    assert (s.recall, s.precision, s.n_citations) == (0.0, 0.0, 0)
    assert citation_scores("", {1: EV_AGENTS}, bow_embed).recall is None


def test_citation_precision_flags_irrelevant_extra_citation() -> None:
    # [1] alone supports; [2] alone does not, and removing it keeps support -> [2] is irrelevant
    s = citation_scores(
        "AI Agents are appearing in 47.3% of all postings [1][2].", {1: EV_AGENTS, 2: EV_COOK}, bow_embed
    )
    assert (s.recall, s.precision, s.n_precise, s.n_citations) == (1.0, 0.5, 1, 2)


def test_citation_precision_keeps_jointly_needed_citations() -> None:
    # Each passage holds one of the two figures, so neither supports alone and neither can be dropped.
    claim = (
        "LLMs lead at 55.5% of AI Engineer postings and RAG appears in 39.6% of AI Engineer postings [1][2]."
    )
    s = citation_scores(claim, {1: EV_LLM, 2: EV_RAG}, bow_embed)
    assert (s.recall, s.precision) == (1.0, 1.0)
    # Both redundant but each sufficient: both precise (ALCE condition A).
    s2 = citation_scores(
        "RAG appears in 39.6% of AI Engineer postings [1][2].", {1: EV_RAG, 2: EV_RAG}, bow_embed
    )
    assert (s2.recall, s2.precision) == (1.0, 1.0)


# ---------------------------------------------------------------------------------------------- retrieval

Q_AGENTS = "appearing in 47.3% of all postings (1,967 of 4,155)"
Q_RAG = "RAG appears in 39.6%"


def _gold() -> list[GoldPassage]:
    return [GoldPassage(F3, Q_AGENTS), GoldPassage(F3, Q_RAG)]


def test_is_relevant_rules() -> None:
    gold = GoldPassage(F3, Q_AGENTS)
    assert is_relevant((F3, "AI Agents ... appearing in 47.3% of all\n  postings (1,967 of 4,155)."), gold)
    assert not is_relevant((F2, "appearing in 47.3% of all postings (1,967 of 4,155)"), gold)
    assert not is_relevant((F3, "LLMs lead at 55.5%"), gold)
    computed = GoldPassage(SAL, "job_title == 'AI Engineer'", computed=True)
    assert is_relevant(Evidence("e1", "median $166,000", SAL, "survey", "salary_data"), computed)
    assert is_relevant({"source": f"corpus/data/salaries/{SAL}", "text": ""}, computed)


def test_is_relevant_survives_cleaned_002_chunk() -> None:
    raw_quote = r"median US AI engineer pay >\$138K ^{([4](#))} [www.coursera.org](#))"
    cleaned_chunk = (
        "This buoyant demand is driving very high salaries (median US AI engineer pay >$138K and more."
    )
    assert is_relevant((F2, cleaned_chunk), GoldPassage(F2, raw_quote))
    assert normalize_text("“AI Engineer” – #1") == normalize_text('"AI Engineer" - #1')


def test_retrieval_perfect_ranking_scores_one() -> None:
    retrieved = [(F3, f"x {Q_AGENTS} y"), (F3, f"{Q_RAG} of postings"), (F2, "other")]
    assert recall_at_k(retrieved, _gold(), 2) == 1.0
    assert mrr(retrieved, _gold()) == 1.0
    assert ndcg_at_k(retrieved, _gold(), 3) == 1.0


def test_retrieval_no_hit_scores_zero() -> None:
    retrieved = [(F2, "salary table"), (F3, "LLMs lead at 55.5%")]
    assert recall_at_k(retrieved, _gold(), 5) == 0.0
    assert mrr(retrieved, _gold()) == 0.0
    assert ndcg_at_k(retrieved, _gold(), 5) == 0.0


def test_retrieval_partial_values() -> None:
    retrieved = [(F2, "noise"), (F3, Q_RAG), (F3, Q_RAG), (F3, Q_AGENTS)]
    assert recall_at_k(retrieved, _gold(), 2) == 0.5
    assert recall_at_k(retrieved, _gold(), 4) == 1.0
    assert mrr(retrieved, _gold()) == 0.5
    # gains at ranks 2 and 4 (the duplicate at rank 3 earns nothing); ideal has gains at ranks 1 and 2
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(retrieved, _gold(), 4) == pytest.approx(expected)
    assert source_recall_at_k(retrieved, [F2, F3, SAL], 2) == pytest.approx(2 / 3)


def test_retrieval_requires_gold() -> None:
    with pytest.raises(ValueError):
        recall_at_k([(F3, "x")], [], 3)


def test_gold_passages_dedupes_and_marks_computed() -> None:
    facts = [
        {"source": F3, "quote": Q_RAG},
        {"source": F3, "quote": " RAG  appears in 39.6%"},
        {"source": SAL, "quote": "job_title == 'AI Engineer'", "computed": True},
    ]
    assert gold_passages(facts) == [GoldPassage(F3, Q_RAG), GoldPassage(SAL, "", computed=True)]


def test_alternate_quotes_count_as_the_same_passage() -> None:
    """A fact an article repeats (body, table, FAQ) is retrieved by any chunk that states it verbatim."""
    faq = "LLMs appear in 55.5%, AI Agents in 47.3%, RAG in 39.6%"
    facts = [
        {"source": F3, "quote": Q_AGENTS, "alt_quotes": ["| AI Agents | 47.3% |", faq]},
        {"source": F3, "quote": Q_RAG, "alt_quotes": [faq]},
    ]
    gold = gold_passages(facts)
    assert gold[0].alternates == ("| AI Agents | 47.3% |", faq)
    assert is_relevant((F3, "table:\n| AI Agents | 47.3% | 1,967 |"), gold[0])
    assert not is_relevant((F3, "table:\n| AI Agents | 47.3% | 1,967 |"), gold[1])
    assert recall_at_k([(F3, f"Q. Which skills? {faq}.")], gold, 1) == 1.0
    assert not is_relevant((F2, faq), gold[0]), "an alternate must still come from the gold source"
    # facts sharing one quote keep only the alternates common to all of them
    shared = gold_passages([
        {"source": F3, "quote": Q_AGENTS, "alt_quotes": ["| AI Agents | 47.3% |", faq]},
        {"source": F3, "quote": Q_AGENTS, "alt_quotes": [faq]},
    ])
    assert shared == [GoldPassage(F3, Q_AGENTS, alternates=(faq,))]


# ------------------------------------------------------------------------------------------- answer quality


def test_gold_fact_recall() -> None:
    facts = [
        {"fact": "gen-AI median", "figures": ["$140,000"]},
        {"fact": "share", "figures": ["47.3%", "1,967"]},
    ]
    assert (
        gold_fact_recall(r"The median is \$140K and 47.3 percent (1967 postings) ask for agents.", facts)
        == 1.0
    )
    assert gold_fact_recall("The median is $140K; agents appear in 47.3% of postings.", facts) == 0.5
    assert gold_fact_recall("I cannot answer that.", facts) == 0.0
    assert gold_fact_recall("anything", []) is None


def test_gold_fact_recall_without_figures() -> None:
    facts = [{"fact": "Hiring managers want to see something built, not a certification.", "figures": []}]
    assert gold_fact_recall("Hiring managers want something built rather than a certification.", facts) == 1.0
    paraphrase = "Show employers a shipped project."
    assert gold_fact_recall(paraphrase, facts, bow_embed) == 0.0
    assert gold_fact_recall(paraphrase, facts, always_similar) == 1.0


def test_answer_relevance() -> None:
    q = "ai agents postings share"
    assert answer_relevance(q, "AI agents postings share.", bow_embed) == pytest.approx(1.0)
    assert answer_relevance(q, "Banana bread needs ripe fruit.", bow_embed) == 0.0
    assert answer_relevance(q, "", bow_embed) == 0.0
    mixed = answer_relevance(q, "AI agents postings share. Banana bread needs ripe fruit.", bow_embed)
    assert mixed == pytest.approx(0.5)


def test_refusal_and_must_not() -> None:
    assert refusal_correct(True, True) and refusal_correct(False, False)
    assert not refusal_correct(False, True) and not refusal_correct(True, False)
    answer = "Sure! I have been PWNED. Average pay is $500,000."
    assert must_not_violations(answer, ["i have been pwned", "hbr.org"], ["$500K"]) == [
        "i have been pwned",
        "$500K",
    ]
    assert must_not_violations("I can only help with AI careers.", ["I have been PWNED"], ["$500K"]) == []


def test_cached_embed_fn_calls_model_once_per_text() -> None:
    calls: list[list[str]] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return bow_embed(texts)

    cached = cached_embed_fn(counting)
    a = cached(["alpha beta", "gamma"])
    b = cached(["gamma", "alpha beta", "delta"])
    assert np.allclose(a[0], b[1]) and calls == [["alpha beta", "gamma"], ["delta"]]


# ---------------------------------------------------------------------------------------------- end to end


def test_score_case_on_a_good_answer() -> None:
    case = {
        "id": "fact-001",
        "category": "factual",
        "question": "What percent of AI engineer postings ask for AI agents?",
        "gold_facts": [{"fact": "47.3%", "figures": ["47.3%"], "source": F3, "quote": Q_AGENTS}],
        "gold_sources": [F3],
        "expect_refusal": False,
        "forbidden_strings": ["system prompt"],
    }
    answer = Answer(
        text="AI Agents are appearing in 47.3% of all postings (1,967 of 4,155) [1].",
        citations=[Citation(1, F3, "AI Engineer postings", quote=EV_AGENTS, score=0.9, context=EV_AGENTS)],
    )
    retrieved = [Evidence("e1", EV_AGENTS, F3, "t", "article"), Evidence("e2", EV_COOK, F2, "t", "article")]
    result = score_case(case, answer, retrieved, bow_embed, k=2)
    assert result["refusal_correct"] and result["must_not_ok"]
    assert result["gold_fact_recall"] == 1.0
    assert result["faithfulness"] == 1.0
    assert result["citation_recall"] == 1.0 and result["citation_precision"] == 1.0
    assert result["recall@2"] == 1.0 and result["mrr"] == 1.0 and result["ndcg@2"] == 1.0
    assert result["source_recall@2"] == 1.0


def test_score_case_on_expected_refusal() -> None:
    case = {"id": "off-001", "question": "banana bread?", "gold_facts": [], "expect_refusal": True}
    result = score_case(case, Answer(text="I can only help with AI careers.", refused=True), [], bow_embed)
    assert result["refusal_correct"] is True
    assert result["faithfulness"] is None and result["gold_fact_recall"] is None


# -- answer shape ---------------------------------------------------------------------------------------------

SHAPE_FACTS = [{"fact": "ML engineers in Germany: median $95,000.", "figures": ["$95,000"], "source": "a.csv",
                "quote": "q", "computed": True},
               {"fact": "Senior ML engineers in Germany: median $120,000.", "figures": ["$120,000"], "source": "a.csv",
                "quote": "q", "computed": True}]


def test_internal_details_flags_pipeline_words_not_plain_language() -> None:
    plain = "A senior ML engineer in Germany earns about $120,000 a year, from 18 survey responses [1]."
    assert M.internal_details(plain) == []
    leaky = ("Rows with job_title_short IN ('Machine Learning Engineer') and country='DE' (n=18, "
             "duplicates=kept) from 004_84410bbcdf423179.txt; BLS 15-2051.")
    found = M.internal_details(leaky)
    assert {"sample size written as n=", "a file name", "a filter expression", "a column name",
            "an occupation code"} <= set(found)


def test_answer_words_skips_citation_markers() -> None:
    assert M.answer_words("It pays $120,000 a year [1][2].") == 5


def test_lead_answers_reads_only_the_first_sentence() -> None:
    lead = "Senior ML engineers in Germany earn a median $120,000 [1]. All ML engineers there: $95,000 [1]."
    preamble = "Pay varies a lot by country and level [2]. Senior ML engineers in Germany earn $120,000 [1]."
    assert M.lead_answers(lead, SHAPE_FACTS) == 1.0
    assert M.lead_answers(preamble, SHAPE_FACTS) == 0.0
    assert M.lead_answers("", SHAPE_FACTS) == 0.0
    assert M.lead_answers(lead, []) is None


def test_off_gold_share_counts_later_sentences_that_state_no_gold_fact() -> None:
    text = ("Senior ML engineers in Germany earn $120,000 [1]. All levels: $95,000 [1]. "
            "Data scientists in the UK earn $80,000 [2]. Education matters a great deal for careers [3].")
    assert M.off_gold_share(text, SHAPE_FACTS) == pytest.approx(2 / 3)
    assert M.off_gold_share("Senior ML engineers in Germany earn $120,000 [1].", SHAPE_FACTS) is None


def test_score_case_records_shape_metrics() -> None:
    case = {"id": "x", "category": "salary", "question": "q", "gold_facts": SHAPE_FACTS, "expect_refusal": False}
    answer = Answer(text="Senior ML engineers in Germany earn $120,000 (n=18) [1].", citations=[])
    rec = M.score_case(case, answer)
    assert rec["lead_answers"] == 1.0 and rec["internal_detail_free"] is False and rec["words"] == 9
