"""Counts of postings and their largest groups (companies, job boards, kinds of job, places), against pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from advisor.agent.interpret import Ask, interpret
from advisor.data.store import Store
from advisor.tools.posting_counts import PostingBreakdown, PostingCountQuery, count_postings
from advisor.tools.salary import fmt_n


@pytest.mark.parametrize(("query", "mask", "column"), [
    (PostingCountQuery(role="machine learning engineer", by=PostingBreakdown.COMPANY),
     lambda d: d.job_title_short == "Machine Learning Engineer", "company_name"),
    (PostingCountQuery(country="Germany", by=PostingBreakdown.TITLE),
     lambda d: d.country == "Germany", "job_title_short"),
    (PostingCountQuery(by=PostingBreakdown.BOARD), lambda d: d.index == d.index, "board"),
    (PostingCountQuery(remote=True), lambda d: d.job_work_from_home == "True", None),
])
def test_counts_and_groups_match_pandas(store: Store, posts: pd.DataFrame, query, mask, column) -> None:
    sub = posts[mask(posts)].copy()
    sub["board"] = sub["job_via"].str.replace(r"^via ", "", regex=True)
    result = count_postings(query, store)
    assert result.ok and result.n == len(sub)
    assert f"hold {fmt_n(len(sub))} " in result.text
    if column is None:
        assert result.groups == []
        return
    counts = sub[sub[column] != ""][column].value_counts()
    counts = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: query.top]
    assert result.groups == [(name, int(k)) for name, k in counts]
    for name, k in result.groups:
        assert f"{name} ({fmt_n(k)}," in result.text


@pytest.mark.parametrize(("question", "breakdown"), [
    ("how many ML engineer postings do you have, and which companies posted the most?", PostingBreakdown.COMPANY),
    ("are there data jobs in germany in your postings data? how many and what kind?", PostingBreakdown.TITLE),
    ("where do these data job postings come from, linkedin? indeed?", PostingBreakdown.BOARD),
    ("how many data engineer postings are there in canada?", None),
])
def test_a_count_of_postings_is_read_with_its_grouping(question: str, breakdown) -> None:
    reading = interpret(question)
    assert reading.asks[0] == Ask.POSTING_COUNT and reading.breakdown == breakdown


@pytest.mark.parametrize("question", ["how many data jobs are remote?", "how many postings ask for python?",
                                      "how many people work as data scientists in the us?",
                                      "which companies pay data scientists the most?"])
def test_shares_headcounts_and_pay_are_not_counts_of_postings(question: str) -> None:
    assert Ask.POSTING_COUNT not in interpret(question).asks


def test_the_model_can_call_the_count_and_the_skill_ranking(store: Store) -> None:
    from advisor.tools.posting_counts import PostingCountResult, make_posting_count_tool
    from advisor.tools.skill_pay import SkillPayResult, make_skill_pay_tool

    count = make_posting_count_tool(store).invoke({"name": "count_postings", "id": "1", "type": "tool_call",
                                                   "args": {"role": "data engineer", "by": "board"}})
    assert isinstance(count.artifact, PostingCountResult) and count.artifact.groups
    assert count.content == count.artifact.text and count.artifact.evidence()[0].text == count.content
    ranking = make_skill_pay_tool(store).invoke({"name": "rank_skills_by_pay", "id": "2", "type": "tool_call",
                                                 "args": {"role": "data analyst"}})
    assert isinstance(ranking.artifact, SkillPayResult) and ranking.artifact.skills
    assert "highest median salary" in ranking.content
