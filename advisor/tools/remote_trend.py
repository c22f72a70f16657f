"""remote_share_by_year: how the salary survey's share of fully remote responses moved, year by year.

Why: "is remote work dying?" or "what share is remote now vs a few years ago?" asks for a change over time, and
the 2023 postings are one year. The survey asks every response its `remote_ratio` (100 = fully remote) and its
year, so the share of fully remote responses per year is the only trend the sources hold. Its caveat is said
with it: the survey grew from hundreds of responses a year to tens of thousands, so who answered changed too.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.normalize import NormalizationError
from advisor.data.store import Store
from advisor.tools.posting_sentence import SurveySentence, survey_population
from advisor.tools.salary import (
    SURVEY_NAME,
    country_phrase,
    evidence_id,
    fmt_n,
)


class RemoteTrendQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str | None = Field(default=None, description="Role, e.g. 'data engineer'; empty = every survey title.")
    country: str | None = Field(default=None, description="Country name or code; empty = every country.")
    min_n: int = Field(default=30, ge=1, description="A year needs this many responses for its share.")


class YearShare(BaseModel):
    year: int
    remote: int
    n: int

    @property
    def share(self) -> float:
        return self.remote / self.n


class RemoteTrendResult(SurveySentence):
    query: RemoteTrendQuery
    years: list[YearShare] = Field(default_factory=list)

    def _metadata(self) -> dict[str, Any]:
        return {"subject": self.filter_text, "years": [y.model_dump() for y in self.years]}



def _population(store: Store, query: RemoteTrendQuery) -> tuple[str, str, str]:
    """SQL condition, exact filter and plain words of the responses counted (raises NormalizationError)."""
    conds, shown, f = survey_population(store, query.role, country=query.country)
    words = f"{f.role.label}s' responses" if query.role else "responses"
    if f.country:
        words += f" in {country_phrase(f.country.name)}"
    return " AND ".join(conds), ", ".join(shown), words


def remote_share_by_year(query: RemoteTrendQuery, store: Store) -> RemoteTrendResult:
    """The fully remote share of each full survey year with `min_n` responses. Never raises for bad input."""
    file = store.salaries_file
    try:
        cond, shown, words = _population(store, query)
    except NormalizationError as exc:
        return RemoteTrendResult(query=query, ok=False, message=exc.message, dataset=file)
    latest = store.survey_latest_full_year() or 9999  # a year the survey has only begun says nothing yet
    rows = store.fetchall(
        "SELECT work_year, count(*) FILTER (WHERE remote_ratio = 100), count(*) FROM salaries "
        f"WHERE {cond} AND work_year <= {int(latest)} GROUP BY work_year "
        f"HAVING count(*) >= {int(query.min_n)} ORDER BY work_year")
    years = [YearShare(year=int(r[0]), remote=int(r[1]), n=int(r[2])) for r in rows]
    result = RemoteTrendResult(query=query, ok=len(years) >= 2, dataset=file,
                               filter=f"{shown}, remote_ratio=100 share by work_year, years with n >= "
                                      f"{query.min_n}", filter_text=f"fully remote share of {words}", years=years,
                               evidence_id=evidence_id(file, f"{shown}, remote share by year"))
    if not result.ok:
        result.message = f"The salary survey has too few {words} per year for a remote share over time."
        return result
    first, last = years[0], years[-1]
    moved = "fell" if last.share < first.share else "rose"
    each = ", ".join(f"{y.year}: {y.share:.0%} of {fmt_n(y.n)}" for y in years)
    result.text = (f"In the {SURVEY_NAME}, the share of {words} working fully remote {moved} from "
                   f"{first.share:.0%} in {first.year} to {last.share:.0%} in {last.year} ({each} responses; "
                   f"the survey grew a lot over these years, so who answered changed too).")
    return result


def make_remote_trend_tool(store: Store | None = None) -> Any:
    """`remote_share_by_year` as a LangChain tool returning (text, RemoteTrendResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "remote_share_by_year",
        "The salary survey's share of fully remote responses, year by year, for one role and/or country or "
        "all (is remote work rising or falling).",
        RemoteTrendQuery, remote_share_by_year, lambda r: r.text or r.message, store,
    )
