"""salary_lookup against statistics computed independently from the CSVs with pandas."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from advisor.data.store import Store
from advisor.text import figures
from advisor.tools.salary import (
    EVERY_ROLE,
    SalaryQuery,
    SalaryResult,
    fmt_money,
    fmt_n,
    format_salary_result,
    make_salary_tool,
    salary_lookup,
)

SAL_FILE = "salaries_aijobs_snapshot_2025-01-19.csv"
POST_FILE = "data_jobs_2023_with_salary.csv"
BLS_FILE = "oews_national_selected_2023_2024.csv"
QS = [0.25, 0.5, 0.75]


def _source(result: SalaryResult, name: str, code: str | None = None):
    for s in result.sources:
        if s.source == name and (code is None or s.occ_code == code):
            return s
    raise AssertionError(f"no {name} source in {result.sources}")


def _check_quantiles(stats, values: pd.Series) -> None:
    q = values.astype(float).quantile(QS).tolist()
    assert stats.n == len(values)
    assert [stats.p25, stats.median, stats.p75] == q  # exact: same interpolation definition
    for x in q:
        assert fmt_money(x) in stats.text
    assert fmt_n(len(values)) in stats.text


@pytest.mark.parametrize(
    ("query", "mask"),
    [
        (
            SalaryQuery(role="ml eng", country="US", experience="SE"),
            lambda d: (
                (d.job_title == "Machine Learning Engineer")
                & (d.company_location == "US")
                & (d.experience_level == "SE")
            ),
        ),
        (SalaryQuery(role="data scientist"), lambda d: d.job_title == "Data Scientist"),
        (
            SalaryQuery(role="AI engineer", country="United Kingdom"),
            lambda d: (d.job_title == "AI Engineer") & (d.company_location == "GB"),
        ),
        (
            SalaryQuery(role="senior data engineer remote US 2023"),
            lambda d: (
                (d.job_title == "Data Engineer")
                & (d.company_location == "US")
                & (d.experience_level == "SE")
                & (d.remote_ratio == 100)
                & (d.work_year == 2023)
            ),
        ),
        (
            SalaryQuery(role="junior data analyst", country="Canada", remote=False),
            lambda d: (
                (d.job_title == "Data Analyst")
                & (d.company_location == "CA")
                & (d.experience_level == "EN")
                & (d.remote_ratio == 0)
            ),
        ),
        (
            SalaryQuery(role="MLOps engineer", years_experience=8),
            lambda d: (d.job_title == "MLOps Engineer") & (d.experience_level == "SE"),
        ),
    ],
)
def test_survey_matches_pandas(store: Store, sal: pd.DataFrame, query: SalaryQuery, mask) -> None:
    result = salary_lookup(query, store)
    s = _source(result, "survey")
    sub = sal[mask(sal)]
    assert s.status == ("ok" if len(sub) >= 10 else "too_few")
    if s.status == "ok":
        _check_quantiles(s, sub["salary_in_usd"])
        assert s.duplicates_included == int(sub["is_dup"].sum())
        assert (s.year_min, s.year_max) == (sub.work_year.min(), sub.work_year.max())
        assert "duplicates=kept" in s.filter and "duplicate" not in s.text  # bookkeeping stays in the filter
        latest = sub[sub.work_year == 2024]  # the latest full year: the snapshot is of 19 January 2025
        asked_year = result.filters.year if result.filters else None
        if asked_year is None and (sub.work_year != 2024).any() and len(latest) >= 10:
            assert f"{fmt_money(latest.salary_in_usd.astype(float).median())} in 2024 alone" in s.text, s.text
        else:
            assert "alone" not in s.text, s.text


def test_survey_dedupe(store: Store, sal: pd.DataFrame) -> None:
    result = salary_lookup(SalaryQuery(role="machine learning engineer", country="US", dedupe=True), store)
    s = _source(result, "survey")
    sub = sal[(sal.job_title == "Machine Learning Engineer") & (sal.company_location == "US") & ~sal.is_dup]
    _check_quantiles(s, sub["salary_in_usd"])
    assert "duplicates=removed" in s.filter and "duplicate" not in s.text
    kept = _source(
        salary_lookup(SalaryQuery(role="machine learning engineer", country="US"), store), "survey"
    )
    assert kept.n > s.n and "duplicates=kept" in kept.filter


def test_original_currency(store: Store, sal: pd.DataFrame) -> None:
    result = salary_lookup(SalaryQuery(role="data scientist", country="Germany", currency="eur"), store)
    s = _source(result, "survey")
    sub = sal[
        (sal.job_title == "Data Scientist") & (sal.company_location == "DE") & (sal.salary_currency == "EUR")
    ]
    assert s.n == len(sub) and [s.p25, s.median, s.p75] == sub["salary"].astype(float).quantile(QS).tolist()
    assert f"EUR {round(s.median):,}" in s.text
    assert _source(result, "postings").status == "unavailable"
    assert "not available in EUR" in _source(result, "postings").message
    assert _source(result, "bls").status == "unavailable"
    assert result.article_figures == []
    jpy = salary_lookup(SalaryQuery(role="data scientist", country="US", currency="JPY"), store)
    assert _source(jpy, "survey").status in ("unavailable", "empty")


@pytest.mark.parametrize(
    ("query", "mask"),
    [
        (
            SalaryQuery(role="machine learning engineer", country="US"),
            lambda d: (d.job_title_short == "Machine Learning Engineer") & (d.country == "United States"),
        ),
        (SalaryQuery(role="senior data scientist"), lambda d: d.job_title_short == "Senior Data Scientist"),
        (
            SalaryQuery(role="data engineer", country="US", remote=True),
            lambda d: (
                d.job_title_short.isin(["Data Engineer", "Senior Data Engineer"])
                & (d.country == "United States")
                & (d.job_work_from_home == "True")
            ),
        ),
        (
            # no "Senior Machine Learning Engineer" class: junior leaves out senior-looking raw titles
            SalaryQuery(role="machine learning engineer", country="US", experience="junior"),
            lambda d: (d.job_title_short == "Machine Learning Engineer") & (d.country == "United States")
            & ~d.job_title.str.contains(r"\b(?:senior|sr|lead|principal|staff|head|director)\b", case=False,
                                        regex=True),
        ),
        (
            SalaryQuery(role="AI engineer"),
            lambda d: d.job_title.str.contains(
                r"\b(?:ai|artificial intelligence)\s+engineer", case=False, regex=True
            ),
        ),
        (
            SalaryQuery(role="data analyst", country="India"),
            lambda d: (
                d.job_title_short.isin(["Data Analyst", "Senior Data Analyst"]) & (d.country == "India")
            ),
        ),
        (   # a US state by code: "City, TX" or the state's name, a trailing "(+1 other)" aside
            SalaryQuery(role="data analyst", country="US", place="TX"),
            lambda d: (
                d.job_title_short.isin(["Data Analyst", "Senior Data Analyst"]) & (d.country == "United States")
                & d.job_location.str.replace(r"\s*\(\+\d+ others?\)\s*$", "", regex=True).str.strip()
                .pipe(lambda loc: loc.str.endswith(", TX") | (loc == "Texas"))
            ),
        ),
        (   # a city by its name as the location's first part
            SalaryQuery(role="data engineer", country="US", place="Seattle"),
            lambda d: (
                d.job_title_short.isin(["Data Engineer", "Senior Data Engineer"]) & (d.country == "United States")
                & d.job_location.str.split(",").str[0].str.strip().eq("Seattle")
            ),
        ),
        (   # data jobs as a whole ("what do data roles in Seattle pay?"): every class of the postings
            SalaryQuery(role=EVERY_ROLE, country="US", place="Seattle"),
            lambda d: (d.country == "United States") & d.job_location.str.split(",").str[0].str.strip().eq("Seattle"),
        ),
    ],
)
def test_postings_match_pandas(store: Store, posts: pd.DataFrame, query: SalaryQuery, mask) -> None:
    s = _source(salary_lookup(query, store), "postings")
    sub = posts[mask(posts)]
    assert s.status == "ok"
    filled = _placeholder_pairs(posts)
    is_filled = pd.Series([(v, y) in filled for v, y in zip(sub["job_via"], sub["yearly"], strict=True)],
                          index=sub.index)
    if 2 * is_filled.sum() >= len(sub):  # mostly a job board's amount: the figure is the other postings'
        assert s.placeholders_left_out and f"leaving out {fmt_n(int(is_filled.sum()))} that show" in s.text
        sub = sub[~is_filled]
    _check_quantiles(s, sub["yearly"])
    assert s.hourly_converted == int((sub.salary_rate == "hour").sum())
    assert s.year_min == s.year_max == 2023
    assert s.dataset == POST_FILE


def test_bls_rows(store: Store, bls_df: pd.DataFrame) -> None:
    result = salary_lookup(SalaryQuery(role="machine learning engineer", country="US"), store)
    for code in ("15-1221", "15-2051"):
        s = _source(result, "bls", code)
        src = bls_df[(bls_df.occ_code == code) & (bls_df.reference_period == "May 2024")].iloc[0]
        assert (s.p25, s.median, s.p75) == (float(src.a_pct25), float(src.a_median), float(src.a_pct75))
        assert s.employment == int(src.tot_emp) and s.n is None
        assert fmt_money(s.median) in s.text and fmt_money(s.p25) in s.text and fmt_money(s.p75) in s.text
    assert "$112,590" in _source(result, "bls", "15-2051").text
    older = salary_lookup(SalaryQuery(role="data scientist", year=2023), store)
    assert _source(older, "bls", "15-2051").median == 108020
    abroad = salary_lookup(SalaryQuery(role="data scientist", country="DE"), store)
    assert _source(abroad, "bls").status == "not_applicable"
    assert "United States only" in _source(abroad, "bls").message


def test_evidence_fields(store: Store) -> None:
    q = SalaryQuery(role="machine learning engineer", country="US", experience="senior")
    result = salary_lookup(q, store)
    ev = result.evidence()
    kinds = {e.kind for e in ev}
    assert {"salary_data", "posting_stats", "bls"} <= kinds
    survey = next(e for e in ev if e.kind == "salary_data")
    assert survey.source == SAL_FILE
    assert (
        survey.locator
        == "job_title='Machine Learning Engineer', company_location='US', experience_level='SE', "
        "duplicates=kept"
    )
    assert survey.title == "aijobs.net salary survey — " + survey.locator
    assert {e.source for e in ev if e.kind == "bls"} == {BLS_FILE}
    # Stable ids: same source + filter → same id, in another call.
    again = salary_lookup(q, store).evidence()
    assert [e.id for e in ev] == [e.id for e in again]
    assert len({e.id for e in ev}) == len(ev)
    # Every figure a summary or chart shows is verbatim in some evidence text.
    texts = " ".join(e.text for e in ev)
    for row in result.chart_rows():
        for key in ("p25", "median", "p75"):
            if row[key] is not None:
                assert fmt_money(row[key]) in texts


def test_article_figures_side_by_side(store: Store) -> None:
    result = salary_lookup(SalaryQuery(role="AI engineer", country="US"), store)
    figs = {f.id: f for f in result.article_figures}
    assert any(f.figure_usd == 140000 and f.article_file.startswith("003") for f in figs.values())
    assert all(f.country in ("US", None) for f in figs.values())
    ev = [e for e in result.evidence() if e.kind == "article_figure"]
    assert len(ev) == len(figs)
    e140 = next(e for e in ev if e.metadata["figure_usd"] == 140000)
    assert "$140,000" in e140.text and e140.source == "003_2a3e108b44c3953e.txt"
    e138 = next(e for e in ev if e.source.startswith("002") and e.metadata["figure_usd"] == 138000)
    assert "$138000" in figures(e138.text) and "$138K" in e138.text and "\\$" not in e138.text  # the article's words
    assert any(f.country is None for f in figs.values())  # the articles write for a US audience
    abroad = salary_lookup(SalaryQuery(role="AI engineer", country="AU"), store)
    assert all(f.country == "AU" for f in abroad.article_figures)  # ...so no country is not Australia
    senior = salary_lookup(SalaryQuery(role="senior AI engineer"), store)
    assert {f.experience for f in senior.article_figures} <= {"SE", None}
    assert any(f.figure_usd == 236875 for f in senior.article_figures)
    # Article medians appear in the chart rows as single points, never merged with data-set figures.
    medians = [r for r in result.chart_rows() if r["kind"] == "article"]
    assert medians and all(r["p25"] is None for r in medians)


def test_tiny_n_is_refused(store: Store, sal: pd.DataFrame) -> None:
    result = salary_lookup(SalaryQuery(role="prompt engineer", country="DE"), store)
    s = _source(result, "survey")
    n = int(((sal.job_title == "Prompt Engineer") & (sal.company_location == "DE")).sum())
    assert 0 < n < SalaryQuery.model_fields["min_n"].default
    assert s.status == "too_few" and s.median is None and s.p25 is None
    assert f"Only {fmt_n(n)} survey row" in s.message and f"minimum of {SalaryQuery.model_fields['min_n'].default}" \
        in s.message
    assert not result.ok and "No figures" in (result.message or "")
    strict = salary_lookup(SalaryQuery(role="data scientist", min_n=10**6), store)
    # BLS publishes estimates (no sample to refuse), so only the survey and postings are withheld.
    assert all(not s.has_figures for s in strict.sources if s.source != "bls")
    assert "Some sources have no figures" in (strict.message or "")


def test_empty_result(store: Store) -> None:
    result = salary_lookup(SalaryQuery(role="data engineer", country="Andorra"), store)
    assert not result.ok
    assert _source(result, "survey").status == "empty"
    assert _source(result, "postings").status == "empty"
    assert "No survey responses for Data Engineers in Andorra" in (result.message or "")
    assert "=" not in (result.message or "")  # a notice a person reads: words, not the filter


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        (SalaryQuery(role="astronaut"), r"Unknown role 'astronaut'"),
        (SalaryQuery(role="data scienist"), r"Close matches: Data Scientist"),
        (SalaryQuery(role="data scientist", country="Atlantis"), r"Unknown country 'Atlantis'"),
        (SalaryQuery(role="junior data scientist", years_experience=10), r"Contradictory filters: level EN"),
        (SalaryQuery(role="junior data scientist", experience="10 years"), r"Contradictory"),
        (SalaryQuery(role="senior data scientist", experience="junior"), r"Contradictory experience level"),
        (SalaryQuery(role="data scientist in Germany", country="US"), r"Contradictory countries"),
        (
            SalaryQuery(role="data scientist", year=2019),
            r"No data for 2019: the aijobs.net survey covers 2020–2025",
        ),
        (SalaryQuery(role="data scientist 2024", year=2023), r"Contradictory year"),
        (SalaryQuery(role="data scientist", experience="wizard"), r"Unknown experience level 'wizard'"),
    ],
)
def test_clear_messages(store: Store, query: SalaryQuery, pattern: str) -> None:
    result = salary_lookup(query, store)
    assert not result.ok
    assert re.search(pattern, result.message or ""), result.message
    assert result.evidence() == [] and result.chart_rows() == []
    assert format_salary_result(result) == result.message


def test_year_outside_one_source(store: Store) -> None:
    result = salary_lookup(SalaryQuery(role="data scientist", year=2024), store)
    assert result.ok
    assert _source(result, "postings").status == "not_applicable"
    assert "2023 only" in _source(result, "postings").message
    assert _source(result, "survey").year_min == 2024
    early = salary_lookup(SalaryQuery(role="data scientist", year=2025), store)
    assert "19 January 2025" in " ".join(_source(early, "survey").notes)


def test_mapping_is_returned_and_json_serialisable(store: Store) -> None:
    result = salary_lookup(SalaryQuery(role="MLE", country="usa", experience="8 years"), store)
    f = result.filters
    assert f is not None and f.role.salary_titles == ["Machine Learning Engineer"]
    assert f.experience == "SE" and "8 years" in f.experience_basis and f.country and f.country.iso2 == "US"
    data = json.loads(json.dumps(result.to_dict()))
    assert data["filters"]["role"]["bls_codes"] == ["15-1221", "15-2051"]
    assert data["evidence"] and data["chart_rows"] and data["summary_lines"]
    rows = result.chart_rows()
    assert {"source", "label", "p25", "median", "p75", "n", "year"} <= set(rows[0])


def test_format_salary_result(store: Store) -> None:
    result = salary_lookup(SalaryQuery(role="data scientist", country="US"), store)
    text = format_salary_result(result)
    s = _source(result, "survey")
    assert "median" in text and fmt_money(s.median) in text and f"{s.n:,}" in text
    assert "Filters used:" in text and SAL_FILE in text
    assert "never averaged" in text
    assert result.summary_lines[0].startswith("Filters:")


def test_langchain_tool(store: Store) -> None:
    tool = make_salary_tool(store)
    assert tool.name == "salary_lookup" and tool.args_schema is SalaryQuery
    msg = tool.invoke(
        {
            "name": "salary_lookup",
            "args": {"role": "data engineer", "country": "US"},
            "id": "1",
            "type": "tool_call",
        }
    )
    assert "Data Engineer" in msg.content
    assert isinstance(msg.artifact, SalaryResult) and msg.artifact.ok


def test_stand_in_figures_say_what_they_stand_in_for(store: Store) -> None:
    """BLS has no data-analyst occupation and the postings have no level field: the sentence a person reads
    says so, instead of labelling a Data Scientists row or all non-senior postings as the thing asked for."""
    analysts = salary_lookup(SalaryQuery(role="data analyst", country="US"), store)
    assert "wage of Data Scientists (the nearest BLS occupation to Data Analysts) at $112,590" in _source(
        analysts, "bls", "15-2051").text
    scientists = salary_lookup(SalaryQuery(role="data scientist", country="US"), store)
    assert "nearest" not in _source(scientists, "bls", "15-2051").text  # the real occupation
    junior = salary_lookup(SalaryQuery(role="machine learning engineer", experience="junior"), store)
    text = _source(junior, "postings").text
    assert "Machine Learning Engineers (all countries) with non-senior titles (entry and mid level together" in text
    assert "junior" not in text.lower()
    assert _source(junior, "survey").text.startswith(
        "In the aijobs.net salary survey, Entry-level / junior Machine Learning Engineers")


def test_a_withheld_survey_figure_reads_as_a_sentence(store: Store) -> None:
    s = _source(salary_lookup(SalaryQuery(role="AI engineer", country="AU"), store), "survey")
    assert s.status == "too_few"
    assert s.text.startswith("In the aijobs.net salary survey, AI Engineers in Australia: Only ")
    assert "company_location=" not in s.text  # the filter stays in the evidence's locator, not in the prose


def test_hourly_pay_is_the_posted_hourly_rates_and_the_bls_hourly_mean(store: Store, posts: pd.DataFrame,
                                                                       bls_df: pd.DataFrame) -> None:
    """Asked per hour: only the postings that posted an hourly rate, in dollars an hour (not yearly salaries
    divided by 2,080), and BLS's mean hourly wage beside its yearly median."""
    result = salary_lookup(SalaryQuery(role="data analyst", hourly=True), store)
    s = _source(result, "postings")
    sub = posts[posts.job_title_short.isin(["Data Analyst", "Senior Data Analyst"]) & (posts.salary_rate == "hour")]
    assert s.status == "ok" and "salary_rate='hour'" in s.filter
    _check_quantiles(s, sub["salary_hour_avg"])
    assert "an hour" in s.text and "a year" not in s.text
    bls = _source(result, "bls", "15-2051")
    h_mean = float(bls_df[(bls_df.occ_code == "15-2051") & (bls_df.reference_period == "May 2024")].iloc[0].h_mean)
    assert f"mean hourly wage is ${h_mean:,.2f}" in bls.text
    yearly = _source(salary_lookup(SalaryQuery(role="data analyst"), store), "postings")
    assert yearly.evidence_id != s.evidence_id and "an hour" not in yearly.text


def test_a_place_narrows_the_postings_only(store: Store) -> None:
    """The survey and BLS have countries only: with a city asked, their figures stay the country's, said so in
    the sentence a person reads; the postings' figure is the city's own and names it."""
    country = salary_lookup(SalaryQuery(role="data analyst", country="US"), store)
    city = salary_lookup(SalaryQuery(role="data analyst", country="US", place="Austin"), store)
    assert _source(city, "survey").median == _source(country, "survey").median
    assert "United States" in _source(city, "survey").text
    local, national = _source(city, "postings"), _source(country, "postings")
    assert 0 < local.n < national.n and "in Austin" in local.text
    assert "job_location in Austin" in local.filter


def _placeholder_pairs(posts: pd.DataFrame) -> set[tuple[str, float]]:
    """(publisher, amount) pairs posted in 8 or more countries, counted from the CSV with pandas."""
    known = posts[posts["country"].notna() & (posts["country"] != "")]
    countries = known.groupby(["job_via", "yearly"])["country"].nunique()
    return set(countries[countries >= 8].index)


def test_placeholder_flag_matches_pandas(store: Store, posts: pd.DataFrame) -> None:
    filled = _placeholder_pairs(posts)
    expected = [(via, pay) in filled for via, pay in zip(posts["job_via"], posts["yearly"], strict=True)]
    flags = [bool(r[0]) for r in store.fetchall("SELECT salary_placeholder FROM postings ORDER BY row_id")]
    assert flags == expected
    assert 3_000 < sum(flags) < 5_000  # the filled-in amounts, not every repeated round figure


@pytest.mark.parametrize(("query", "mask"), [
    (SalaryQuery(role="data engineer", country="India"),
     lambda d: d.job_title_short.isin(["Data Engineer", "Senior Data Engineer"]) & (d.country == "India")),
    (SalaryQuery(role="machine learning engineer", country="Germany", experience="senior"),
     lambda d: (d.job_title_short == "Machine Learning Engineer") & (d.country == "Germany")
     & d.job_title.str.contains(r"\b(?:senior|sr|lead|principal|staff|head|director)\b", case=False, regex=True)),
])
def test_placeholder_pay_is_said_with_the_median_without_it(store: Store, posts: pd.DataFrame, query, mask) -> None:
    """Most of these postings carry a job board's filled-in amount: the figure is the others' where enough are
    left (India's data engineers), saying how many were left out, or is withheld as too few (Germany's)."""
    sub = posts[mask(posts)]
    filled = _placeholder_pairs(posts)
    is_filled = [(via, pay) in filled for via, pay in zip(sub["job_via"], sub["yearly"], strict=True)]
    s = _source(salary_lookup(query, store), "postings")
    assert s.placeholders == sum(is_filled) and 2 * sum(is_filled) >= len(sub)  # the case this test is about
    rest = sub.loc[[not f for f in is_filled], "yearly"]
    if len(rest) >= 5:  # the figure is the other postings', the placeholders counted beside it
        _check_quantiles(s, rest)
        assert s.placeholders_left_out and s.mostly_placeholders and s.median_own == pytest.approx(rest.median())
        assert f"{fmt_n(len(rest))} postings, leaving out {fmt_n(sum(is_filled))} that show a job board's " \
            "placeholder amount" in s.text
        assert f"with them, the median is {fmt_money(sub['yearly'].median())})" in s.text
    else:  # a median of placeholders is withheld, the reason said instead of a figure
        assert s.status == "too_few" and s.median is None
        assert s.text.startswith(f"Of the {fmt_n(len(sub))} 2023 data-job postings for ")
        assert f", {fmt_n(sum(is_filled))} show a placeholder" in s.text and "$" not in s.text


def test_no_placeholder_sentence_where_they_are_few(store: Store) -> None:
    s = _source(salary_lookup(SalaryQuery(role="data scientist", country="US"), store), "postings")
    assert s.placeholders is not None and s.placeholders < 0.2 * (s.n or 0)
    assert "placeholder" not in s.text


def test_a_shortfall_says_the_postings_were_placeholders(store: Store, sal: pd.DataFrame, posts: pd.DataFrame) -> None:
    """Too few survey rows, and postings made of placeholder amounts: the one sentence says both (at a minimum of
    10: France's 9 survey rows are shown at the default minimum of 5)."""
    result = salary_lookup(SalaryQuery(role="machine learning engineer", country="France", min_n=10), store)
    survey_n = int(((sal.job_title == "Machine Learning Engineer") & (sal.company_location == "FR")).sum())
    sub = posts[(posts.job_title_short == "Machine Learning Engineer") & (posts.country == "France")]
    filled = _placeholder_pairs(posts)
    k = sum((v, y) in filled for v, y in zip(sub["job_via"], sub["yearly"], strict=True))
    assert survey_n < 10 and len(sub) - k < 10 and 2 * k >= len(sub)  # the case this test is about
    assert not result.ok
    assert result.shortfall() == (
        f"Only {survey_n} survey responses match Machine Learning Engineers in France, and {k} of the {len(sub)} "
        "job postings for them show a job board's placeholder amount rather than their pay: too few for a reliable "
        "figure (I need at least 10), so I won't guess.")


def test_company_size_filters_the_survey_only(store, salaries_df):
    """The employer's size is a survey column: its figure is the survey rows of that size, and the postings and
    BLS, which don't record it, are left out rather than shown as if they were that size's."""
    from advisor.tools.salary import COMPANY_SIZE_NOTE, CompanySize

    result = salary_lookup(SalaryQuery(role="data scientist", country="US", company_size=CompanySize.LARGE), store)
    rows = salaries_df[(salaries_df.job_title == "Data Scientist") & (salaries_df.company_location == "US")
                       & (salaries_df.company_size == "L")]
    assert result.ok and [s.source for s in result.sources] == ["survey"]
    _check_quantiles(_source(result, "survey"), rows.salary_in_usd)
    assert "at large companies (over 250 employees)" in _source(result, "survey").text
    assert COMPANY_SIZE_NOTE in result.notes and not result.article_figures


def test_company_size_share_is_the_surveys_own(store, salaries_df):
    from advisor.tools.salary import CompanySize, company_size_share

    assert company_size_share(store, CompanySize.MEDIUM) == pytest.approx((salaries_df.company_size == "M").mean())


def test_every_survey_title_is_one_role_of_the_survey_and_the_postings(store, salaries_df, posts):
    """Every survey title is one role, and every postings class (all are data jobs); no BLS occupation is."""
    result = salary_lookup(SalaryQuery(role=EVERY_ROLE, country="US"), store)
    _check_quantiles(_source(result, "survey"), salaries_df[salaries_df.company_location == "US"].salary_in_usd)
    assert _source(result, "postings").n == int((posts.country == "United States").sum())
    assert not _source(result, "bls").has_figures


def test_a_posting_shown_with_a_placeholder_amount_says_it_is_not_its_pay(store: Store, posts: pd.DataFrame) -> None:
    """A posting search shows postings one by one: one whose amount is a job board's placeholder says so instead
    of presenting the amount as the job's pay."""
    from advisor.postings import make_hit, posting_rows
    from advisor.types import Evidence

    filled = _placeholder_pairs(posts)
    is_filled = [(v, y) in filled for v, y in zip(posts["job_via"], posts["yearly"], strict=True)]
    ids = [i for i, f in enumerate(is_filled) if f][:3] + [i for i, f in enumerate(is_filled) if not f][:3]
    rows = posting_rows(store, ids)
    for i in ids:
        hit = make_hit(rows[i], Evidence(id=f"posting:{i}", text="", source="p.csv", title="t", kind="posting"), [])
        assert hit.placeholder_pay is is_filled[i]
        assert ("a job board's placeholder" in hit.sentence()) is is_filled[i]
        assert ("posted pay" in hit.sentence()) is (not is_filled[i])


def test_the_tails_asked_are_bls_own_10th_and_90th_percentiles(store: Store, bls_df: pd.DataFrame) -> None:
    """"Who's higher at the 90th percentile?": BLS's own percentiles, beside its middle half; not said unasked."""
    row = bls_df[(bls_df.occ_code == "15-2051") & (bls_df.reference_period == "May 2024")].iloc[0]
    asked = salary_lookup(SalaryQuery(role="data scientist", year=2024, tails=True, sources=["bls"]), store)
    text = next(s.text for s in asked.sources if s.source == "bls")
    assert f"10th percentile ${int(row.a_pct10):,}, 90th percentile ${int(row.a_pct90):,})" in text, text
    plain = salary_lookup(SalaryQuery(role="data scientist", year=2024, sources=["bls"]), store)
    assert "90th percentile" not in next(s.text for s in plain.sources if s.source == "bls")
