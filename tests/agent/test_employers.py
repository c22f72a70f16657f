"""Employers are read from the postings' own names, shortened the way people write them."""

from __future__ import annotations

import pytest

from advisor.agent.employers import employers_in, short_names

NAMES = ["Booz Allen Hamilton", "The Home Depot", "Capital One Financial Corporation", "Jobs Near Me",
         "New York State Department of Health", "Get It Recruit - Finance", "Snowflake", "Robert Half",
         "Centers for Disease Control and Prevention"]


@pytest.mark.parametrize(("name", "short"), [
    ("Booz Allen Hamilton", ["booz allen hamilton", "booz allen"]),
    ("The Home Depot", ["home depot"]),
    ("Capital One Financial Corporation", ["capital one financial", "capital one"]),
    ("Get It Recruit - Finance", []),  # starts like an everyday phrase (lexicon `not_employers`)
    ("Acme Big Staffing Solutions", ["acme big staffing solutions", "acme big"]),
    ("Acme It Staffing", ["acme it staffing"]),  # "acme it" is no employer's short name (a word under 3 letters)
    ("Jobs Near Me", []),  # starts like an everyday phrase (lexicon `not_employers`)
])
def test_short_names_are_the_names_people_write(name: str, short: list[str]) -> None:
    assert short_names(name) == short


@pytest.mark.parametrize(("question", "found"), [
    ("capital one vs booz allen for data engineering, who paid more?", ["capital one", "booz allen"]),
    ("what does Robert Half pay analysts? and the Home Depot?", ["Robert Half", "Home Depot"]),
    ("any data jobs near me in new york?", []),  # a place, and an everyday phrase
    ("is Snowflake worth learning for data engineers?", []),  # one-word names are a skill or a word first
    ("do the Centers for Disease Control and Prevention hire data scientists",
     ["Centers for Disease Control and Prevention"]),  # no short name ends in a joining word ("centers for")
])
def test_employers_are_found_in_the_question_in_order(question: str, found: list[str]) -> None:
    assert employers_in(question, NAMES) == found


def test_every_employer_named_is_a_side_of_the_reading() -> None:
    """Two employers asked are both read, in order, and asked for their pay; "who paid more" between them is no
    ranking of every employer by pay."""
    from advisor.agent.interpret import Ask, interpret

    reading = interpret("capital one vs booz allen for data engineers: who paid more in the 2023 postings?",
                        employer_vocabulary=lambda: NAMES)
    assert reading.slots.companies == ["capital one", "booz allen"]
    assert reading.has(Ask.COMPANY_PAY) and not reading.groups_by_pay
    alone = interpret("which employers paid data engineers the most?", employer_vocabulary=lambda: NAMES)
    assert alone.groups_by_pay and alone.slots.companies == []


def test_an_employer_in_the_story_pointed_at_by_the_question_is_asked() -> None:
    """"Booz Allen posts a ton of DS jobs — do they pay well compared to the rest of the market?": its pay is
    asked, and so is the market's (the answer keeps the all-employer figure beside it)."""
    from advisor.agent.interpret import Ask, interpret

    reading = interpret("Army vet here. Booz Allen posts a ton of data scientist jobs — do they pay well compared to "
                        "the rest of the market?", employer_vocabulary=lambda: NAMES)
    assert reading.slots.companies == ["Booz Allen"] and reading.has(Ask.COMPANY_PAY) and reading.has(Ask.PAY)


def test_two_employers_in_the_story_and_which_one_pays_more_are_compared() -> None:
    from advisor.agent.interpret import Ask, interpret

    reading = interpret("data engineer here, got recruiter pings from Capital One and Booz Allen. Which one tends to "
                        "pay more for data roles?", employer_vocabulary=lambda: NAMES)
    assert reading.slots.companies == ["Capital One", "Booz Allen"] and reading.has(Ask.COMPANY_PAY)
