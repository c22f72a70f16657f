"""posting_conditions: what share of 2023 postings are remote, skip the degree, mention health insurance.

Why: "How many data jobs offer remote work?" and "Do AI jobs still require a degree?" have exact answers in
the postings (`job_work_from_home`, `job_no_degree_mention`, `job_health_insurance`, `job_schedule_type`),
and an article's general remark is a worse answer than a count. Every share is

    share = postings with the flag / postings matching the filter

over all matching postings (no salary needed), for one role or, when none is named, for every data job in
the file. The flags are the publisher's keyword matches on the posting text, so "no degree mention" means
the posting does not mention one, not that the employer waives it: the evidence says so.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.normalize import NormalizationError
from advisor.data.store import Store
from advisor.tools.posting_sentence import postings_population
from advisor.tools.salary import (
    POSTINGS_NAME,
    evidence_id,
    fmt_n,
    fmt_pct,
)
from advisor.types import Evidence

FLAG_NOTE = (
    "The flags are the publisher's keyword matches on each posting's text: 'no degree mention' means the "
    "posting does not mention a degree, not that the employer waives one."
)


class PostingConditionsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str | None = Field(default=None, description="Role, e.g. 'data engineer'; empty = all data jobs.")
    country: str | None = Field(default=None, description="Country name or ISO code, e.g. 'Germany'.")
    experience: str | None = Field(default=None, description="Level, e.g. 'senior' (needs a role).")
    min_n: int = Field(default=10, ge=1, description="Below this many postings, shares are withheld.")
    asked: list[str] = Field(default_factory=list, description="The conditions asked about, in order (remote, "
                             "no_degree_mention, health_insurance, full_time, schedule): their shares come first.")


class ConditionShare(BaseModel):
    flag: str  # remote | no_degree_mention | health_insurance | full_time
    label: str
    count: int
    share: float
    of: int  # the denominator: all matching postings, or the US ones for health insurance


class PostingConditionsResult(BaseModel):
    query: PostingConditionsQuery
    ok: bool
    message: str = ""
    dataset: str = ""
    filter: str = ""
    filter_text: str = ""
    population: int = 0
    shares: list[ConditionShare] = Field(default_factory=list)
    schedule_types: list[tuple[str, int]] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    text: str = ""
    evidence_id: str = ""

    def evidence(self) -> list[Evidence]:
        if not self.ok:
            return []
        return [Evidence(id=self.evidence_id, text=self.text, source=self.dataset, title=POSTINGS_NAME,
                         kind="posting_stats", locator=self.filter,
                         metadata={"n": self.population, "subject": self.filter_text})]

    def chart_rows(self) -> list[dict[str, Any]]:
        """Rows in the skill-share chart's shape (label, share, count, n): the UI draws them as bars."""
        return [{"source": self.dataset, "label": s.label, "share": s.share, "count": s.count, "n": s.of}
                for s in self.shares]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


_FLAGS = [
    ("remote", "remote (work from home)", "remote"),
    ("no_degree_mention", "no degree mentioned", "job_no_degree_mention"),
    ("health_insurance", "health insurance mentioned", "job_health_insurance AND country_iso2 = 'US'"),
    ("full_time", "full-time", "job_schedule_type ILIKE '%full-time%'"),
]


def _population(store: Store, query: PostingConditionsQuery) -> tuple[str, str, str]:
    """(SQL condition, exact filter, plain words) for the query; raises NormalizationError on bad input."""
    cond, shown, words = postings_population(store, query.role, query.country, experience=query.experience)
    return cond, shown, words if query.role else f"all {words}"


def posting_conditions(query: PostingConditionsQuery, store: Store) -> PostingConditionsResult:
    """Shares of remote, no-degree-mention, health-insurance and full-time postings. Never raises for bad input."""
    file = store.postings_file
    try:
        cond, flt, human = _population(store, query)
    except NormalizationError as exc:
        return PostingConditionsResult(query=query, ok=False, message=exc.message, dataset=file)
    counts = ", ".join(f"count(*) FILTER (WHERE {sql})" for _, _, sql in _FLAGS)
    row = store.fetchone(f"SELECT count(*), count(*) FILTER (WHERE country_iso2 = 'US'), {counts} "
                         f"FROM postings WHERE {cond}")
    assert row is not None
    population, us_rows = int(row[0]), int(row[1])
    result = PostingConditionsResult(query=query, ok=True, dataset=file, filter=flt, filter_text=human,
                                     population=population,
                                     evidence_id=evidence_id(file, f"{flt}, conditions"))
    if population < query.min_n:
        result.ok = False
        matches = "posting matches" if population == 1 else "postings match"
        result.message = (f"Only {fmt_n(population)} {matches} ({human}); shares are withheld below the "
                          f"minimum of {fmt_n(query.min_n)}.")
        return result
    for (flag, label, _), count in zip(_FLAGS, row[2:], strict=True):
        if flag == "health_insurance":
            # the publisher sets this flag on US postings only (India 0 of 589, UK 0 of 285): a share over other
            # countries' postings would read as "no employer there mentions it"
            if us_rows < query.min_n:
                result.notes.append("Health insurance is flagged on US postings only; none or too few here.")
                continue
            result.shares.append(ConditionShare(flag=flag, label=f"{label} (US postings)", count=int(count),
                                                share=int(count) / us_rows, of=us_rows))
            continue
        result.shares.append(ConditionShare(flag=flag, label=label, count=int(count), share=int(count) / population,
                                            of=population))
    result.schedule_types = [(str(s), int(n)) for s, n in store.fetchall(
        f"SELECT coalesce(nullif(job_schedule_type, ''), 'not given') AS s, count(*) AS n FROM postings "
        f"WHERE {cond} GROUP BY s ORDER BY n DESC, s LIMIT 3")]
    by = {s.flag: s for s in result.shares}

    def part(flag: str, words: str) -> str:
        s = by[flag]
        return f"{s.count:,} ({fmt_pct(s.share)}) {words}"

    words = {"remote": "were marked remote (work from home)", "no_degree_mention": "did not mention a degree",
             "full_time": "were full-time"}
    if "health_insurance" in by:
        words["health_insurance"] = (f"of the {by['health_insurance'].of:,} US postings mentioned health insurance "
                                     "(a flag set on US postings only)")
    # what was asked, alone ("what fraction are contract?": the schedule types, with their shares); every share
    # when the question names none of them (the chart shows them all either way)
    order = [f for f in query.asked if f in words or f == "schedule"] or [*words, "schedule"]
    schedules = "schedule types: " + ", ".join(f"{name} {n:,} ({fmt_pct(n / population)})"
                                               for name, n in result.schedule_types)
    parts = [schedules if f == "schedule" else part(f, words[f]) for f in order]
    listed = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + f"; and {parts[-1]}"
    result.text = f"In {POSTINGS_NAME} ({human}, {fmt_n(population)} postings): {listed}."
    return result


MIN_TITLE_POSTINGS = 30  # a kind of job with fewer postings is left out of the by-kind shares


def condition_by_title(query: PostingConditionsQuery, store: Store) -> PostingConditionsResult:
    """"Which data roles are most often remote?": one condition's share in each kind of job (the publisher's
    `job_title_short`), highest first, over the postings the query narrows to (a country); kinds with fewer than
    MIN_TITLE_POSTINGS postings are left out. The condition is the first asked, else remote."""
    file = store.postings_file
    try:
        cond, flt, human = _population(store, query.model_copy(update={"role": None, "experience": None}))
    except NormalizationError as exc:
        return PostingConditionsResult(query=query, ok=False, message=exc.message, dataset=file)
    flag, _, sql = next((f for f in _FLAGS if f[0] in query.asked), _FLAGS[0])
    us_only = " AND country_iso2 = 'US'" if flag == "health_insurance" else ""
    rows = store.fetchall(
        f"SELECT job_title_short, count(*) FILTER (WHERE {sql}) AS k, count(*) AS n FROM postings "
        f"WHERE {cond}{us_only} GROUP BY job_title_short HAVING count(*) >= {MIN_TITLE_POSTINGS} "
        "ORDER BY k::DOUBLE / n DESC, job_title_short")
    result = PostingConditionsResult(query=query, ok=bool(rows), dataset=file, filter=f"{flt}, by job_title_short",
                                     filter_text=human, population=sum(int(r[2]) for r in rows),
                                     evidence_id=evidence_id(file, f"{flt}, {flag} by job_title_short"))
    result.shares = [ConditionShare(flag=flag, label=str(t), count=int(k), share=int(k) / int(n), of=int(n))
                     for t, k, n in rows]
    listed = ", ".join(f"{s.label} {fmt_pct(s.share)} ({s.count:,} of {s.of:,})" for s in result.shares)
    said = {"remote": "marked remote (work from home)", "no_degree_mention": "that don't mention a degree",
            "health_insurance": "mentioning health insurance (US postings only)", "full_time": "that are full-time"}
    result.text = f"Share of {human} {said[flag]}, by kind of job (2023): {listed}."
    return result


def make_conditions_tool(store: Store | None = None) -> Any:
    """`posting_conditions` as a LangChain tool returning (text, PostingConditionsResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "posting_conditions",
        "Share of 2023 data-job postings that are remote, don't mention a degree, mention health insurance, or are "
        "full-time; for one role or all data jobs, optionally one country.",
        PostingConditionsQuery, posting_conditions, lambda r: r.text or r.message, store,
    )
