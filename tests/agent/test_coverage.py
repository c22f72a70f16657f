"""Questions the sources can't answer get "the sources don't cover X", not an answer about something nearby."""

import pytest

from advisor.agent.coverage import (
    missing_entities,
    missing_quantity,
    missing_topic,
    quality_not_in_sources,
    uncovered,
)
from advisor.types import Evidence


def ev(text: str, kind: str = "article") -> Evidence:
    return Evidence(id=f"e{abs(hash(text))}", text=text, source="003_x.txt", title="t", kind=kind, score=0.6)


PLATFORMS = ev("Of the orchestration platforms, OpenAI appears in 19.5% of postings, Anthropic / Claude in 9.6%.")
HIRING = ev("Microsoft announced it recruited 24 AI experts from Google, and its AI team grew to 1,200 staff.")
WEEKLY = ev("Most AI engineers report working 45 hours a week during product launches.")


@pytest.mark.parametrize(
    "question, evidence, expected",
    [
        ("How many hours a week do AI engineers usually work?", [PLATFORMS], "a figure in hours"),
        ("How many hours a week do AI engineers usually work?", [WEEKLY], ""),
        ("How many interviews does a typical hiring process have?", [PLATFORMS], "a figure in interviews"),
        ("How many AI engineers does OpenAI employ right now?", [PLATFORMS], "that figure for OpenAI"),
        ("How many people does Google employ in AI?", [PLATFORMS], "that figure for Google"),
        ("How many staff does Microsoft have on its AI team?", [HIRING], ""),
        ("How many postings mention OpenAI?", [PLATFORMS], ""),  # a share of postings is what is asked
        ("How much per month does a data scientist earn in India?", [PLATFORMS], ""),  # pay, not a count of months
        ("How much would I earn if I work for Microsoft as a Data Scientist?", [PLATFORMS], ""),  # not a headcount
        ("How many interviews does InterviewStack run?", [PLATFORMS], "a figure in interviews"),
        ("What percent of postings mention OpenAI?", [PLATFORMS], ""),
    ],
)
def test_missing_quantity(question, evidence, expected):
    assert missing_quantity(question, evidence) == expected


def test_names_and_countries_the_evidence_never_mentions():
    assert missing_entities("How much does an AI engineer at Google in Zurich make?", [PLATFORMS]) == "Google"
    assert missing_entities("What will AI engineer salaries look like in 2030?", [PLATFORMS]).startswith("2030")
    assert missing_entities("What do AI engineers earn in Nigeria?", [PLATFORMS]) == "Nigeria"
    assert missing_entities("Which platforms do postings mention besides OpenAI?", [PLATFORMS]) == ""


@pytest.fixture(scope="module")
def vocabulary(advisor):
    """The words of the indexed passages (the five articles and the BLS table), as the advisor checks them."""
    assert advisor.graph is not None  # building the graph builds the retriever
    return advisor.retriever.idf()


@pytest.mark.parametrize(
    "question, missing",
    [
        ("What is the dress code for AI engineers?", ['"dress"']),
        ("What's the best laptop for machine learning?", ['"laptop"']),
        ("Are AI engineer jobs recession-proof?", ['"recession"', '"proof"']),
        ("How many AI engineers are women?", ['"women"']),
        ("What's the gender pay gap among data scientists?", ['"gender"']),  # the head noun asked for
    ],
)
def test_topics_the_sources_never_mention(vocabulary, question, missing):
    reply = missing_topic(question, vocabulary)
    assert reply.startswith("that (nothing in them mentions")
    assert all(m in reply for m in missing)


@pytest.mark.parametrize(
    "question",
    [
        "Is AI now in most job postings, or is that overblown?",  # phrasing words are missing, not the topic
        "What new AI job titles have popped up in the last couple of years?",
        "Which companies sponsor visas for AI engineers?",  # "sponsor" ~ "sponsorship"
        "What skils do AI enginers need for coding?",  # typos
        "hey there! quick q: do AI engineers get equity?",
        "Do I need a degree to become an AI engineer?",
        "Wie viel verdient ein KI-Ingenieur?",  # other languages go through the glossary, not this check
        "What's the median salary for an AI engineer in the US?",
        "What is the difference between an AI engineer and an ML engineer?",
    ],
)
def test_covered_topics_are_not_refused(vocabulary, question):
    assert missing_topic(question, vocabulary) == ""


def test_topic_check_is_only_for_passage_answers(vocabulary):
    """Advice describes the person and the data tools answer from their own tables: no topic check there."""
    q = "What is the dress code for AI engineers?"
    assert uncovered(q, [PLATFORMS], vocabulary, check_topic=True) != ""
    assert uncovered(q, [PLATFORMS], vocabulary, check_topic=False) == ""


def test_a_missing_word_the_sources_paraphrase_is_covered(vocabulary):
    q = "What is the career ladder for AI engineers?"
    assert missing_topic(q, vocabulary) != ""  # "ladder" occurs nowhere...
    assert missing_topic(q, vocabulary, near=lambda phrases: 0.65 if "career ladder" in phrases else 0.1) == ""
    assert missing_topic("What is the dress code for AI engineers?", vocabulary, near=lambda phrases: 0.19) != ""


def test_the_advisor_answers_a_paraphrased_topic_and_declines_an_absent_one(advisor):
    assert not advisor.ask("What is the career ladder for AI engineers?").refused  # "Career Trajectories ..."
    assert advisor.ask("What is the typical notice period for AI engineers?").refused


def test_a_tiny_corpus_is_not_evidence_of_absence():
    """Three indexed passages lack most words; their vocabulary can't tell a covered topic from an uncovered one."""
    assert missing_topic("What is the dress code for AI engineers?", {"python", "sql", "skills"}) == ""


@pytest.mark.parametrize(
    "question, says",
    [
        ("How many hours a week do AI engineers usually work?", "hours"),
        ("How many AI engineers does OpenAI employ right now?", "OpenAI"),
        ("What is the dress code for AI engineers?", "dress"),
    ],
)
def test_the_advisor_declines_and_names_what_is_missing(advisor, question, says):
    answer = advisor.ask(question)
    assert answer.refused
    assert "don't cover" in answer.text and says in answer.text
    assert not answer.citations


def test_the_advisor_still_answers_nearby_covered_questions(advisor):
    answer = advisor.ask("What percent of AI engineer postings mention OpenAI?")
    assert not answer.refused
    assert "19.5%" in answer.text


def test_years_after_the_newest_source_are_declined_but_a_personal_deadline_is_not():
    assert missing_entities("What will AI engineer salaries be in 2027?", []).startswith("2027")
    assert missing_entities("ML engineer demand in 2028?", []).startswith("2028")
    assert missing_entities("I want to become an AI engineer by 2028, what should I learn?", []) == ""
    assert missing_entities("What do AI engineers earn in 2026?", [ev("AI engineers earn $140,000 in 2026.")]) == ""


def test_names_in_the_askers_own_background_are_not_required():
    from advisor.agent.coverage import specific_names

    assert specific_names("I'm a frontend dev (React, TypeScript). How do I pivot into AI engineering?") == []
    assert specific_names("I'm a backend dev. Does OpenAI hire juniors?") == ["OpenAI"]


def test_years_before_the_sources_begin_are_declined_unless_the_evidence_has_them():
    missing = missing_entities("What did ML engineers earn back in 2018 and 2019?", [ev("ML engineers earn well.")])
    assert missing.startswith("2018 or 2019") and "2020" in missing
    assert missing_entities("What did ML engineers earn in 2019?", [ev("In 2019, ML engineers earned $120,000.")]) == ""
    # one year the sources cover is an answerable question; the asker's own past dates the asker, not the figures
    assert missing_entities("Pay for ML engineers in 2018 vs 2024?", [ev("ML engineers earn well.")]) == ""
    assert missing_entities("Since 2015 I have been a tester; what do ML engineers earn?", [ev("x")]) == ""


def test_an_advice_question_is_not_declined_for_the_askers_own_country():
    """Advice is general: where the asker lives is not what they ask about (the note under the answer says nothing
    in it is specific to the place); a data question about a country no source has is still declined."""
    passages = [ev("MLOps engineers build deployment pipelines with Docker and Kubernetes.")]
    question = "sysadmin from poland here, lots of k8s. whats the path into MLOps?"
    assert missing_entities(question, passages, places_asked=False) == ""
    assert missing_entities("How many data jobs are there in Poland?", passages) == "Poland"


def test_names_of_the_askers_background_in_an_unpunctuated_question_are_not_required():
    from advisor.agent.coverage import specific_names

    assert "PhD" not in specific_names("Im finishing my PhD in Munich. what does a data scientist make there?")


def test_a_share_asked_of_a_named_organisation_needs_a_figure_said_of_it():
    bootcamp = ev("University of Chicago's AI Engineering Bootcamp reports high employment rates among graduates.")
    question = "what percentage of people from the University of Chicago AI bootcamp get jobs after?"
    assert missing_quantity(question, [bootcamp]) == "that share for University of Chicago"
    openai = ev("OpenAI appears in 19.5% of postings, Anthropic / Claude in 9.6%.")
    assert missing_quantity("What percent of AI engineer postings mention OpenAI?", [openai]) == ""


def test_a_university_named_for_its_city_is_not_a_place():
    from advisor.agent.slots import extract

    assert extract("what share of University of Chicago bootcamp grads get hired?").cities == []
    assert extract("data engineer jobs in Chicago").cities == ["Chicago"]


def test_a_share_written_in_words_answers_a_share_asked():
    stanford = ev("Stanford HAI reports 78 percent of organizations reporting AI use in 2024.")
    assert missing_quantity("According to Stanford HAI, what share of organisations used AI in 2024?", [stanford]) == ""


def test_every_country_is_read_and_one_no_source_has_is_declined(advisor):
    """The reader knows every country by name (the data's and the rest of the world's), not only the lexicon's
    aliased ones: a country no source has is declined instead of answered for all countries."""
    from advisor.agent.slots import extract

    assert extract("what do data analysts earn in vietnam?").countries == ["Vietnam"]
    assert extract("ML engineer pay in South Korea").countries == ["South Korea"]
    assert extract("data engineer salary in new jersey").countries == ["United States"]  # the state, not the island
    answer = advisor.ask("how much do ai engineers make in iceland?")
    assert answer.refused and "Iceland" in answer.text, answer.text


def test_in_advice_a_name_in_who_the_asker_is_is_not_asked_about() -> None:
    """The asker's own city or employer, in a part that asks nothing, is theirs: advice is general and says so.
    In a data question a place no source has is still declined."""
    evidence = [Evidence(id="a", text="Learn Python, then build and deploy ML projects.", source="a.txt",
                         title="Paths", kind="article")]
    advice = "Mechanical engineer in Wolfsburg, doing predictive maintenance at a supplier. How do I move into ML?"
    assert missing_entities(advice, evidence, places_asked=False) == ""
    assert missing_entities("Data engineers in Wolfsburg: what do they earn?", evidence) == "Wolfsburg"


def test_what_a_question_says_it_does_not_ask_is_no_topic(vocabulary):
    """"not FAANG fantasy numbers, just normal" narrows a pay question; its words are not what is asked. What
    it does ask about is still checked."""
    assert missing_topic("whats a realistic data engineer salary right now? not faang fantasy numbers, just normal",
                         vocabulary) == ""
    assert "dress" in missing_topic("What is the dress code for AI engineers, not the salary?", vocabulary)


def test_without_a_data_lookup_names_in_who_the_asker_is_are_theirs() -> None:
    """"Chemist (PhD, polymers) here": the asker's own degree or field is not what is asked, with or without a
    data lookup; with a lookup, a name in the story is asked about where the question points back at it ("I'm at
    Zalando. What do ML engineers earn there?")."""
    evidence = [Evidence(id="a", text="ML engineers need deep ML expertise and work with data scientists.",
                         source="a.txt", title="Roles", kind="article")]
    question = "Chemist (PhD, polymers) leaving the lab. Would I be better going for ML engineer or data scientist?"
    assert missing_entities(question, evidence, background_asked=False) == ""
    assert missing_entities(question, evidence) == ""
    there = "Chemist (polymers) at Zalando. What do ML engineers earn there?"
    assert missing_entities(there, evidence) == "Zalando"
    assert missing_entities(there, evidence, background_asked=False) == ""


def test_a_price_asked_of_a_named_programme_needs_a_sentence_stating_it() -> None:
    """A description of a bootcamp is no answer to what it costs; a sentence with its price is."""
    described = [Evidence(id="a", text="Northwind Academy's AI Bootcamp combines programming, data science and AI "
                          "techniques.", source="a.txt", title="Bootcamps", kind="article")]
    priced = [Evidence(id="b", text="Northwind Academy's AI Bootcamp costs $12,000 for 24 weeks.", source="a.txt",
                       title="Bootcamps", kind="article")]
    question = "how much does the Northwind Academy AI bootcamp cost?"
    assert missing_quantity(question, described).startswith("the cost of Northwind")
    assert missing_quantity(question, priced) == ""


def test_an_organisation_named_in_lower_case_is_still_the_one_asked_about() -> None:
    """Capitals can't mark "the university of chicago bootcamp": the lexicon's `organisation_named` does."""
    described = [Evidence(id="a", text="University of Northwind's AI Bootcamp combines programming and AI.",
                          source="a.txt", title="Bootcamps", kind="article")]
    reply = missing_quantity("how much does the university of northwind ai bootcamp cost?", described)
    assert reply == "the cost of university of northwind"


@pytest.mark.parametrize(("question", "quality"), [
    ("Is data engineering or data science less boring?", "less boring"),
    ("which job is more prestigious, analyst or scientist?", "more prestigious"),
    ("which pays more, data engineer or data scientist?", ""),  # pay: the sources' own measure
    ("is ML engineering more technical than data science?", ""),  # a word the articles use
    ("I'm a teacher and less stressful work matters to me. What do data analysts earn?", ""),  # the story
])
def test_a_quality_compared_that_no_source_measures_is_named(vocabulary, question, quality):
    assert quality_not_in_sources(question, vocabulary) == quality


def test_the_answer_says_first_that_no_source_measures_the_quality(advisor):
    answer = advisor.ask("Is data engineering or data science more prestigious?")
    assert answer.notices and answer.notices[0] == "None of my sources says which is more prestigious."


@pytest.mark.parametrize(("question", "topic", "role"), [
    ("whats the gender pay gap for women in data science?", "gender, ethnicity or other demographics",
     "data scientist"),
    ("what kind of RSUs do ML engineers at a mid level get?", "equity or stock options", "machine learning engineer"),
])
def test_a_topic_no_source_holds_asked_first_is_declined_with_what_they_have(advisor, question, topic, role):
    """The main ask is what the sources lack: declined (not answered with the role's salary), naming the topic,
    with the questions about the role that the sources can answer."""
    answer = advisor.ask(question)
    assert answer.refused and f"don't cover {topic}" in answer.text
    assert f'"what do {role}s earn?"' in answer.text


def test_a_topic_no_source_holds_asked_second_is_a_note_beside_the_answer(advisor):
    answer = advisor.ask("what do ML engineers earn in the US and do they get equity?")
    assert not answer.refused and "Machine Learning Engineers" in answer.text
    assert "None of my sources covers equity or stock options." in answer.notices


def test_a_month_in_the_askers_story_is_no_missing_name():
    ev = Evidence(id="s", text="Entry-level AI engineers in the United States earn a median of $97,700.",
                  source="survey.csv", title="survey", kind="salary_data")
    question = "Graduating in May with a CS degree. What do entry-level AI engineers earn in the US?"
    assert missing_entities(question, [ev]) == ""
    assert missing_entities("What do AI engineers earn at Zalando in Berlin?", [ev]) != ""


def test_a_comparison_with_figures_for_one_country_is_not_declined_for_the_other():
    """"UK vs Netherlands pay for data engineers?" where only the UK has figures: the UK's are the answer and the
    thin side is said beside it; a comparison of two places nothing speaks of is still declined."""
    uk = Evidence("uk", "Data Engineers in the United Kingdom reported a median salary of $75,000.", "s.csv", "t",
                  "salary_data")
    assert missing_entities("UK vs Netherlands pay for data engineers?", [uk]) == ""
    assert missing_entities("Nigeria vs Kenya pay for data engineers?", [uk]) == "Nigeria"


def test_are_there_does_not_point_back_at_the_askers_story() -> None:
    """"How many jobs are there of each" asks a count; it does not point back at "PhD student" of the story, so
    the story's names are not required of the sources (a "there" that points back still is)."""
    from advisor.agent.coverage import _story_asked

    assert not _story_asked("PhD student in stats. Do research scientists out-earn data scientists? how many jobs "
                            "are there of each", True, True)
    assert _story_asked("I'm at Zalando. What do data engineers earn there?", True, True)


@pytest.mark.parametrize(("question", "evidence_text"), [
    ("ELI5 the difference between AI engineer, ML engineer and data scientist?",
     "AI engineers embed models in applications; data scientists build the models."),
    ("The InterviewStack piece says gen-AI engineers get $140k total comp, right?",
     "GenAI skills carry a premium; the median base salary is $140,000 (InterviewStack.io)."),
])
def test_chat_shorthand_and_a_hyphenated_spelling_are_no_missing_names(question: str, evidence_text: str) -> None:
    """"ELI5" asks for plain words, and "gen-AI" is the sources' "GenAI": neither is a name the sources lack."""
    ev = Evidence("p1", evidence_text, "003_x.txt", "InterviewStack.io", "article")
    assert missing_entities(question, [ev]) == ""
