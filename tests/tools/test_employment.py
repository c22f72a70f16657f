"""BLS employment counts for a role's occupations, against the BLS table read with pandas."""

from __future__ import annotations

import pandas as pd

from advisor.agent.interpret import Ask, interpret
from advisor.data.store import Store
from advisor.tools.employment import EmploymentQuery, employment_lookup


def test_employment_each_may_and_the_change_match_the_bls_table(store: Store, bls_df: pd.DataFrame) -> None:
    result = employment_lookup(EmploymentQuery(role="data scientist"), store)
    assert result.ok and len(result.evidence) == 1
    rows = bls_df[bls_df.occ_code == "15-2051"].sort_values("reference_period")
    n23 = int(rows[rows.reference_period == "May 2023"].tot_emp.iloc[0])
    n24 = int(rows[rows.reference_period == "May 2024"].tot_emp.iloc[0])
    text = result.evidence[0].text
    assert f"{n24:,} people employed as Data Scientists in the US in May 2024" in text
    assert f"from {n23:,} in May 2023 (+{n24 - n23:,}, {(n24 - n23) / n23:.1%})" in text
    assert "nearest" not in text  # BLS has this occupation itself


def test_a_role_bls_lacks_gets_no_headcount_of_its_stand_in(store: Store) -> None:
    """A stand-in occupation serves for pay (said as one); its headcount counts other people, so none is given."""
    result = employment_lookup(EmploymentQuery(role="AI engineer"), store)
    assert not result.ok and not result.evidence
    assert "AI Engineers of their own" in (result.message or "")
    assert not employment_lookup(EmploymentQuery(role="zookeeper wrangler"), store).ok


def test_a_headcount_question_is_read_as_one_and_a_postings_count_is_not() -> None:
    assert interpret("is the number of data scientist jobs in the US actually growing?").has(Ask.EMPLOYMENT)
    assert interpret("how many people work as software developers in the US?").has(Ask.EMPLOYMENT)
    assert not interpret("how many data engineer postings are there in Germany?").has(Ask.EMPLOYMENT)
    assert not interpret("how many jobs ask for python?").has(Ask.EMPLOYMENT)


def test_people_who_work_in_a_role_are_a_headcount_and_hours_are_not() -> None:
    assert interpret("How many data scientists work in the US?").has(Ask.EMPLOYMENT)
    assert not interpret("how many hours do data scientists work?").has(Ask.EMPLOYMENT)
    assert not interpret("how many data scientists work remotely?").has(Ask.EMPLOYMENT)
