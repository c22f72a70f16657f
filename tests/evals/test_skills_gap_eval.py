"""The skills-gap eval counts a case as routed only when the first sentence names the top missing skill, counted
from the CSV with pandas, with its share; and it runs end to end on the slice."""

from __future__ import annotations

import pandas as pd

from advisor import Advisor
from evals.skills_gap import GapCase, expected_top, judge, load_cases

CASE = GapCase(id="t", question="q", role="data engineer", have=["python", "sql"],
               classes=["Data Engineer", "Senior Data Engineer"])


def test_the_cases_parse_and_each_names_the_skills_the_asker_has() -> None:
    cases = load_cases()
    assert len(cases) == 10 and all(c.have and c.classes for c in cases)


def test_routed_needs_the_top_missing_skill_and_its_share_first() -> None:
    top = ("spark", 0.34)
    good = judge(CASE, "the skills most often listed that you didn't name are spark in 34% (3 of 9). [1]", top)
    assert good["routed"] and good["own_skills_not_listed"]
    assert not judge(CASE, "Python and SQL are the foundation. [1] Spark in 34% of postings. [2]", top)["routed"]
    mine = judge(CASE, "the skills most often listed that you didn't name are spark in 34%; python in 20%. [1]", top)
    assert not mine["own_skills_not_listed"]


def test_the_expected_skill_is_the_most_listed_one_the_asker_lacks(advisor: Advisor) -> None:
    postings = pd.read_csv(advisor.settings.postings_csv, dtype=str, keep_default_na=False)
    skill, share = expected_top(postings, CASE)
    assert skill not in CASE.have and 0 < share <= 1
    answer = advisor.ask("I know python and sql. What else should I learn for data engineering jobs?")
    assert judge(CASE, answer.text, (skill, share))["routed"], answer.text
