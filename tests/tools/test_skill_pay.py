"""Skills ranked by the median posted pay of the postings that list them, re-computed with pandas."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from advisor.data.store import Store
from advisor.tools.salary import fmt_money, fmt_n
from advisor.tools.skill_pay import SkillPayQuery, rank_skills_by_pay


def _without_placeholders(posts: pd.DataFrame) -> pd.DataFrame:
    known = posts[posts["country"].notna() & (posts["country"] != "")]
    countries = known.groupby(["job_via", "yearly"])["country"].nunique()
    filled = set(countries[countries >= 8].index)
    return posts[[(v, y) not in filled for v, y in zip(posts["job_via"], posts["yearly"], strict=True)]]


@pytest.mark.parametrize(("query", "mask"), [
    (SkillPayQuery(), lambda d: d.index == d.index),
    (SkillPayQuery(role="data engineer", country="US"),
     lambda d: d.job_title_short.isin(["Data Engineer", "Senior Data Engineer"]) & (d.country == "United States")),
    # "beyond SQL and Python, which tools go with higher pay?": the skills set aside are left out of the ranking
    (SkillPayQuery(set_aside=["sql", "python"]), lambda d: d.index == d.index),
])
def test_skills_ranked_by_median_pay_match_pandas(store: Store, posts: pd.DataFrame, query: SkillPayQuery,
                                                  mask) -> None:
    pop = _without_placeholders(posts)
    pop = pop[mask(pop)]
    floor = max(query.min_n, math.ceil(0.01 * len(pop)))
    rows = [(skill, pay) for skills, pay in zip(pop["skill_set"], pop["yearly"], strict=True) for skill in skills
            if skill not in query.set_aside]
    by_skill = pd.DataFrame(rows, columns=["skill", "pay"]).groupby("skill")["pay"].agg(["median", "size"])
    by_skill = by_skill[by_skill["size"] >= floor].reset_index()
    by_skill = by_skill.sort_values(["median", "size", "skill"], ascending=[False, False, True]).head(query.top_k)
    result = rank_skills_by_pay(query, store)
    assert result.ok and result.population == len(pop) and result.floor == floor
    assert [(s.skill, s.median, s.n) for s in result.skills] == list(
        zip(by_skill["skill"], by_skill["median"], by_skill["size"], strict=True))
    for s in result.skills:
        assert f"{s.skill} ({fmt_money(s.median)}, {fmt_n(s.n)} postings)" in result.text
    assert result.evidence()[0].text == result.text
    if query.set_aside:
        assert "other than sql and python" in result.text


def test_a_population_too_small_to_rank_says_so(store: Store) -> None:
    result = rank_skills_by_pay(SkillPayQuery(country="Germany"), store)
    assert not result.ok and "No skill is listed in 30 or more" in result.message


def test_the_question_is_routed_to_the_ranking(advisor) -> None:  # type: ignore[no-untyped-def]
    answer = advisor.ask("which data skills pay the most?")
    assert not answer.refused
    assert answer.text.startswith("Among ") and "highest median salary" in answer.text.split("\n")[0]


def test_the_skills_a_question_weighs_are_ranked_alone(store: Store, posts: pd.DataFrame) -> None:
    """"tableau or power bi, which one gets more money?": only those two, each with its postings' median."""
    pop = _without_placeholders(posts)
    result = rank_skills_by_pay(SkillPayQuery(skills=["tableau", "power bi"]), store)
    expected = []
    for skill in ("tableau", "power bi"):
        listing = pd.Series([skill in s for s in pop["skill_set"]], index=pop.index)
        pay, without = pop[listing]["yearly"], pop[~listing]["yearly"]
        expected.append((skill, pay.median(), len(pay), without.median()))
    expected.sort(key=lambda x: -x[1])
    # each skill against the postings that don't list it: what "does it bump pay?" compares with
    assert [(s.skill, s.median, s.n, s.median_without) for s in result.skills] == expected
    for skill, _, _, without in expected:
        assert f"{skill} (" in result.text and f"against {fmt_money(without)} without it" in result.text
    assert result.floor == SkillPayQuery().min_n  # named skills need only enough postings, not a 1% share
    assert result.evidence()[0].id != rank_skills_by_pay(SkillPayQuery(), store).evidence()[0].id


def test_skills_named_beside_a_role_are_the_ones_ranked_on_pay() -> None:
    """"Which skills bump data engineer pay? spark, snowflake or kafka": those three, not the role's top list."""
    from advisor.agent.interpret import Ask, interpret

    reading = interpret("which skills actually bump data engineer pay? trying to decide between spark, snowflake "
                        "and kafka", lambda: ["spark", "snowflake", "kafka", "python"])
    assert reading.has(Ask.SKILL_RANKING) and reading.skills_compared
    assert reading.skills_named == ["spark", "snowflake", "kafka"]
    both = interpret("does knowing kafka or airflow actually bump data engineer pay, or is that a myth?",
                     lambda: ["kafka", "airflow", "python"])
    assert both.has(Ask.SKILL_RANKING) and not both.has(Ask.SKILL_PAY) and not both.has(Ask.PAY)
