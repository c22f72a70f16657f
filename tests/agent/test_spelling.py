"""Misspelt key words are read as the words the reader knows; names and the sources' own words are left alone."""

from __future__ import annotations

import pytest

from advisor import Advisor
from advisor.agent import spelling
from advisor.agent.spelling import correct


def test_misspellings_of_target_words_are_read_as_the_target() -> None:
    fixed, fixes = correct("how much does a data scientst make in germny as a junor enginer", {"data", "make"})
    assert fixed == "how much does a data scientist make in germany as a junior engineer"
    assert fixes == [("scientst", "scientist"), ("germny", "germany"), ("junor", "junior"), ("enginer", "engineer")]
    assert correct("a lerner's sallary", set()) == ("a lerner's salary", [("sallary", "salary")])  # "lerner": none near


def test_names_and_known_words_are_not_corrected() -> None:
    text = "Stripe vs Plaid: should an analyse-minded learner pick pandas?"
    assert correct(text, {"analyse", "minded", "pandas", "should", "learner"}) == (text, [])


def test_a_typo_in_the_role_still_gets_the_role_figures(advisor: Advisor) -> None:
    answer = advisor.ask("data scientst salry in the united kingdm")
    assert not answer.refused, answer.text
    assert answer.intent == "salary" and "Data Scientists in the United Kingdom" in answer.text
    assert any('"scientst" as "scientist"' in n for n in answer.notices), answer.notices


def test_a_real_english_word_near_a_target_is_left_as_written() -> None:
    """"hearing" is one letter from "earning", but a word of English (the embedding model's vocabulary)."""
    text = "I keep hearing AI is huge in healthcare"
    assert correct(text, set()) == (text, [])
    assert correct("my expected sallary", set())[1] == [("sallary", "salary")]  # not a word: still read as one


@pytest.mark.parametrize(("question", "read", "pairs"), [
    ("how much does a DA make in LA?", "how much does a data analyst make in Los Angeles?",
     [("DA", "data analyst"), ("LA", "Los Angeles")]),
    ("DS or DE, which pays more?", "DS or data engineer, which pays more?", [("DE", "data engineer")]),
    ("are DAs paid well", "are data analysts paid well", [("DA", "data analyst")]),
    # in lower case, or Germany's code beside a place: left as written
    ("data jobs in DE", "data jobs in DE", []),
    ("la vida de un data analyst", "la vida de un data analyst", []),
])
def test_capitalised_short_forms_are_written_out(question: str, read: str, pairs: list[tuple[str, str]]) -> None:
    assert spelling.expand_abbreviations(question) == (read, pairs)


def test_a_short_form_is_read_and_the_answer_says_so(advisor) -> None:  # type: ignore[no-untyped-def]
    answer = advisor.ask("how much does a DA make in LA?")
    assert 'I read "DA" as "data analyst", "LA" as "Los Angeles".' in answer.notices
    assert "Data Analysts" in answer.text
