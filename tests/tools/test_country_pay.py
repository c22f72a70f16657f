"""Countries ranked by the survey's median pay, re-computed with pandas."""

from __future__ import annotations

import pandas as pd

from advisor.data.store import Store
from advisor.tools.country_pay import CountryPayQuery, rank_countries_by_pay
from advisor.tools.salary import fmt_money, fmt_n


def test_countries_ranked_by_median_pay_match_pandas(store: Store, salaries_df: pd.DataFrame) -> None:
    de = salaries_df[(salaries_df.job_title == "Data Engineer") & (salaries_df.company_location != "US")]
    by = de.groupby("company_location").salary_in_usd.agg(["median", "size"])
    by = by[by["size"] >= 10].reset_index().sort_values(["median", "size", "company_location"],
                                                        ascending=[False, False, True])
    result = rank_countries_by_pay(CountryPayQuery(role="data engineer", exclude=["US"]), store)
    assert result.qualifying == len(by)
    assert [(c.median, c.n) for c in result.countries] == list(zip(by["median"][:5], by["size"][:5], strict=True))
    for c in result.countries:
        assert f"{c.country} ({fmt_money(c.median)}, {fmt_n(c.n)} responses)" in result.text
    assert "outside the United States" in result.text and "United States (" not in result.text


def test_too_few_countries_to_rank_say_so(store: Store) -> None:
    result = rank_countries_by_pay(CountryPayQuery(role="prompt engineer", experience="junior", min_n=50), store)
    assert not result.ok and "too few to rank" in result.message and result.evidence() == []
