"""rank_countries_by_pay: the countries where the salary survey's responses for a role report the highest median.

Why: "which countries pay data engineers the most (outside the US)?" asks for places ranked, not one country's
figure nor roles ranked. Only the survey has pay for many countries (the postings' non-US amounts are mostly job
boards' placeholders; BLS is the US alone), so the ranking is the survey's, by `company_location`, of countries
with at least `min_n` responses; the sentence says that threshold and how many countries it leaves out.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.normalize import (
    COUNTRY_NAMES,
    NormalizationError,
    resolve_country,
)
from advisor.data.store import Store
from advisor.tools.posting_sentence import SurveySentence, survey_population
from advisor.tools.salary import SURVEY_NAME, country_phrase, evidence_id, fmt_money, fmt_n, sql_list


class CountryPayQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str | None = Field(default=None, description="Role, e.g. 'data engineer'; empty = every survey title.")
    experience: str | None = Field(default=None, description="junior/mid/senior/lead or EN/MI/SE/EX.")
    year: int | None = Field(default=None, description="Survey work_year; None = every year.")
    exclude: list[str] = Field(default_factory=list, description="Countries left out ('outside the US').")
    top: int = Field(default=5, ge=1, le=20, description="How many countries to list.")
    min_n: int = Field(default=10, ge=1, description="A country is ranked with at least this many responses.")


class RankedCountry(BaseModel):
    country: str
    median: float
    n: int


class CountryPayResult(SurveySentence):
    query: CountryPayQuery
    countries: list[RankedCountry] = Field(default_factory=list)
    qualifying: int = 0

    def _metadata(self) -> dict[str, Any]:
        return {"subject": self.filter_text, "countries": [c.model_dump() for c in self.countries]}



def _population(store: Store, query: CountryPayQuery) -> tuple[list[str], list[str], str]:
    """SQL conditions, the exact filter and the plain words of the responses ranked (raises NormalizationError)."""
    conds, shown, f = survey_population(store, query.role, experience=query.experience, year=query.year)
    who = f"{f.role.label}s" if query.role else "responses"
    if f.experience_label:
        who = f"{f.experience_label} {who}"
    left_out = [resolve_country(c) for c in query.exclude]
    if left_out:
        outside = f"company_location NOT IN {sql_list([c.iso2 for c in left_out])}"
        conds, shown = [*conds, outside], [*shown, outside]
        who += " outside " + " and ".join(country_phrase(c.name) for c in left_out)
    return conds, shown, who


def rank_countries_by_pay(query: CountryPayQuery, store: Store) -> CountryPayResult:
    """The countries with the highest median `salary_in_usd`, of those with `min_n` responses. Never raises."""
    file = store.salaries_file
    try:
        conds, shown, who = _population(store, query)
    except NormalizationError as exc:
        return CountryPayResult(query=query, ok=False, message=exc.message, dataset=file)
    rows = store.fetchall(
        "SELECT company_location, quantile_cont(salary_in_usd, 0.5) AS median, count(*) AS n FROM salaries "
        f"WHERE {' AND '.join(conds)} GROUP BY company_location HAVING count(*) >= {int(query.min_n)} "
        "ORDER BY median DESC, n DESC, company_location")
    ranked = [RankedCountry(country=COUNTRY_NAMES.get(r[0], r[0]), median=float(r[1]), n=int(r[2])) for r in rows]
    result = CountryPayResult(query=query, ok=len(ranked) >= 2, dataset=file, qualifying=len(ranked),
                              filter=f"{', '.join(shown)}, countries with n >= {query.min_n}",
                              filter_text=f"{who} by country", countries=ranked[: query.top],
                              evidence_id=evidence_id(file, f"{shown}, country pay ranking"))
    if not result.ok:
        result.message = (f"Fewer than two countries have {fmt_n(query.min_n)} or more survey responses from "
                          f"{who}: too few to rank.")
        return result
    listed = ", ".join(f"{c.country} ({fmt_money(c.median)}, {fmt_n(c.n)} responses)" for c in result.countries)
    result.text = (f"In the {SURVEY_NAME}, the countries where {who} report the highest median pay (in USD; of "
                   f"the {fmt_n(len(ranked))} countries with at least {fmt_n(query.min_n)} responses) are "
                   f"{listed}.")
    return result


def make_country_pay_tool(store: Store | None = None) -> Any:
    """`rank_countries_by_pay` as a LangChain tool returning (text, CountryPayResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "rank_countries_by_pay",
        "Countries ranked by the salary survey's median pay for a role (or every role), optionally leaving some "
        "out ('outside the US'); only countries with enough responses.",
        CountryPayQuery, rank_countries_by_pay, lambda r: r.text or r.message, store,
    )
