"""compare_role_skills: the skills a target role's postings list far more often than the origin role's, with both
shares, against pandas; and the reading that asks for it (a move between roles, asked how)."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from advisor.agent.interpret import Ask, interpret
from advisor.data.store import Store
from advisor.tools.role_move import MIN_GAP, POOL, SHOWN, RoleMoveQuery, compare_role_skills

CLASSES = {"data analyst": ["Data Analyst", "Senior Data Analyst"],
           "data engineer": ["Data Engineer", "Senior Data Engineer"],
           "data scientist": ["Data Scientist", "Senior Data Scientist"],
           "machine learning engineer": ["Machine Learning Engineer"]}


def _shares(sub: pd.DataFrame) -> dict[str, float]:
    counts = Counter(s for skills in sub["skill_set"] for s in skills)
    return {skill: k / len(sub) for skill, k in counts.items()}


@pytest.mark.parametrize(("frm", "to"), [("data analyst", "data engineer"),
                                         ("data scientist", "machine learning engineer")])
def test_the_skills_listed_far_more_often_match_pandas(store: Store, posts: pd.DataFrame, frm: str, to: str) -> None:
    result = compare_role_skills(RoleMoveQuery(from_role=frm, to_role=to), store)
    a = _shares(posts[posts.job_title_short.isin(CLASSES[frm])])
    b_sub = posts[posts.job_title_short.isin(CLASSES[to])]
    b = _shares(b_sub)
    pool = sorted(b.items(), key=lambda kv: (-kv[1], kv[0]))[:POOL]
    expected = sorted(((s, sh, a.get(s, 0.0)) for s, sh in pool if sh - a.get(s, 0.0) >= MIN_GAP),
                      key=lambda x: x[2] - x[1])[:SHOWN]
    assert result.ok and result.population_to == len(b_sub)
    assert [m.skill for m in result.skills] == [skill for skill, _, _ in expected]
    assert [(m.share_to, m.share_from) for m in result.skills] == [pytest.approx((t, f)) for _, t, f in expected]
    for skill, share_to, share_from in expected:
        assert f"{skill} ({share_to:.0%} against {share_from:.0%})" in result.text


def test_a_role_the_postings_do_not_class_says_why(store: Store) -> None:
    result = compare_role_skills(RoleMoveQuery(from_role="astronaut", to_role="data engineer"), store)
    assert not result.ok and result.message and not result.evidence()


@pytest.mark.parametrize(("question", "move_from", "role"), [
    ("im a data analyst, how do i move into data engineering?", "data analyst", "data engineer"),
    ("how do i go from data scientist to ML engineer? whats the actual skill gap", "data scientist",
     "machine learning engineer"),
    ("I am a data analyst, what do data engineers earn?", None, "data engineer"),  # pay asked, not the move
    ("I know python and sql, I'm a data analyst: what should I learn for data engineering?", None, "data engineer"),
])
def test_a_move_between_roles_is_read_with_where_it_starts(question: str, move_from: str | None, role: str) -> None:
    reading = interpret(question, lambda: ["python", "sql", "spark"])
    assert reading.move_from == move_from and reading.slots.role == role
    assert reading.has(Ask.ROLE_MOVE) is (move_from is not None)


def test_two_roles_compared_on_skills_get_each_roles_list(store_settings, posts: pd.DataFrame) -> None:
    """"Business analyst vs data analyst: which needs more technical skills?": each role's most listed skills,
    not the first role's alone."""
    from advisor.agent.tools import Toolbox

    reading = interpret("Business analyst vs data analyst: which pays more, and which one needs more technical "
                        "skills?", lambda: ["sql", "excel", "python"])
    out = Toolbox(store_settings, retriever=None).skills(reading)  # type: ignore[arg-type]
    for role, classes in (("business analyst", ["Business Analyst"]), ("data analyst", CLASSES["data analyst"])):
        sub = posts[posts.job_title_short.isin(classes)]
        line = next(e.text for e in out.evidence if f"2023 {role} postings ({len(sub):,} postings)" in e.text)
        top = sorted(_shares(sub).items(), key=lambda kv: (-kv[1], kv[0]))[0]
        assert f"{top[0]} ({top[1]:.1%})" in line
