"""The first sentence holds an answer of the kind asked (a share, pay, a span of time, a contrast), the reason
given for a decline is the true one, and a comparison names a stand-in as one.

Written from the `se` review's failures; each test states the mechanism with wording of its own."""

from __future__ import annotations

import pytest

from advisor.agent import interpret
from advisor.agent.compose import Candidate, _shape_first, has_shape
from advisor.agent.interpret import AnswerShape, Ask, Interpretation
from advisor.agent.nodes import _parts_to_check
from advisor.api import Advisor
from advisor.types import Evidence

VOCABULARY = ["python", "sql", "excel", "tableau", "spark", "snowflake", "looker"]


def read(question: str) -> Interpretation:
    return interpret.interpret(question, lambda: VOCABULARY)


@pytest.mark.parametrize(("question", "shape"), [
    ("what percentage of data engineer postings are remote in canada?", AnswerShape.SHARE),
    ("realistically how long would it take a QA tester to become an ML engineer?", AnswerShape.DURATION),
    ("what do data engineers make in Toronto?", AnswerShape.MONEY),
    ("how is a data engineer different from a data scientist, day to day?", AnswerShape.CONTRAST),
    ("which projects should I build first?", None),
])
def test_the_reading_says_what_shape_of_sentence_answers(question: str, shape: AnswerShape | None) -> None:
    assert read(question).answer_shape == shape


def _cands(*texts: str) -> list[Candidate]:
    ev = Evidence("p", " ".join(texts), "000.txt", "An article", "article")
    return [Candidate(t, ev, k) for k, t in enumerate(texts)]


def test_a_sentence_of_the_asked_shape_moves_to_the_front_and_nothing_else_changes() -> None:
    picks = _cands("The title hides a $40,000 split between two kinds of work in the same teams.",
                   "Only 7.2% of the postings say they are open to graduates (90 of 1,250).",
                   "Employers value demonstrated projects above certificates in most of these interviews.")
    shaped = _shape_first(picks, AnswerShape.SHARE, ())
    assert shaped[0].text.startswith("Only 7.2%")
    assert sorted(c.text for c in shaped) == sorted(c.text for c in picks)
    assert _shape_first(picks, None, ()) == picks  # no shape asked: the scores' order
    assert _shape_first(picks, AnswerShape.DURATION, ()) == picks  # none holds one: the order stays


def test_a_vague_span_is_not_a_duration_and_a_contrast_needs_both_sides() -> None:
    assert has_shape("Most people retrain in nine to twelve months of evenings.", AnswerShape.DURATION)
    assert not has_shape("Analysts expect the work to change within a few years.", AnswerShape.DURATION)
    sides = ("data engineer", "data scientist")
    assert has_shape("Data engineers build the pipelines, while data scientists model what flows through them.",
                     AnswerShape.CONTRAST, sides)
    assert not has_shape("Firms often use data engineer and data scientist for the same job.",
                         AnswerShape.CONTRAST, sides)


def test_a_which_side_part_is_served_by_the_comparison_of_the_sides() -> None:
    r = read("data engineer vs data analyst pay in the US in 2024. who comes out ahead?")
    assert r.answer_shape == AnswerShape.MONEY
    assert not any("ahead" in q for q in _parts_to_check(r, figures_lead=True))


def test_skills_set_aside_are_read_and_not_weighed() -> None:
    r = read("Apart from Python and SQL, which skills are tied to better pay for data analysts?")
    assert r.asks[0] == Ask.SKILL_RANKING
    assert r.skills_set_aside == ["python", "sql"] and not r.skills_compared


def test_employment_change_asked_beside_pay_is_read() -> None:
    assert Ask.EMPLOYMENT in read("did the workforce of software developers grow between 2023 and 2024, and the "
                                  "median wage?").asks


def test_a_role_group_with_the_most_of_a_condition_is_counted_by_kind_of_job() -> None:
    r = read("which analytics role has the most postings offering health insurance?")
    assert r.breakdown is not None and r.breakdown.value == "title"


def test_a_request_for_todays_openings_is_declined_for_that_reason_not_for_the_city(advisor: Advisor) -> None:
    answer = advisor.ask("got any links to data engineer openings in Austin I could apply to right now?")
    assert answer.refused
    assert "open today" in answer.text and "Austin" not in answer.text.split(",")[0]


def test_a_bls_stand_in_is_named_as_one_in_the_comparison(advisor: Advisor) -> None:
    answer = advisor.ask("per BLS, who earns more: a data scientist or an AI engineer?")
    first = answer.text.split("\n")[0]
    assert "higher than" in first and "nearest BLS occupation to AI Engineers" in first


def test_an_order_asked_opens_with_the_steps() -> None:
    from advisor.agent.compose import _in_steps

    picks = _cands("Career changers are entering the field from every direction these days, more than ever.",
                   "The next layer involves mastering machine learning fundamentals with PyTorch and Keras.",
                   "The foundational layer involves programming proficiency, particularly in Python.")
    assert read("python first or math first, in what order should I learn for AI engineering?").answer_shape \
        == AnswerShape.STEPS
    kept, numbered = _in_steps(picks)
    assert kept[0] is picks[0] and numbered == [0, 1, 2]  # no order asked: the best sentence stays first
    ordered, numbered = _in_steps(picks, steps_first=True)
    assert ordered[0].text.startswith("The foundational layer") and numbered[:2] == [1, 2]
    assert ordered[-1] is picks[0]
