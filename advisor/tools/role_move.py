"""compare_role_skills: the skills a target role's postings list far more often than the postings of the role
a person is moving from.

Why: "I'm a data analyst, how do I move into data engineering?" is answered by the articles only in general
(they are about AI engineers), and a list of the data engineer's top skills repeats SQL and Python, which the
analyst has. What the move asks for is the difference: the skills data engineer postings list that analyst
postings rarely do (Spark, AWS, Airflow), each with both shares, from the same 2023 postings.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.store import Store
from advisor.tools.posting_sentence import PostingSentence
from advisor.tools.salary import evidence_id, fmt_n
from advisor.tools.skills import PostingQuery, PostingStatsResult, posting_stats

POOL = 15  # the target role's most listed skills the difference is taken from
SHOWN = 5
MIN_GAP = 0.10  # listed at least this much more often (share points) to count as what the move asks for


class RoleMoveQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_role: str = Field(description="The role the person is moving from, e.g. 'data analyst'.")
    to_role: str = Field(description="The role they are moving to, e.g. 'data engineer'.")
    country: str | None = Field(default=None, description="Country name or ISO code; empty = every country.")


class SkillMove(BaseModel):
    skill: str
    share_to: float
    share_from: float


class RoleMoveResult(PostingSentence):
    query: RoleMoveQuery
    skills: list[SkillMove] = Field(default_factory=list)
    population_to: int = 0
    population_from: int = 0

    def _metadata(self) -> dict[str, Any]:
        return {"subject": self.filter_text, "n": self.population_to, "population": self.population_to}


def _share_of(result: PostingStatsResult, skill: str, store: Store, query: PostingQuery) -> float:
    """`skill`'s share of the postings `result` counted: from its list, else looked up on its own (a skill
    the origin role's postings rarely list is outside its top skills)."""
    found = next((s.share for s in result.skills if s.skill == skill), None)
    if found is not None:
        return found
    focused = posting_stats(query.model_copy(update={"skill": skill, "top_k": 1}), store)
    return focused.focus.share if focused.ok and focused.focus is not None else 0.0


def compare_role_skills(query: RoleMoveQuery, store: Store) -> RoleMoveResult:
    """The target role's often-listed skills that the origin role's postings list at least MIN_GAP less often,
    the largest differences first. Never raises for bad input: a role the postings don't class says why."""
    result = RoleMoveResult(query=query, ok=False, dataset=store.postings_file)
    try:
        q_to = PostingQuery(role=query.to_role, country=query.country, top_k=POOL, examples=0)
        q_from = PostingQuery(role=query.from_role, country=query.country, top_k=50, examples=0)
    except ValueError as exc:
        result.message = str(exc)
        return result
    to, frm = posting_stats(q_to, store), posting_stats(q_from, store)
    if not (to.ok and frm.ok):
        result.message = to.message or frm.message
        return result
    moves = [SkillMove(skill=s.skill, share_to=s.share, share_from=_share_of(frm, s.skill, store, q_from))
             for s in to.skills]
    result.skills = sorted((m for m in moves if m.share_to - m.share_from >= MIN_GAP),
                           key=lambda m: m.share_from - m.share_to)[:SHOWN]
    if not result.skills:
        result.message = f"{to.filter_text} list no skill much more often than {frm.filter_text}."
        return result
    result.ok, result.population_to, result.population_from = True, to.population, frm.population
    result.filter = f"{to.filter} vs {frm.filter}"
    result.filter_text = to.filter_text
    result.evidence_id = evidence_id(store.postings_file, f"{result.filter}, skills more often listed")
    listed = ", ".join(f"{m.skill} ({m.share_to:.0%} against {m.share_from:.0%})" for m in result.skills)
    result.text = (f"Compared with the {fmt_n(frm.population)} 2023 {frm.filter_text}, the {fmt_n(to.population)} "
                   f"{to.filter_text} list these skills far more often: {listed}.")
    return result


def make_role_move_tool(store: Store | None = None) -> Any:
    """`compare_role_skills` as a LangChain tool returning (text, RoleMoveResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "compare_role_skills",
        "The skills that a target role's 2023 postings list far more often than the postings of the role a "
        "person is moving from (e.g. from 'data analyst' to 'data engineer'), with both shares.",
        RoleMoveQuery, compare_role_skills, lambda r: r.text or r.message, store,
    )
