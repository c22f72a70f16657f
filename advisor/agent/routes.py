"""Which data tools run for which reading of the question: a table, read top to bottom.

Each row names an ask and the tool that serves it. Every row whose ask the question makes runs, in table
order, which is also the order the answer leads with (the count of remote postings before anything else; a
skill's pay difference before the role's pay). Adding a kind of question is a row here and an `Ask` in
`interpret.py`, not another branch in the graph's gather step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from advisor.agent.interpret import Ask, Interpretation


class Tool(StrEnum):
    """The offline data tools (`Toolbox` methods of the same name)."""

    POSTINGS = "postings"
    SKILLS_GAP = "skills_gap"
    ROLE_MOVE = "role_move"
    CONDITIONS = "conditions"
    POSTING_COUNT = "posting_count"
    SKILLS = "skills"
    SKILL_RANKING = "skill_ranking"
    RANKING = "ranking"
    COUNTRY_RANKING = "country_ranking"
    PAY_TREND = "pay_trend"
    COMPANY = "company"
    SALARY = "salary"
    EMPLOYMENT = "employment"
    DATA_COVERAGE = "data_coverage"


@dataclass(frozen=True)
class Route:
    ask: Ask
    tool: Tool
    why: str


ROUTES: tuple[Route, ...] = (
    Route(Ask.DATA_COVERAGE, Tool.DATA_COVERAGE, "what a data set holds: its rows, years and countries"),
    Route(Ask.FIND_POSTINGS, Tool.POSTINGS, "show me postings: the postings themselves lead"),
    Route(Ask.SKILLS_GAP, Tool.SKILLS_GAP, "what to learn, given the skills I have: the skills I lack lead"),
    Route(Ask.ROLE_MOVE, Tool.ROLE_MOVE, "from one role to another: the skills the new role's postings list more"),
    Route(Ask.EMPLOYMENT, Tool.EMPLOYMENT, "how many people work in the role: BLS's headcount leads"),
    Route(Ask.CONDITIONS, Tool.CONDITIONS, "how many data jobs are remote: the count leads"),
    Route(Ask.POSTING_COUNT, Tool.POSTING_COUNT, "how many postings, by company, board, kind or place"),
    Route(Ask.SKILL_RANKING, Tool.SKILL_RANKING, "which skills pay the most: skills ranked by their postings' pay"),
    Route(Ask.SKILL_PAY, Tool.SKILLS, "what a skill adds to pay: the pay with and without it leads"),
    Route(Ask.COUNTRY_RANKING, Tool.COUNTRY_RANKING, "which countries pay a role the most: the survey's ranked"),
    Route(Ask.PAY_TREND, Tool.PAY_TREND, "how pay moved over the years: the survey's median year by year"),
    Route(Ask.RANKING, Tool.RANKING, "which roles pay the most: no role to look up, rank them all"),
    Route(Ask.COMPANY_PAY, Tool.COMPANY, "an employer named: only its postings have its pay"),
    Route(Ask.PAY, Tool.SALARY, "a role's pay: survey, postings, BLS and article figures side by side"),
    Route(Ask.SKILLS, Tool.SKILLS, "which skills postings ask for, or how often one is asked for"),
)


def tools_for(reading: Interpretation) -> list[Tool]:
    """The tools to run, in order, each once: the table's order, except that the tools of the first of several
    questions come first ("do software devs or data scientists earn more? and which has more jobs?": the pay
    comparison leads, the headcounts follow)."""
    chosen: list[Tool] = []
    for route in ROUTES:
        if reading.has(route.ask) and route.tool not in chosen:
            chosen.append(route.tool)
    first = {route.tool for route in ROUTES if route.ask in reading.first_asks}
    return sorted(chosen, key=lambda tool: tool not in first)
