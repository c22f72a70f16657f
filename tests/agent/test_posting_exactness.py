"""`Advisor.find_postings` filters exactly: every hit, for twelve filter combinations, is a row that a pandas filter of
the slice's CSV keeps, and every field a hit shows is that CSV row's own."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from advisor import Advisor
from advisor.corpus.postings import posting_country, yearly_salary
from advisor.data.store import parse_skills


@pytest.fixture(scope="module")
def csv(advisor: Advisor) -> pd.DataFrame:
    df = pd.read_csv(advisor.settings.postings_csv, dtype=str, keep_default_na=False)
    df["country"] = [posting_country(c, loc) for c, loc in zip(df.job_country, df.job_location, strict=True)]
    df["pay"] = [yearly_salary(r)[0] for r in df.to_dict("records")]
    df["skills"] = [parse_skills(s) for s in df.job_skills]
    df["line"] = df.index + 2  # the CSV line: header is line 1
    return df.set_index("line")


DE = ("Data Engineer", "Senior Data Engineer")
DA = ("Data Analyst", "Senior Data Analyst")
# (query, arguments, the pandas filter the hits must pass)
CASES: list[tuple[str, dict[str, Any], Any]] = [
    ("data jobs", {"country": "US"}, lambda d: d.country == "United States"),
    ("data jobs", {"remote": True}, lambda d: d.job_work_from_home == "True"),
    ("analytics", {"role": "data analyst"}, lambda d: d.job_title_short.isin(DA)),
    ("data scientist", {"level": "senior"}, lambda d: d.job_title_short == "Senior Data Scientist"),
    ("data jobs", {"min_pay": 120_000}, lambda d: d.pay >= 120_000),
    ("remote data engineer", {}, lambda d: d.job_title_short.isin(DE) & (d.job_work_from_home == "True")),
    ("data analyst jobs in New York", {}, lambda d: d.job_title_short.isin(DA) & d.job_location.str.contains(
        "New York") & (d.country == "United States")),
    ("data engineer", {"country": "United States", "remote": True, "skills": ["python", "sql"]},
     lambda d: d.job_title_short.isin(DE) & (d.country == "United States") & (d.job_work_from_home == "True")),
    ("senior data engineer in the US", {"min_pay": 100_000},
     lambda d: (d.job_title_short == "Senior Data Engineer") & (d.country == "United States") & (d.pay >= 100_000)),
    ("data analyst", {"remote": False, "has_pay": True},
     lambda d: d.job_title_short.isin(DA) & (d.job_work_from_home == "False") & d.pay.notna()),
    ("data jobs", {"month": 3}, lambda d: d.job_posted_date.str.startswith("2023-03")),
    ("data scientist jobs posted in June", {}, lambda d: d.job_title_short.isin(
        ("Data Scientist", "Senior Data Scientist")) & d.job_posted_date.str.startswith("2023-06")),
]


@pytest.mark.parametrize(("query", "args", "keep"), CASES, ids=[f"{q} {a}" for q, a, _ in CASES])
def test_every_hit_passes_the_filter_and_shows_its_rows_fields(advisor: Advisor, csv: pd.DataFrame, query: str,
                                                               args: dict[str, Any], keep: Any) -> None:
    found = advisor.find_postings(query, limit=10, **args)
    allowed = set(csv.index[keep(csv).fillna(False)])
    assert allowed, "the slice has rows for this filter"
    assert found.hits, (query, args, found.notices)
    for hit in found.hits:
        assert hit.row in allowed, (hit.row, hit.title, found.where)
        row = csv.loc[hit.row]
        assert (hit.company, hit.title, hit.role, hit.location, hit.country, hit.schedule) == (
            row.company_name, row.job_title, row.job_title_short, row.job_location, row.country,
            row.job_schedule_type)
        assert hit.month == row.job_posted_date[:7] and hit.remote == (row.job_work_from_home == "True")
        assert hit.pay_year == (row.pay if pd.notna(row.pay) else None) and hit.skills == row.skills
        assert hit.citation == f"{advisor.settings.postings_csv.name}, row {hit.row}"
    mine = set(args.get("skills") or [])
    if mine:  # the person's skills: what each hit lists of them, what else it asks for, more of them first
        for hit in found.hits:
            assert set(hit.matched) == mine & set(hit.skills) and set(hit.missing) == set(hit.skills) - mine
        counts = [len(h.matched) for h in found.hits]
        assert counts == sorted(counts, reverse=True), counts


def test_a_narrow_filter_finds_every_matching_row(advisor: Advisor, csv: pd.DataFrame) -> None:
    """Filters are applied inside Chroma, not to a top-k found without them: every US Senior Data Scientist row of
    the slice comes back, not only those that rank among the nearest postings overall."""
    keep = (csv.job_title_short == "Senior Data Scientist") & (csv.country == "United States")
    found = advisor.find_postings("senior data scientist", country="US", limit=50)
    assert {h.row for h in found.hits} == set(csv.index[keep]), found.where
