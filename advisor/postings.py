"""Job postings found by search, as a person reads them: one typed hit per posting, one formatter for its row.

The CLI's table, Slack's list and the web page's table all show a posting through `PostingHit.cells()`, so the
three never disagree on how a place, a month or a pay is written. A hit's fields are read from the data store's
copy of the CSV row (by its position), not parsed back out of the embedded text: that text is written for the
search, and may change with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, Field, computed_field

from advisor.corpus.postings import HOURS_PER_YEAR
from advisor.data.store import PLACEHOLDER_MIN_COUNTRIES

POSTINGS_YEAR = 2023
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
SKILLS_IN_CELL = 5


class PostingCells(BaseModel):
    """One posting as the six short texts of a table row."""

    company: str
    title: str
    place: str
    month: str
    pay: str
    skills: str


class PostingHit(BaseModel):
    """One posting a search found, with the CSV row it comes from (its citation)."""

    row: int = Field(description="line of the postings CSV (the header is line 1)")
    evidence_id: str
    company: str
    title: str = Field(description="the posting's own title (job_title)")
    role: str = Field(description="the publisher's role class (job_title_short)")
    location: str
    country: str = Field(description="the country the search filters on ('' when the row doesn't tell)")
    month: str = Field(description="month posted, YYYY-MM")
    schedule: str
    remote: bool
    pay_year: float | None = Field(default=None, description="posted pay a year in USD (hourly x 2,080)")
    pay_basis: str = Field(default="", description="'yearly' or 'hourly x 2080' when pay is given")
    placeholder_pay: bool = Field(default=False, description="the amount is a job board's placeholder (the same "
                                  "amount it gave jobs in many countries), not this job's pay")
    skills: list[str] = Field(default_factory=list, description="the skills the posting lists, in its order")
    matched: list[str] = Field(default_factory=list, description="the person's skills this posting lists")
    missing: list[str] = Field(default_factory=list, description="skills it lists that the person didn't name")
    source: str = Field(default="", description="the postings CSV file")
    score: float = 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citation(self) -> str:
        """Where the posting is: the CSV file and its line."""
        return f"{self.source}, row {self.row}" if self.source else f"row {self.row}"

    def cells(self) -> PostingCells:
        pay = pay_text(self.pay_year, self.hourly) + (" (placeholder)" if self.placeholder_pay else "")
        return PostingCells(company=self.company or "employer not given", title=self.title, place=place_text(self),
                            month=month_text(self.month), pay=pay,
                            skills=skills_text(self))

    @property
    def hourly(self) -> bool:
        """The posting gave an hourly rate: its yearly figure is that rate x 2,080 hours, an estimate."""
        return self.pay_basis.startswith("hourly")

    def line(self) -> str:
        """The compact one-line row (Slack, the CLI's answer): 'Acme — Data Engineer · Austin, TX · May 2023 ·
        $120,000 · has python; needs spark'."""
        c = self.cells()
        return f"{c.company} — {c.title} · {c.place} · {c.month} · {c.pay} · {c.skills}"

    def sentence(self) -> str:
        """The posting as one citable sentence (one claim): what the answer quotes and the grounding checks."""
        c = self.cells()
        pay = "pay not given"
        if self.pay_year and self.hourly:  # an hourly rate stays one: a full year of hours is an assumption
            pay = (f"posted pay ${self.pay_year / HOURS_PER_YEAR:,.2f} an hour (${self.pay_year:,.0f} a year at "
                   f"{HOURS_PER_YEAR:,} hours)")
        elif self.pay_year:
            pay = f"posted pay {c.pay} a year"
        if self.placeholder_pay:  # a board's worldwide amount: not what this job pays
            pay = (f"posted amount {pay_text(self.pay_year, self.hourly)}, a job board's placeholder (the same "
                   f"amount it gave jobs in {PLACEHOLDER_MIN_COUNTRIES} or more countries), not this job's pay")
        listed = self.matched + [s for s in self.skills if s not in self.matched]
        more = len(listed) - 6
        skills = ", ".join(listed[:6]) + (f" and {more} more" if more > 0 else "")
        schedule = self.schedule or "schedule not given"
        return (f'{self.role} posting: "{self.title}" at {c.company} ({c.place}); {schedule}, remote: '
                f'{"yes" if self.remote else "no"}; posted {c.month}; {pay}; skills: {skills or "none listed"}.')


class PostingSearch(BaseModel):
    """What a posting search applied and found."""

    query: str
    filters: list[str] = Field(default_factory=list, description="the filters applied, in plain words")
    where: dict[str, Any] | None = Field(default=None, description="the same filters as Chroma's `where`")
    skills: list[str] = Field(default_factory=list, description="the person's skills the hits are matched with")
    hits: list[PostingHit] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    indexed: bool = True

    def filter_line(self) -> str:
        """'Job postings from 2023 (Data Engineer or Senior Data Engineer, remote); matched with: python, sql.'"""
        scope = f" ({', '.join(self.filters)})" if self.filters else ""
        mine = f"; skills matched: {', '.join(self.skills)}" if self.skills else ""
        return f"Job postings from {POSTINGS_YEAR}{scope}{mine}."


def month_text(month: str) -> str:
    """'2023-04' → 'April 2023'."""
    year, _, m = month.partition("-")
    return f"{MONTHS[int(m) - 1]} {year}" if m.isdigit() and 1 <= int(m) <= 12 else month or "date not given"


def pay_text(pay_year: float | None, hourly: bool = False) -> str:
    """The table's yearly pay; an hourly rate's yearly figure is marked as one."""
    if not pay_year:
        return "not given"
    return f"${pay_year:,.0f}" + (" (hourly rate)" if hourly else "")


def place_text(hit: PostingHit) -> str:
    """The location as posted, the country where the location doesn't name it, and 'remote'."""
    where = hit.location or "location not given"
    if hit.country and hit.country not in where:
        where += f", {hit.country}"
    return where + (" · remote" if hit.remote and "anywhere" not in where.lower() else "")


def skills_text(hit: PostingHit) -> str:
    """The person's skills it lists, then what else it asks for; without a person's skills, what it lists."""
    if hit.matched or hit.missing:
        parts = [f"has {', '.join(hit.matched)}" if hit.matched else "none of yours"]
        if hit.missing:
            more = len(hit.missing) - SKILLS_IN_CELL
            parts.append("needs " + ", ".join(hit.missing[:SKILLS_IN_CELL]) + (f" +{more}" if more > 0 else ""))
        return "; ".join(parts)
    more = len(hit.skills) - SKILLS_IN_CELL
    return ", ".join(hit.skills[:SKILLS_IN_CELL]) + (f" +{more}" if more > 0 else "") or "none listed"


def hits_in(citations: Iterable[Any]) -> list[tuple[int, PostingHit]]:
    """(citation number, hit) for each cited posting a search found (`Citation.meta["posting"]`)."""
    out = []
    for c in citations:
        data = (getattr(c, "meta", None) or {}).get("posting")
        if getattr(c, "kind", "") == "posting" and isinstance(data, dict):
            out.append((c.n, PostingHit.model_validate(data)))
    return out


HEADERS = PostingCells(company="Company", title="Title", place="Place", month="Posted", pay="Pay (year)",
                       skills="Skills")
WIDTHS = {"company": 22, "title": 30, "place": 24, "month": 14, "pay": 10, "skills": 40}


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def postings_table(hits: Sequence[PostingHit], numbers: Sequence[int] | None = None) -> str:
    """Fixed-width text table (CLI, Slack code block): one row per hit, cells clipped to their column."""
    rows = [h.cells() for h in hits]
    keys = list(WIDTHS)
    marks = [f"[{n}]" for n in numbers] if numbers else [f"{i + 1}." for i in range(len(rows))]
    mark_w = max((len(m) for m in marks), default=2)
    widths = {k: min(WIDTHS[k], max(len(getattr(r, k)) for r in [HEADERS, *rows])) for k in keys}
    lines = []
    for mark, r in zip(["", *marks], [HEADERS, *rows], strict=True):
        cells = [_clip(getattr(r, k), widths[k]).ljust(widths[k]) for k in keys]
        lines.append((mark.ljust(mark_w) + "  " + "  ".join(cells)).rstrip())
    return "\n".join(lines)


def posting_rows(store: Any, row_ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """The store's copy of each CSV row (0-based data row → its fields): what a hit shows."""
    if not row_ids:
        return {}
    marks = ", ".join("?" for _ in row_ids)
    rows = store.fetchall(
        "SELECT row_id, company_name, job_title, job_title_short, job_location, job_schedule_type, remote, "
        "strftime(posted_at, '%Y-%m'), salary_yearly, salary_basis, skills, salary_placeholder FROM postings "
        f"WHERE row_id IN ({marks})", [int(r) for r in row_ids])
    return {int(r[0]): r for r in rows}


def make_hit(row: tuple[Any, ...], evidence: Any, have: Sequence[str]) -> PostingHit:
    """A hit from the store's row and the search's evidence (its id, score, country and source)."""
    rid, company, title, role, location, schedule, remote, month, pay, basis, skills, filled = row
    listed = list(skills or [])
    mine = {s.lower() for s in have}
    return PostingHit(
        row=int(rid) + 2, evidence_id=evidence.id, company=company or "", title=title or "", role=role or "",
        location=location or "", country=str(evidence.metadata.get("country") or ""), month=month or "",
        schedule=schedule or "", remote=bool(remote), pay_year=float(pay) if pay else None,
        pay_basis=str(basis or "") if pay else "", placeholder_pay=bool(filled) and bool(pay), skills=listed,
        matched=[s for s in listed if s in mine], missing=[s for s in listed if s not in mine] if mine else [],
        source=evidence.source, score=float(evidence.score),
    )


def row_id(evidence_id: str) -> int | None:
    """'posting:00012' → 12 (the data row the index embedded)."""
    head, _, num = evidence_id.partition(":")
    return int(num) if head == "posting" and num.isdigit() else None


class SkillGap(BaseModel):
    """A skill the matching postings list, and how often."""

    skill: str
    postings: int
    population: int
    share: float

    @property
    def share_text(self) -> str:
        return f"{self.share:.0%}"


class SkillsGap(BaseModel):
    """The skills most often listed in a role's postings that the person lacks, with example postings."""

    role: str
    have: list[str]
    filter_text: str = ""
    population: int = 0
    missing: list[SkillGap] = Field(default_factory=list)
    have_shares: list[SkillGap] = Field(default_factory=list)
    examples: list[PostingHit] = Field(default_factory=list)
    message: str | None = None
    evidence_ids: list[str] = Field(default_factory=list, description="the posting-statistics evidence cited")

    @property
    def ok(self) -> bool:
        return bool(self.missing) and self.message is None


MAX_LIMIT = 50
LEVEL_OF_CODE = {"EN": "junior", "MI": "mid", "SE": "senior", "EX": "lead"}


class FindPostingsArgs(BaseModel):
    """What a posting search takes (the LLM tool's arguments; `PostingRequest` adds the rest)."""

    query: str = Field(description="What to look for: role, place, skills, in English (e.g. 'remote data engineer "
                                   "spark').")
    country: str | None = Field(default=None, description="Country name or code (US, GB, Germany); None = any.")
    remote: bool | None = Field(default=None, description="True: remote postings only; False: on-site only.")
    skills: list[str] | None = Field(default=None, description="The person's skills: matched postings come first.")
    limit: int = Field(default=5, ge=1, le=MAX_LIMIT, description="How many postings to return.")


class PostingRequest(FindPostingsArgs):
    """A posting search from the library or the CLI: explicit filters override what the query text says."""

    role: str | None = Field(default=None, description="A role, e.g. 'data engineer'.")
    level: str | None = Field(default=None, description="junior, mid, senior or lead.")
    min_pay: float | None = Field(default=None, ge=0, description="Posted pay at least this (USD a year).")
    has_pay: bool = Field(default=False, description="Only postings that give a pay.")
    month: int | None = Field(default=None, ge=1, le=12, description="Only postings posted in this month of 2023.")
    limit: int = Field(default=10, ge=1, le=MAX_LIMIT, description="How many postings to return.")


def request_error(exc: Exception) -> str:
    """A pydantic error in one line: 'limit: Input should be less than or equal to 50'."""
    errors = getattr(exc, "errors", None)
    if callable(errors) and errors():
        err = errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        return f"{where}: {err.get('msg', exc)}" if where else str(err.get("msg", exc))
    return str(exc)


def search_reading(request: PostingRequest, vocabulary: Sequence[str], resolve_skill: Any,
                   known_words: Iterable[str] = ()) -> tuple[Any, list[str]]:
    """The question reader's reading of the query (as in chat), with the request's explicit filters put over it,
    and the person's skills (given, or those the query names). Misspelt key words are read as the graph reads
    them (`known_words`: the sources' own words, never "corrected"). Unknown countries, roles, levels and skills raise
    `NormalizationError` with a message for the person."""
    from advisor.agent.interpret import Ask
    from advisor.agent.tools import posting_search_reading
    from advisor.data.normalize import parse_level, resolve_country, resolve_role

    reading = posting_search_reading(request.query or request.role or "data job", vocabulary, set(known_words))
    slots = reading.slots
    reading.asks = [Ask.FIND_POSTINGS]
    if request.country:
        name = resolve_country(request.country).postings_name
        slots.countries = [name]
        kept = [(c, k) for c, k in zip(slots.cities, slots.city_countries, strict=True) if k == name]
        slots.cities, slots.city_countries = [c for c, _ in kept], [k for _, k in kept]
    if request.role:
        resolve_role(request.role)
        slots.role = request.role
    if request.level:
        slots.level = slots.level_phrase = LEVEL_OF_CODE[parse_level(request.level)]
    if request.remote is not None:
        slots.remote = request.remote
    if request.min_pay:
        reading.pay_floor = request.min_pay
    if request.month:
        reading.posted_months = [request.month]
    if request.skills is not None:
        return reading, list(dict.fromkeys(resolve_skill(s) for s in request.skills if s.strip()))
    return reading, reading.skills_named
