"""rank_roles against rankings computed independently from the CSVs with pandas."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pandas as pd
import pytest
from pydantic import ValidationError

from advisor.data.store import Store
from advisor.tools.ranking import (
    RoleRankingQuery,
    RoleRankingResult,
    SourceRanking,
    format_role_ranking,
    make_ranking_tool,
    rank_roles,
)
from advisor.tools.salary import SalaryQuery, fmt_money, fmt_n, salary_lookup

SAL_FILE = "salaries_aijobs_snapshot_2025-01-19.csv"
POST_FILE = "data_jobs_2023_with_salary.csv"
QS = [0.25, 0.5, 0.75]
SENIOR_WORDS = r"\b(?:senior|sr|lead|principal|staff|head|director)\b"

Mask = Callable[[pd.DataFrame], pd.Series]


@pytest.fixture(scope="module")
def posting_rows(posts: pd.DataFrame) -> pd.DataFrame:
    """The shared postings plus salary_lookup's level mapping, written independently of the store."""
    df = posts.copy()
    classes = set(df["job_title_short"])
    seniors = {c for c in classes if c.startswith("Senior ")}
    no_senior = {c for c in classes - seniors if f"Senior {c}" not in seniors}
    senior_title = df["job_title"].str.contains(SENIOR_WORDS, case=False, regex=True)
    df["senior_mapped"] = df["job_title_short"].isin(seniors) | (df["job_title_short"].isin(no_senior) & senior_title)
    df["senior_class"] = df["job_title_short"].isin(seniors)
    return df


def expected(
    df: pd.DataFrame, title: str, value: str, year: str, *, min_n: int = 30, order: str = "highest"
) -> list[dict]:
    """Every title with n >= min_n, ranked by median (ties: larger n, then title), from pandas alone."""
    out = []
    for name, g in df.groupby(title):
        if len(g) < min_n:
            continue
        q = g[value].astype(float).quantile(QS).tolist()
        row = {"title": name, "p25": q[0], "median": q[1], "p75": q[2], "n": len(g)}
        row["years"] = (int(g[year].min()), int(g[year].max()))
        row["dups"] = int(g["is_dup"].sum()) if "is_dup" in g else None
        row["hourly"] = int((g["salary_rate"] == "hour").sum()) if "salary_rate" in g else None
        out.append(row)
    sign = -1 if order == "highest" else 1
    out.sort(key=lambda r: (sign * r["median"], -r["n"], r["title"]))
    return out


def _source(result: RoleRankingResult, name: str) -> SourceRanking:
    return next(s for s in result.sources if s.source == name)


def check(s: SourceRanking, exp: list[dict], top: int) -> None:
    """Titles, order, quartiles, n and years equal pandas exactly; every shown figure is in the evidence."""
    assert s.status == "ok"
    assert s.titles_qualifying == len(exp)
    want = exp[:top]
    assert [r.title for r in s.rows] == [e["title"] for e in want]
    assert [r.rank for r in s.rows] == list(range(1, len(want) + 1))
    for r, e in zip(s.rows, want, strict=True):
        assert (r.p25, r.median, r.p75) == (e["p25"], e["median"], e["p75"])  # exact: same interpolation
        assert r.n == e["n"]
        assert (r.year_min, r.year_max) == e["years"]
        if e["dups"] is not None:
            assert r.duplicates_included == e["dups"]
        if e["hourly"] is not None:
            assert r.hourly_converted == e["hourly"]
        assert f"{r.label} {fmt_money(r.median)} ({fmt_n(r.n)} " in s.text
    assert s.year_min == min(e["years"][0] for e in want) and s.year_max == max(e["years"][1] for e in want)
    assert s.year_text in s.text


SURVEY_CASES: list[tuple[RoleRankingQuery, Mask]] = [
    (RoleRankingQuery(), lambda d: d.job_title.notna()),
    (RoleRankingQuery(country="United States"), lambda d: d.company_location == "US"),
    (RoleRankingQuery(experience="senior"), lambda d: d.experience_level == "SE"),
    (RoleRankingQuery(country="UK", top=25, order="lowest"), lambda d: d.company_location == "GB"),
    (
        RoleRankingQuery(country="US", experience="8 years", year=2024, remote=False, min_n=50),
        lambda d: (
            (d.company_location == "US") & (d.experience_level == "SE") & (d.work_year == 2024) & (d.remote_ratio == 0)
        ),
    ),
]


@pytest.mark.parametrize(("query", "mask"), SURVEY_CASES)
def test_survey_ranking_matches_pandas(store: Store, sal: pd.DataFrame, query: RoleRankingQuery, mask) -> None:
    result = rank_roles(query, store)
    assert result.ok
    s = _source(result, "survey")
    sub = sal[mask(sal)]
    exp = expected(sub, "job_title", "salary_in_usd", "work_year", min_n=query.min_n, order=query.order)
    check(s, exp, query.top)
    assert s.rows_matched == len(sub) and s.titles_matched == sub.job_title.nunique()
    assert s.duplicates_included == sum(e["dups"] for e in exp[: query.top])
    assert "duplicate" not in s.text and SAL_FILE not in s.text  # plain words: no bookkeeping, no file names
    assert s.dataset == SAL_FILE


POSTINGS_CASES: list[tuple[RoleRankingQuery, Mask]] = [
    (RoleRankingQuery(), lambda d: d.job_title_short.notna()),
    (RoleRankingQuery(country="US", top=3), lambda d: d.country == "United States"),
    (RoleRankingQuery(experience="senior"), lambda d: d.senior_mapped),
    (RoleRankingQuery(experience="junior", order="lowest"), lambda d: ~d.senior_class),
    (RoleRankingQuery(remote=True, min_n=100), lambda d: d.job_work_from_home == "True"),
]


@pytest.mark.parametrize(("query", "mask"), POSTINGS_CASES)
def test_postings_ranking_matches_pandas(
    store: Store, posting_rows: pd.DataFrame, query: RoleRankingQuery, mask
) -> None:
    result = rank_roles(query, store)
    s = _source(result, "postings")
    sub = posting_rows[mask(posting_rows)]
    exp = expected(sub, "job_title_short", "yearly", "year", min_n=query.min_n, order=query.order)
    check(s, exp, query.top)
    assert s.rows_matched == len(sub)
    assert s.hourly_converted == sum(e["hourly"] for e in exp[: query.top])
    assert s.dataset == POST_FILE and POST_FILE not in s.text
    if query.experience == "senior":
        # Classes without a "Senior ..." class are shown with the senior-title basis.
        labels = {r.title: r.label for r in s.rows}
        assert labels["Senior Data Scientist"] == "Senior Data Scientist"
        assert labels["Machine Learning Engineer"] == "Machine Learning Engineer (senior/lead-looking title)"
        assert "Data Scientist" not in labels


def test_agrees_with_salary_lookup(store: Store) -> None:
    """A ranked title's figures equal salary_lookup's for that title under the same filter."""
    ranking = rank_roles(RoleRankingQuery(country="US", experience="SE", top=25), store)
    survey = {r.title: r for r in _source(ranking, "survey").rows}
    posting = {r.title: r for r in _source(ranking, "postings").rows}
    for role, title in (
        ("machine learning engineer", "Machine Learning Engineer"),
        ("research scientist", "Research Scientist"),
    ):
        lookup = salary_lookup(SalaryQuery(role=role, country="US", experience="SE", sources=["survey"]), store)
        s = lookup.sources[0]
        r = survey[title]
        assert (r.p25, r.median, r.p75, r.n) == (s.p25, s.median, s.p75, s.n)
        assert r.duplicates_included == s.duplicates_included
    for role, title in (
        ("senior machine learning engineer", "Machine Learning Engineer"),
        ("senior data scientist", "Senior Data Scientist"),
    ):
        lookup = salary_lookup(SalaryQuery(role=role, country="US", sources=["postings"]), store)
        s = lookup.sources[0]
        r = posting[title]
        assert (r.p25, r.median, r.p75, r.n) == (s.p25, s.median, s.p75, s.n)
    junior = rank_roles(RoleRankingQuery(experience="junior", top=25), store)
    r = next(r for r in _source(junior, "postings").rows if r.title == "Data Analyst")
    s = salary_lookup(SalaryQuery(role="junior data analyst", sources=["postings"]), store).sources[0]
    assert (r.median, r.n) == (s.median, s.n)


def test_min_n_respected(store: Store, sal: pd.DataFrame) -> None:
    counts = sal.groupby("job_title").size()
    result = rank_roles(RoleRankingQuery(min_n=1000, top=25), store)
    s = _source(result, "survey")
    assert s.titles_qualifying == int((counts >= 1000).sum())
    assert {r.title for r in s.rows} == set(counts[counts >= 1000].index)
    assert all(r.n >= 1000 for r in s.rows) and "at least 1,000 responses" in s.text
    # Titles between the default minimum and 1,000 are ranked by default, withheld here.
    default = {r.title for r in _source(rank_roles(RoleRankingQuery(top=25), store), "survey").rows}
    assert any(30 <= counts[t] < 1000 for t in default)
    with pytest.raises(ValidationError):
        RoleRankingQuery(min_n=9)
    for top in (0, 26):
        with pytest.raises(ValidationError):
            RoleRankingQuery(top=top)


def test_order_lowest(store: Store) -> None:
    high = rank_roles(RoleRankingQuery(top=25), store)
    low = rank_roles(RoleRankingQuery(top=25, order="lowest"), store)
    for name in ("survey", "postings"):
        h, lo = _source(high, name), _source(low, name)
        assert [r.median for r in lo.rows] == sorted(r.median for r in lo.rows)
        assert [r.median for r in h.rows] == sorted((r.median for r in h.rows), reverse=True)
        assert lo.rows[0].median < h.rows[0].median
        assert lo.text.startswith("Lowest-paying roles") and h.text.startswith("Highest-paying roles")
    # The postings have 10 classes, all shown: lowest-first is highest-first reversed.
    assert [r.title for r in _source(low, "postings").rows] == [r.title for r in _source(high, "postings").rows][::-1]


def test_country_with_too_few_records(store: Store, sal: pd.DataFrame) -> None:
    result = rank_roles(RoleRankingQuery(country="Greece"), store)
    gr = sal[sal.company_location == "GR"]
    assert len(gr) > 0 and gr.groupby("job_title").size().max() < 30
    assert not result.ok
    assert result.message and result.message.startswith("No job title can be ranked for these filters (minimum 30)")
    s = _source(result, "survey")
    assert s.status == "too_few" and s.rows == [] and s.rows_matched == len(gr)
    biggest = gr.groupby("job_title").size().max()
    assert f"{fmt_n(len(gr))} matching rows across {gr.job_title.nunique()} job titles" in s.message
    assert f"with {fmt_n(int(biggest))}" in s.message and "withheld" in s.message
    assert result.chart_rows() == []
    # The refusal is stated in the evidence (no figures), in plain words, with the place and years.
    ev = {e.kind: e for e in result.evidence()}
    assert "$" not in ev["salary_data"].text and SAL_FILE not in ev["salary_data"].text
    assert "Greece" in ev["salary_data"].text and s.year_text in ev["salary_data"].text
    empty = rank_roles(RoleRankingQuery(country="Andorra"), store)
    assert not empty.ok and _source(empty, "postings").status == "empty"
    assert "No postings match country='AD'" in (empty.message or "")


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        (RoleRankingQuery(country="Atlantis"), r"Unknown country 'Atlantis'"),
        (RoleRankingQuery(experience="wizard"), r"Unknown experience level 'wizard'"),
        (RoleRankingQuery(experience="junior, 10 years"), r"Contradictory"),
        (RoleRankingQuery(year=2019), r"No data for 2019: the aijobs.net survey covers 2020–2025"),
    ],
)
def test_clear_messages(store: Store, query: RoleRankingQuery, pattern: str) -> None:
    result = rank_roles(query, store)
    assert not result.ok and re.search(pattern, result.message or ""), result.message
    assert result.evidence() == [] and result.chart_rows() == []
    assert format_role_ranking(result) == result.message


def test_year_outside_postings(store: Store) -> None:
    result = rank_roles(RoleRankingQuery(year=2024), store)
    assert result.ok and _source(result, "survey").year_text == "2024"
    p = _source(result, "postings")
    assert p.status == "not_applicable" and "2023 only" in p.message
    assert "Some sources have no ranking" in (result.message or "")
    assert [e.kind for e in result.evidence()] == ["salary_data"]


def test_evidence(store: Store) -> None:
    query = RoleRankingQuery(country="US")
    result = rank_roles(query, store)
    ev = result.evidence()
    assert [e.kind for e in ev] == ["salary_data", "posting_stats"]
    assert [e.source for e in ev] == [SAL_FILE, POST_FILE]
    survey, postings = ev
    assert survey.locator == (
        "company_location='US', duplicates=kept; grouped by job_title, n>=30, top 10 by median salary_in_usd "
        "(highest first)"
    )
    assert postings.locator.startswith("country='US'; grouped by job_title_short, n>=30")
    for e in ev:
        s = next(s for s in result.sources if s.evidence_id == e.id)
        assert e.locator == s.filter and e.title.endswith(s.filter)
        assert e.text.startswith("Highest-paying roles in the ") and "(United States, " in e.text
        assert s.year_text in e.text and "roles with at least 30" in e.text and e.text.endswith(").")
        assert "\n" not in e.text and e.text.count("Highest-paying") == 1
        for r in s.rows:
            assert fmt_n(r.n) in e.text and fmt_money(r.median) in e.text
        assert [m["title"] for m in e.metadata["ranking"]] == [r.title for r in s.rows]
    assert "median annual salary in USD" in survey.text
    assert "hourly rates converted at 2,080 hours a year" in postings.text
    # Stable ids: same source and filter → same id; a different filter → a different id.
    assert [e.id for e in rank_roles(query, store).evidence()] == [e.id for e in ev]
    other = rank_roles(RoleRankingQuery(country="US", order="lowest"), store).evidence()
    assert not {e.id for e in other} & {e.id for e in ev}


def test_to_dict_and_chart_rows(store: Store) -> None:
    result = rank_roles(RoleRankingQuery(country="Germany", experience="SE", top=5), store)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["ok"] == result.ok and data["filters"].startswith("Filters: country Germany (DE), level SE")
    assert [e["text"] for e in data["evidence"]] == [e.text for e in result.evidence()]
    assert len(data["chart_rows"]) == sum(len(s.rows) for s in result.sources)
    plain = json.loads(json.dumps(rank_roles(RoleRankingQuery(), store).to_dict()))
    rows = plain["chart_rows"]
    assert rows and {"source", "label", "p25", "median", "p75", "n", "employment", "year", "kind"} == set(rows[0])
    first = rank_roles(RoleRankingQuery(), store).sources[0].rows[0]
    assert (rows[0]["median"], rows[0]["n"], rows[0]["source"]) == (first.median, first.n, SAL_FILE)
    assert rows[0]["label"].startswith(first.title) and rows[0]["kind"] == "survey"


def test_format_and_langchain_tool(store: Store) -> None:
    result = rank_roles(RoleRankingQuery(country="US", top=3), store)
    text = format_role_ranking(result)
    s = _source(result, "survey")
    assert s.rows[0].title in text and fmt_money(s.rows[0].median) in text and f"{s.rows[0].n:,}" in text
    assert "Filters used:" in text and SAL_FILE in text and POST_FILE in text
    tool = make_ranking_tool(store)
    assert tool.name == "rank_roles" and tool.args_schema is RoleRankingQuery
    msg = tool.invoke({"name": "rank_roles", "args": {"country": "Germany", "top": 3}, "id": "1", "type": "tool_call"})
    assert isinstance(msg.artifact, RoleRankingResult) and msg.artifact.ok
    assert "Data Scientist" in msg.content
