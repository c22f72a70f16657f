"""End to end through the public API, on the real (sliced) corpus with the real model and index."""

import re

import pytest

from advisor import Advisor, Answer
from advisor.text import clean_markup, figures


def test_cited_answer_to_the_quickstart_question(advisor: Advisor):
    ans = advisor.ask("What percent of AI engineer postings ask for AI agents?")
    assert isinstance(ans, Answer) and not ans.refused
    assert "47.3%" in ans.text
    assert any(c.source == "003_2a3e108b44c3953e.txt" and "47.3%" in c.quote for c in ans.citations)
    assert ans.support == 1.0


def test_every_sentence_is_extracted_from_its_cited_evidence(advisor: Advisor):
    ans = advisor.ask("What does an AI engineer do day to day?")
    assert not ans.refused and ans.citations
    by_n = {c.n: c for c in ans.citations}
    for sentence, marks in re.findall(r"(.+?)\s((?:\[\d+\])+)(?:\s|$)", ans.text):
        for n in re.findall(r"\d+", marks):
            context = clean_markup(by_n[int(n)].context)
            assert sentence.strip().rstrip(".") in context or figures(sentence) <= figures(context)


def test_numbers_in_answers_come_from_the_sources(advisor: Advisor):
    ans = advisor.ask("How much do AI engineers earn according to the articles?")
    assert not ans.refused
    cited = " ".join(clean_markup(c.context) for c in ans.citations)
    missing = {f.lstrip("$") for f in figures(ans.text)} - {f.lstrip("$") for f in figures(cited)}
    assert not missing


@pytest.mark.parametrize("question", ["How do I bake a lasagna?", "What are the symptoms of the flu?",
                                      "Which stocks should I invest in this year?"])
def test_off_topic_is_declined_politely(advisor: Advisor, question: str):
    ans = advisor.ask(question)
    assert ans.refused and ans.intent == "off_topic" and not ans.citations
    assert "career advisor" in ans.text


def test_uncovered_question_is_refused_without_invention(advisor: Advisor):
    ans = advisor.ask("What is the average AI engineer salary in Nigeria in 2026?")
    assert ans.refused
    assert not figures(ans.text) - {"$32672", "32672", "74301", "$74301", "2020", "2025"}


@pytest.mark.parametrize(
    "raw, expect",
    [("", "empty"), ("   \n ", "empty"), (b"\x00\xff\x00\xfe", "binary data"), ("\x00\x01bin\x00", "binary data")],
)
def test_bad_input_gets_a_clear_message(advisor: Advisor, raw, expect):
    ans = advisor.ask(raw)
    assert ans.refused and expect in ans.text and not ans.citations


def test_fifty_thousand_characters(advisor: Advisor):
    ans = advisor.ask("x" * 50_000)
    assert ans.text  # no traceback; either the tail is answered or it is declined
    long = "I have a long story. " * 2500 + "What percent of AI engineer postings ask for AI agents?"
    ans = advisor.ask(long)
    assert "47.3%" in ans.text and any("over 4,000 characters" in n for n in ans.notices)


def test_streaming_yields_text_then_the_answer(advisor: Advisor):
    events = list(advisor.stream("What skills do AI engineer postings ask for most?"))
    deltas = [e.delta for e in events if e.delta]
    final = events[-1].answer
    assert final is not None and len(deltas) >= 2
    assert "".join(deltas).strip() == final.text.strip()


def test_answer_serialises_to_the_documented_json(advisor: Advisor):
    data = advisor.ask("What percent of AI engineer postings ask for AI agents?").to_dict()
    assert set(data) >= {"answer", "citations", "refused", "timings"}
    assert {"n", "source", "title", "quote", "score"} <= set(data["citations"][0])


def test_greetings_get_a_short_how_to_not_a_refusal_message(advisor):
    hello = advisor.ask("hi")
    assert hello.intent == "greeting" and "career advisor" in hello.text and not hello.citations
    thread = "greeting-thread"
    first = advisor.ask("What does a data scientist earn in the UK?", thread_id=thread)
    thanks = advisor.ask("thanks!", thread_id=thread)  # not rewritten into a follow-up of the salary question
    assert not first.refused and thanks.text.startswith("You're welcome")
    follow = advisor.ask("Great, thanks! And in Germany?", thread_id=thread)  # small talk stripped, then resolved
    assert not follow.refused and "Germany" in follow.text
    after = advisor.ask("and in France?", thread_id=thread)  # refers to the last real question, not to "thanks!"
    assert not after.refused and "France" in after.text
