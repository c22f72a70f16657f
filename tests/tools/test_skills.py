"""posting_stats against shares and medians computed independently from the postings CSV with pandas."""

from __future__ import annotations

import json
import re
from collections import Counter

import pandas as pd
import pytest

from advisor.data.store import Store
from advisor.tools.salary import fmt_money, fmt_n, fmt_pct
from advisor.tools.skills import (
    PostingQuery,
    PostingStatsResult,
    format_posting_stats,
    make_posting_stats_tool,
    posting_stats,
)

POST_FILE = "data_jobs_2023_with_salary.csv"


def _expected(sub: pd.DataFrame, top_k: int) -> list[tuple[str, int]]:
    counts = Counter(s for skills in sub["skill_set"] for s in skills)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]


def _median(values: pd.Series) -> float:
    return float(values.astype(float).quantile(0.5))


def _check(result: PostingStatsResult, sub: pd.DataFrame, top_k: int) -> None:
    assert result.ok, result.message
    assert result.population == len(sub)
    assert result.median_salary == _median(sub["yearly"])
    expected = _expected(sub, top_k)
    assert [(s.skill, s.postings) for s in result.skills] == expected
    for s in result.skills:
        has = sub["skill_set"].map(lambda x, k=s.skill: k in x)
        assert s.share == s.postings / len(sub)
        assert s.n_with == int(has.sum()) and s.n_without == int((~has).sum())
        assert s.median_with == (_median(sub.loc[has, "yearly"]) if has.sum() >= 10 else None)
        assert s.median_without == (_median(sub.loc[~has, "yearly"]) if (~has).sum() >= 10 else None)
        assert fmt_pct(s.share) in s.text and fmt_n(s.postings) in s.text and fmt_n(len(sub)) in s.text
        if s.median_with is not None:
            assert fmt_money(s.median_with) in s.text
        if s.median_without is not None:
            assert fmt_money(s.median_without) in s.text


def test_mle_us_all_postings_denominator(store: Store, posts: pd.DataFrame) -> None:
    result = posting_stats(PostingQuery(role="machine learning engineer", country="US"), store)
    sub = posts[(posts.job_title_short == "Machine Learning Engineer") & (posts.country == "United States")]
    _check(result, sub, 10)
    empty = int((sub["job_skills"] == "").sum())
    assert empty > 0 and result.without_skills == empty
    assert f"including {fmt_n(empty)} that list no skills" in result.denominator_note
    assert "count in the denominator" in result.skills[0].text
    assert fmt_n(len(sub)) in result.summary_text and fmt_money(result.median_salary) in result.summary_text


def test_with_skills_denominator(store: Store, posts: pd.DataFrame) -> None:
    q = PostingQuery(role="data analyst", remote=True, denominator="with_skills", top_k=5)
    result = posting_stats(q, store)
    sub = posts[
        posts.job_title_short.isin(["Data Analyst", "Senior Data Analyst"])
        & (posts.job_work_from_home == "True")
        & (posts.job_skills != "")
    ]
    _check(result, sub, 5)
    assert "left out" in result.denominator_note


def test_senior_and_regex_roles(store: Store, posts: pd.DataFrame) -> None:
    result = posting_stats(PostingQuery(role="senior data engineer", country="United States", top_k=8), store)
    sub = posts[(posts.job_title_short == "Senior Data Engineer") & (posts.country == "United States")]
    _check(result, sub, 8)
    ai = posting_stats(PostingQuery(role="AI engineer", top_k=5), store)
    mask = posts.job_title.str.contains(
        r"\b(?:ai|artificial intelligence)\s+engineer", case=False, regex=True
    )
    _check(ai, posts[mask], 5)
    assert any("no AI-engineer class" in n for n in ai.notes)


def test_focus_skill_outside_top_k(store: Store, posts: pd.DataFrame) -> None:
    result = posting_stats(PostingQuery(role="data scientist", country="US", skill="PyTorch", top_k=3), store)
    sub = posts[
        posts.job_title_short.isin(["Data Scientist", "Senior Data Scientist"])
        & (posts.country == "United States")
    ]
    assert result.focus is not None and result.focus.skill == "pytorch"
    assert "pytorch" not in [s.skill for s in result.skills]
    has = sub["skill_set"].map(lambda x: "pytorch" in x)
    assert result.focus.postings == int(has.sum())
    assert result.focus.median_with == _median(sub.loc[has, "yearly"])
    assert result.focus.median_without == _median(sub.loc[~has, "yearly"])
    assert fmt_money(result.focus.median_with) in result.focus.text
    # Examples all list the skill, newest first.
    assert result.examples and all("pytorch" in ex.skills for ex in result.examples)
    assert [ex.posted for ex in result.examples] == sorted(
        (ex.posted for ex in result.examples), reverse=True
    )
    assert "* the skill asked about: pytorch" in format_posting_stats(result)


def test_skill_alias(store: Store) -> None:
    result = posting_stats(PostingQuery(role="data analyst", skill="PowerBI", examples=0), store)
    assert result.focus is not None and result.focus.skill == "power bi"


def test_examples_are_evidence(store: Store, posts: pd.DataFrame) -> None:
    result = posting_stats(PostingQuery(role="machine learning engineer", country="US", examples=3), store)
    ev = result.evidence()
    postings = [e for e in ev if e.kind == "posting"]
    assert len(postings) == 3
    for ex, e in zip(result.examples, postings, strict=True):
        row = posts.iloc[ex.row - 1]
        assert e.source == POST_FILE and e.locator == f"row {ex.row}"
        assert row["job_title"] == ex.title and row["company_name"] == ex.company
        assert f"'{ex.title}' at {ex.company}" in e.text
        assert fmt_money(row["yearly"]) in e.text
        if row["salary_rate"] == "hour":
            assert re.search(r"\$\d+\.\d\d an hour", e.text)
    stats = [e for e in ev if e.kind == "posting_stats"]
    assert len(stats) == 1 + len(result.skills)
    assert all(e.source == POST_FILE for e in stats)
    assert stats[0].locator == result.filter and "denominator=all" in result.filter
    assert len({e.id for e in ev}) == len(ev)
    again = posting_stats(PostingQuery(role="machine learning engineer", country="US", examples=3), store)
    assert [e.id for e in again.evidence()] == [e.id for e in ev]


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        (
            PostingQuery(role="prompt engineer"),
            r"Only 5 postings match \(.*\); .*withheld below the minimum of 10",
        ),
        (PostingQuery(role="data engineer", country="Andorra"), r"No postings match"),
        (
            PostingQuery(role="data scientist", year=2024),
            r"No postings for 2024: the postings cover 2023 only",
        ),
        (PostingQuery(role="data scientist", year=2019), r"No postings for 2019"),
        (PostingQuery(role="astronaut"), r"Unknown role 'astronaut'"),
        (PostingQuery(role="data scientist", country="Atlantis"), r"Unknown country 'Atlantis'"),
        (
            PostingQuery(role="data engineer", skill="snowflak"),
            r"Unknown skill 'snowflak'.*Close matches: snowflake",
        ),
        (PostingQuery(role="junior data analyst with 10 years"), r"Contradictory"),
        (PostingQuery(role="network administrator"), r"Only \d+ postings? match|No postings match"),
    ],
)
def test_clear_messages(store: Store, query: PostingQuery, pattern: str) -> None:
    result = posting_stats(query, store)
    assert not result.ok
    assert re.search(pattern, result.message or ""), result.message
    assert result.evidence() == [] and result.chart_rows() == []
    assert format_posting_stats(result) == result.message


def test_chart_rows_and_json(store: Store) -> None:
    result = posting_stats(PostingQuery(role="data engineer", top_k=4), store)
    rows = result.chart_rows()
    assert [r["label"] for r in rows] == [s.skill for s in result.skills]
    assert rows[0]["share"] == result.skills[0].share and rows[0]["n"] == result.population
    data = json.loads(json.dumps(result.to_dict()))
    assert data["filters"]["role"]["postings_short_titles"] == ["Data Engineer"]
    assert data["evidence"][0]["kind"] == "posting_stats"
    text = format_posting_stats(result)
    assert result.skills[0].share_text in text and "Example postings:" in text


def test_langchain_tool(store: Store) -> None:
    tool = make_posting_stats_tool(store)
    assert tool.name == "posting_stats" and tool.args_schema is PostingQuery
    msg = tool.invoke(
        {
            "name": "posting_stats",
            "args": {"role": "data scientist", "skill": "python"},
            "id": "1",
            "type": "tool_call",
        }
    )
    assert "python" in msg.content and isinstance(msg.artifact, PostingStatsResult)
