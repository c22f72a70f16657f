"""Offline routing is deterministic: each intent, each slot, each follow-up rewrite is a rule to test."""

import pytest

from advisor.agent.intent import classify, is_followup, rewrite_followup
from advisor.agent.nodes import _slot_swaps
from advisor.agent.slots import extract


@pytest.mark.parametrize(
    "question, intent",
    [
        ("What does a senior ML engineer earn in Germany?", "salary"),
        ("How much do prompt engineers get paid?", "salary"),
        ("What do AI engineers earn in Germany compared with the UK?", "comparison"),
        ("Data scientist vs AI engineer: what's the difference?", "comparison"),
        ("Which skills do machine learning engineer postings ask for most?", "skills"),
        ("What tools do employers require for data engineer jobs?", "skills"),
        ("I'm a sysadmin, how do I get into AI engineering?", "advice"),
        ("Should I learn LangChain to become an AI engineer?", "advice"),
        ("What percent of AI engineer postings require generative AI skills?", "skills"),
        ("Is Rust used in AI engineering jobs?", "skills"),
        ("Is LangChain worth learning?", "skills"),
        ("hi", "greeting"),
        ("Thanks so much!", "greeting"),
        ("great, thank you very much", "greeting"),
        ("hello?", "greeting"),
        ("Which skills do data engineers need?", "skills"),
        ("Is Kaggle useful for getting hired?", "factual"),
        ("hi, what do AI engineers earn?", "salary"),
        ("What is an AI engineer?", "factual"),
        ("How do I bake a lasagna?", "off_topic"),
        ("Which stocks should I buy this year?", "off_topic"),
        ("What are the symptoms of the flu?", "off_topic"),
        ("¿Cuánto gana un ingeniero de IA en España?", "salary"),
        ("tableau or power bi for data analyst jobs?", "skills"),
        ("Should I learn Scala or Java for data engineering?", "skills"),
        ("Is SQL still required for data engineers?", "skills"),
        ("How much do AI engineer postings care about MLOps?", "factual"),  # not pay
        ("How much do data scientists make?", "salary"),
        ("ai engineer salry in the us", "salary"),  # typos
        ("data scientist sallary germany", "salary"),
    ],
)
def test_intent(question, intent):
    assert classify(question) == intent


def test_slots():
    s = extract("What does a senior ML engineer with 8 years earn in Germany, remote, in 2024?")
    assert (s.role, s.level, s.years_experience, s.countries, s.year, s.remote) == (
        "machine learning engineer", "senior", 8, ["Germany"], 2024, True)
    both = extract("AI engineer pay in Germany vs the UK")
    assert both.role == "AI engineer" and both.countries == ["Germany", "United Kingdom"]
    assert extract("What do AI engineers earn in the US?").countries == ["United States"]
    assert extract("What do we use to build RAG?").countries == []  # "us"/"we" is not a country


def test_small_talk_is_stripped_from_a_question():
    from advisor.agent.intent import strip_greeting

    assert strip_greeting("Thanks! What about in Germany?") == "What about in Germany?"
    assert strip_greeting("hi, what do AI engineers earn?") == "what do AI engineers earn?"
    assert strip_greeting("thanks!") == "thanks!"
    assert strip_greeting("Hiring managers want what?") == "Hiring managers want what?"


@pytest.mark.parametrize(
    "question, ranks",
    [
        ("Which data job has the highest salary?", True),
        ("top 5 highest paying AI jobs", True),
        ("What are the top paying skills?", False),
    ],
)
def test_ranking_phrasings(question, ranks):
    from advisor.agent.intent import asks_role_ranking

    assert asks_role_ranking(question) is ranks


def test_levels_in_plural_and_words_that_only_look_like_levels():
    assert extract("What role pays the most for juniors?").level == "junior"
    assert extract("starting salary for new grads in data science").level == "junior"
    assert extract("and for seniors?").level == "senior"
    one = extract("How much do senior ML engineers who lead a team earn?")
    assert one.level == "senior" and one.levels == ["senior"]  # no "vs": one level, not a comparison
    assert extract("What do data scientists with a graduate degree earn?").level is None
    assert extract("data engineer salaries in mid-2024").level is None


def test_employers_named_in_a_question():
    assert extract("What does Meta pay data scientists?").company == "Meta"
    assert extract("salary for data engineers at Capital One").company == "Capital One"
    assert extract("what do ML engineers make at amazon").company == "amazon"
    assert extract("How much does an AI engineer at Google in Zurich make?").company == "Google"
    assert extract("What do AI engineers earn in Germany?").company is None
    assert extract("What skills are needed for AI engineers?").company is None
    assert extract("Is there a job for Data Scientists in Berlin?").company is None  # a role, not an employer


def test_cities_stand_for_their_country():
    london = extract("whats the pay for ml engineers in london")
    assert london.countries == ["United Kingdom"] and london.cities == ["london"]
    both = extract("What do data scientists earn in Berlin compared with Paris?")
    assert both.countries == ["Germany", "France"] and both.cities == ["Berlin", "Paris"]
    assert extract("AI jobs in the UK, London especially").countries == ["United Kingdom"]  # counted once
    two = extract("Do ML engineers in SF earn more than in Seattle?")
    assert two.countries == ["United States"] and two.cities == ["SF", "Seattle"]


def test_slots_for_comparisons_within_one_role():
    levels = extract("What is the salary difference between junior and senior data scientists?")
    assert levels.levels == ["junior", "senior"] and levels.level == "junior"
    assert extract("Senior vs junior ML engineer pay").levels == ["senior", "junior"]
    assert extract("Do remote data engineer jobs pay less?").remote_contrast
    assert not extract("What do remote data engineers earn?").remote_contrast
    assert extract("What do remote data engineers earn?").remote is True


@pytest.mark.parametrize(
    "previous, followup, expected",
    [
        ("What do AI engineers earn in Germany?", "and in the UK?", "What do AI engineers earn in the United Kingdom?"),
        ("What do AI engineers earn in Germany?", "what about data scientists?",
         "What do data scientists earn in Germany?"),
        ("What does an ML engineer earn in the US?", "and senior ones?",
         "What does an senior ML engineer earn in the US?"),
        ("What do AI engineers earn?", "and in Germany?", "What do AI engineers earn in Germany?"),
        ("show me data engineer jobs in Germany", "and in Munich?", "show me data engineer jobs in Munich"),
        # a condition the swapped slot doesn't carry keeps the follow-up's own words
        ("What do data engineers earn in Spain?", "and if I work fully remote from France, do I earn less?",
         "What do data engineers earn in France — if I work fully remote from France, do I earn less?"),
    ],
)
def test_followups_are_rewritten_from_the_previous_question(previous, followup, expected):
    assert is_followup(followup)
    assert rewrite_followup(followup, previous, _slot_swaps(previous, followup)) == expected


def test_standalone_questions_are_not_followups():
    assert not is_followup("What skills do AI engineer postings ask for?")
    assert not is_followup("How do I move from sysadmin into AI engineering?")
    assert not is_followup("How many of those data engineer postings that I keep seeing are remote, in your data?")


def test_a_long_question_pointing_back_at_the_last_rows_is_a_followup():
    """Words that point at the last answer's rows make a follow-up whatever its length, when it names no role."""
    assert is_followup("how many of those were remote? and do the remote ones pay more than the others?")


@pytest.mark.parametrize(
    "question, words, intent",
    [
        ("¿Qué habilidades piden las ofertas de ingeniero de IA?", ["skills", "job postings", "AI engineer"], "skills"),
        ("Wie viel verdient ein KI-Ingenieur in Deutschland?", ["earn", "AI engineer", "Germany"], "salary"),
        ("Quelles compétences faut-il pour devenir ingénieur en IA ?", ["skills", "become", "AI engineer"], "advice"),
        ("¿Cómo puedo convertirme en ingeniero de IA?", ["how", "become", "AI engineer"], "advice"),
        ("¿Cuánto gana un ingeniero de machine learning en España?", ["earn", "machine learning engineer", "Spain"],
         "salary"),
        ("Quel est le salaire d'un data scientist en France ?", ["salary", "data scientist", "France"], "salary"),
        ("¿Qué piden las ofertas de analista de datos?", ["ask for", "job postings", "data analyst"], "skills"),
    ],
)
def test_non_english_questions_get_english_search_terms(question, words, intent):
    from advisor.agent.glossary import to_english

    english = to_english(question)
    assert all(w in english for w in words)
    assert classify(english) == intent


def test_english_questions_are_left_alone():
    from advisor.agent.glossary import to_english

    assert to_english("What skills do AI engineer postings ask for?") == ""


def test_roles_compared_are_kept_in_the_question_order():
    assert extract("Which pays more in the US, data engineer or machine learning engineer?").roles == [
        "data engineer", "machine learning engineer"]
    assert extract("AI engineer vs data scientist salary US").roles == ["AI engineer", "data scientist"]
    target = extract("I'm a data analyst, how do I become an AI engineer?")
    assert target.role == "AI engineer" and target.roles == [], "the person's background is not compared"
    assert extract("What does a senior MLOps engineer earn?").roles == []  # one span, one role


def test_terse_complete_queries_and_a_dummy_it_are_not_followups():
    assert not is_followup("ml engineer salary uk")  # names a role and what about it
    assert not is_followup("data scientist skills")
    assert not is_followup("Is it worth getting a PhD?")  # "it" points at nothing said before
    assert is_followup("senior?") and is_followup("Germany?") and is_followup("data engineers?")
    assert is_followup("Was it lower the year before?")
    assert is_followup("how long would the switch take?") and is_followup("ok so which should I learn first?")
    assert not is_followup("Which roles pay the most?")


def test_a_followup_that_asks_something_new_keeps_its_question_first():
    previous = "Is junior AI engineering a good move for a backend developer — how long would the switch take?"
    out = rewrite_followup("and what would I earn at entry level?", previous, [("junior", "entry level")])
    assert out.startswith("what would I earn at entry level — ") and "AI engineering" in out
    assert classify(out) == "salary"
    assert rewrite_followup("and in the UK?", "What do AI engineers earn in Germany?", [("Germany", "the UK")]) == (
        "What do AI engineers earn in the UK?")


def test_the_askers_background_is_not_what_they_ask_about():
    from advisor.agent.intent import without_background

    rest = without_background("I know Python and SQL. What would an ML engineer earn?")
    assert "Python" not in rest and "What would an ML engineer earn?" in rest


def test_years_compared_are_kept_in_order():
    assert extract("How did data scientist salaries change from 2022 to 2024?").years == [2022, 2024]
    assert extract("ML engineer pay 2021 vs 2023").years == [2021, 2023]
    one = extract("What did data scientists earn in 2023?")
    assert one.year == 2023 and one.years == []


@pytest.mark.parametrize(("question", "kind"), [
    ("aws vs azure vs gcp - which cloud is worth learning for data jobs?", "skills"),
    ("snowflake or databricks for a data engineer?", "skills"),
    ("does spark or kafka pay more?", "salary"),  # their pay is compared, not how often they are asked for
])
def test_tools_weighed_against_each_other_is_a_skills_question(question: str, kind: str) -> None:
    assert classify(question) == kind
