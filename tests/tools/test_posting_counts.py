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
        assert f"{name.rstrip('.')} ({fmt_n(k)}," in result.text


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
                                      "what do data scientists at meta earn?"])
def test_shares_headcounts_and_pay_are_not_counts_of_postings(question: str) -> None:
    assert Ask.POSTING_COUNT not in interpret(question).asks


def test_which_companies_pay_most_ranks_the_companies_by_pay() -> None:
    reading = interpret("which companies pay data scientists the most?")
    assert reading.groups_by_pay and reading.breakdown == PostingBreakdown.COMPANY


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


def test_a_condition_by_kind_of_job_matches_pandas(store: Store, posts: pd.DataFrame) -> None:
    """"Which data roles are most often remote?": the remote share in each job_title_short, highest first."""
    from advisor.tools.conditions import PostingConditionsQuery, condition_by_title

    result = condition_by_title(PostingConditionsQuery(asked=["remote"]), store)
    by = posts.groupby("job_title_short")["job_work_from_home"].agg(
        k=lambda s: int((s == "True").sum()), n="size").reset_index()
    by = by[by.n >= 30].assign(share=lambda d: d.k / d.n).sort_values(["share", "job_title_short"],
                                                                       ascending=[False, True])
    assert [(s.label, s.count, s.of) for s in result.shares] == list(
        zip(by.job_title_short, by.k.astype(int), by.n.astype(int), strict=True))
    assert result.text.startswith("Share of all data-job postings marked remote (work from home), by kind of job")


@pytest.mark.parametrize(("question", "years"), [
    ("has data scientist pay in the US gone up since 2022?", [2022, 2024]),
    ("ml engineer pay 2021 vs now", [2021, 2024]),
    ("what did data scientists earn in 2022?", []),
    ("I've been out of work since 2019, what do analysts make now?", []),
])
def test_a_year_against_now_compares_it_with_the_latest_full_year(question: str, years: list[int]) -> None:
    from advisor.agent.tools import salary_sides

    reading = interpret(question)
    assert reading.slots.year_to_now is bool(years) and reading.slots.years == []
    if years:
        assert [side.year for side in salary_sides(reading)] == years


def test_two_skills_weighed_are_counted_without_a_skills_word(store: Store) -> None:
    reading = interpret("python or R for a data scientist job?", lambda: store.skill_vocabulary())
    assert reading.asks == [Ask.SKILLS] and reading.skills_named == ["python", "r"] and reading.skills_compared


def test_each_groups_pay_matches_pandas(store: Store, posts: pd.DataFrame) -> None:
    """"Do LinkedIn jobs pay more than Indeed ones?": each board's median yearly pay over its postings that give
    a salary of their own (a board's amount posted in 8 or more countries is a placeholder, left out)."""
    known = posts[posts["country"].notna() & (posts["country"] != "")]
    countries = known.groupby(["job_via", "yearly"])["country"].nunique()
    filled = set(countries[countries >= 8].index)
    own = posts[[(v, y) not in filled for v, y in zip(posts["job_via"], posts["yearly"], strict=True)]].copy()
    own["board"] = own["job_via"].str.replace(r"^via ", "", regex=True)
    result = count_postings(PostingCountQuery(by=PostingBreakdown.BOARD, pay=True), store)
    assert len(result.pay) == len(result.groups)
    for name, k, median in result.pay:
        rows = own[own.board == name]["yearly"]
        assert k == len(rows) and (median == pytest.approx(rows.median()) if len(rows) else median is None)
        if k >= 5:
            assert f"{name.rstrip('.')} ${rows.median():,.0f} ({fmt_n(k)} postings)" in result.text


@pytest.mark.parametrize(("question", "pay_by_group", "pay_too"), [
    ("which job boards have the most data job postings and do linkedin jobs pay more than indeed ones?", True, False),
    ("which companies post the most data engineer jobs, and what do they pay?", True, True),
    ("which companies posted the most ML engineer jobs?", False, False),
])
def test_the_groups_pay_is_read_where_it_is_asked_of_them(question: str, pay_by_group: bool, pay_too: bool) -> None:
    reading = interpret(question)
    assert reading.has(Ask.POSTING_COUNT) and reading.breakdown is not None
    assert reading.pay_by_group is pay_by_group and reading.has(Ask.PAY) is pay_too


def test_groups_ranked_by_pay_match_pandas(store: Store, posts: pd.DataFrame) -> None:
    """"Top-paying companies for data scientists, only ones with 20+ postings": employers ranked by the median of
    their postings that give a salary of their own, among those with at least 20 such postings."""
    known = posts[posts["country"].notna() & (posts["country"] != "")]
    countries = known.groupby(["job_via", "yearly"])["country"].nunique()
    filled = set(countries[countries >= 8].index)
    ds = posts[posts.job_title_short.isin(["Data Scientist", "Senior Data Scientist"])]
    own = ds[[(v, y) not in filled for v, y in zip(ds["job_via"], ds["yearly"], strict=True)]]
    own = own[own.company_name != ""]
    stats = own.groupby("company_name")["yearly"].agg(["count", "median"])
    stats = stats[stats["count"] >= 20].reset_index().sort_values(["median", "company_name"],
                                                                    ascending=[False, True]).head(5)
    result = count_postings(PostingCountQuery(role="data scientist", by=PostingBreakdown.COMPANY, by_pay=True,
                                              min_n=20), store)
    assert [g for g, _, _ in result.pay] == list(stats.company_name)
    assert [m for _, _, m in result.pay] == pytest.approx(list(stats["median"]))
    assert [k for _, k, _ in result.pay] == list(stats["count"])
    reading = interpret("top paying companies for data scientists in the 2023 postings? only ones with 20+ postings")
    assert reading.groups_by_pay and reading.min_postings == 20 and reading.breakdown == PostingBreakdown.COMPANY
    assert reading.asks[0] == Ask.POSTING_COUNT and not reading.has(Ask.PAY)


def test_countries_ranked_by_postings_match_pandas_and_a_named_country_gets_its_place(
        store: Store, posts: pd.DataFrame) -> None:
    """Countries are the store's reading (rows the source file puts in Sudan placed by their own location); a
    country the asker named outside the top groups is said with its own count, and the rows filed there."""
    result = count_postings(PostingCountQuery(by=PostingBreakdown.COUNTRY, named=["Sudan", "Nigeria"]), store)
    counts = posts["country"].dropna().value_counts()
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert result.groups == [(name, int(k)) for name, k in top]
    nigeria = int(counts["Nigeria"])
    place = int((counts > nigeria).sum()) + 1
    assert f"Nigeria has {fmt_n(nigeria)}, ranked {place} of {len(counts)} countries." in result.text
    filed = int((posts["job_country"] == "Sudan").sum())
    assert "Sudan" not in counts  # every row filed in Sudan is placed elsewhere or nowhere
    assert f"Sudan has none of them; the source file lists {fmt_n(filed)} postings in Sudan, but all of them" \
        in result.text


@pytest.mark.parametrize("question", [
    "which countries have the most postings in the 2023 data?",
    "I read that Sudan has the second most data job postings after the US in the 2023 data",
    "what country has the most data engineer jobs in that postings dataset?",
])
def test_a_count_by_country_is_read_and_a_rank_is_no_share_claim(question: str) -> None:
    reading = interpret(question)
    assert reading.has(Ask.POSTING_COUNT) and reading.breakdown == PostingBreakdown.COUNTRY
    assert not reading.claimed_share_ranges  # "the second most" ranks; it says no share is over half


def test_countries_ranked_by_pay_stay_the_surveys_ranking() -> None:
    reading = interpret("which countries pay data engineers the most?")
    assert reading.has(Ask.COUNTRY_RANKING) and not reading.has(Ask.POSTING_COUNT)


def test_postings_by_month_name_every_month_and_match_pandas(store: Store, posts: pd.DataFrame) -> None:
    """"Which month had the most postings? any seasonality?": all twelve months, the most first."""
    result = count_postings(PostingCountQuery(by=PostingBreakdown.MONTH), store)
    months = pd.to_datetime(posts["job_posted_date"]).dt.strftime("%B").value_counts()
    expected = sorted(months.items(), key=lambda kv: (-kv[1], kv[0]))
    assert result.groups == [(name, int(k)) for name, k in expected] and len(result.groups) == 12
    assert interpret("which month of 2023 had the most data job postings? any seasonality?").breakdown \
        is PostingBreakdown.MONTH
    assert interpret("what's a typical monthly salary for a data analyst?").breakdown is None


def test_which_role_had_the_most_of_a_condition_is_the_share_by_title() -> None:
    reading = interpret("what % of data job postings in 2023 were remote, and which role had the most remote "
                        "listings?")
    assert reading.has(Ask.CONDITIONS) and reading.breakdown is PostingBreakdown.TITLE
    assert not reading.has(Ask.POSTING_COUNT)
