"""The dev set is well-formed, covers every category, and every gold figure traces back to the corpus.

Article quotes must be verbatim substrings of the raw files (`quote in open(file).read()`); computed
facts are re-derived from the CSV files with the same code that wrote them (`evals.build_expected`).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from evals import build_expected
from evals.devset import (
    ARTICLES_DIR,
    CATEGORIES,
    DEVSET_PATH,
    MIN_CASES,
    MIN_PER_CATEGORY,
    load_devset,
    validate_case,
    validate_devset,
)
from evals.metrics import contains_figures, normalize_figures


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    return load_devset()


def test_every_line_is_a_json_object() -> None:
    lines = [ln for ln in DEVSET_PATH.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert all(isinstance(json.loads(ln), dict) for ln in lines)


def test_size_ids_and_category_coverage(cases: list[dict[str, Any]]) -> None:
    assert len(cases) >= MIN_CASES
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    counts = Counter(c["category"] for c in cases)
    assert set(counts) == set(CATEGORIES)
    for category, minimum in MIN_PER_CATEGORY.items():
        assert counts[category] >= minimum, (category, counts[category])


def test_schema_and_provenance(cases: list[dict[str, Any]]) -> None:
    assert validate_devset(cases) == []


def test_every_article_quote_is_verbatim(cases: list[dict[str, Any]]) -> None:
    checked = 0
    for case in cases:
        for fact in case["gold_facts"]:
            if fact.get("computed"):
                continue
            with open(ARTICLES_DIR / fact["source"], encoding="utf-8") as fh:
                assert fact["quote"] in fh.read(), (case["id"], fact["quote"])
            checked += 1
    assert checked >= 60


def test_article_figures_occur_in_their_quote(cases: list[dict[str, Any]]) -> None:
    """A gold figure is written as the source writes it, so it must be found in the quote itself."""
    for case in cases:
        for fact in case["gold_facts"]:
            if not fact.get("computed"):
                assert contains_figures(fact["quote"], fact["figures"]), (case["id"], fact["figures"])


def test_computed_facts_match_the_data(cases: list[dict[str, Any]]) -> None:
    assert build_expected.drift(cases) == []


def test_computed_facts_follow_the_rules() -> None:
    """Spot-check the statistics rules themselves, independent of the stored dev set."""
    sal = build_expected.salaries()
    assert len(sal) == 74_301 and int(sal.duplicated().sum()) == 39_304  # duplicates kept
    ai_us = sal[(sal.job_title == "AI Engineer") & (sal.company_location == "US")]["salary_in_usd"]
    stats = build_expected.compute(
        {
            "dataset": "salaries",
            "measure": "salary",
            "where": {"job_title": "AI Engineer", "company_location": "US"},
        }
    )
    assert stats["median"] == ai_us.median() and stats["p75"] == ai_us.quantile(0.75)
    post = build_expected.postings()
    hourly = post[post.salary_rate == "hour"].iloc[0]
    assert hourly.yearly_pay == hourly.salary_hour_avg * 2080
    share = build_expected.compute(
        {
            "dataset": "postings",
            "measure": "skill_share",
            "where": {"job_title_short": "Machine Learning Engineer"},
            "skill": "python",
        }
    )
    assert share["n"] == 621  # postings without any skills stay in the denominator
    assert build_expected.format_value("share", share["share"]) == "68.3%"
    assert build_expected.format_value("median", 118862.5) == "$118,863"


def test_required_agents_case(cases: list[dict[str, Any]]) -> None:
    case = next(
        c for c in cases if c["question"] == "What percent of AI engineer postings ask for AI agents?"
    )
    figures = {f for fact in case["gold_facts"] for f in fact["figures"]}
    assert "47.3%" in figures and case["gold_sources"] == ["003_2a3e108b44c3953e.txt"]


def test_refusal_expectations_by_category(cases: list[dict[str, Any]]) -> None:
    for case in cases:
        if case["category"] in ("off_topic", "unanswerable"):
            assert case["expect_refusal"] and not case["gold_facts"], case["id"]
        if case["category"] in ("factual", "synthesis", "salary", "skills", "advice", "comparison"):
            assert not case["expect_refusal"] and case["gold_facts"], case["id"]


def test_followups_carry_history(cases: list[dict[str, Any]]) -> None:
    followups = [c for c in cases if c["category"] == "followup"]
    assert all(c.get("history") for c in followups)
    assert all(c["history"][-1]["role"] == "assistant" for c in followups)


def test_adversarial_set_has_the_required_shapes(cases: list[dict[str, Any]]) -> None:
    adv = [c for c in cases if c["category"] == "adversarial"]
    assert any(len(c["question"]) >= 20_000 and not c["expect_refusal"] for c in adv)
    assert any("system prompt" in c["question"].lower() and c["expect_refusal"] for c in adv)
    non_english = [c for c in adv if any(ch in c["question"] for ch in "äöüßñ¿")]
    assert len(non_english) >= 2 and not any(c["expect_refusal"] for c in non_english)


def test_unanswerable_terms_are_truly_absent(cases: list[dict[str, Any]]) -> None:
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in sorted(ARTICLES_DIR.glob("*.txt"))).lower()
    for case in cases:
        if case["category"] == "unanswerable":
            assert case.get("absent_terms"), case["id"]
            for term in case["absent_terms"]:
                assert term.lower() not in corpus, (case["id"], term)
    sal = build_expected.salaries()
    ai = sal[sal.job_title == "AI Engineer"]
    assert not (ai.company_location == "NG").any() and not (sal.work_year >= 2026).any()
    assert not (ai.company_location == "CH").any()


def test_validator_catches_a_bad_quote_and_a_bad_computed_source() -> None:
    bad = {
        "id": "x",
        "category": "factual",
        "question": "q",
        "gold_facts": [
            {"fact": "f", "figures": [], "source": "003_2a3e108b44c3953e.txt", "quote": "not in the article"},
            {
                "fact": "f",
                "figures": [],
                "source": "003_2a3e108b44c3953e.txt",
                "quote": "q",
                "computed": True,
            },
        ],
        "gold_sources": ["003_2a3e108b44c3953e.txt"],
        "expect_refusal": False,
        "must_not": [],
    }
    problems = validate_case(bad)
    assert any("verbatim" in p for p in problems) and any("data file" in p for p in problems)


def test_forbidden_figures_parse(cases: list[dict[str, Any]]) -> None:
    for case in cases:
        for fig in case.get("forbidden_figures", []):
            assert normalize_figures(fig), (case["id"], fig)
