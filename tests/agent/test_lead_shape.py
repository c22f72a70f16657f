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


def test_a_part_comparing_the_sides_is_served_by_the_comparison() -> None:
    """Two places read: the comparison sentence of their figures serves "how far behind"; one place: nothing
    compares, so the part is looked for (and said missing if nothing answers it)."""
    two = read("what do data engineers make in Germany? how far behind the US is that?")
    assert two.answer_shape == AnswerShape.MONEY and len(two.questions) == 2
    assert _parts_to_check(two, figures_lead=True) == []
    one = read("what do data engineers make in Germany? how far behind is that?")
    assert _parts_to_check(one, figures_lead=True) == ["how far behind is that"]


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


def _composer():  # type: ignore[no-untyped-def]
    from advisor.agent.compose import Composer
    from advisor.embeddings import Embedder

    return Composer(Embedder())


def _passage(eid: str, text: str) -> Evidence:
    return Evidence(eid, text, "000_x.txt", "An article", "article", score=0.5)


def test_a_part_asking_a_span_of_time_is_served_only_by_one() -> None:
    """"... and how long would the switch take?": a line about the switch that gives no span of time doesn't serve
    it; the passage sentence that gives one is added, or the part is returned to be said missing."""
    skills = _passage("s", "Engineers who switch to machine learning mostly add PyTorch, statistics and MLOps tools.")
    months = _passage("m", "Most people who make the switch spend nine to twelve months building real projects.")
    composer = _composer()
    comp = composer.compose("what do engineers add when they switch to machine learning?", [skills])
    part = "how long would the switch to machine learning take"
    served, missed = composer.serve_parts([part], comp, [skills, months], {part: AnswerShape.DURATION})
    assert missed == [] and "nine to twelve months" in served.lines[-1]
    _, missed = composer.serve_parts([part], comp, [skills], {part: AnswerShape.DURATION})
    assert missed == [part]
    earlier = "Most people who make the switch spend nine to twelve months building real projects"
    said = composer.serve_parts([part], comp, [skills, months], {part: AnswerShape.DURATION}, said=earlier)
    assert said[1] == [part]  # said in an earlier answer: not said again


def test_a_part_pointing_back_is_read_with_the_question_before_it() -> None:
    r = read("do data engineer postings ask for a degree? what share of them leave it out?")
    assert r.shapes_by_question == [None, AnswerShape.SHARE]
    from advisor.agent.nodes import _pointing_back

    assert _pointing_back(r) == {r.questions[1]: f"{r.questions[0]} {r.questions[1]}"}
    share = _passage("d", "Of 8,797 data engineer postings, 2,412 (27.4%) did not mention a degree.")
    composer = _composer()
    comp = composer.compose("do data engineer postings ask for a degree?", [share])
    _, missed = composer.serve_parts([r.questions[1]], comp, [share], {r.questions[1]: AnswerShape.SHARE},
                                     _pointing_back(r))
    assert missed == []


def test_a_question_of_difference_gets_no_pay_figure_from_the_passages() -> None:
    contrast = _passage("c", "Data engineers build the pipelines, while data scientists model the data that flows "
                        "through them.")
    pay = _passage("p", "The data engineer title spans a $38,000 pay gap between batch and streaming work in 2026.")
    composer = _composer()
    asked = "what's the difference between a data engineer and a data scientist?"
    sides = ("data engineer", "data scientist")
    from advisor.agent.compose import Scope

    plain = composer.compose(asked, [contrast, pay], scope=Scope(sides=sides))
    shaped = composer.compose(asked, [contrast, pay], scope=Scope(shape=AnswerShape.CONTRAST, sides=sides))
    assert any("$38,000" in line for line in plain.lines)
    assert shaped.lines[0].startswith("Data engineers build") and not any("$38,000" in x for x in shaped.lines)
    assert read(asked).answer_shape == AnswerShape.CONTRAST
    assert read("move into AI engineering directly, or become a data scientist first?").answer_shape is None


def test_a_follow_up_ranking_by_pay_leads_with_the_ranking() -> None:
    r = read("which of those goes with the highest pay — which skills show up most in data engineer postings?")
    assert r.asks[0] == Ask.SKILL_RANKING and Ask.PAY not in r.first_asks


def test_the_askers_own_market_is_a_side() -> None:
    r = read("ML engineer in Lyon. how does my local market pay compare with the Netherlands?")
    assert r.slots.countries == ["France", "Netherlands"]


def test_a_question_about_the_postings_file_gets_what_a_row_holds(advisor: Advisor) -> None:
    answer = advisor.ask("what's in the postings data you use - does it include the job descriptions?")
    assert "job description's own text is not in the file" in answer.text
    assert not answer.notices or not any("speaks to" in n for n in answer.notices)


def test_a_worry_about_ones_wellbeing_is_pointed_to_people() -> None:
    from advisor.agent.coverage import topic_not_in_sources

    assert "counsellor" in topic_not_in_sources("I've been so anxious since the layoff, how can I cope?")
    assert topic_not_in_sources("how do I handle a salary negotiation for a data role?") == ""


def test_whom_a_pay_question_asks_about_is_read_when_no_known_role_is_named() -> None:
    assert read("what's the average salary for a registered nurse in Toronto?").pay_subject == "registered nurse"
    assert read("What do AI Ethicists earn these days?").pay_subject == "AI Ethicists"
    assert read("what do they earn in spain?").pay_subject == ""
    assert read("what do data engineers make in spain?").pay_subject == ""


def test_pay_said_of_someone_needs_a_pay_figure_naming_them() -> None:
    from advisor.agent.nodes import _pay_said_of

    named = _passage("e", "AI ethicists are appearing in larger firms. Senior AI engineers earn $237,000.")
    paid = _passage("f", "AI ethicists at large banks earn about $150,000 a year.")
    assert not _pay_said_of("AI ethicists", [named])
    assert _pay_said_of("AI ethicists", [named, paid])


def test_pay_for_an_occupation_the_sources_never_name_is_declined(advisor: Advisor) -> None:
    answer = advisor.ask("what's the typical salary for a veterinarian in Ohio?")
    assert answer.refused and "veterinarian" in answer.text


def test_roles_asked_in_separate_parts_are_each_a_side() -> None:
    r = read("for hourly data engineer contracts in 2023, what was the usual rate? and hourly data scientists?")
    assert r.slots.roles == ["data engineer", "data scientist"] and r.asks[0] == Ask.PAY
    assert read("I work as a data analyst. What do data engineers earn?").slots.roles == []
    assert read("ML eng in Leeds here - how do UK salaries stack up against the US?").slots.countries == [
        "United Kingdom", "United States"]


def test_a_claim_about_a_data_sets_years_asks_about_the_data_set() -> None:
    assert read("the salary survey spans 2019 to 2022, correct?").asks == [Ask.DATA_COVERAGE]
    assert Ask.DATA_COVERAGE not in read("since the survey covers 2020 to 2024, how did analyst pay trend?").asks


def test_a_country_asked_by_another_of_its_names_is_kept_beside_the_story_one() -> None:
    r = read("Nurse in the UK here. What do data engineers get paid in Britain? Anywhere near US pay?")
    assert r.slots.countries == ["United Kingdom", "United States"]
    assert read("I'm a nurse in Milan. what's the official US figure for statisticians?").slots.countries == [
        "United States"]


def test_a_trend_asked_of_years_the_postings_lack_reads_the_survey() -> None:
    r = read("since the job postings dataset runs 2019 to 2024, show me how data engineer pay trended")
    assert r.postings_years_lacked and Ask.PAY_TREND in r.asks and Ask.FIND_POSTINGS not in r.asks


def test_a_percent_in_a_name_asks_no_share() -> None:
    assert read("how does the 30% ruling work for expats?").answer_shape is None
    assert read("what % of analyst postings are remote?").answer_shape == AnswerShape.SHARE


def test_another_name_of_a_country_passes_only_where_the_evidence_names_it() -> None:
    from advisor.agent.coverage import missing_entities
    from advisor.agent.slots import extract

    question = "Nurse in the UK here. What do data engineers earn in Britain, and in Singapore?"
    uk = _passage("u", "Data engineers in the United Kingdom reported a median salary of $93,750.")
    slots = extract(question)
    assert missing_entities(question, [uk], slots) == "Singapore"
    assert missing_entities("Nurse in the UK here. What do data engineers earn in Britain?", [uk],
                            extract("Nurse in the UK here. What do data engineers earn in Britain?")) == ""


def test_how_many_records_of_a_kind_asks_about_the_data_set() -> None:
    assert read("how many salary records do you have for companies in Chile?").asks == [Ask.DATA_COVERAGE]
