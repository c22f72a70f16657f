"""company_pay against pandas on the real postings: matched employer names, n and quartiles must agree exactly."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from advisor.data.store import Store
from advisor.tools.company import CompanyPayQuery, company_pay, make_company_tool
from advisor.tools.salary import fmt_money, fmt_n


def _starts(posts: pd.DataFrame, company: str) -> pd.Series:
    return posts.company_name.str.match(rf"(?i){company}(\b|$)")


@pytest.mark.parametrize(
    "query, select",
    [
        (CompanyPayQuery(company="Meta"), lambda p: p),
        (CompanyPayQuery(company="Amazon", role="data engineer"),
         lambda p: p[p.job_title_short.isin(["Data Engineer", "Senior Data Engineer"])]),
        (CompanyPayQuery(company="capital one", role="data scientist"),
         lambda p: p[p.job_title_short.isin(["Data Scientist", "Senior Data Scientist"])]),
    ],
)
def test_pay_matches_pandas(store: Store, posts: pd.DataFrame, query, select) -> None:
    sub = select(posts)
    sub = sub[_starts(sub, query.company)]
    result = company_pay(query, store)
    assert result.ok and result.n == len(sub)
    q = sub["yearly"].quantile([0.25, 0.5, 0.75]).tolist()
    assert [result.p25, result.median, result.p75] == pytest.approx(q)
    assert set(result.matched_names) == set(sub.company_name.value_counts().index[:8])
    assert fmt_money(result.median) in result.text and fmt_n(len(sub)) in result.text
    (ev,) = result.evidence()
    assert ev.source == "data_jobs_2023_with_salary.csv" and "company_name ~*" in ev.locator
    json.dumps(result.to_dict())


def test_few_postings_are_withheld_with_the_names_found(store: Store, posts: pd.DataFrame) -> None:
    result = company_pay(CompanyPayQuery(company="Google"), store)
    n = int(_starts(posts, "Google").sum())
    assert 0 < n < 10 and not result.ok
    assert f"Only {fmt_n(n)}" in result.message and "Google LLC" in result.message
    assert "no employer field" in result.message
    (ev,) = result.evidence()  # the count is said in the answer, with its source, not only in a notice
    assert ev.kind == "posting_stats" and ev.text == result.message and ev.source.endswith(".csv")


def test_no_postings_from_an_employer_is_said_plainly(store: Store) -> None:
    result = company_pay(CompanyPayQuery(company="Nonexistent Widgets Corp"), store)
    assert not result.ok and result.message.startswith("No 2023 data-job postings match")


def test_a_prefix_match_is_shown_not_hidden(store: Store) -> None:
    result = company_pay(CompanyPayQuery(company="Apple"), store)
    assert "Apple Bank for Savings" in result.matched_names  # visible in the evidence text, so it can be judged


def test_bad_role_is_a_message(store: Store) -> None:
    result = company_pay(CompanyPayQuery(company="Meta", role="underwater basket weaver"), store)
    assert not result.ok and "basket" in result.message.lower() and result.evidence() == []


def test_langchain_tool(store: Store) -> None:
    text, result = make_company_tool(store).func(company="Meta")
    assert result.ok and text == result.text


def test_an_employer_whose_postings_carry_placeholders_says_so(store: Store, posts: pd.DataFrame) -> None:
    """Bosch Group's postings mostly show a job board's worldwide amount: the sentence says how many, with the
    median of the others, re-computed here with pandas."""
    known = posts[posts["country"].notna() & (posts["country"] != "")]
    countries = known.groupby(["job_via", "yearly"])["country"].nunique()
    filled = set(countries[countries >= 8].index)
    sub = posts[_starts(posts, "Bosch Group")]
    mask = [(v, y) in filled for v, y in zip(sub["job_via"], sub["yearly"], strict=True)]
    k, rest = sum(mask), sub[[not m for m in mask]]
    result = company_pay(CompanyPayQuery(company="Bosch Group"), store)
    assert f"{fmt_n(k)} of these {fmt_n(len(sub))} postings show a placeholder" in result.text
    assert f"the other {fmt_n(len(rest))} have a median of {fmt_money(rest['yearly'].median())}" in result.text


def test_two_employers_compared_lead_with_the_higher_median(store: Store, posts: pd.DataFrame) -> None:
    """"Capital One vs Booz Allen: who paid more?": one sentence names the higher employer, with both medians
    and counts as pandas computes them."""
    from advisor.tools.company import compare_employers

    de = posts[posts.job_title_short.isin(["Data Engineer", "Senior Data Engineer"])]
    medians = {c: de[_starts(de, c)]["yearly"].median() for c in ("capital one", "booz allen")}
    counts = {c: int(_starts(de, c).sum()) for c in medians}
    results = [company_pay(CompanyPayQuery(company=c, role="data engineer"), store) for c in medians]
    ev = compare_employers(results)
    assert ev is not None
    high, low = sorted(medians, key=lambda c: -medians[c])
    text = ev.text
    assert text.index(fmt_money(medians[high])) < text.index(fmt_money(medians[low]))
    assert f"from {fmt_n(counts[high])} and {fmt_n(counts[low])} postings" in text
    assert "higher median than" in text and set(ev.metadata["compared"]) == {r.evidence_id for r in results}


def test_one_employer_with_figures_is_no_comparison(store: Store) -> None:
    from advisor.tools.company import compare_employers

    results = [company_pay(CompanyPayQuery(company=c, role="machine learning engineer"), store)
               for c in ("Bosch", "OpenAI")]
    assert [r.ok for r in results] == [True, False] and compare_employers(results) is None
