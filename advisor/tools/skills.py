"""posting_stats: which skills 2023 postings for a role ask for, and what they pay with and without them.

Why: "what should I learn for X" needs counts from real postings, not an
article's opinion. Shares are computed as

    share = postings that list the skill / postings matching the role filter

and by default the denominator *includes* postings whose `job_skills` is empty
(the publisher's keyword matcher found none), so a share reads "of all
matching postings, this many mention the skill". `denominator="with_skills"`
restricts both numerator and denominator to postings that list at least one
skill. The same population is used for "with" / "without" salary medians.
A skill repeated within one posting counts once. Medians are `quantile_cont`
(linear interpolation, = pandas' default), on yearly pay with hourly rates
converted at 2,080 hours.
"""

from __future__ import annotations

import difflib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.data.normalize import NormalizationError, norm_text
from advisor.data.store import HOURS_PER_YEAR, Store
from advisor.tools.interface import result_dict
from advisor.tools.salary import (
    POSTINGS_NAME,
    ResolvedFilters,
    describe_filters,
    evidence_id,
    fmt_money,
    fmt_money_cents,
    fmt_n,
    fmt_pct,
    postings_filter,
    resolve_filters,
    sql_quote,
    year_span,
)
from advisor.types import Evidence

Denominator = Literal["all", "with_skills"]

# Common spellings → the publisher's skill vocabulary.
SKILL_ALIASES: dict[str, str] = {
    "powerbi": "power bi",
    "power-bi": "power bi",
    "golang": "go",
    "js": "javascript",
    "ts": "typescript",
    "k8s": "kubernetes",
    "postgres": "postgresql",
    "sklearn": "scikit-learn",
    "scikit learn": "scikit-learn",
    "google cloud": "gcp",
    "amazon web services": "aws",
    "ms excel": "excel",
    "microsoft excel": "excel",
    "tf": "tensorflow",
    "torch": "pytorch",
    "c sharp": "c#",
    "cpp": "c++",
    "hugging face": "hugging face",
    "huggingface": "hugging face",
}


class PostingQuery(BaseModel):
    """Arguments of posting_stats (also the LangChain tool schema)."""

    model_config = ConfigDict(extra="forbid")

    role: str = Field(description="Free-text role, e.g. 'data engineer', 'senior data scientist in the US'.")
    country: str | None = Field(default=None, description="Country name or code; None = all countries.")
    experience: str | None = Field(default=None, description="junior/mid/senior/lead or EN/MI/SE/EX.")
    remote: bool | None = Field(
        default=None, description="True = work-from-home postings only; False = not remote."
    )
    year: int | None = Field(default=None, description="Posting year (the postings cover 2023 only).")
    skill: str | None = Field(
        default=None, description="A skill to compare pay with vs without, e.g. 'python'."
    )
    top_k: int = Field(default=10, ge=1, le=50, description="How many top skills to return.")
    min_n: int = Field(
        default=10, ge=1, description="Refuse a statistic computed from fewer postings than this."
    )
    denominator: Denominator = Field(
        default="all",
        description="'all': postings without listed skills count in the denominator; 'with_skills': not.",
    )
    examples: int = Field(
        default=5, ge=0, le=50, description="How many matching postings to return as examples."
    )


class SkillStat(BaseModel):
    """One skill's share of the filtered postings and the posted pay with vs without it."""

    skill: str
    postings: int = Field(description="postings in the population that list the skill")
    population: int = Field(description="the denominator")
    share: float = Field(description="postings / population, in [0, 1]")
    median_with: float | None = None
    n_with: int = 0
    median_without: float | None = None
    n_without: int = 0
    notes: list[str] = Field(default_factory=list)
    text: str = ""
    share_sentence: str = ""  # the text's first sentence: the share alone, without the pay with and without it
    evidence_id: str = ""

    @property
    def share_text(self) -> str:
        return fmt_pct(self.share)


class PostingExample(BaseModel):
    """One real posting shown as evidence."""

    row: int = Field(description="1-based data row in the postings CSV (header not counted)")
    title: str
    title_short: str
    company: str
    location: str
    country: str | None
    posted: str
    salary_rate: str
    salary_yearly: float
    salary_hourly: float | None = None
    skills: list[str] = Field(default_factory=list)
    text: str = ""
    evidence_id: str = ""


class PostingStatsResult(BaseModel):
    """Output of posting_stats. `message` is set for errors and refusals."""

    query: PostingQuery
    ok: bool
    message: str | None = None
    suggestions: list[str] = Field(default_factory=list)
    filters: ResolvedFilters | None = None
    dataset: str = ""
    filter: str = Field(default="", description="the exact filter, with column names")
    filter_text: str = Field(default="", description="the filter in plain English")
    population: int = 0
    with_skills: int = 0
    without_skills: int = 0
    denominator: Denominator = "all"
    denominator_note: str = ""
    median_salary: float | None = None
    hourly_converted: int = 0
    skills: list[SkillStat] = Field(default_factory=list)
    focus: SkillStat | None = None
    examples: list[PostingExample] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    summary_text: str = ""
    summary_evidence_id: str = ""

    @property
    def mapping(self) -> ResolvedFilters | None:
        return self.filters

    def evidence(self, pay: bool = True) -> list[Evidence]:
        """The summary and each skill's share; `pay=False` leaves out the pay with and without each skill (a
        question about how often a skill is asked for isn't served by it)."""
        out: list[Evidence] = []
        title = f"{POSTINGS_NAME} — {self.filter}"
        meta_base = {"denominator": self.denominator, "population": self.population, "n": self.population,
                     "subject": self.filter_text}  # the filter in words: what a source heading says
        if self.summary_text:
            out.append(
                Evidence(
                    id=self.summary_evidence_id,
                    text=self.summary_text,
                    source=self.dataset,
                    title=title,
                    kind="posting_stats",
                    locator=self.filter,
                    metadata={**meta_base, "median_salary": self.median_salary},
                )
            )
        stats = ([self.focus] if self.focus else []) + [s for s in self.skills if s is not self.focus]
        seen: set[str] = set()
        for s in stats:
            if not s.text or s.evidence_id in seen:
                continue
            seen.add(s.evidence_id)
            out.append(
                Evidence(
                    id=s.evidence_id,
                    text=s.text if pay else (s.share_sentence or s.text),
                    source=self.dataset,
                    title=f"{title}, skill='{s.skill}'",
                    kind="posting_stats",
                    locator=f"{self.filter}, skill='{s.skill}'",
                    metadata={**meta_base, "skill": s.skill, "share": s.share, "postings": s.postings},
                )
            )
        for ex in self.examples:
            out.append(
                Evidence(
                    id=ex.evidence_id,
                    text=ex.text,
                    source=self.dataset,
                    title=f"Job posting: {ex.title} — {ex.company}",
                    kind="posting",
                    locator=f"row {ex.row}",
                    metadata={"salary_yearly": ex.salary_yearly, "skills": ex.skills},
                )
            )
        return out

    @property
    def summary_lines(self) -> list[str]:
        if not self.ok:
            return [self.message or "No result."]
        lines = [describe_filters(self.filters)] if self.filters else []
        lines.append(self.summary_text)
        if self.focus:
            lines.append(self.focus.text)
        for s in self.skills:
            lines.append(f"{s.skill}: {s.share_text} ({fmt_n(s.postings)} of {fmt_n(s.population)})")
        lines.extend(self.notes)
        return lines

    def chart_rows(self) -> list[dict[str, Any]]:
        """Rows for a skill-share chart: figures exactly as computed."""
        return [
            {
                "source": self.dataset,
                "label": s.skill,
                "share": s.share,
                "count": s.postings,
                "n": s.population,
                "median_with": s.median_with,
                "n_with": s.n_with,
                "median_without": s.median_without,
                "n_without": s.n_without,
                "year": "2023",
            }
            for s in self.skills
        ]

    def to_dict(self) -> dict[str, Any]:
        return result_dict(self)


def resolve_skill(store: Store, skill: str) -> str:
    """User spelling → the publisher's skill name; unknown → NormalizationError with close matches."""
    vocab = store.skill_vocabulary()
    raw = (skill or "").strip().lower()
    if raw in vocab:
        return raw
    t = norm_text(raw)
    for cand in (SKILL_ALIASES.get(raw), SKILL_ALIASES.get(t), t, t.replace(" ", "")):
        if cand and cand in vocab:
            return cand
    close = difflib.get_close_matches(raw, list(vocab), n=5, cutoff=0.6)
    msg = f"Unknown skill '{skill}': the postings' skill list has no such entry."
    msg += (
        (" Close matches: " + ", ".join(close) + ".")
        if close
        else " Examples: " + ", ".join(vocab[:10]) + "."
    )
    raise NormalizationError(msg, close)


def _fail(query: PostingQuery, message: str, **kw: Any) -> PostingStatsResult:
    return PostingStatsResult(query=query, ok=False, message=message, **kw)


def _skill_rows(
    store: Store, pop_sql: str, skills: list[str] | None, top_k: int
) -> list[tuple[str, int, int, float | None, int, float | None]]:
    """(skill, k, n_with, median_with, n_without, median_without) for given skills or the top-k."""
    if skills is None:
        top = (
            "SELECT s.skill, count(*) AS k FROM posting_skills s JOIN pop USING (row_id) "
            f"GROUP BY s.skill ORDER BY k DESC, s.skill LIMIT {int(top_k)}"
        )
    else:
        values = ", ".join(f"({sql_quote(s)})" for s in skills)
        top = (
            f"SELECT v.skill, (SELECT count(*) FROM pop WHERE list_contains(pop.skills, v.skill)) AS k "
            f"FROM (VALUES {values}) v(skill)"
        )
    sql = f"""
        WITH pop AS (SELECT row_id, salary_yearly, skills FROM postings WHERE {pop_sql}),
             top AS ({top})
        SELECT t.skill, t.k,
               count(*) FILTER (WHERE list_contains(p.skills, t.skill)) AS n_with,
               quantile_cont(p.salary_yearly, 0.5) FILTER (WHERE list_contains(p.skills, t.skill)),
               count(*) FILTER (WHERE NOT list_contains(p.skills, t.skill)) AS n_without,
               quantile_cont(p.salary_yearly, 0.5) FILTER (WHERE NOT list_contains(p.skills, t.skill))
        FROM top t CROSS JOIN pop p
        GROUP BY t.skill, t.k
        ORDER BY t.k DESC, t.skill
    """
    return [(r[0], int(r[1]), int(r[2]), r[3], int(r[4]), r[5]) for r in store.fetchall(sql)]


def _skill_stat(
    row: tuple[str, int, int, float | None, int, float | None],
    population: int,
    min_n: int,
    human: str,
    denominator_phrase: str,
    file: str,
    flt_key: str,
) -> SkillStat:
    skill, k, n_with, med_with, n_without, med_without = row
    st = SkillStat(
        skill=skill,
        postings=k,
        population=population,
        share=k / population if population else 0.0,
        n_with=n_with,
        n_without=n_without,
        evidence_id=evidence_id(file, f"{flt_key}, skill='{skill}'"),
    )
    parts = [
        f"In {POSTINGS_NAME}, {human}: '{skill}' is listed in {fmt_n(k)} of {fmt_n(population)} postings "
        f"({st.share_text}; {denominator_phrase})."
    ]
    if n_with >= min_n and med_with is not None:
        st.median_with = float(med_with)
    elif n_with:
        st.notes.append(
            f"median with '{skill}' withheld: {fmt_n(n_with)} is below the minimum {fmt_n(min_n)}"
        )
    if n_without >= min_n and med_without is not None:
        st.median_without = float(med_without)
    elif n_without:
        st.notes.append(
            f"median without '{skill}' withheld: {fmt_n(n_without)} is below the minimum {fmt_n(min_n)}"
        )
    if st.median_with is not None or st.median_without is not None:
        w = (
            f"{fmt_money(st.median_with)} with '{skill}' ({fmt_n(n_with)} postings)"
            if st.median_with is not None
            else f"withheld with '{skill}' (only {fmt_n(n_with)} postings)"
        )
        wo = (
            f"{fmt_money(st.median_without)} without it ({fmt_n(n_without)} postings)"
            if st.median_without is not None
            else f"withheld without it (only {fmt_n(n_without)} postings)"
        )
        parts.append(f"Median posted salary: {w} vs {wo}, a year in USD.")
    elif st.notes:
        parts.append("Salary medians withheld: " + "; ".join(st.notes) + ".")
    st.text = " ".join(parts)
    st.share_sentence = parts[0]
    return st


def posting_stats(query: PostingQuery, store: Store) -> PostingStatsResult:
    """Top skills (share of postings), pay with vs without a skill, and example postings for a role.

    Never raises for bad input: unknown role/country/skill, contradictions,
    years outside 2023 and too-small samples come back with `ok=False` and a
    `message`.
    """
    file = store.postings_file
    try:
        f = resolve_filters(
            store,
            query.role,
            country=query.country,
            experience=query.experience,
            year=query.year,
            remote=query.remote,
        )
        focus_skill = resolve_skill(store, query.skill) if query.skill else None
    except NormalizationError as exc:
        return _fail(query, exc.message, suggestions=exc.suggestions, dataset=file)
    years = store.postings_years()
    if f.year is not None and f.year not in years:
        return _fail(
            query,
            f"No postings for {f.year}: the postings cover {year_span(min(years), max(years))} only.",
            filters=f,
            dataset=file,
        )
    pf = postings_filter(store, f)
    if pf is None:
        return _fail(
            query,
            f"The postings have no class or title pattern for {f.role.label}; no skill statistics.",
            filters=f,
            dataset=file,
        )
    cond, flt, human, notes = pf
    denom = query.denominator
    pop_sql = cond if denom == "all" else f"({cond}) AND has_skills"
    flt_key = f"{flt}, denominator={denom}"
    row = store.fetchone(
        "SELECT count(*), count(*) FILTER (WHERE has_skills), count(*) FILTER (WHERE salary_rate = 'hour'), "
        f"quantile_cont(salary_yearly, 0.5) FROM postings WHERE {pop_sql}"
    )
    assert row is not None
    population, with_sk, hourly, median = int(row[0]), int(row[1]), int(row[2]), row[3]
    without_row = store.fetchone(f"SELECT count(*) FILTER (WHERE NOT has_skills) FROM postings WHERE {cond}")
    without_sk = int(without_row[0]) if without_row else 0
    if denom == "all":
        denominator_note = (
            f"Shares use all {fmt_n(population)} matching postings as the denominator, including "
            f"{fmt_n(without_sk)} that list no skills."
        )
        denominator_phrase = "postings that list no skills count in the denominator"
    else:
        denominator_note = (
            f"Shares use the {fmt_n(population)} matching postings that list at least one skill; "
            f"{fmt_n(without_sk)} postings with no listed skills are left out."
        )
        denominator_phrase = "only postings that list at least one skill are counted"
    result = PostingStatsResult(
        query=query,
        ok=True,
        filters=f,
        dataset=file,
        filter=flt_key,
        filter_text=human,
        population=population,
        with_skills=with_sk,
        without_skills=without_sk,
        denominator=denom,
        denominator_note=denominator_note,
        hourly_converted=hourly,
        notes=[*notes, denominator_note, "A skill repeated within one posting is counted once."],
    )
    if population == 0:
        result.ok, result.message = False, f"No postings match {human}."
        return result
    if population < query.min_n:
        result.ok = False
        matches = "posting matches" if population == 1 else "postings match"
        result.message = (
            f"Only {fmt_n(population)} {matches} ({human}); skill shares and salaries are withheld "
            f"below the minimum of {fmt_n(query.min_n)}."
        )
        return result
    result.median_salary = float(median) if median is not None else None
    hourly_text = (
        f" ({fmt_n(hourly)} of the postings gave hourly rates, converted at {HOURS_PER_YEAR:,} hours a year)"
        if hourly
        else ""
    )
    result.summary_text = (
        f"In {POSTINGS_NAME}, {human}: {fmt_n(population)} postings"
        + (
            f" ({fmt_n(with_sk)} list at least one skill, {fmt_n(without_sk)} list none)"
            if denom == "all"
            else ""
        )
        + f"; median posted salary {fmt_money(result.median_salary)} a year in USD{hourly_text}."
    )
    result.summary_evidence_id = evidence_id(file, f"{flt_key}, summary")
    for r in _skill_rows(store, pop_sql, None, query.top_k):
        result.skills.append(
            _skill_stat(r, population, query.min_n, human, denominator_phrase, file, flt_key)
        )
    if focus_skill:
        existing = next((s for s in result.skills if s.skill == focus_skill), None)
        if existing is None:
            rows = _skill_rows(store, pop_sql, [focus_skill], 1)
            existing = _skill_stat(rows[0], population, query.min_n, human, denominator_phrase, file, flt_key)
        result.focus = existing
    result.examples = _examples(store, cond, focus_skill, query.examples, file)
    return result


def _examples(store: Store, cond: str, skill: str | None, limit: int, file: str) -> list[PostingExample]:
    if limit <= 0:
        return []
    extra = f" AND list_contains(skills, {sql_quote(skill)})" if skill else ""
    rows = store.fetchall(
        "SELECT row_id, job_title, job_title_short, company_name, job_location, country, "
        "strftime(posted_at, '%Y-%m-%d'), salary_rate, salary_yearly, salary_hour_avg, skills "
        f"FROM postings WHERE {cond}{extra} ORDER BY posted_at DESC, row_id LIMIT {int(limit)}"
    )
    out: list[PostingExample] = []
    for rid, title, short, company, loc, country, posted, rate, yearly, hourly, skills in rows:
        ex = PostingExample(
            row=int(rid) + 1,
            title=title,
            title_short=short,
            company=company,
            location=loc or "location not given",
            country=country,
            posted=posted,
            salary_rate=rate,
            salary_yearly=float(yearly),
            salary_hourly=float(hourly) if hourly is not None else None,
            skills=list(skills or []),
        )
        if rate == "hour" and ex.salary_hourly is not None:
            pay = (
                f"posted pay {fmt_money_cents(ex.salary_hourly)} an hour "
                f"({fmt_money(ex.salary_yearly)} a year at {HOURS_PER_YEAR:,} hours)"
            )
        else:
            pay = f"posted salary {fmt_money(ex.salary_yearly)} a year"
        skills_text = ", ".join(ex.skills) if ex.skills else "none listed"
        where = f"{ex.location} ({country})" if country else f"{ex.location} (country unknown)"
        ex.text = (
            f"Job posting (2023 data-job postings, row {ex.row}, posted {posted}): '{title}' at {company}, "
            f"{where}; {pay}; skills: {skills_text}."
        )
        ex.evidence_id = evidence_id(file, f"row {ex.row}")
        out.append(ex)
    return out


def format_posting_stats(result: PostingStatsResult) -> str:
    """Readable text table for the CLI: top skills with shares and pay with/without, then examples."""
    if not result.ok:
        return result.message or "No result."
    lines: list[str] = []
    if result.filters:
        lines.append(describe_filters(result.filters))
    lines.append(f"Postings: {result.dataset}, {result.filter}")
    lines.append(result.summary_text)
    lines.append("")
    header = (
        f"{'skill':<16} {'share':>7} {'postings':>9} {'median with':>12} {'n':>6} {'median w/o':>12} {'n':>6}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    rows = list(result.skills)
    if result.focus and result.focus not in rows:
        rows.append(result.focus)
    for s in rows:
        mw = fmt_money(s.median_with) if s.median_with is not None else "withheld"
        mo = fmt_money(s.median_without) if s.median_without is not None else "withheld"
        mark = " *" if result.focus is not None and s.skill == result.focus.skill else ""
        lines.append(
            f"{(s.skill + mark)[:16]:<16} {s.share_text:>7} {s.postings:>9,} {mw:>12} {s.n_with:>6,} "
            f"{mo:>12} {s.n_without:>6,}"
        )
    if result.focus:
        lines.append(f"* the skill asked about: {result.focus.skill}")
    if result.examples:
        lines.append("")
        lines.append("Example postings:")
        for ex in result.examples:
            lines.append(f"  - {ex.text}")
    lines.append("")
    for n in dict.fromkeys(result.notes):
        lines.append(f"note: {n}")
    return "\n".join(lines)


def make_posting_stats_tool(store: Store | None = None) -> Any:
    """`posting_stats` as a LangChain tool returning (text, PostingStatsResult)."""
    from advisor.tools.interface import data_tool

    return data_tool(
        "posting_stats",
        "Skills that 2023 data-job postings for a role list (share of postings), posted pay with vs without a "
        "skill, and example postings, each with n and the exact filter.",
        PostingQuery, posting_stats, format_posting_stats, store,
    )


__all__ = [
    "PostingExample",
    "PostingQuery",
    "PostingStatsResult",
    "SkillStat",
    "format_posting_stats",
    "make_posting_stats_tool",
    "posting_stats",
    "resolve_skill",
]
