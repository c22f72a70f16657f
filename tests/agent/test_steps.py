"""How-to answers list their steps in order: foundations first, then what builds on them, then the advanced end.

The stage of a sentence is read from the lexicon (`step_stage`), the order and the numbered Markdown list are
built by the composer and `layout.Layout`; the integration tests ask the real advisor on the corpus slice.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from advisor import Advisor
from advisor.agent.compose import Candidate, _in_steps, candidates, is_step, stage
from advisor.agent.layout import Layout, Mark
from advisor.types import Evidence


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Python, SQL and Git form the foundation layer.", 1),
    ("Beginner-level projects might include chatbots.", 1),
    ("Building on this foundation requires statistics and linear algebra.", 2),  # "foundation", but a 2nd step
    ("Intermediate projects might involve computer vision systems.", 2),
    ("Advanced projects demonstrate production readiness.", 3),
    ("The market for AI engineers grew quickly.", None),
])
def test_a_sentence_says_where_it_sits_in_a_sequence(sentence: str, expected: int | None) -> None:
    assert stage(sentence) == expected


def _cands(*texts: str) -> list[Candidate]:
    ev = Evidence("p1", " ".join(texts), "004_x.txt", "t", "article")
    return [Candidate(t, ev, k) for k, t in enumerate(texts)]


def test_steps_follow_the_lead_in_sequence_order() -> None:
    lead, adv, beg, mid, other = _cands(
        "Projects that solve real problems impress hiring managers.",
        "Advanced projects handle failures, include monitoring, and document their tradeoffs.",
        "Beginner-level projects might include a chatbot over PDFs built with LangChain.",
        "Intermediate projects might involve multi-step workflows in LangGraph.",
        "Employers want evidence that candidates can debug and iterate.",
    )
    ordered, numbered = _in_steps([lead, adv, beg, mid, other])
    assert [c.text for c in ordered] == [lead.text, beg.text, mid.text, adv.text, other.text]
    assert numbered == [0, 1, 2, 3, 0]


def test_a_step_names_what_to_learn_or_build() -> None:
    assert is_step("Python, SQL, Git version control, and core libraries form the foundation layer.")
    assert is_step("Start with Python.")
    assert not is_step("Skills are acquired in a sequence that builds from foundations.")  # a remark about steps
    assert not is_step("Python is popular.")  # names something, but no place in a sequence


def test_a_single_step_is_no_sequence() -> None:
    chosen = _cands("Learn Python first.", "Employers want evidence of shipped projects.")
    assert _in_steps(chosen) == (chosen, [0, 0])


def test_the_layout_numbers_steps_as_shown_and_breaks_the_paragraph_after_them() -> None:
    layout = Layout()
    layout.add("Lead. [1]", Mark.TEXT)
    layout.add("First step. [2]", Mark.STEP)
    layout.add("Its second sentence. [2]", Mark.SAME)
    layout.add("Second step. [2]", Mark.STEP)  # a step the grounding check removed in between leaves no gap
    layout.add("After the list. [3]", Mark.TEXT)
    assert layout.text() == ("Lead. [1]\n1. First step. [2] Its second sentence. [2]\n2. Second step. [2]\n\n"
                             "After the list. [3]")


def test_a_title_holding_brackets_stays_one_line() -> None:
    """A posting title like "[EA] AI Tech Lead" is part of its sentence, not the end of a cited claim."""
    from advisor.agent.compose import Composer

    ev = Evidence("r1", 'Posting: "[EA] AI Tech Lead" at Bosch Group (Vietnam).', "postings.csv", "t", "posting")
    comp = Composer._render(candidates([ev]), 1.0)
    assert comp.lines == ['Posting: "[EA] AI Tech Lead" at Bosch Group (Vietnam). [1]']


def _numbered(text: str) -> list[str]:
    return [line for line in text.split("\n") if re.match(r"\d+\. ", line)]


def test_a_projects_question_gets_the_projects_in_order(advisor: Advisor) -> None:
    answer = advisor.ask("Which projects should go in my portfolio so I get hired as an AI engineer?")
    steps = _numbered(answer.text)
    assert len(steps) >= 2, answer.text
    assert [int(s.split(".")[0]) for s in steps] == list(range(1, len(steps) + 1))
    stages = [stage(re.sub(r"^\d+\. |\s*\[\d+\]$", "", s)) for s in steps]
    assert None not in stages and stages == sorted(stages), answer.text  # foundations before the advanced end
    assert all(re.search(r"\[\d+\]$", s) for s in steps), answer.text  # every step is cited


def test_the_generic_question_loses_nothing_to_the_generic_penalty(advisor: Advisor) -> None:
    """A sentence is marked down only for answering the generic "how do I become an AI engineer" better than the
    question asked; asked that very question, the scores only gain the steps' bonus."""
    from advisor.agent.compose import _GENERIC_ADVICE, STEP_BONUS

    composer = advisor._components().composer
    ev = Evidence("p1", "Learners should start with Python, SQL and Git. The market for AI talent has diversified. "
                  "Advanced projects include monitoring and evaluation.", "004_x.txt", "t", "article", score=0.5)
    cands = candidates([ev])
    raw = np.max([composer.score(q, cands) for q in _GENERIC_ADVICE], axis=0)  # as well as the generic question
    bonus = np.asarray([STEP_BONUS if is_step(c.text) else 0.0 for c in cands])
    assert np.allclose(composer._for_advice(raw, cands), raw + bonus)
    specific = composer.score("How do I run Kubernetes in production?", cands)
    assert (composer._for_advice(specific, cands) <= specific + bonus + 1e-9).all()


def _paragraphs(section: str, *texts: str) -> list[Candidate]:
    """One candidate per paragraph of an article section (ids in reading order)."""
    return [Candidate(t, Evidence(f"004_x:{k:03d}", t, "004_x.txt", "t", "article", locator=section), 0)
            for k, t in enumerate(texts)]


def test_a_section_that_lays_out_a_path_is_listed_whole_in_its_order() -> None:
    """Picked: two steps of a four-paragraph path and a step of another article. The list is the path, one step
    per paragraph in the article's order, the one the scores left out included; the stray step is no step."""
    found, building, nxt, established = _paragraphs(
        "Core skills",
        "The foundational layer involves programming proficiency, particularly in Python.",
        "Building on this foundation requires probability, statistics, and linear algebra.",
        "The next layer involves mastering machine learning fundamentals and deep learning techniques.",
        "With these foundations established, learners can work with large language models.",
    )
    stray = Candidate("Ethics and Governance: responsible AI practices are non-negotiable in Enterprise settings.",
                      Evidence("001_x:009", "…", "001_x.txt", "t", "article", locator="Competencies"), 0)
    lead = Candidate("The pathways into AI engineering have diversified.", found.evidence, 9)
    ordered, numbered = _in_steps([lead, nxt, stray, building], pool=[lead, found, building, nxt, established, stray])
    assert [c.text for c in ordered] == [lead.text, found.text, building.text, nxt.text, established.text]
    assert numbered == [0, 1, 2, 3, 4]


def test_a_list_of_steps_in_two_paragraphs_is_no_path() -> None:
    beg, adv = _paragraphs("Portfolio", "Beginner-level projects might include a chatbot built with LangChain.",
                           "Advanced projects handle failures, include monitoring, and document tradeoffs.")
    ordered, numbered = _in_steps([adv, beg], pool=[beg, adv])
    assert [c.text for c in ordered] == [beg.text, adv.text] and numbered == [1, 2]  # ordered by stage only


def test_a_learning_order_question_gets_one_articles_path_whole(advisor: Advisor) -> None:
    """Every numbered step is a sentence of one article section, in that article's order, and there are at least
    three: not two steps of one path interleaved with the 'foundations' of another."""
    answer = advisor.ask("I'm a nurse, what should I study, in what order, to become an AI engineer?")
    steps = [re.sub(r"^\d+\. |\s*\[\d+\]$", "", s) for s in _numbered(answer.text)]
    assert len(steps) >= 3, answer.text
    articles = {p.name: p.read_text(encoding="utf-8") for p in (Path(advisor.settings.corpus_dir) / "articles")
                .glob("*.txt")}
    home = [name for name, text in articles.items() if all(s in text for s in steps)]
    assert home, answer.text  # one article holds every step
    positions = [articles[home[0]].index(s) for s in steps]
    assert positions == sorted(positions), answer.text


def test_a_passage_listing_its_own_sequence_picked_first_keeps_it_over_a_path() -> None:
    """"Which portfolio projects?": the projects passage (beginner, intermediate, advanced) was picked before a
    learning path's step, so its sequence is the list, not the path."""
    beg, mid, adv = [Candidate(t, Evidence("004_x:067", "…", "004_x.txt", "t", "article", locator="Portfolio"), k)
                     for k, t in enumerate([
                         "Beginner-level projects might include a chatbot built with LangChain.",
                         "Intermediate projects might involve multi-step workflows in LangGraph.",
                         "Advanced projects handle failures, include monitoring, and document tradeoffs."])]
    path = _paragraphs("Core skills",
                       "The foundational layer involves programming proficiency, particularly in Python.",
                       "Building on this foundation requires probability, statistics, and linear algebra.",
                       "The next layer involves mastering machine learning fundamentals and deep learning.")
    ordered, numbered = _in_steps([beg, path[1], adv, mid], pool=[beg, mid, adv, *path])
    assert [c.text for c, k in zip(ordered, numbered, strict=True) if k] == [beg.text, mid.text, adv.text]


def test_a_credential_question_gets_no_learning_path(advisor: Advisor) -> None:
    """"A bootcamp or a master's?" asks which credential, not what to learn in which order: no numbered path."""
    answer = advisor.ask("High school maths teacher, 34. Is it better to do a certificate/bootcamp or go back for a "
                         "master's if I want to get into AI? Money is tight.")
    assert not [s for s in _numbered(answer.text) if "layer" in s or "foundation" in s], answer.text
