"""The posting relevance eval counts a hit only when its CSV row satisfies every label field, and runs end to end."""

from __future__ import annotations

import json

from advisor import Advisor
from evals.postings_relevance import (
    QUERIES,
    SEARCHES,
    PostingLabel,
    load_cases,
    load_rows,
    precision_at,
    row_of,
    run,
    violations,
)

ROW = {"job_title_short": "Data Engineer", "job_title": "Sr. Data Engineer (remote)", "job_location": "Anywhere",
       "job_country": "United States", "job_work_from_home": "True", "salary_year_avg": "135000",
       "job_skills": "['python', 'sql', 'spark']"}


def test_a_hit_violating_any_label_field_is_not_relevant() -> None:
    fits = PostingLabel(job_title_short_in=["Data Engineer"], country="United States", remote=True,
                        skills_all=["spark", "sql"], skills_any=["scala", "python"], min_salary_year=130_000,
                        senior=True)  # "Sr." in the title is senior
    assert violations(ROW, fits) == []
    for field, value in [("job_title_short_in", ["Data Analyst"]), ("country", "Germany"),
                         ("city_contains", "London"), ("remote", False), ("skills_all", ["spark", "aws"]),
                         ("skills_any", ["tableau"]), ("min_salary_year", 140_000), ("senior", False)]:
        label = fits.model_copy(update={field: value})
        assert violations(ROW, label) == [field]
        assert precision_at([ROW, ROW], label) == 0.0
    assert precision_at([ROW, ROW], fits) == 0.4  # two relevant hits of five asked for: no credit for silence
    hourly = {**ROW, "salary_year_avg": ""}  # hourly-only postings have no yearly figure to meet a floor
    assert violations(hourly, PostingLabel(min_salary_year=1)) == ["min_salary_year"]


def test_the_labelled_set_parses_and_has_its_36_queries() -> None:
    cases = load_cases(QUERIES)
    assert len(cases) == 36 and len({c.id for c in cases}) == 36


def test_the_eval_runs_on_the_slice_and_scores_what_it_found(advisor: Advisor, tmp_path) -> None:  # type: ignore[no-untyped-def]
    results = run(advisor.settings, tmp_path)
    rows = load_rows(advisor.settings.postings_csv)
    cases = {c.id: c for c in load_cases(QUERIES)}
    index = results["index"]
    assert len(index["queries"]) == 36 and set(index["mean"]) == set(SEARCHES)
    found = 0
    for q in index["queries"]:
        for search in SEARCHES:
            got = q[search]
            relevant = [i for i in got["hits"] if not violations(rows[row_of(i)], cases[q["id"]].label)]
            assert got["p_at_k"] == len(relevant) / 5 and set(got["misses"]) == set(got["hits"]) - set(relevant)
            found += len(got["hits"])
    assert found > 0
    assert json.loads((tmp_path / "postings_relevance.json").read_text())["index"]["mean"] == index["mean"]
    assert "mean P@5" in (tmp_path / "postings_relevance.md").read_text()
