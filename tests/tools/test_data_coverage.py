"""What each data set holds (rows, years, countries), against pandas; and the questions that ask it."""

from __future__ import annotations

import pandas as pd
import pytest

from advisor.agent.interpret import Ask, interpret
from advisor.data.store import Store
from advisor.tools.data_coverage import CoverageQuery, Dataset, describe_datasets
from advisor.tools.salary import fmt_n, fmt_pct


def test_the_surveys_rows_by_year_and_country_match_pandas(store: Store, salaries_df: pd.DataFrame) -> None:
    (ev,) = describe_datasets(CoverageQuery(datasets=[Dataset.SURVEY]), store)
    years = salaries_df["work_year"].astype(int).value_counts().sort_index()
    total = len(salaries_df)
    assert f"holds {fmt_n(total)} responses from {years.index.min()} to {years.index.max()}" in ev.text
    top = int(years.idxmax())
    assert f"most of them from {top} ({fmt_n(int(years.max()))}, {fmt_pct(years.max() / total)})" in ev.text
    for year, k in years.items():
        assert f"{year}: {fmt_n(int(k))}" in ev.text
    us = int((salaries_df["company_location"] == "US").sum())
    assert f"United States {fmt_n(us)} ({fmt_pct(us / total)})" in ev.text


def test_the_postings_span_and_countries_match_pandas(store: Store, posts: pd.DataFrame) -> None:
    (ev,) = describe_datasets(CoverageQuery(datasets=[Dataset.POSTINGS]), store)
    dates = pd.to_datetime(posts["job_posted_date"])
    assert f"hold {fmt_n(len(posts))} postings, posted from {dates.min():%-d %B %Y} to {dates.max():%-d %B %Y}" \
        in ev.text
    counts = posts["country"].dropna().value_counts()
    assert f"{counts.index[0]} {fmt_n(int(counts.iloc[0]))}" in ev.text and "Sudan" not in ev.text


def test_the_bls_tables_periods_and_occupations_match_pandas(store: Store, bls_df: pd.DataFrame) -> None:
    (ev,) = describe_datasets(CoverageQuery(datasets=[Dataset.BLS]), store)
    assert f"for {bls_df['occ_code'].nunique()} occupations" in ev.text
    assert all(period in ev.text for period in bls_df["reference_period"].unique())


@pytest.mark.parametrize("question", [
    "what years does the salary survey cover?", "the salary survey is mostly 2025 data right?",
    "how recent are your job postings?", "are the postings all from 2023?", "what data do you have?",
])
def test_a_question_about_a_data_set_itself_is_read_as_one(question: str) -> None:
    assert interpret(question).asks == [Ask.DATA_COVERAGE]


@pytest.mark.parametrize("question", [
    "what do data engineers earn in 2023?", "how many data engineer postings are there in germany?",
    "how many years of experience do i need for a data scientist job?",
])
def test_questions_about_roles_in_a_year_are_not_about_the_data_set(question: str) -> None:
    assert not interpret(question).has(Ask.DATA_COVERAGE)


def test_a_country_asked_of_the_data_sets_gets_its_own_rows(store: Store, salaries_df: pd.DataFrame,
                                                           posts: pd.DataFrame) -> None:
    """"Does the salary survey have anything on Kenya at all?": its rows there, not a decline."""
    survey, postings, bls = describe_datasets(CoverageQuery(countries=["Kenya"]), store)
    ke = salaries_df[salaries_df["company_location"] == "KE"]
    assert f"holds {fmt_n(len(ke))} responses from employers in Kenya" in survey.text
    assert f"hold {fmt_n(int((posts['country'] == 'Kenya').sum()))} postings located in Kenya" in postings.text
    assert "United States only, not Kenya" in bls.text
    assert interpret("Im in Nairobi. does the salary survey have anything on Kenya at all?").asks == [Ask.DATA_COVERAGE]


def test_a_claim_about_the_make_up_of_a_data_set_gets_its_whole_as_well(store: Store) -> None:
    evidence = describe_datasets(CoverageQuery(datasets=[Dataset.SURVEY], countries=["Spain"], whole_too=True), store)
    assert "employers in Spain" in evidence[0].text and "By the employer's country: United States" in evidence[1].text
