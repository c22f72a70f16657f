"""Each part of a message is read for what it asks: levels named in different parts, the asker's own level in
their story, numbered questions, a condition asked as a share in its own part, a move between roles asked with
pay, a pay gap claimed in percent, a topic no source measures, and a place too thin for one of the parts."""

from __future__ import annotations

import pandas as pd
import pytest

from advisor.agent import interpret
from advisor.agent.intent import question_parts
from advisor.agent.interpret import Ask, Interpretation
from advisor.agent.slots import extract
from advisor.agent.tools import salary_sides
from advisor.config import DEFAULT_CORPUS
from advisor.tools.salary import EVERY_ROLE

VOCABULARY = ["python", "sql", "spark", "tableau", "power bi", "excel", "aws"]
SURVEY = DEFAULT_CORPUS / "data" / "salaries" / "salaries_aijobs_snapshot_2025-01-19.csv"


def read(question: str) -> Interpretation:
    return interpret.interpret(question, lambda: VOCABULARY)


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return pd.read_csv(SURVEY)


def test_the_level_asked_is_not_the_one_in_the_askers_story() -> None:
    r = read("I am a junior data analyst. What do senior data scientists earn?")
    assert (r.slots.level, r.slots.levels) == ("senior", ["senior"])
    own = read("im a senior data engineer in the US, what should i be asking for?")  # only the story names one
    assert own.slots.level == "senior" and own.has(Ask.PAY)


def test_levels_named_in_different_parts_are_each_looked_up() -> None:
    r = read("got an offer for 150k base as a senior data engineer (US, fully remote). is that a lowball? also what "
             "do lead DE roles usually pay")
    assert r.slots.levels == ["senior", "lead"]
    assert [side.level for side in salary_sides(r)] == ["senior", "lead"]
    one = read("what do senior ML engineers who lead a team make in the US?")  # one part, one level
    assert one.slots.levels == ["senior"]


def test_a_part_that_only_names_someone_else_asks_what_the_part_before_asked() -> None:
    r = read("what do senior ML engineers make in the US, and how about junior ones?")
    assert r.asks_by_question == [[Ask.PAY], [Ask.PAY]]
    assert r.slots.levels == ["senior", "junior"]


@pytest.mark.parametrize(("message", "parts"), [
    ("3 things: 1) median data analyst pay in the US 2) top 3 skills 3) what % of jobs are remote",
     ["3 things", "median data analyst pay in the US", "top 3 skills", "what % of jobs are remote"]),
    ("two questions. 1. what do data engineers earn in canada 2. is spark worth learning",
     ["two questions", "what do data engineers earn in canada", "is spark worth learning"]),
    ("what are the top 3 skills for 2.5 years of experience",
     ["what are the top 3 skills for 2.5 years of experience"]),
])
def test_numbered_questions_are_parts(message: str, parts: list[str]) -> None:
    assert question_parts(message) == parts


def test_a_share_asked_in_its_own_part_does_not_narrow_the_other_parts() -> None:
    r = read("3 things: 1) whats median data analyst pay in the US rn 2) top 3 skills 3) what % of jobs are remote")
    assert r.slots.remote is None  # the pay and the skills are of all the role's jobs
    assert {Ask.PAY, Ask.SKILL_LIST, Ask.CONDITIONS} <= set(r.asks)
    narrowed = read("which skills do remote data engineer jobs ask for?")  # "remote" narrows what is asked
    assert narrowed.slots.remote is True and not narrowed.has(Ask.CONDITIONS)


def test_a_move_between_roles_asked_with_pay_compares_both() -> None:
    assert extract("how do i go from data scientist to ML engineer? is the pay bump real").roles == [
        "data scientist", "machine learning engineer"]
    assert extract("switching from data analyst to data engineer - is the pay worth it?").roles == [
        "data analyst", "data engineer"]
    assert extract("Moving from DS to ML engineering. Do I need docker or is that devops' job?").roles == []


def test_a_pay_gap_claimed_with_no_role_compares_every_title(survey: pd.DataFrame) -> None:
    r = read("everyone knows remote data jobs pay like 30% less than office ones, so i should take the onsite offer?")
    assert not r.has(Ask.SKILLS)  # a share of no skill: nothing for the skills tool to check
    sides = salary_sides(r)
    assert [(s.role, s.remote) for s in sides] == [(EVERY_ROLE, True), (EVERY_ROLE, False)]


def test_a_claimed_remote_pay_gap_is_answered_with_the_gap(advisor, survey: pd.DataFrame) -> None:
    answer = advisor.ask("everyone knows remote data jobs pay like 30% less than office ones, so i should just "
                         "take the onsite offer right?")
    remote = survey[survey.remote_ratio == 100].salary_in_usd.median()
    on_site = survey[survey.remote_ratio == 0].salary_in_usd.median()
    high, low = max(remote, on_site), min(remote, on_site)
    assert abs(high - low) / low < 0.05  # the case this test is about: about the same
    assert answer.text.startswith("No, "), answer.text
    assert f"about the same ({(high - low) / low:.0%} apart)" in answer.text


def test_a_rate_no_source_measures_is_declined_by_name(advisor) -> None:
    answer = advisor.ask("what % of applicants for data science roles at netflix even get an interview?")
    assert answer.refused and "interview, offer or job-placement rates" in answer.text
    howto = advisor.ask("how do i land interviews as a career changer into data analytics?")
    assert not howto.refused


def test_the_askers_offer_is_placed_before_the_levels_are_compared(advisor, survey: pd.DataFrame) -> None:
    answer = advisor.ask("got an offer for 150k base as a senior data engineer (US, fully remote). is that a "
                         "lowball? also what do lead DE roles usually pay")
    rows = survey[(survey.job_title == "Data Engineer") & (survey.company_location == "US")
                  & (survey.remote_ratio == 100)]
    senior = rows[rows.experience_level == "SE"].salary_in_usd.median()
    lead = rows[rows.experience_level == "EX"].salary_in_usd.median()
    first = answer.text.split("\n")[0]
    assert first.startswith("That is ") and f"${senior:,.0f}" in first  # where 150k falls, first
    assert f"${lead:,.0f}" in answer.text  # and the lead level's figure


def test_a_place_too_thin_for_pay_still_gets_its_other_part(advisor) -> None:
    answer = advisor.ask("accountant in nigeria wanting to move into BI / power bi analyst work. what skills do i "
                         "need and is there any data on pay here?")
    assert not answer.refused, answer.text
    assert "power bi" in answer.text.lower()
    assert any(n.startswith("Only ") and "Nigeria" in n and "won't guess" in n for n in answer.notices)
    assert any("postings of every country" in n for n in answer.notices)


def test_a_list_announced_asks_each_item() -> None:
    """"3 things: median salary, the top 3 skills, and how many are remote?": three questions, none of them
    opened by a question word; the remote share is asked, not a filter on the pay and the skills."""
    r = read("3 things: median data analyst salary in the US, the top 3 skills, and how many of the jobs are "
             "remote?")
    assert r.questions == ["median data analyst salary in the US", "the top 3 skills",
                           "how many of the jobs are remote"]
    assert r.asks_by_question == [[Ask.PAY], [Ask.SKILL_LIST], [Ask.CONDITIONS]]
    assert r.slots.remote is None
    one = read("quick question: what do DEs earn in canada, and is spark needed?")
    assert one.questions == ["what do DEs earn in canada", "is spark needed"]


def test_a_condition_put_on_pay_in_its_own_part_still_narrows_it() -> None:
    """"... what should I pay a mid level ML engineer? what if the role is fully remote?" asks remote pay."""
    r = read("I'm a hiring manager in Austin, what should I pay a mid level ML engineer — what if the role is fully "
             "remote?")
    assert r.slots.remote is True and r.has(Ask.PAY)
    assert r.questions[0].endswith("what should I pay a mid level ML engineer")


def test_the_year_before_in_a_follow_up_looks_up_both_years(advisor) -> None:
    advisor.ask("what was the BLS median pay for data scientists in 2024?", thread_id="year-before")
    answer = advisor.ask("and the year before?", thread_id="year-before")
    assert "$108,020 in 2023" in answer.text and "$112,590 in 2024" in answer.text  # BLS May 2023 and May 2024


def test_a_year_that_names_the_postings_does_not_narrow_the_other_sources() -> None:
    assert extract("what's the BLS median for web devs? and does the 2023 postings data have anything on AI "
                   "engineers?").year is None
    assert extract("what did data engineers earn in 2023?").year == 2023


@pytest.mark.parametrize(("question", "topic"), [
    ("how many years of experience do data engineer postings usually ask for?", "years of experience"),
    ("im 47. do older career changers actually get hired as data analysts or is there ageism? any stats?", "age"),
    ("what percentage of ML engineers got laid off in 2024?", "layoffs"),
])
def test_what_no_source_measures_is_declined_by_name(advisor, question: str, topic: str) -> None:
    answer = advisor.ask(question)
    assert answer.refused and topic in answer.text


def test_names_in_the_askers_story_are_not_asked_about_unless_pointed_back_at(advisor) -> None:
    from advisor.agent.coverage import specific_names

    answer = advisor.ask("I do B2B contract data engineering for US clients. recruiters keep offering $45/h. what's "
                         "the going hourly rate for contract data engineers?")
    assert not answer.refused and "an hour" in answer.text
    assert specific_names("is there an AI-type role where my skills count?") == []
    laid_off = advisor.ask("I got laid off last month, how do I become a data analyst?")
    assert not laid_off.refused


def test_each_compared_role_keeps_the_level_written_on_it() -> None:
    r = read("junior data engineers vs senior data analysts - who earns more?")
    assert [(s.role, s.level) for s in salary_sides(r)] == [("data engineer", "junior"), ("data analyst", "senior")]
    one = read("in the 2023 postings ML engineers get paid way more than senior data scientists, right?")
    assert [(s.role, s.level) for s in salary_sides(one)] == [("machine learning engineer", None),
                                                              ("data scientist", "senior")]
    both = read("senior data engineer vs senior data scientist pay")
    assert [s.level for s in salary_sides(both)] == ["senior", "senior"]


@pytest.mark.parametrize(("question", "higher"), [
    ("data engineers make more than data scientists in the US, right?", 0),
    ("everyone knows data scientists earn less than data engineers in the US, so i should switch?", 1),
    ("do data engineers make more than data scientists in the US?", None),  # asked, not claimed
])
def test_a_claimed_order_of_pay_is_read(question: str, higher: int | None) -> None:
    assert read(question).claimed_higher == higher


def test_a_claimed_order_of_pay_is_confirmed_or_corrected(advisor, survey: pd.DataFrame) -> None:
    rows = survey[survey.company_location == "US"]
    de = rows[rows.job_title == "Data Engineer"].salary_in_usd.median()
    ds = rows[rows.job_title == "Data Scientist"].salary_in_usd.median()
    assert abs(de - ds) / min(de, ds) >= 0.05  # the case this test is about: one side clearly higher
    answer = advisor.ask("data engineers make more than data scientists in the US, right?")
    assert answer.text.startswith("Yes, " if de > ds else "No, "), answer.text


def test_a_later_part_asking_whether_any_are_remote_does_not_narrow_the_others() -> None:
    r = read("call centre agent in dallas, 8 yrs. thinking data analyst. 1) what do data analyst jobs in dallas "
             "pay 2) do i need a degree 3) which tools 4) any remote ones??")
    assert r.asks_by_question[0] == [Ask.PAY]  # the pay of jobs in a city, not a search for them
    assert r.slots.remote is None and {Ask.PAY, Ask.CONDITIONS, Ask.SKILL_LIST} <= set(r.asks)
    assert not r.has(Ask.FIND_POSTINGS)
    assert read("data analyst jobs in dallas?").has(Ask.FIND_POSTINGS)  # asked for alone: the postings


def test_a_claimed_order_on_a_small_gap_gets_no_yes() -> None:
    from advisor.agent import premise
    from advisor.types import Evidence

    def comparison(gap: float, higher: int | None) -> Evidence:
        return Evidence(id="c", text="...", source="s.csv", title="t", kind="salary_data",
                        metadata={"sides": 2, "higher_side": higher, "gap": gap})
    assert premise.check_order(0, comparison(0.09, 0)) is premise.Verdict.UNCLEAR  # "way more" on 9%
    assert premise.check_order(0, comparison(0.25, 0)) is premise.Verdict.CONFIRMED
    assert premise.check_order(0, comparison(0.25, 1)) is premise.Verdict.CONTRADICTED
    assert premise.check_order(0, comparison(0.02, None)) is premise.Verdict.CONTRADICTED  # about the same
