"""rank_roles: which data/AI job titles pay the most (or least), per source, never mixed.

Answers "What are the highest-paying data/AI jobs?", "Which roles pay the most in
Germany?" or "best paid jobs for seniors" by ranking job titles on their median
annual salary in USD, separately in

* the aijobs.net salary survey: `job_title`, `salary_in_usd`; exact-duplicate
  rows are kept and counted, as salary_lookup does by default;
* the 2023 data-job postings: `job_title_short`, yearly pay with hourly rates
  converted at 2,080 hours (`salary_yearly`), as salary_lookup does.

Only titles with at least `min_n` rows are ranked; the rest are counted, never
shown. Medians and quartiles are DuckDB's `quantile_cont` (linear
interpolation, = pandas' default `quantile`), so a ranked title's figures equal
salary_lookup's for that title under the same filter:

* survey: salary_lookup(role=<title>) with the same country/level/year/remote;
* postings with a level: salary_lookup's level mapping is reproduced per class
  (senior/lead → the "Senior ..." class, or senior/lead-looking raw titles for
  classes without one; entry/mid → the non-senior classes);
* postings without a level: each class is ranked on its own ("Data Scientist"
  and "Senior Data Scientist" separately), whereas salary_lookup("data
  scientist") combines the two; the result notes this.

Ties on the median are broken by larger n, then title (A–Z).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.normalize import (
    EXPERIENCE_LABELS,
    CountryMatch,
    NormalizationError,
    experience_from_years,
    parse_experience,
    parse_level,
    resolve_country,
)
from advisor.data.store import HOURS_PER_YEAR, Store
from advisor.tools.interface import result_dict
from advisor.tools.salary import (
    POSTINGS_NAME,
    SENIOR_TITLE_REGEX,
    SURVEY_NAME,
    coverage_message,
    evidence_id,
    fmt_money,
    fmt_n,
    postings_scope,
    sql_list,
    sql_quote,
    survey_filter,
    year_span,
)
from advisor.types import Evidence

Order = Literal["highest", "lowest"]
RankSource = Literal["survey", "postings"]
RankStatus = Literal["ok", "too_few", "empty", "not_applicable"]

SENIOR_TITLE_SUFFIX = " (senior/lead-looking title)"


class RoleRankingQuery(BaseModel):
    """Arguments of rank_roles (also the LangChain tool schema)."""

    model_config = ConfigDict(extra="forbid")

    country: str | None = Field(
        default=None, description="Country name or code ('US', 'Germany', 'UK'); None = all countries."
    )
    experience: str | None = Field(
        default=None,
        description="EN/MI/SE/EX or words: junior/entry, mid, senior, lead/principal/staff/director, "
        "or years ('8 years').",
    )
    year: int | None = Field(default=None, description="Survey work_year / posting year; None = all years.")
    remote: bool | None = Field(default=None, description="True = fully remote only, False = on-site only.")
    top: int = Field(default=10, ge=1, le=25, description="How many job titles to list per source.")
    min_n: int = Field(
        default=30, ge=10, description="Rank only job titles with at least this many rows (records/postings)."
    )
    order: Order = Field(default="highest", description="'highest' = best paid first; 'lowest' = least first.")


class RankedRole(BaseModel):
    """One ranked job title in one source."""

    rank: int
    title: str = Field(description="survey job_title or postings job_title_short")
    label: str = Field(description="title as shown (notes a senior-looking-title basis)")
    median: float
    p25: float
    p75: float
    n: int
    year_min: int
    year_max: int
    duplicates_included: int | None = Field(default=None, description="survey: exact-duplicate rows counted")
    hourly_converted: int | None = Field(default=None, description="postings: hourly rates converted")
    basis: str = Field(default="", description="postings: 'class' or 'senior-looking title'")

    @property
    def year_text(self) -> str:
        return year_span(self.year_min, self.year_max)


class SourceRanking(BaseModel):
    """The ranking from one source under one exact filter (or why there is none)."""

    source: RankSource
    dataset: str = Field(description="file name of the data set")
    name: str
    label: str = Field(description="short label for tables and charts")
    filter: str = Field(description="the exact filter, with column names")
    status: RankStatus
    message: str = ""
    order: Order = "highest"
    min_n: int = 30
    rows: list[RankedRole] = Field(default_factory=list)
    rows_matched: int = Field(default=0, description="rows matching the filter, all titles")
    titles_matched: int = Field(default=0, description="titles with at least one matching row")
    titles_qualifying: int = Field(default=0, description="titles with n >= min_n")
    year_min: int | None = Field(
        default=None, description="years of the ranked titles' rows (of all matching rows when none qualifies)"
    )
    year_max: int | None = None
    duplicates_included: int | None = None
    hourly_converted: int | None = None
    notes: list[str] = Field(default_factory=list)
    text: str = Field(default="", description="the evidence sentence, figures verbatim")
    evidence_id: str = ""

    @property
    def has_figures(self) -> bool:
        return self.status == "ok" and bool(self.rows)

    @property
    def year_text(self) -> str:
        return year_span(self.year_min, self.year_max)


class RoleRankingResult(BaseModel):
    """Output of rank_roles. `message` is set for errors, refusals and sources without a ranking."""

    query: RoleRankingQuery
    ok: bool
    message: str | None = None
    suggestions: list[str] = Field(default_factory=list)
    filters: str = Field(default="", description="the filters used, in words")
    country: CountryMatch | None = None
    experience: str | None = None
    experience_label: str | None = None
    experience_basis: str = ""
    years_experience: int | None = None
    year: int | None = None
    remote: bool | None = None
    sources: list[SourceRanking] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def evidence(self) -> list[Evidence]:
        """One Evidence per source with a ranking (or with a stated refusal)."""
        out: list[Evidence] = []
        for s in self.sources:
            if not s.text:
                continue
            out.append(
                Evidence(
                    id=s.evidence_id,
                    text=s.text,
                    source=s.dataset,
                    title=f"{s.name} — {s.filter}",
                    kind="salary_data" if s.source == "survey" else "posting_stats",
                    locator=s.filter,
                    metadata={
                        "status": s.status,
                        "order": s.order,
                        "min_n": s.min_n,
                        "year": s.year_text,
                        "label": s.label,
                        "ranking": [
                            {
                                "rank": r.rank,
                                "title": r.title,
                                "median": r.median,
                                "p25": r.p25,
                                "p75": r.p75,
                                "n": r.n,
                            }
                            for r in s.rows
                        ],
                    },
                )
            )
        return out

    @property
    def summary_lines(self) -> list[str]:
        if not self.ok and not self.sources:
            return [self.message or "No result."]
        lines = [self.filters] if self.filters else []
        for s in self.sources:
            lines.append(s.text if s.has_figures else f"{s.label}: {s.message}")
        if self.message and self.ok:
            lines.append(self.message)
        lines.extend(self.notes)
        return lines

    def chart_rows(self) -> list[dict[str, Any]]:
        """Rows for a salary-range chart (salary_lookup's shape); figures exactly as computed."""
        rows: list[dict[str, Any]] = []
        for s in self.sources:
            if not s.has_figures:
                continue
            for r in s.rows:
                rows.append(
                    {
                        "source": s.dataset,
                        "label": f"{r.label} — {s.label}",
                        "p25": r.p25,
                        "median": r.median,
                        "p75": r.p75,
                        "n": r.n,
                        "employment": None,
                        "year": r.year_text,
                        "kind": s.source,
                    }
                )
        return rows

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


class _Filters(BaseModel):
    country: CountryMatch | None = None
    experience: str | None = None
    experience_basis: str = ""
    years_experience: int | None = None
    year: int | None = None
    remote: bool | None = None


def _resolve(query: RoleRankingQuery) -> _Filters:
    """The query's filters, read with salary_lookup's normalisers; raises NormalizationError subclasses."""
    level: str | None = None
    years: int | None = None
    basis = ""
    if query.experience:
        # As resolve_filters: "senior", "SE", "8 years" and "senior, 8 years" are all accepted.
        level, years, _ = parse_experience(query.experience)
        if level is None and years is None:
            level = parse_level(query.experience)  # raises with the list of accepted levels
        if level is not None:
            basis = "given"
        elif years is not None:
            level = experience_from_years(years)
            basis = f"inferred from {years} years of experience"
    return _Filters(
        country=resolve_country(query.country) if query.country else None,
        experience=level,
        experience_basis=basis,
        years_experience=years,
        year=query.year,
        remote=query.remote,
    )


def describe_ranking_filters(f: _Filters, query: RoleRankingQuery) -> str:
    parts: list[str] = []
    if f.country:
        parts.append(f"country {f.country.name} ({f.country.iso2})")
    if f.experience:
        parts.append(f"level {f.experience} ({EXPERIENCE_LABELS[f.experience]}; {f.experience_basis})")
    if f.remote is not None:
        parts.append("remote only" if f.remote else "on-site only")
    if f.year:
        parts.append(f"year {f.year}")
    if not parts:
        parts.append("none (all countries, levels and years)")
    order = "highest median first" if query.order == "highest" else "lowest median first"
    return "Filters: " + ", ".join(parts) + f"; job titles with n≥{query.min_n:,}; top {query.top}, {order}"


def _scope_words(f: _Filters) -> list[str]:
    words = [f.country.name if f.country else "all countries"]
    if f.experience:
        words.append(EXPERIENCE_LABELS[f.experience])
    if f.remote is not None:
        words.append("fully remote" if f.remote else "on-site")
    return words


def _order_clause(query: RoleRankingQuery) -> str:
    direction = "highest" if query.order == "highest" else "lowest"
    return f"grouped by {{col}}, n>={query.min_n}, top {query.top} by median {{value}} ({direction} first)"


# ---------------------------------------------------------------------------
# Ranking (shared by both sources)
# ---------------------------------------------------------------------------

# (title, basis, n, [p25, median, p75], year_min, year_max, extra count)
_Group = tuple[str, str, int, list[float], int, int, int]


def _rank(groups: list[_Group], query: RoleRankingQuery) -> list[_Group]:
    """The groups with n >= min_n, in rank order (median, then larger n, then title A–Z)."""
    ok = [g for g in groups if g[2] >= query.min_n and g[3] is not None]
    sign = -1.0 if query.order == "highest" else 1.0
    ok.sort(key=lambda g: (sign * float(g[3][1]), -g[2], g[0]))
    return ok


def _too_few_message(groups: list[_Group], rows: int, min_n: int) -> str:
    largest = max(groups, key=lambda g: (g[2], g[0]))
    titles = "job title" if len(groups) == 1 else "job titles"
    return (
        f"No job title reaches the minimum of {fmt_n(min_n)} needed for a ranking: {fmt_n(rows)} matching "
        f"{'row' if rows == 1 else 'rows'} across {len(groups)} {titles}, the largest {largest[0]} with "
        f"{fmt_n(largest[2])}; figures are withheld."
    )


def _ranking_sentence(
    query: RoleRankingQuery,
    source_name: str,
    scope: list[str],
    years: str,
    shown: list[RankedRole],
    qualifying: int,
    tail: str,
) -> str:
    head = "Highest-paying" if query.order == "highest" else "Lowest-paying"
    unit = "responses" if "survey" in source_name else "postings"  # what each role's count counts
    at_least = f"at least {query.min_n:,} {unit}"
    if len(shown) < qualifying:
        count = f"top {len(shown)} of {qualifying} roles with {at_least}"
    elif qualifying == 1:
        count = f"the only role with {at_least}"
    elif qualifying == 2:
        count = f"both roles with {at_least}"
    else:
        count = f"all {qualifying} roles with {at_least}"
    items = ", ".join(f"{r.label} {fmt_money(r.median)} ({fmt_n(r.n)} {unit})" for r in shown)
    return f"{head} roles in the {source_name} ({', '.join(scope)}, {years}; {count}): {items} ({tail})."


# ---------------------------------------------------------------------------
# Per-source computations
# ---------------------------------------------------------------------------


def _outside_years(base: dict[str, Any], f: _Filters, years: tuple[int, ...], what: str) -> SourceRanking | None:
    """A 'not applicable' ranking when the year asked for is outside what the source covers."""
    if not f.year or f.year in years:
        return None
    return SourceRanking(**base, status="not_applicable",
                         message=f"The {what} cover{'s' if what == 'survey' else ''} "
                                 f"{year_span(min(years), max(years))} only.")


def _survey_ranking(store: Store, f: _Filters, query: RoleRankingQuery) -> SourceRanking:
    file = store.salaries_file
    conds, shown = survey_filter(f)
    shown.append("duplicates=kept")
    flt = ", ".join(shown) + "; " + _order_clause(query).format(col="job_title", value="salary_in_usd")
    base: dict[str, Any] = {
        "source": "survey",
        "dataset": file,
        "name": SURVEY_NAME,
        "label": "aijobs.net survey",
        "filter": flt,
        "order": query.order,
        "min_n": query.min_n,
    }
    outside = _outside_years(base, f, store.survey_years(), "survey")
    if outside is not None:
        return outside
    where = f"WHERE {' AND '.join(conds)}" if conds else ""
    raw = store.fetchall(
        "SELECT job_title, count(*), quantile_cont(CAST(salary_in_usd AS DOUBLE), [0.25, 0.5, 0.75]), "
        f"min(work_year), max(work_year), count(*) FILTER (WHERE dup_rank > 1) FROM salaries {where} "
        "GROUP BY job_title"
    )
    groups: list[_Group] = [(r[0], "", int(r[1]), r[2], int(r[3]), int(r[4]), int(r[5])) for r in raw]
    return _finish(base, groups, query, f, SURVEY_NAME, file, flt, kind="survey")


def _postings_level_condition(store: Store, level: str | None) -> tuple[str, str, str, list[str]]:
    """(SQL condition, exact filter, basis SQL expression, notes) reproducing salary_lookup's level mapping."""
    classes = store.postings_short_titles()
    seniors = [t for t in classes if t.startswith("Senior ")]
    with_senior = {t.removeprefix("Senior ") for t in seniors}
    no_senior = [t for t in classes if t not in seniors and t not in with_senior]
    if level in ("SE", "EX"):
        rx = sql_quote(SENIOR_TITLE_REGEX)
        cond = (
            f"(job_title_short IN {sql_list(seniors)} OR (job_title_short IN {sql_list(no_senior)} "
            f"AND regexp_matches(job_title, {rx}, 'i')))"
        )
        shown = (
            f"(job_title_short IN {sql_list(seniors)} OR (job_title_short IN {sql_list(no_senior)}, job_title ~* {rx}))"
        )
        basis = f"CASE WHEN job_title_short IN {sql_list(seniors)} THEN 'class' ELSE 'senior-looking title' END"
        notes = [
            "Postings have no experience level: for senior/lead the 'Senior ...' classes are ranked, and for "
            "classes without one, postings whose raw title looks senior/lead (senior, sr, lead, principal, "
            "staff, head, director) — the mapping salary_lookup uses."
        ]
        if level == "EX":
            notes.append("Postings have no lead/director class; the senior mapping is used for EX.")
        return cond, shown, basis, notes
    if level in ("EN", "MI"):
        cond = f"job_title_short NOT IN {sql_list(seniors)}"
        notes = ["Postings cannot separate entry from mid level; the non-senior classes are ranked."]
        return cond, cond, "'class'", notes
    notes = [
        "Each postings class is ranked on its own ('Data Scientist' and 'Senior Data Scientist' separately); "
        "salary_lookup for a role without a level combines the two."
    ]
    return "", "", "'class'", notes


def _postings_ranking(store: Store, f: _Filters, query: RoleRankingQuery) -> SourceRanking:
    file = store.postings_file
    level_cond, level_shown, basis_sql, notes = _postings_level_condition(store, f.experience)
    scope_conds, scope_shown, _ = postings_scope(f)
    conds = ([level_cond] if level_cond else []) + scope_conds
    shown = ([level_shown] if level_shown else []) + scope_shown
    order = _order_clause(query).format(col="job_title_short", value="yearly salary (hourly x 2080)")
    flt = (", ".join(shown) + "; " if shown else "all postings; ") + order
    base: dict[str, Any] = {
        "source": "postings",
        "dataset": file,
        "name": POSTINGS_NAME,
        "label": "2023 postings",
        "filter": flt,
        "order": query.order,
        "min_n": query.min_n,
    }
    outside = _outside_years(base, f, store.postings_years(), "postings")
    if outside is not None:
        return outside
    where = f"WHERE {' AND '.join(conds)}" if conds else ""
    raw = store.fetchall(
        f"SELECT job_title_short, {basis_sql} AS basis, count(*), "
        "quantile_cont(salary_yearly, [0.25, 0.5, 0.75]), min(posted_year), max(posted_year), "
        f"count(*) FILTER (WHERE salary_rate = 'hour') FROM postings {where} GROUP BY 1, 2"
    )
    groups: list[_Group] = [(r[0], r[1], int(r[2]), r[3], int(r[4]), int(r[5]), int(r[6])) for r in raw]
    result = _finish(base, groups, query, f, POSTINGS_NAME, file, flt, kind="postings")
    result.notes = notes + result.notes
    return result


def _finish(
    base: dict[str, Any],
    groups: list[_Group],
    query: RoleRankingQuery,
    f: _Filters,
    source_name: str,
    file: str,
    flt: str,
    *,
    kind: RankSource,
) -> SourceRanking:
    rows_matched = sum(g[2] for g in groups)
    out = SourceRanking(
        **base,
        status="ok",
        rows_matched=rows_matched,
        titles_matched=len(groups),
        evidence_id=evidence_id(file, flt),
    )
    if not groups:
        out.status = "empty"
        out.message = f"No {'survey rows' if kind == 'survey' else 'postings'} match {flt.split('; ')[0]}."
        return out
    ranked = _rank(groups, query)
    out.titles_qualifying = len(ranked)
    if not ranked:
        out.status = "too_few"
        out.message = _too_few_message(groups, rows_matched, query.min_n)
        out.year_min = min(g[4] for g in groups)
        out.year_max = max(g[5] for g in groups)
        scope = ", ".join(_scope_words(f))
        out.text = f"In the {source_name} ({scope}, {out.year_text}): {out.message}"
        return out
    for i, (title, basis, n, q, ymin, ymax, extra) in enumerate(ranked[: query.top], start=1):
        senior_title = basis == "senior-looking title"
        out.rows.append(
            RankedRole(
                rank=i,
                title=title,
                label=title + (SENIOR_TITLE_SUFFIX if senior_title else ""),
                p25=float(q[0]),
                median=float(q[1]),
                p75=float(q[2]),
                n=n,
                year_min=ymin,
                year_max=ymax,
                duplicates_included=extra if kind == "survey" else None,
                hourly_converted=extra if kind == "postings" else None,
                basis=basis,
            )
        )
    out.year_min = min(r.year_min for r in out.rows)
    out.year_max = max(r.year_max for r in out.rows)
    scope = _scope_words(f)
    if kind == "survey":
        dups = sum(r.duplicates_included or 0 for r in out.rows)
        out.duplicates_included = dups
        tail = "median annual salary in USD, self-reported"
        if out.year_max == 2025:
            out.notes.append("2025 survey rows run only to 19 January 2025.")
    else:
        hourly = sum(r.hourly_converted or 0 for r in out.rows)
        out.hourly_converted = hourly
        tail = "median advertised annual salary in USD"
        if hourly:
            tail += f"; {fmt_n(hourly)} hourly rates converted at {HOURS_PER_YEAR:,} hours a year"
        if any(r.basis == "senior-looking title" for r in out.rows):
            tail += (
                f"; '{SENIOR_TITLE_SUFFIX.strip(' ()')}': a class with no Senior class, only postings whose "
                "title says senior, sr, lead, principal, staff, head or director"
            )
    out.text = _ranking_sentence(query, source_name, scope, out.year_text, out.rows, len(ranked), tail)
    return out


# ---------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------


def rank_roles(query: RoleRankingQuery, store: Store) -> RoleRankingResult:
    """Job titles ranked by median annual salary in USD, per source, with n, quartiles and years.

    Never raises for bad input: unknown country or level, contradictions and
    uncovered years come back as `ok=False` with a `message`.
    """
    try:
        f = _resolve(query)
    except NormalizationError as exc:
        return RoleRankingResult(query=query, ok=False, message=exc.message, suggestions=exc.suggestions)
    described = describe_ranking_filters(f, query)
    common: dict[str, Any] = {
        "query": query,
        "filters": described,
        "country": f.country,
        "experience": f.experience,
        "experience_label": EXPERIENCE_LABELS[f.experience] if f.experience else None,
        "experience_basis": f.experience_basis,
        "years_experience": f.years_experience,
        "year": f.year,
        "remote": f.remote,
    }
    if f.year is not None:
        msg = coverage_message(store, f.year)
        if msg:
            return RoleRankingResult(**common, ok=False, message=msg)
    sources = [_survey_ranking(store, f, query), _postings_ranking(store, f, query)]
    result = RoleRankingResult(
        **common,
        ok=True,
        sources=sources,
        notes=["Sources are ranked separately and never mixed: they measure different things."],
    )
    withheld = [s for s in sources if not s.has_figures]
    if len(withheld) == len(sources):
        result.ok = False
        result.message = f"No job title can be ranked for these filters (minimum {fmt_n(query.min_n)}). " + " ".join(
            f"{s.label}: {s.message}" for s in withheld
        )
    elif withheld:
        result.message = "Some sources have no ranking: " + " ".join(f"{s.label}: {s.message}" for s in withheld)
    return result


def format_role_ranking(result: RoleRankingResult) -> str:
    """Readable text table for the CLI and the LLM tool: one block per source."""
    if not result.ok and not result.sources:
        return result.message or "No result."
    lines: list[str] = [result.filters, ""]
    for s in result.sources:
        lines.append(f"{s.name} ({s.dataset})")
        if not s.has_figures:
            lines.append(f"  {s.message}")
            lines.append("")
            continue
        header = f"  {'#':>2} {'job title':<50} {'years':<10} {'n':>7} {'p25':>10} {'median':>10} {'p75':>10}"
        lines.append(header)
        lines.append("  " + "-" * (len(header) - 2))
        for r in s.rows:
            lines.append(
                f"  {r.rank:>2} {r.label[:50]:<50} {r.year_text:<10} {r.n:>7,} {fmt_money(r.p25):>10} "
                f"{fmt_money(r.median):>10} {fmt_money(r.p75):>10}"
            )
        lines.append(
            f"  {s.titles_qualifying} of {s.titles_matched} job titles have n≥{s.min_n:,} "
            f"({fmt_n(s.rows_matched)} matching rows in all)."
        )
        lines.append("")
    notes = [n for s in result.sources for n in s.notes] + result.notes
    if result.message and result.ok:
        notes.insert(0, result.message)
    for n in dict.fromkeys(notes):
        lines.append(f"note: {n}")
    lines.append("")
    lines.append("Filters used:")
    for s in result.sources:
        lines.append(f"  {s.dataset}: {s.filter}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# LangChain tool
# ---------------------------------------------------------------------------


def make_ranking_tool(store: Store | None = None) -> Any:
    """`rank_roles` as a LangChain tool returning (text table, RoleRankingResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "rank_roles",
        "Data/AI job titles ranked by median annual salary in USD (highest or lowest first), separately in the "
        "aijobs.net survey and 2023 job postings, optionally for one country, level, year or remote; each title "
        "with n, quartiles and years. Use for 'which roles pay the most'.",
        RoleRankingQuery, rank_roles, format_role_ranking, store,
    )


__all__ = [
    "RankedRole",
    "RoleRankingQuery",
    "RoleRankingResult",
    "SourceRanking",
    "format_role_ranking",
    "make_ranking_tool",
    "rank_roles",
]
