"""pay_by_year: how a role's median pay in the salary survey moved, year by year.

Why: "are ML engineer salaries still going up or have they plateaued?" asks for a direction over time. A median of
every year pooled is no direction, and the 2023 postings and BLS's two Mays are too short a span. The survey gives
every response its `work_year`, so the median of each full year, with how many responses it rests on, is the one
series the sources hold. The snapshot's own year is partial (2025 runs only to 19 January): it is said apart, with
its count, so a few January responses are not read as a rise or a crash.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.config import SURVEY_SNAPSHOT
from advisor.data.normalize import NormalizationError
from advisor.data.store import Store
from advisor.tools.posting_sentence import SurveySentence, survey_population
from advisor.tools.salary import SURVEY_NAME, evidence_id, fmt_money, fmt_n, plain_subject

FLAT = 0.03  # a year-on-year change under this share of the year before reads as "about flat"
ROUGH_N = 100  # a year with fewer responses than this is said to be rough: the survey's early years were small


class PayTrendQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str | None = Field(default=None, description="Role, e.g. 'data engineer'; empty = every survey title.")
    country: str | None = Field(default=None, description="Country name or code; empty = every country.")
    experience: str | None = Field(default=None, description="Level: junior, mid, senior or lead; empty = all.")
    min_n: int = Field(default=10, ge=1, description="A year needs this many responses for its median.")


class YearMedian(BaseModel):
    year: int
    median: float
    n: int


class PayTrendResult(SurveySentence):
    query: PayTrendQuery
    years: list[YearMedian] = Field(default_factory=list)
    partial: YearMedian | None = None  # the snapshot's own year, counted only to its snapshot day

    def _metadata(self) -> dict[str, Any]:
        return {"subject": self.filter_text, "years": [y.model_dump() for y in self.years],
                "median": self.years[-1].median if self.years else None}


def _change(before: YearMedian, after: YearMedian) -> str:
    """"$190,000 in 2023 (+8%)": a year's median with its change on the year before it."""
    step = (after.median - before.median) / before.median if before.median else 0.0
    if abs(step) < FLAT:
        return f"{fmt_money(after.median)} in {after.year} (about flat, {step:+.0%})"
    return f"{fmt_money(after.median)} in {after.year} ({step:+.0%})"


def _series_text(subject: str, years: list[YearMedian]) -> str:
    """One sentence: the first year's median, each later one with its change, and the counts behind them."""
    first, last = years[0], years[-1]
    moved = "rose" if last.median > first.median else "fell" if last.median < first.median else "stayed"
    steps = [_change(a, b) for a, b in pairwise(years)]
    path = steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + " and " + steps[-1]
    counts = ", ".join(fmt_n(y.n) for y in years[:-1]) + f" and {fmt_n(last.n)}"
    rough = [str(y.year) for y in years if y.n < ROUGH_N]
    one = len(rough) == 1
    caveat = (f"; {' and '.join(rough)} {'rests' if one else 'rest'} on under {ROUGH_N} responses, so read "
              f"{'it' if one else 'them'} as rough") if rough else ""
    return (f"In the {SURVEY_NAME}, the median for {subject} {moved} from {fmt_money(first.median)} in "
            f"{first.year} to {path}; from {counts} responses a year{caveat}.")


def _partial_text(partial: YearMedian) -> str:
    day = f"{SURVEY_SNAPSHOT.day} {SURVEY_SNAPSHOT:%B}"
    return (f"The survey's {partial.year} responses run only to {day} ({fmt_n(partial.n)} so far, median "
            f"{fmt_money(partial.median)}): too early to show a change for {partial.year}.")


def pay_by_year(query: PayTrendQuery, store: Store) -> PayTrendResult:
    """The survey median of each year with `min_n` responses; the snapshot's partial year apart. Never raises for
    bad input."""
    file = store.salaries_file
    try:
        conds, shown, f = survey_population(store, query.role, country=query.country, experience=query.experience)
    except NormalizationError as exc:
        return PayTrendResult(query=query, ok=False, message=exc.message, dataset=file)
    rows = store.fetchall(
        "SELECT work_year, quantile_cont(CAST(salary_in_usd AS DOUBLE), 0.5), count(*) FROM salaries "
        f"WHERE {' AND '.join(conds)} GROUP BY work_year HAVING count(*) >= {int(query.min_n)} ORDER BY work_year")
    found = [YearMedian(year=int(r[0]), median=float(r[1]), n=int(r[2])) for r in rows]
    latest = store.survey_latest_full_year() or 9999
    years = [y for y in found if y.year <= latest]
    subject = plain_subject(f)
    exact = ", ".join(shown)
    result = PayTrendResult(query=query, ok=len(years) >= 2, dataset=file, years=years,
                            partial=next((y for y in found if y.year > latest), None),
                            filter=f"{exact}, median salary_in_usd by work_year, years with n >= {query.min_n}",
                            filter_text=subject, evidence_id=evidence_id(file, f"{exact}, median by year"))
    if not result.ok:
        result.message = (f"The salary survey has too few responses a year from {subject} for a change over "
                          "time.")
        return result
    result.text = _series_text(subject, years)
    if result.partial:
        result.text += " " + _partial_text(result.partial)
    return result


def make_pay_trend_tool(store: Store | None = None) -> Any:
    """`pay_by_year` as a LangChain tool returning (text, PayTrendResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "pay_by_year",
        "The salary survey's median pay year by year for one role, country and/or level, or all (is pay rising, "
        "flat or falling).",
        PayTrendQuery, pay_by_year, lambda r: r.text or r.message, store,
    )
