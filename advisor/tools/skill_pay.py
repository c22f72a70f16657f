"""rank_skills_by_pay: which skills the best-paid 2023 data-job postings list.

Why: "Which data skills pay the most?" asks for skills ranked by pay, not for one role's most listed skills
(which is what the skills tool gives) nor for one skill's pay with and without it. Each skill's figure is the
median posted yearly pay (hourly rates converted at 2,080 hours, as everywhere else) of the postings that list
it, among the postings the question narrows to (a role, a country). A skill listed in a handful of postings
would top the list by chance, so only skills listed in at least 1% of those postings (and at least `min_n`)
are ranked, and the threshold is said in the sentence.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.normalize import NormalizationError
from advisor.data.store import Store
from advisor.tools.posting_sentence import ALL_ROWS, PostingSentence, postings_population
from advisor.tools.salary import OWN_PAY, evidence_id, fmt_money, fmt_n, sql_list, sql_quote

SHARE_FLOOR = 0.01  # a skill is ranked when at least this share of the postings list it


class SkillPayQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str | None = Field(default=None, description="Role, e.g. 'data engineer'; empty = every data job.")
    country: str | None = Field(default=None, description="Country name or code; empty = every country.")
    top_k: int = Field(default=8, ge=1, le=25, description="How many skills to rank.")
    min_n: int = Field(default=30, ge=1, description="The fewest postings a ranked skill's median rests on.")
    skills: list[str] = Field(default_factory=list, description="Only these skills, as the postings name them "
                              "('tableau', 'power bi'): the ones a question weighs; empty = every skill.")
    set_aside: list[str] = Field(default_factory=list, description="Skills left out of the ranking ('beyond SQL "
                                 "and Excel, which tools ...?').")


class RankedSkill(BaseModel):
    skill: str
    median: float
    n: int
    median_without: float | None = None  # the other postings' median: what "does it bump pay?" compares with


class SkillPayResult(PostingSentence):
    query: SkillPayQuery
    population: int = 0
    floor: int = 0
    skills: list[RankedSkill] = Field(default_factory=list)

    def _metadata(self) -> dict[str, Any]:
        return {"n": self.population, "subject": self.filter_text, "skills": [s.model_dump() for s in self.skills]}


def _population(store: Store, query: SkillPayQuery) -> tuple[str, str, str]:
    """SQL condition, exact filter and plain words of the postings ranked (raises NormalizationError). Postings
    whose amount is a job board's placeholder are left out: an amount given to jobs in 30 countries says
    nothing about what a skill pays."""
    cond, shown, words = postings_population(store, query.role, query.country)
    paid, not_filled = OWN_PAY, "salary_placeholder=false"
    shown = not_filled if shown == ALL_ROWS else f"{shown}, {not_filled}"
    return f"{paid} AND {cond}", shown, f"{words} from 2023" if query.role else f"2023 {words}"


def _median_without(store: Store, cond: str, skill: str) -> float | None:
    """The median advertised pay of the population's postings that don't list `skill`."""
    row = store.fetchone(f"SELECT quantile_cont(salary_yearly, 0.5) FROM postings WHERE {cond} AND row_id NOT IN "
                         f"(SELECT row_id FROM posting_skills WHERE skill = {sql_quote(skill.lower())})")
    return float(row[0]) if row and row[0] is not None else None


def rank_skills_by_pay(query: SkillPayQuery, store: Store) -> SkillPayResult:
    file = store.postings_file
    try:
        cond, shown, words = _population(store, query)
    except NormalizationError as exc:
        return SkillPayResult(query=query, ok=False, message=exc.message, dataset=file)
    row = store.fetchone(f"SELECT count(*) FROM postings WHERE {cond}")
    population = int(row[0]) if row else 0
    # skills named were asked for by name: only too few postings keeps one out, not the 1% share of the ranking
    floor = query.min_n if query.skills else max(query.min_n, math.ceil(SHARE_FLOOR * population))
    named = f"AND s.skill IN {sql_list([k.lower() for k in query.skills])} " if query.skills else ""
    if query.set_aside:
        named += f"AND s.skill NOT IN {sql_list([k.lower() for k in query.set_aside])} "
    rows = store.fetchall(
        f"WITH pop AS (SELECT row_id, salary_yearly FROM postings WHERE {cond}) "
        "SELECT s.skill, quantile_cont(p.salary_yearly, 0.5) AS median, count(*) AS n "
        f"FROM posting_skills s JOIN pop p USING (row_id) WHERE TRUE {named}GROUP BY s.skill "
        f"HAVING count(*) >= {int(floor)} ORDER BY median DESC, n DESC, s.skill LIMIT {int(query.top_k)}")
    which = f"skill in {', '.join(query.skills)}" if query.skills else f"skills listed in >= {floor}"
    which += f", skill not in {', '.join(query.set_aside)}" if query.set_aside else ""
    result = SkillPayResult(query=query, ok=bool(rows), dataset=file, filter=f"{shown}, {which}",
                            filter_text=words, population=population, floor=floor,
                            skills=[RankedSkill(skill=r[0], median=float(r[1]), n=int(r[2])) for r in rows],
                            evidence_id=evidence_id(file, f"{shown}, {which}, skill pay ranking"))
    if not rows:
        result.message = f"No skill is listed in {fmt_n(floor)} or more of the {fmt_n(population)} {words}."
        return result
    if query.skills:  # the skills weighed, the better paid first, each against the postings without it
        for s in result.skills:
            s.median_without = _median_without(store, cond, s.skill)
        listed = ", ".join(f"{s.skill} ({fmt_money(s.median)} on {fmt_n(s.n)} postings"
                           + (f", against {fmt_money(s.median_without)} without it" if s.median_without else "")
                           + ")" for s in result.skills)
        result.text = (f"Among {fmt_n(population)} {words} (leaving out job boards' placeholder amounts), the "
                       f"median salary advertised by postings listing each skill was: {listed}.")
    else:
        listed = ", ".join(f"{s.skill} ({fmt_money(s.median)}, {fmt_n(s.n)} postings)" for s in result.skills)
        besides = f" other than {' and '.join(query.set_aside)}" if query.set_aside else ""
        result.text = (f"Among {fmt_n(population)} {words} (leaving out job boards' placeholder amounts), the skills"
                       f"{besides} whose postings advertised the highest median salary (of skills listed in at least "
                       f"{fmt_n(floor)} of them) were {listed}.")
    return result


def make_skill_pay_tool(store: Store | None = None) -> Any:
    """`rank_skills_by_pay` as a LangChain tool returning (text, SkillPayResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "rank_skills_by_pay",
        "Skills ranked by the median posted salary of the 2023 data-job postings that list them, for one role "
        "and/or country or all data jobs (which skills pay the most).",
        SkillPayQuery, rank_skills_by_pay, lambda r: r.text or r.message, store,
    )
