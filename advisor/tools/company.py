"""company_pay: what one employer's 2023 data-job postings advertised.

Why: "What does Meta pay data scientists?" is a common question, and only the postings name employers (the
salary survey and BLS have no employer field). An employer is matched by the start of `company_name`
("Meta" matches "Meta", "Meta Inc."; "Amazon" matches "Amazon.com Services LLC" and "Amazon Web Services,
Inc."), and every matched name is listed in the result, so a wrong match ("Apple" also starts "Apple Bank for
Savings") is visible rather than hidden. Medians are `quantile_cont` (= pandas' default) on yearly pay with
hourly rates converted at 2,080 hours, as everywhere else; below `min_n` postings, figures are withheld.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.normalize import NormalizationError
from advisor.data.store import HOURS_PER_YEAR, Store
from advisor.tools.salary import (
    POSTINGS_NAME,
    evidence_id,
    fmt_money,
    fmt_n,
    placeholder_caveat,
    postings_filter,
    resolve_filters,
    sql_quote,
)
from advisor.types import Evidence

ABOUT_THE_SAME = 0.05  # medians closer than this (relative to the lower) are "about the same"


class CompanyPayQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company: str = Field(min_length=2, max_length=80, description="Employer name, e.g. 'Meta' or 'Capital One'.")
    role: str | None = Field(default=None, description="Role, e.g. 'data scientist'; empty = every data job.")
    min_n: int = Field(default=10, ge=1, description="Below this many postings, figures are withheld.")


class CompanyPayResult(BaseModel):
    query: CompanyPayQuery
    ok: bool
    message: str = ""
    dataset: str = ""
    filter: str = ""
    filter_text: str = ""
    matched_names: list[str] = Field(default_factory=list)
    n: int = 0
    hourly_converted: int = 0
    p25: float | None = None
    median: float | None = None
    p75: float | None = None
    text: str = ""
    evidence_id: str = ""

    def evidence(self) -> list[Evidence]:
        if not self.ok:
            # "Only n=0 postings from Google match": a count from the data, said in the answer (not only in a
            # notice) so that the all-employer figures after it are not read as Google's
            if not self.evidence_id:
                return []
            return [Evidence(id=self.evidence_id, text=self.message, source=self.dataset, title=POSTINGS_NAME,
                             kind="posting_stats", locator=self.filter,
                             metadata={"n": self.n, "subject": self.filter_text})]
        return [Evidence(id=self.evidence_id, text=self.text, source=self.dataset, title=POSTINGS_NAME,
                         kind="salary_data", locator=self.filter,
                         metadata={"n": self.n, "subject": self.filter_text})]

    def chart_rows(self) -> list[dict[str, Any]]:
        """One row in the salary-range chart's shape."""
        if not self.ok:
            return []
        return [{"source": self.dataset, "label": f"{self.filter_text} — 2023 postings", "p25": self.p25,
                 "median": self.median, "p75": self.p75, "n": self.n, "year": "2023", "kind": "postings"}]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _company_condition(company: str) -> tuple[str, str]:
    name = re.sub(r"\s+", " ", company.strip())
    pattern = "^" + re.escape(name) + r"(\b|$)"
    return f"regexp_matches(company_name, {sql_quote(pattern)}, 'i')", f"company_name ~* {sql_quote(pattern)}"


def company_pay(query: CompanyPayQuery, store: Store) -> CompanyPayResult:
    """Posted pay at one employer (optionally one role). Never raises for bad input."""
    file = store.postings_file
    cond, shown = _company_condition(query.company)
    words = f"postings from {query.company.strip()}"
    if query.role:
        try:
            pf = postings_filter(store, resolve_filters(store, query.role))
        except NormalizationError as exc:
            return CompanyPayResult(query=query, ok=False, message=exc.message, dataset=file)
        if pf is None:
            return CompanyPayResult(query=query, ok=False, dataset=file,
                                    message=f"The postings have no class or title pattern for {query.role}.")
        cond, shown, words = f"{cond} AND {pf[0]}", f"{shown}, {pf[1]}", f"{pf[2]} from {query.company.strip()}"
    names = [r[0] for r in store.fetchall(
        f"SELECT company_name, count(*) AS n FROM postings WHERE {cond} GROUP BY company_name ORDER BY n DESC, "
        "company_name LIMIT 8")]
    row = store.fetchone(
        "SELECT count(*), count(*) FILTER (WHERE salary_rate = 'hour'), "
        "quantile_cont(salary_yearly, [0.25, 0.5, 0.75]), count(*) FILTER (WHERE salary_placeholder), "
        f"quantile_cont(salary_yearly, 0.5) FILTER (WHERE NOT salary_placeholder) FROM postings WHERE {cond}")
    assert row is not None
    n, hourly = int(row[0]), int(row[1])
    # a job board's worldwide amount is no employer's pay: said, with the others' median, where it is common
    caveat = placeholder_caveat(int(row[3]), row[4], n, query.min_n) if n else ""
    result = CompanyPayResult(query=query, ok=True, dataset=file, filter=shown, filter_text=words,
                              matched_names=names, n=n, hourly_converted=hourly,
                              evidence_id=evidence_id(file, f"{shown}, company pay"))
    if n < query.min_n:
        result.ok = False
        found = f" ({', '.join(names)})" if names else ""
        how_many = f"No {POSTINGS_NAME} match" if n == 0 else f"Only {fmt_n(n)} {POSTINGS_NAME} match"
        result.message = (f"{how_many} {words}{found}; figures are withheld below the minimum of "
                          f"{fmt_n(query.min_n)}. The salary survey and BLS have no employer field, so the "
                          f"figures here are for all employers.")
        return result
    result.p25, result.median, result.p75 = (float(x) for x in row[2])
    hourly_text = f"; {fmt_n(hourly)} hourly rates converted at {HOURS_PER_YEAR:,} hours a year" if hourly else ""
    result.text = (
        f"{POSTINGS_NAME[0].upper()}{POSTINGS_NAME[1:]}, {words} (employer names matched: {', '.join(names)}): "
        f"median advertised salary {fmt_money(result.median)} a year (25th percentile {fmt_money(result.p25)}, "
        f"75th percentile {fmt_money(result.p75)}), from {fmt_n(n)} postings{hourly_text}.{caveat}"
    )
    return result


def _employer(result: CompanyPayResult) -> str:
    """The employer as its postings name it most often ("Capital One" for "capital one")."""
    return result.matched_names[0] if result.matched_names else result.query.company.strip()


def compare_employers(results: list[CompanyPayResult]) -> Evidence | None:
    """"Capital One vs Booz Allen: who paid more?": which employer's postings advertise the higher median, with
    both medians, said first; None unless two employers or more have figures."""
    ok = sorted((r for r in results if r.ok and r.median is not None), key=lambda r: -(r.median or 0.0))
    if len(ok) < 2:
        return None
    names = [_employer(r) for r in ok]
    high, low = ok[0].median or 0.0, ok[-1].median or 0.0
    if low and (high - low) / low < ABOUT_THE_SAME:
        verdict = f"{names[0]} and {names[-1]} advertise about the same median"
    else:
        verdict = f"{names[0]} advertises the highest median" if len(ok) > 2 else \
            f"{names[0]} advertises a higher median than {names[1]}"
    medians = " against ".join(fmt_money(r.median) for r in ok)
    counts = " and ".join(fmt_n(r.n) for r in ok)
    role = ok[0].filter_text.removesuffix(f" from {ok[0].query.company.strip()}").removesuffix("postings").strip()
    subject = f" for {role} jobs" if role else ""
    text = f"In the {POSTINGS_NAME}{subject}, {verdict}: {medians} (from {counts} postings)."
    return Evidence(id="compare:" + "+".join(r.evidence_id for r in ok), text=text, source=ok[0].dataset,
                    title=POSTINGS_NAME, kind="salary_data", locator=" | ".join(r.filter for r in ok),
                    metadata={"compared": [r.evidence_id for r in ok], "subject": " vs ".join(names)})


def make_company_tool(store: Store | None = None) -> Any:
    """`company_pay` as a LangChain tool returning (text, CompanyPayResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "company_pay",
        "Median advertised salary in one employer's 2023 data-job postings (e.g. Meta, Amazon, Capital One), "
        "optionally for one role; the only source that names employers.",
        CompanyPayQuery, company_pay, lambda r: r.text or r.message, store,
    )
