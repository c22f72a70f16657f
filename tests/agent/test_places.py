"""Places below the country: a US state stands for the United States (as a city stands for its country), and the
postings, which say where each job is, give the place's own figure; the survey and BLS, which have countries only,
stay the country's and the answer says so. Pay figures are compared with pandas over the full postings CSV."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from advisor.agent.interpret import interpret
from advisor.agent.slots import extract
from advisor.agent.tools import Toolbox
from advisor.config import DEFAULT_CORPUS, Settings

POSTINGS = DEFAULT_CORPUS / "data" / "postings" / "data_jobs_2023_with_salary.csv"


@pytest.mark.parametrize(("question", "states", "cities", "countries"), [
    ("what do data analysts make in texas?", ["TX"], [], ["United States"]),
    ("Data engineer jobs in Austin, TX", ["TX"], ["Austin"], ["United States"]),
    ("DA pay: california vs texas", ["CA", "TX"], [], ["United States"]),
    ("jobs in denver CO for analysts", ["CO"], ["denver"], ["United States"]),
    ("Peoria, IL data analyst pay", ["IL"], [], ["United States"]),
    ("I am IN the market for ML jobs", [], [], []),  # an upper-case word is not a state's code
    ("data jobs in new york", [], ["new york"], ["United States"]),  # the city, not the state
    ("data scientist salary in Georgia", [], [], []),  # a country's name too: not read as the state
])
def test_states_are_read_by_name_or_by_code_where_an_address_puts_one(question, states, cities, countries):
    slots = extract(question)
    assert (slots.states, slots.cities, slots.countries) == (states, cities, countries)


@pytest.fixture(scope="module")
def toolbox(tmp_path_factory: pytest.TempPathFactory) -> Toolbox:
    data_dir = Path(tmp_path_factory.getbasetemp()) / "advisor_full_store"  # shared with tests/tools
    data_dir.mkdir(exist_ok=True)
    return Toolbox(Settings(corpus_dir=DEFAULT_CORPUS, data_dir=data_dir), retriever=None)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def postings() -> pd.DataFrame:
    df = pd.read_csv(POSTINGS, keep_default_na=False, dtype=str)
    df["yearly"] = [float(h) * 2080 if rate == "hour" else float(y) for rate, y, h in
                    zip(df["salary_rate"], df["salary_year_avg"], df["salary_hour_avg"], strict=True)]
    df["place"] = df["job_location"].str.replace(r"\s*\(\+\d+ others?\)\s*$", "", regex=True).str.strip()
    return df


def _median(df: pd.DataFrame) -> str:
    median = Decimal(str(df["yearly"].median())).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # as answers round
    return f"${int(median):,}"


def _lead_text(out) -> str:  # type: ignore[no-untyped-def]
    by_id = {e.id: e.text for e in out.evidence}
    return " ".join(by_id[i] for i in out.lead)


def test_a_city_leads_with_its_own_postings_and_says_the_rest_is_national(toolbox, postings):
    out = toolbox.salary(interpret("What do data analysts make in Austin?"))
    da = postings[postings.job_title_short.isin(["Data Analyst", "Senior Data Analyst"])]
    austin = da[da.place.str.split(",").str[0].str.strip() == "Austin"]
    first = next(e for e in out.evidence if e.id == out.lead[0])
    assert first.kind == "posting_stats" and "in Austin" in first.text and _median(austin) in first.text
    assert any("United States" in e.text for e in out.evidence if e.kind == "salary_data")
    assert any("for the United States as a whole" in n and "located in Austin" in n for n in out.notices)


def test_two_states_are_two_sides_of_a_comparison(toolbox, postings):
    out = toolbox.salary(interpret("How does data analyst pay compare between California and Texas?"))
    da = postings[postings.job_title_short.isin(["Data Analyst", "Senior Data Analyst"])]
    ca = da[da.place.str.endswith(", CA") | (da.place == "California")]
    tx = da[da.place.str.endswith(", TX") | (da.place == "Texas")]
    verdict = next(e for e in out.evidence if e.id == out.lead[0])
    assert "California" in verdict.text and "Texas" in verdict.text
    assert _median(ca) in verdict.text and _median(tx) in verdict.text


def test_a_remote_job_is_not_narrowed_to_where_the_asker_lives():
    """Remote postings are located "Anywhere": the asker's state would filter every one of them out."""
    from advisor.agent.tools import salary_sides

    assert salary_sides(interpret("what do remote data scientists make? I live in Montana"))[0].place is None
    assert salary_sides(interpret("what do data scientists make in Montana?"))[0].place == "MT"


def test_a_place_with_too_few_postings_falls_back_to_its_country(toolbox):
    """One Manchester posting is no figure: the United Kingdom's figures answer, and a notice says why."""
    out = toolbox.salary(interpret("What do data engineers earn in Manchester?"))
    assert out.lead and not out.shortfall
    assert any("located in Manchester" in n and "for the United Kingdom" in n for n in out.notices), out.notices
    assert all("Manchester" not in e.text for e in out.evidence)  # every figure is the country's, said as such


@pytest.mark.parametrize(("question", "place"), [
    ("recruiter in San Diego here. what do companies post for senior data scientists in California?", "CA"),
    ("I live in Texas; what do data engineers make in Austin?", "Austin"),
    ("data engineer salary in Austin, TX", "Austin"),  # the code is the city's address
])
def test_of_a_city_and_a_state_the_one_named_last_is_asked_about(question, place):
    from advisor.agent.tools import salary_sides

    assert salary_sides(interpret(question))[0].place == place


def test_a_city_is_looked_up_by_the_name_the_postings_use(toolbox, postings):
    """"nyc" is New York in the postings' locations (lexicon `city_names`); a place no posting names matches no
    posting (not the postings without a location)."""
    from advisor.agent.slots import city_name
    from advisor.tools.salary import SalaryQuery, salary_lookup

    assert (city_name("nyc"), city_name("bangalore"), city_name("austin")) == ("New York", "Bengaluru", "Austin")
    out = toolbox.salary(interpret("data engineer salary nyc?"))
    first = next(e for e in out.evidence if e.id == out.lead[0])
    assert first.kind == "posting_stats" and "in New York" in first.text
    nowhere = salary_lookup(SalaryQuery(role="data engineer", country="US", place="Nowhereville"), toolbox.store)
    assert next(s for s in nowhere.sources if s.source == "postings").n == 0


@pytest.mark.parametrize(("question", "states"), [
    ("NY or California: where do data scientists get paid more?", ["NY", "CA"]),
    ("TX vs CA data analyst pay", ["TX", "CA"]),
    ("AI or ML jobs in Texas", ["TX"]),  # two upper-case words joined by "or" that are no states' codes
])
def test_state_codes_in_a_list_of_places_are_states(question, states):
    assert extract(question).states == states


@pytest.mark.parametrize(("question", "place"), [
    ("Ich bin Ingenieur in Germany (Berlin) – what does a data scientist earn in Germany?", None),
    ("I'm a data engineer in Denver. What do data engineers make in Texas?", "TX"),
    ("What do data analysts make in Austin?", "Austin"),
    ("got an offer for a data analyst role in Tampa at $28/hr. is that lowball?", "Tampa"),
])
def test_a_place_in_the_askers_story_is_not_the_place_asked_about(question, place):
    """Only a city or state named where the message asks (not in who the asker is) narrows the figures."""
    from advisor.agent.tools import salary_sides

    assert salary_sides(interpret(question))[0].place == place


def test_job_leads_in_a_city_are_not_a_level():
    """"have leads in Berlin and Paris": openings the asker has, not lead-level pay (which "tech leads" asks)."""
    assert extract("have leads in Berlin and Paris. which country pays data engineers better?").level is None
    assert extract("what do tech leads in data engineering make?").level == "lead"
