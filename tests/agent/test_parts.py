"""A part of the question the answer leaves out is named beside the answer, not dropped in silence; parts the
answer serves, or that belong to the asker's background, are not."""

from __future__ import annotations

from advisor import Advisor
from advisor.agent.interpret import interpret
from advisor.agent.parts import gap_sentence, unserved
from advisor.agent.slots import extract


def test_a_country_the_answer_never_names_is_missing() -> None:
    reading = interpret("What do data engineers earn in Portugal?")
    global_answer = "In the survey, Data Engineers (all countries) reported a median salary of $130,000. [1]"
    assert unserved(reading, global_answer) == ["Portugal"]
    assert unserved(reading, "Data Engineers in Portugal reported a median of $40,000. [1]") == []


def test_what_the_cited_evidence_names_counts_as_served() -> None:
    reading = interpret("How much do senior data scientists make in Canada?")
    answer = "Senior data scientists reported a median of $120,000. [1]"
    assert unserved(reading, answer) == ["Canada"]
    assert unserved(reading, answer, cited=["Survey rows: senior Data Scientists in Canada"]) == []


def test_the_askers_background_is_not_a_part_of_the_question() -> None:
    reading = interpret("I'm a junior web developer in Pune. What does an AI engineer earn in India?")
    answer = "AI engineers in India earn about $13,800 a year, per Glassdoor. [1]"
    assert "junior level" not in unserved(reading, answer)
    assert unserved(reading, answer) == []


def test_each_side_of_a_comparison_must_be_served() -> None:
    reading = interpret("web developer vs AI engineer salary - which pays more?")
    assert len(reading.slots.roles) == 2  # the data tools' roles are part of the question reader's vocabulary
    only_one_side = "AI Engineers (all countries) reported a median salary of $156,100. [1]"
    missing = unserved(reading, only_one_side)
    assert missing and "web developer" in missing[0].lower()
    both = only_one_side + " Web Developers earned a median of $92,750 (BLS). [2]"
    assert unserved(reading, both) == []


def test_the_gap_is_one_plain_sentence() -> None:
    assert gap_sentence([]) is None
    one = gap_sentence(["Portugal"])
    two = gap_sentence(["Portugal", "senior level"])
    assert one and one.count(".") == 1 and "Portugal" in one
    assert two and "Portugal and senior level" in two


def test_roles_the_data_tools_know_are_read_from_questions() -> None:
    assert extract("What do statisticians earn?").role == "Statistician"
    assert extract("How much do NLP engineers make?").role == "NLP Engineer"
    # a topic that shares words with a role alias is not a role ("computer vision" is a skill area)
    assert extract("Is computer vision still a good skill to learn?").role is None


def test_an_answer_missing_an_asked_country_says_so(advisor: Advisor) -> None:
    answer = advisor.ask("What do data scientists earn in Portugal?")
    if answer.refused:  # the slice may hold nothing for Portugal at all: then the whole question is declined
        assert "Portugal" in answer.text
        return
    mentions = "portugal" in answer.text.lower() or any("portugal" in (c.context or "").lower()
                                                         for c in answer.citations)
    gap = [n for n in answer.notices if n.startswith("Nothing in this answer is specific to")]
    assert mentions or gap, (answer.text, answer.notices)
    assert not (mentions and any("Portugal" in g for g in gap))


def test_two_levels_each_on_its_own_line_are_both_served() -> None:
    reading = interpret("entry level vs senior data engineer pay in Canada, how big is the gap?")
    answer = ("Entry-level / junior Data Engineers in Canada reported a median of $80,000. [1]\n"
              "- Senior Data Engineers in Canada reported a median of $130,000. [2]")
    assert unserved(reading, answer) == []
    assert unserved(reading, answer.split("\n")[0]) == ["senior level"]


def test_a_country_read_from_an_abbreviation_is_named_in_full() -> None:
    reading = interpret("can I work for US startups while living in Porto?")
    missing = unserved(reading, "Data jobs in Portugal: 12% were remote. [1]")
    assert missing == ["United States"], missing


def test_a_name_inside_a_sentence_no_source_mentions_is_declined_and_the_askers_place_is_not() -> None:
    from advisor.agent.coverage import missing_entities
    from advisor.types import Evidence

    ev = [Evidence(id="a", text="Data engineers in Germany earn a median of $90,000. Classic ML roles pay more.",
                   source="s", title="t", kind="article")]
    assert missing_entities("What does Hellofresh pay data engineers?", ev) == "Hellofresh"
    assert missing_entities("what does hellofresh pay data engineers?", ev) == ""  # no capitals: no names read
    assert missing_entities("the article says classic-ML jobs pay more, true?", ev) == ""  # words it uses
    assert missing_entities("Do H-1B rules matter for data engineers?", ev) == "H-1B"
    asked_about_spain = "What do data engineers earn in Spain?"
    assert missing_entities(asked_about_spain, ev, extract(asked_about_spain)) == "Spain"
    mine = "I'm a web developer in Madrid, how do I start building LLM apps?"
    assert missing_entities(mine, ev, extract(mine)) == ""


def test_a_declined_question_carries_no_notes_about_figures_it_does_not_show(advisor: Advisor) -> None:
    answer = advisor.ask("What does Hellofresh pay data engineers in Berlin?")
    assert answer.refused and "Hellofresh" in answer.text, answer.text
    assert not any("BLS" in n or "cities" in n or "figures" in n for n in answer.notices), answer.notices
