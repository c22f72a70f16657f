"""posting_conditions against pandas on the real postings CSV: every count and share must match exactly."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from advisor.data.store import Store
from advisor.tools.conditions import PostingConditionsQuery, make_conditions_tool, posting_conditions
from advisor.tools.salary import fmt_n, fmt_pct


def _expected(sub: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """(count, denominator) per flag; health insurance is over the US postings only (the flag's only market)."""
    us = sub[sub.country == "United States"]
    out = {
        "remote": (int((sub.job_work_from_home == "True").sum()), len(sub)),
        "no_degree_mention": (int((sub.job_no_degree_mention == "True").sum()), len(sub)),
        "full_time": (int(sub.job_schedule_type.str.contains("full-time", case=False).sum()), len(sub)),
    }
    if len(us) >= 10:
        out["health_insurance"] = (int((us.job_health_insurance == "True").sum()), len(us))
    return out


@pytest.mark.parametrize(
    "query, select",
    [
        (PostingConditionsQuery(), lambda p: p),
        (PostingConditionsQuery(role="data engineer"),
         lambda p: p[p.job_title_short.isin(["Data Engineer", "Senior Data Engineer"])]),
        (PostingConditionsQuery(role="data analyst", country="United States"),
         lambda p: p[p.job_title_short.isin(["Data Analyst", "Senior Data Analyst"]) & (p.country == "United States")]),
        (PostingConditionsQuery(country="Germany"), lambda p: p[p.country == "Germany"]),
    ],
)
def test_shares_match_pandas(store: Store, posts: pd.DataFrame, query, select) -> None:
    sub = select(posts)
    result = posting_conditions(query, store)
    assert result.ok and result.population == len(sub)
    expected = _expected(sub)
    assert {s.flag: (s.count, s.of) for s in result.shares} == expected
    for s in result.shares:
        assert s.share == s.count / s.of
        assert f"{s.count:,} ({fmt_pct(s.share)})" in result.text
    assert fmt_n(len(sub)) in result.text
    top = sub.job_schedule_type.replace("", "not given").value_counts()
    assert result.schedule_types[0] == (top.index[0], int(top.iloc[0]))
    assert f"{top.index[0]} {int(top.iloc[0]):,}" in result.text
    if "health_insurance" not in expected:  # Germany: no share over postings the flag never applies to
        assert "health insurance" not in result.text and "US postings only" in result.notes[0]


def test_evidence_cites_the_file_and_filter(store: Store) -> None:
    result = posting_conditions(PostingConditionsQuery(role="data scientist"), store)
    (ev,) = result.evidence()
    assert ev.source == "data_jobs_2023_with_salary.csv" and ev.kind == "posting_stats"
    assert "job_title_short IN" in ev.locator and "2023 data-job postings" in ev.text
    json.dumps(result.to_dict())
    assert result.chart_rows()[0]["label"] == "remote (work from home)"


@pytest.mark.parametrize(
    "query, message",
    [
        (PostingConditionsQuery(role="AI engineer", country="Nigeria"), "withheld below the minimum"),
        (PostingConditionsQuery(experience="senior"), "needs a role"),
        (PostingConditionsQuery(country="Atlantis"), "Atlantis"),
        (PostingConditionsQuery(role="underwater basket weaver"), "basket"),
    ],
)
def test_bad_filters_get_a_message_not_an_exception(store: Store, query, message) -> None:
    result = posting_conditions(query, store)
    assert not result.ok and message.lower() in result.message.lower()
    assert result.evidence() == []


def test_langchain_tool(store: Store) -> None:
    text, result = make_conditions_tool(store).func(role="data engineer")
    assert result.ok and text == result.text


def test_the_advisor_leads_with_the_count(advisor) -> None:
    answer = advisor.ask("How many data jobs in 2023 offered remote work?")
    assert not answer.refused
    assert answer.citations[0].source == "data_jobs_2023_with_salary.csv"
    assert "were marked remote (work from home)" in answer.citations[0].quote


def test_the_conditions_asked_are_said_alone_and_schedules_with_their_shares(store: Store) -> None:
    asked = posting_conditions(PostingConditionsQuery(asked=["schedule", "remote"]), store)
    assert asked.ok and asked.text.index("schedule types:") < asked.text.index("were marked remote")
    assert "did not mention a degree" not in asked.text and "health insurance" not in asked.text
    population = asked.population
    for name, n in asked.schedule_types:
        assert f"{name} {n:,} ({fmt_pct(n / population)})" in asked.text
    everything = posting_conditions(PostingConditionsQuery(), store)
    assert all(w in everything.text for w in ("work from home", "degree", "full-time", "schedule types"))


def test_the_question_names_the_conditions_it_asks_about() -> None:
    from advisor.agent.interpret import interpret

    assert interpret("what share of data analyst postings are contract or part-time?").conditions_named == \
        ["schedule"]
    assert interpret("do data engineer jobs need a degree, and are they remote?").conditions_named == \
        ["no_degree_mention", "remote"]
    assert interpret("How many data jobs are there in Germany?").conditions_named == []


def test_a_condition_asked_about_is_not_a_skills_question_and_a_skills_question_keeps_it_a_filter() -> None:
    from advisor.agent.interpret import Ask, interpret

    degree = interpret("What share of data engineer postings don't ask for a degree?", lambda: ["python", "sql"])
    assert degree.asks == [Ask.CONDITIONS], degree.asks
    skills = interpret("which skills do remote data analyst jobs ask for?", lambda: ["python", "sql"])
    assert Ask.CONDITIONS not in skills.asks and Ask.SKILL_LIST in skills.asks and skills.slots.remote is True
