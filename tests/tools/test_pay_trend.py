"""The survey's median pay by year, re-computed with pandas."""

from __future__ import annotations

import pandas as pd

from advisor.data.store import Store
from advisor.tools.pay_trend import PayTrendQuery, pay_by_year
from advisor.tools.salary import fmt_money, fmt_n


def test_pay_by_year_matches_pandas(store: Store, salaries_df: pd.DataFrame) -> None:
    mle = salaries_df[(salaries_df.job_title == "Machine Learning Engineer") & (salaries_df.company_location == "US")]
    by_year = mle.groupby("work_year").salary_in_usd.agg(["median", "size"])
    by_year = by_year[by_year["size"] >= 10]
    latest = store.survey_latest_full_year()
    full = by_year[by_year.index <= latest]
    result = pay_by_year(PayTrendQuery(role="ml engineer", country="US"), store)
    assert [(y.year, y.median, y.n) for y in result.years] == list(
        zip(full.index, full["median"], full["size"], strict=True))
    for y in result.years:
        assert f"{fmt_money(y.median)} in {y.year}" in result.text
        assert fmt_n(y.n) in result.text
    # the snapshot's partial year is said apart, with its count, never as a step of the series
    partial = by_year[by_year.index > latest]
    assert result.partial is not None and (result.partial.year, result.partial.n) == (
        int(partial.index[0]), int(partial["size"].iloc[0]))
    assert f"{result.partial.year} responses run only to" in result.text
    assert f"in {result.partial.year} (" not in result.text
    assert result.evidence()[0].kind == "salary_data" and result.evidence()[0].text == result.text


def test_every_title_when_no_role_and_small_years_flagged(store: Store, salaries_df: pd.DataFrame) -> None:
    result = pay_by_year(PayTrendQuery(), store)
    counts = salaries_df.groupby("work_year").size()
    assert [y.n for y in result.years] == [int(counts[y.year]) for y in result.years]
    small = [str(y.year) for y in result.years if y.n < 100]
    assert small and all(year in result.text.split("; ", 2)[-1] for year in small)
    assert "rough" in result.text


def test_too_few_responses_a_year_say_so(store: Store) -> None:
    result = pay_by_year(PayTrendQuery(role="data engineer", country="Nigeria"), store)
    assert not result.ok and "too few" in result.message and result.evidence() == []


def test_the_model_can_call_it(store: Store) -> None:
    from advisor.tools.pay_trend import PayTrendResult, make_pay_trend_tool

    out = make_pay_trend_tool(store).invoke({"name": "pay_by_year", "id": "1", "type": "tool_call",
                                             "args": {"role": "data scientist"}})
    assert isinstance(out.artifact, PayTrendResult) and out.artifact.ok and out.content == out.artifact.text
