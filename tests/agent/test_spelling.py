"""Misspelt key words are read as the words the reader knows; names and the sources' own words are left alone."""

from __future__ import annotations

from advisor import Advisor
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
