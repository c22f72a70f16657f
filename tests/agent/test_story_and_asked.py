"""The asker's story is told apart from what is asked: a role, a skill or a person named only in the story is
not the subject of the answer, and the story still picks the passages worth reading for advice.

Written from the `sa` review's failures; each test states the mechanism with wording of its own."""

from __future__ import annotations

import pytest

from advisor.agent import interpret
from advisor.agent.compose import Composer, Composition
from advisor.agent.coverage import topic_not_in_sources
from advisor.agent.interpret import Ask, Interpretation
from advisor.agent.lexicon import lexicon
from advisor.agent.slots import roles_named, without_role_names
from advisor.types import Evidence

VOCABULARY = ["python", "sql", "aws", "mlops", "spark", "docker"]


def read(question: str) -> Interpretation:
    return interpret.interpret(question, lambda: VOCABULARY)


def test_the_role_the_asking_part_names_is_the_role_asked() -> None:
    r = read("sysadmin for 12 years, eyeing MLOps someday. what do data engineer postings pay and ask for?")
    assert r.slots.role == "data engineer"
    assert "mlops" not in r.skills_named and "mlops" not in r.tools_unlisted


def test_a_role_named_only_in_the_story_stays_the_role() -> None:
    assert read("I work as a data engineer in Berlin. what should I be asking for?").slots.role == "data engineer"


def test_a_role_word_asked_about_is_still_a_tool() -> None:
    assert "mlops" in read("should a data engineer pick up MLOps, does it pay?").tools_unlisted


def test_role_words_are_blanked_in_place() -> None:
    text = "moving to MLOps later"
    blanked = without_role_names(text)
    assert len(blanked) == len(text) and "MLOps" not in blanked and blanked.startswith("moving to")


def test_a_person_the_asker_knows_is_no_role() -> None:
    r = read("My team lead claims BI analysts make more than statisticians now, true?")
    assert r.unknown_role == ""
    assert "lead" not in (r.slots.role or "").lower()


@pytest.mark.parametrize("phrase", ["QA testers", "a quality assurance analyst", "software developers"])
def test_common_names_of_official_occupations_are_roles(phrase: str) -> None:
    assert roles_named(phrase)


@pytest.mark.parametrize("question", ["are there fewer statistician jobs than the year before?",
                                      "BLS data scientists: and are there more or fewer of those positions now"])
def test_more_or_fewer_jobs_asks_for_employment(question: str) -> None:
    assert Ask.EMPLOYMENT in read(question).asks


def test_more_remote_jobs_is_not_an_employment_count() -> None:
    assert Ask.EMPLOYMENT not in read("are there more remote data scientist jobs than on-site ones?").asks


def test_advice_with_an_unnamed_background_reads_the_passages_for_other_fields() -> None:
    default = lexicon("en").words("background_default")[0]
    told = read("I've worked as a pastry chef for nine years. how would I start learning AI engineering?")
    assert told.background_query == default
    assert read("how would I start learning AI engineering?").background_query is None  # no story told


def test_a_story_naming_a_job_title_gets_no_default_background() -> None:
    q = "I'm a junior Vue developer, 2 years exp. how should I go about getting into AI engineering?"
    assert read(q).background_query != lexicon("en").words("background_default")[0]


def test_a_story_of_where_one_lives_is_no_background() -> None:
    assert read("I live in Lisbon now. how should I go about getting into AI engineering?").background_query is None


def test_a_tester_background_reads_the_passages_on_testing_ai_systems() -> None:
    q = read("manual tester, 4 yrs with cypress. how can I move into AI engineering?").background_query
    assert q and "testing" in q


@pytest.mark.parametrize("question", ["send me links to three data engineer openings please",
                                      "which ML roles are open right now that I could apply to today?"])
def test_live_openings_are_not_in_the_sources(question: str) -> None:
    assert "2023" in topic_not_in_sources(question)


def test_hiring_companies_are_not_declined_as_live_openings() -> None:
    assert topic_not_in_sources("which companies are hiring right now for data analysts?") == ""


class _Embedder:
    """Bag-of-words vectors: enough for the composer's order, with no model to load."""

    vocab = ("learn", "python", "first", "degree", "master", "realistic", "foundation", "computer", "science")

    def encode(self, texts):  # type: ignore[no-untyped-def]
        import numpy as np
        rows = []
        for t in texts:
            v = np.asarray([1.0 if w in t.lower() else 0.0 for w in self.vocab]) + 0.01
            rows.append(v / np.linalg.norm(v))
        return np.asarray(rows)

    def encode_one(self, text):  # type: ignore[no-untyped-def]
        return self.encode([text])[0]


def test_a_numbered_list_serves_a_part_asking_what_comes_first() -> None:
    ev = Evidence("p", "x", "004.txt", "t", "article")
    comp = Composition([], False, 0.5, [("Beginner-level projects might include chatbots, parsers and agents.", ev),
                                        ("Intermediate projects might involve vision systems, search and agents.",
                                         ev)], ["a", "b"], [1, 2])
    _, missed = Composer(_Embedder()).serve_parts(["which step comes first"], comp, [ev])
    assert missed == []
