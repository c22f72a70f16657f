"""The agent's tools: corpus search, salary lookup, posting statistics.

Each returns `Evidence` the composer can quote and the grounding check can
verify, plus chart rows taken from the tool's own numbers. A tool that can't
answer (unknown role, too few records) returns a notice, not an exception, so
the rest of the answer still comes from the articles.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import Any, NamedTuple

from advisor.agent.interpret import Ask, Interpretation, PostingTerm, Source
from advisor.agent.lexicon import lexicon
from advisor.agent.slots import LATEST_FULL_YEAR, Slots, city_name, in_city
from advisor.config import Settings
from advisor.index import POSTINGS
from advisor.postings import (
    POSTINGS_YEAR,
    FindPostingsArgs,
    PostingHit,
    PostingRequest,
    PostingSearch,
    SkillGap,
    SkillsGap,
    make_hit,
    posting_rows,
    row_id,
    search_reading,
)
from advisor.retrieval import Retriever
from advisor.types import Evidence

LEX = lexicon("en")


class Side(NamedTuple):
    """One salary lookup of an answer: what one side of a comparison (or the one thing asked) is about."""

    role: str
    country: str | None
    level: str | None
    remote: bool | None
    year: int | None
    place: str | None = None  # a city or US state (postal code): the postings' figure is the place's own
    company_size: str | None = None  # the employer's size as the survey codes it (S, M, L): survey rows only


# responses paid in the currency asked that a figure in it needs: fewer lead with a currency few of the role's
# people there are paid in (9 US data scientists paid in EUR), while the dollar figures cover them all
CURRENCY_MIN_N = 10

# sides one answer compares: "France vs Germany vs Netherlands vs Spain" is four; past that a table would serve
MAX_SIDES = 4


def salary_sides(reading: Interpretation) -> list[Side]:
    """One salary lookup per thing compared: two roles, two years, two countries, two places in one country, two
    levels, or remote against on-site; otherwise the one thing asked about."""
    slots = reading.slots
    role = _side_role(reading)
    country0 = slots.countries[0] if slots.countries else None
    # the level as the lexicon reads it (junior, mid, senior, lead), which every data tool parses; the words
    # it was read from ('starting salary', 'freshers', 'first job') are the asker's, not a level the data knows
    level, remote, year = slots.level, slots.remote, slots.year
    sizes = slots.company_sizes
    one = Side(role, country0, level, remote, year, _place_in(reading, country0),
               sizes[0] if len(sizes) == 1 else None)
    places = reading.places
    if len(slots.roles) >= 2:
        if len(set(slots.role_levels)) > 1:  # "ML engineers vs senior data scientists": each side its own level
            return [one._replace(role=r, level=lv) for r, lv in zip(slots.roles, slots.role_levels,
                                                                     strict=True)][:MAX_SIDES]
        return [one._replace(role=r) for r in slots.roles[:MAX_SIDES]]
    if len(sizes) >= 2:  # "big company or startup?": one lookup per size
        return [one._replace(company_size=size) for size in sizes[:MAX_SIDES]]
    if len(slots.years) >= 2:
        return [one._replace(year=y) for y in slots.years[:MAX_SIDES]]
    if slots.year_to_now:
        return [one, one._replace(year=LATEST_FULL_YEAR)]
    if len(slots.countries) >= 2:
        return [one._replace(country=c, place=_place_in(reading, c)) for c in slots.countries[:MAX_SIDES]]
    if len(places) >= 2:  # "LA vs Austin", "California or Texas": one country, two of its places
        return [one._replace(place=p) for p in places[:MAX_SIDES]]
    if len(slots.levels) >= 2:
        return [one._replace(level=lv) for lv in slots.levels[:MAX_SIDES]]
    if slots.level_vs_all:  # the level against the role's all-levels figure
        return [one, one._replace(level=None)]
    if slots.remote_contrast:
        return [one._replace(remote=on_site) for on_site in (True, False)]
    if one.company_size:  # "what do startups pay?": that size against employers of every size
        return [one, one._replace(company_size=None)]
    return [one]


def _side_role(reading: Interpretation) -> str:
    """The role looked up. No role we recognise: the tool's normaliser reads the question itself, and an unknown
    role yields no figures (the articles answer) instead of a default role the person didn't ask about; but a
    condition compared with no role named ("does a big company pay data people more than a startup?", "do
    remote data jobs pay less than office ones?", "how much does pay jump from entry to mid to senior?"), or
    data jobs asked as a whole ("what do data roles in Seattle pay?"), is looked up over every job title."""
    slots = reading.slots
    compared = slots.company_sizes or slots.remote_contrast or len(slots.levels) >= 2  # "entry vs mid vs senior"
    if not slots.role and not reading.unknown_role and (compared or reading.whole_field):
        from advisor.tools.salary import EVERY_ROLE

        return EVERY_ROLE
    return slots.role or reading.unknown_role or reading.question


def _place_name(reading: Interpretation) -> str | None:
    """The first place below the country asked about, in words ("Austin", "Texas"), or None."""
    from advisor.data.normalize import US_STATES

    return US_STATES.get(reading.places[0], reading.places[0]) if reading.places else None


def _place_in(reading: Interpretation, country: str | None) -> str | None:
    """The one city (else US state) asked about in `country`; None when it names none, or several."""
    slots = reading.slots
    in_country = {city_name(c) for c, k in zip(slots.cities, slots.city_countries, strict=True) if k == country}
    found = [p for p in reading.places if p in in_country or (country == "United States" and p in slots.states)]
    return found[0] if len(found) == 1 else None


def headline_ids(evidence: list[Evidence], reading: Interpretation, preferred: str | None = None) -> list[str]:
    """The figures a pay answer opens with: the survey's and BLS's ("what does it pay"), or first the figure of
    the source the question names (or `preferred`: a place's own postings)."""
    if preferred is None and reading.source_first:
        preferred = SOURCE_KIND.get(reading.source_first)
    headline = [e for e in evidence if e.kind in ("salary_data", "bls") or e.kind == preferred]
    headline.sort(key=lambda e: e.kind != preferred)
    return [e.id for e in headline]


def _salary_chart(label: str, side: Side, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The salary-ranges chart of one lookup, titled with everything that narrows it."""
    from advisor.tools.salary import CompanySize

    size = CompanySize(side.company_size).words if side.company_size else None
    where = ", ".join(x for x in (side.place or side.country, side.level, size,
                                  {True: "remote", False: "on-site"}.get(side.remote),
                                  str(side.year) if side.year else None) if x)
    return {"kind": "salary_ranges", "title": f"Salary ranges — {label}" + (f", {where}" if where else ""),
            "rows": rows}


# "where do I start learning?" is answered with the role's most-requested skills when this many postings say so
MIN_ADVICE_POSTINGS = 100
POSTING_CANDIDATES = 40  # postings searched before the city and skills narrow them
POSTINGS_SHOWN = 4
PAY_RANK_MIN_N = 10  # postings with a salary of their own a group needs to be ranked by pay, unless asked
GAP_POOL = 30  # the role's most listed skills a gap is taken from
GAP_SHOWN = 5
YEARLY_BASIS = "yearly"  # the store's salary_basis of a posting that posted a yearly salary


def posting_evidence(hit: PostingHit) -> Evidence:
    """A found posting as one citable sentence (one claim, one citation), carrying its typed hit for the surfaces
    that show postings as a table (`advisor.postings.hits_in`)."""
    meta: dict[str, Any] = {"posting": hit.model_dump(mode="json"), "country": hit.country, "remote": hit.remote}
    if hit.pay_year:
        meta["salary_yearly"] = hit.pay_year  # the source card's summary: "posted salary $X a year"
    return Evidence(id=hit.evidence_id, text=hit.sentence(), source=hit.source,
                    title=f"Job posting: {hit.title} — {hit.company}", kind="posting", score=hit.score,
                    locator=f"row {hit.row}", metadata=meta)


def _role_filter(slots: Slots, classes: Collection[str] | None = None) -> list[str]:
    """The postings' role classes for the role and level: they class seniors apart ("Senior Data Engineer"), so a
    senior or lead level picks that side, junior or mid the other, and no level takes both. `classes`: the
    postings' role classes, where known; a "Senior ..." class they lack ("Senior Machine Learning Engineer") is not
    asked for (a filter on it finds nothing), so a senior ML search keeps the one class."""
    from advisor.data.normalize import resolve_role

    if not slots.role:
        return []
    base = resolve_role(slots.role).postings_short_titles
    senior = [f"Senior {t}" for t in base
              if not t.startswith("Senior") and (classes is None or f"Senior {t}" in classes)]
    if slots.level in ("senior", "lead") and senior:
        return senior
    return base if slots.level in ("junior", "mid") else base + senior


# how each posting term reads in the notice that says what the listed postings are
POSTING_TERM_WORDS = {PostingTerm.PART_TIME: "part-time", PostingTerm.INTERNSHIP: "internships",
                      PostingTerm.CONTRACT: "contract work",
                      PostingTerm.HEALTH_INSURANCE: "mentioning health insurance",
                      PostingTerm.NO_DEGREE: "mentioning no degree"}


def posting_filters(reading: Interpretation, has_pay: bool = False, classes: Collection[str] | None = None
                    ) -> tuple[dict[str, Any] | None, list[str]]:
    """The Chroma `where` for the reading (role class, country, remote, a minimum pay or any pay given) and the
    same in words."""
    slots, conds, words = reading.slots, [], []
    if titles := _role_filter(slots, classes):
        conds.append({"role": {"$in": titles}})
        words.append(" or ".join(titles))
    if slots.countries:
        conds.append({"country": slots.countries[0]})
        words.append(f"in {_place_name(reading) or slots.countries[0]}")
    if slots.remote is not None:
        conds.append({"remote": slots.remote})
        words.append("remote" if slots.remote else "not remote")
    if reading.posted_months:
        from advisor.postings import month_text

        conds.append({"month": {"$in": [POSTINGS_YEAR * 100 + m for m in reading.posted_months]}})
        words.append("posted in " + " or ".join(month_text(f"{POSTINGS_YEAR}-{m:02d}")
                                                 for m in reading.posted_months))
    for term in reading.posting_terms:
        conds.append({term.value: True})
        words.append(POSTING_TERM_WORDS[term])
    if reading.pay_floor:
        conds.append({"salary_year": {"$gte": reading.pay_floor}})
        words.append(f"paying at least ${reading.pay_floor:,.0f} a year")
    elif has_pay:
        conds.append({"salary_year": {"$gt": 0.0}})
        words.append("with pay given")
    where = None if not conds else conds[0] if len(conds) == 1 else {"$and": conds}
    return where, words


def posting_search_reading(query: str, skill_vocabulary: Collection[str],
                           known_words: Collection[str] = ()) -> Interpretation:
    """A free-text posting search ("remote spark data engineer") read as the graph reads "show me postings ...":
    misspelt key words corrected (`known_words`, the sources' words, and the skills are left as written), the
    same slots and pay floor, and the skills it names even where no posting-search cue is in the words (whoever
    calls a posting search has already asked for postings)."""
    from advisor.agent.interpret import interpret, skills_in
    from advisor.agent.spelling import correct

    query = correct(query, {*known_words, *skill_vocabulary})[0]
    reading = interpret(query, lambda: skill_vocabulary)
    if not reading.has(Ask.FIND_POSTINGS):
        reading.asks = [Ask.FIND_POSTINGS, *reading.asks]
    if not reading.skills_named:
        reading.skills_named = skills_in(query, skill_vocabulary)
    return reading


def search_postings_ranked(retriever: Retriever, store: Any, reading: Interpretation, have: list[str] | None = None,
                           limit: int = POSTINGS_SHOWN, has_pay: bool = False) -> PostingSearch:
    """The product's posting search, callable without the graph (the tool, the library, the evals and bench):
    the reading's filters applied inside Chroma (role class, country, remote, pay), dense search over the
    candidates, a city matched in the posting's location, then the postings listing more of the person's skills
    first (`have`; the skills the question names when not given)."""
    have = reading.skills_named if have is None else have
    where, words = posting_filters(reading, has_pay, store.postings_short_titles())
    found = PostingSearch(query=reading.question, filters=words, where=where, skills=have)
    # no near-duplicate merging: two postings with a similar text are two rows (it dropped 2 of 17 US Senior
    # Data Scientist rows of the test slice), where two overlapping article chunks are one passage
    place = reading.places[0] if reading.places else None
    search = partial(retriever.search, reading.question, k=max(POSTING_CANDIDATES, limit * 4), collection=POSTINGS,
                     config=replace(retriever.config, dedupe=False))
    # a city or state is a filter inside Chroma too: the locations the postings write for it
    inside = _locations_of(store, reading.slots, place) if place else []
    hits = search(where=_both(where, {"location": {"$in": inside}})) if inside else []
    if place and not hits:
        from advisor.data.normalize import US_STATES

        found.notices.append(f"None of the matching 2023 postings is in {US_STATES.get(place, place)}; these are "
                             f"elsewhere in {reading.slots.countries[0]}.")
    hits = hits or search(where=where)
    rows = posting_rows(store, [i for e in hits if (i := row_id(e.id)) is not None])
    found.hits = [make_hit(rows[i], e, have) for e in hits if (i := row_id(e.id)) in rows]
    # stable: the search's order among equals. Under a pay floor a posted yearly salary meets it exactly; an
    # hourly rate x 2,080 hours is an estimate (contracts rarely run a full year), so those come after
    floor = bool(reading.pay_floor)
    found.hits.sort(key=lambda h: (-len(h.matched), floor and h.pay_basis != YEARLY_BASIS))
    del found.hits[limit:]
    return found


def _locations_of(store: Any, slots: Slots, place: str) -> list[str]:
    """The locations the postings write for a place: a US state's by its code or name ("Austin, TX", "Texas"), a
    city's by any of its names (lexicon `city_names`: "Bangalore" is "Bengaluru"), accents aside."""
    from advisor.data.normalize import resolve_place

    if place in slots.states:
        return resolve_place(place, store.posting_locations()).locations
    return _city_locations(place, store.posting_locations())


@lru_cache(maxsize=256)
def _city_locations(city: str, locations: tuple[str, ...]) -> list[str]:
    return [loc for loc in locations if in_city(city, loc)]


def _both(where: dict[str, Any] | None, condition: dict[str, Any]) -> dict[str, Any]:
    """A Chroma `where` with one more condition."""
    if where is None:
        return condition
    return {"$and": [*where["$and"], condition]} if "$and" in where else {"$and": [where, condition]}


# What each pay source measures: why the same role's figures differ between them.
SOURCE_MEANING = {
    "salary_data": "the salary survey is what its respondents reported (mostly US, 2020–2025)",
    "posting_stats": "the postings show what employers advertised in 2023 (base pay only)",
    "bls": "BLS counts US employees' wages without bonuses or stock",
}
SOURCE_NOUN = {"salary_data": "survey", "posting_stats": "postings", "bls": "BLS"}
DIFFER_BY = 0.25  # medians further apart than this (relative to the lower) need a word on why
SMALL_SAMPLE = 30  # below this many rows a median is rough


def small_sample_note(evidence: list[Evidence]) -> str | None:
    """One line on figures resting on fewer than `SMALL_SAMPLE` rows, where no line on why they differ says it."""
    from advisor.sources import DATASETS_BY_KIND, SourceKind

    small = [(e.kind, n) for e in evidence if e.kind in SOURCE_NOUN
             and isinstance(e.metadata.get("median"), int | float)  # a figure was given (withheld ones say so)
             and isinstance(n := e.metadata.get("n"), int) and not isinstance(n, bool) and 0 < n < SMALL_SAMPLE]
    if not small:
        return None
    said = " and ".join(f"the {SOURCE_NOUN[kind]} figure on {n} {DATASETS_BY_KIND[SourceKind(kind)].rows or 'rows'}"
                        for kind, n in small)
    return f"Small sample: {said}; treat {'it' if len(small) == 1 else 'them'} as rough."


def why_they_differ(evidence: list[Evidence]) -> str | None:
    """One line on why the sources' medians for one lookup disagree, and which sample is too small to lean on."""
    medians = {e.kind: (float(e.metadata["median"]), e.metadata.get("n")) for e in evidence
               if e.kind in SOURCE_MEANING and isinstance(e.metadata.get("median"), int | float)}
    if len(medians) < 2:
        return None
    low, high = min(m for m, _ in medians.values()), max(m for m, _ in medians.values())
    if high <= low * (1 + DIFFER_BY):
        return None
    parts = [SOURCE_MEANING[k] for k in SOURCE_MEANING if k in medians]
    small = [SOURCE_NOUN[k] for k, (_, n) in medians.items() if isinstance(n, int) and n < SMALL_SAMPLE]
    line = "Why the figures differ: " + "; ".join(parts) + "."
    if len(small) == 1:
        line += f" The {small[0]} figure rests on fewer than {SMALL_SAMPLE} rows, so treat it as rough."
    elif small:
        line += f" The {' and '.join(small)} figures rest on fewer than {SMALL_SAMPLE} rows each: treat them as rough."
    return line


def _over_time(reading: Interpretation) -> bool:
    """Whether the question asks how something changed over the years ("is remote dying?", "now vs 2021")."""
    return bool(LEX.cue("over_time").search(reading.question) or LEX.cue("trend").search(reading.question)
                or len(reading.slots.years) >= 2 or reading.slots.year_to_now)


def _every_country(country: str, what: str) -> str:
    """The note under figures taken from every country's postings where the country asked has too few."""
    return f"The 2023 postings have too few {what} in {country}: these are the postings of every country."


def _one_sentence(out: ToolOutcome, result: Any) -> ToolOutcome:
    """A tool's one sentence (`PostingSentence`) leads; why it has none is a note."""
    if result.message:
        out.notices.append(result.message)
    evidence = result.evidence()
    out.evidence += evidence
    out.lead += [e.id for e in evidence]
    return out


def _local_figure(result: Any) -> str | None:
    """The place a lookup's postings figure is for, when it has one ("Austin"); else None."""
    f = result.filters
    if f is None or f.place is None:
        return None
    return f.place.name if any(s.source == "postings" and s.has_figures for s in result.sources) else None


def _local_lead(result: Any) -> bool:
    """Whether a place's own postings figure leads: not where it is mostly a job board's placeholder amount
    (its sentence says so, after the country's survey figure); yes where those were left out of the figure."""
    return _local_figure(result) is not None and not any(
        s.source == "postings" and s.mostly_placeholders and not s.placeholders_left_out for s in result.sources)


def _place_notice(slots: Slots, local: list[str]) -> str:
    """What a city or US state in the question means for the figures: the survey and BLS have countries only;
    the postings' figures are the place's own where `local` names it (their locations say where a job is)."""
    from advisor.data.normalize import US_STATES
    from advisor.tools.salary import country_phrase

    by_country: dict[str, list[str]] = {}
    for city, country in zip(slots.cities, slots.city_countries, strict=True):
        by_country.setdefault(country, []).append(city_name(city))
    for code in slots.states:
        by_country.setdefault("United States", []).append(US_STATES[code])
    by_country = {country: list(dict.fromkeys(places)) for country, places in by_country.items()}
    parts = []
    for country, places in by_country.items():
        if len(places) > 1 and not local:
            parts.append(f"{' and '.join(places)} can't be told apart (both are {country})")
        else:
            parts.append(f"their figures for {' and '.join(places)} are for {country_phrase(country)} as a whole")
    text = "The survey and BLS have countries, not cities or states: " + "; ".join(parts) + "."
    if local:
        text += f" The job postings' figures are for postings located in {' and '.join(local)}."
    return text


# The roles a skill is compared across when the question names no role ("Is Excel worth learning?").
SOURCE_KIND = {Source.SURVEY: "salary_data", Source.POSTINGS: "posting_stats", Source.OFFICIAL: "bls"}
SKILL_ROLES = ("data analyst", "data scientist", "data engineer", "machine learning engineer")


@dataclass
class ToolOutcome:
    evidence: list[Evidence] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)  # ids of the headline statistics the answer opens with
    charts: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    shortfall: list[str] = field(default_factory=list)  # why a lookup gave no figure: too few rows, in words

    def add_leading(self, evidence: list[Evidence]) -> None:
        """Add tool rows the answer opens with, each once (several sides' lookups can find the same row)."""
        known = {e.id for e in self.evidence}
        fresh = [e for e in evidence if e.id not in known]
        self.evidence += fresh
        self.lead += [e.id for e in fresh if e.id not in self.lead]

    def note(self, notices: list[str]) -> None:
        """Add notices, each once."""
        self.notices += [n for n in notices if n and n not in self.notices]


_SOURCE_OF_DATA = {"survey": Source.SURVEY, "postings": Source.POSTINGS, "bls": Source.OFFICIAL}


def _gaps_asked(result: Any, reading: Interpretation) -> str:
    """The result's note of sources without figures, kept to the sources the question names: asked for the BLS
    figure, the survey's lack of one is no part of the answer."""
    if not reading.sources_named or not result.ok:
        return result.message
    from advisor.tools.salary import gaps_note

    return gaps_note([s for s in result.sources
                      if not s.has_figures and _SOURCE_OF_DATA[s.source] in reading.sources_named])


def _only_salary_routed(reading: Interpretation) -> bool:
    """Whether the route table runs no data tool but the salary lookup for this reading."""
    from advisor.agent.routes import Tool, tools_for

    return tools_for(reading) == [Tool.SALARY]


def _lead_with_comparison(out: ToolOutcome, per_side: list[list[Evidence]], reading: Interpretation) -> None:
    """Two or more sides found: the answer opens with which pays more and by how much (`compare`), the sides'
    own figures under it."""
    from advisor.agent.compare import comparison_evidence

    preferred = SOURCE_KIND.get(reading.source_first) if reading.source_first else None
    if len(per_side) >= 2 and (verdict := comparison_evidence(per_side, preferred)) is not None:
        out.evidence.insert(0, verdict)
        out.lead.insert(0, verdict.id)


DATA_TOOL_MODULES = ("company", "conditions", "country_pay", "data_coverage", "employment", "pay_trend",
                     "posting_counts", "ranking", "remote_trend", "role_move", "salary", "skill_pay", "skills")


def _import_data_tools() -> None:
    """Import every data tool's module once, under the store's lock, before any tool runs: their pydantic
    models are built at import, evaluating string annotations with `compile`, and CPython 3.11's compiler state
    is not safe when two threads do that at once ("AST constructor recursion depth mismatch"), which several
    people asking their first data question together would otherwise trigger."""
    import importlib

    for name in DATA_TOOL_MODULES:
        importlib.import_module(f"advisor.tools.{name}")


class Toolbox:
    def __init__(self, settings: Settings, retriever: Retriever) -> None:
        self.settings = settings
        self.retriever = retriever
        self._store: Any = None
        self._lock = threading.Lock()

    @property
    def store(self) -> Any:
        with self._lock:
            if self._store is None:
                from advisor.data.store import open_store

                self._store = open_store(self.settings)
                _import_data_tools()
            return self._store

    def search(self, query: str, k: int = 6) -> list[Evidence]:
        return self.retriever.search(query, k=k)

    def salary(self, reading: Interpretation) -> ToolOutcome:
        """One lookup per thing compared (two roles, countries, places, levels or years, or remote against
        on-site), each source side by side, so the answer puts the two medians next to each other instead of
        answering for one side only."""
        out = ToolOutcome()
        question, slots = reading.question, reading.slots
        if reading.has(Ask.COMPANY_PAY) and not reading.market_compared and self._every_employer_has_figures(reading):
            return out  # the employers' own figures answer; every employer's pooled figure would be padding
        sides = salary_sides(reading)
        seen: set[str] = set()
        per_side: list[list[Evidence]] = []  # every side's figures, shared ones too: what a comparison reads
        local: list[str] = []  # the places whose own postings gave a figure
        queries: list[Any] = []
        for side in sides:
            looked_up = self._look_up(out, reading, side)
            if looked_up is None:
                break
            query, result = looked_up
            if result is None:
                continue
            per_side.append(result.evidence())
            queries.append(query)
            local += [name] if (name := _local_figure(result)) and name not in local else []
            self._one_side(out, reading, result, side, seen, len(sides))
            self._in_currency(out, reading, query, result.subject)
            if len(sides) == 1 and LEX.cue("postings").search(question):  # postings asked for, not only pay
                self._few_postings(out, reading, result)
        _lead_with_comparison(out, per_side, reading)
        self._order_without_duplicates(out, queries)
        if (slots.cities or slots.states) and out.evidence:
            out.notices.append(_place_notice(slots, local))
        if slots.company_sizes and out.evidence:
            out.notices.append(self._company_size_notice())
        return out

    def _order_without_duplicates(self, out: ToolOutcome, queries: list[Any]) -> None:
        """A survey comparison of two sides whose order flips once the survey's exact duplicate rows are left out
        says so in its own sentence: the survey repeats many responses word for word, and a gap that rests on
        the repeats is no gap a reader should act on."""
        from advisor.tools.salary import fmt_money, fmt_n, salary_lookup

        verdict = out.evidence[0] if out.evidence and out.evidence[0].id.startswith("compare:") else None
        if verdict is None or verdict.kind != "salary_data" or len(queries) != 2 \
                or verdict.metadata.get("higher_side") is None:
            return
        distinct = [next((s for s in salary_lookup(q.model_copy(update={"dedupe": True, "sources": ["survey"]}),
                                                   self.store).sources if s.median is not None), None)
                    for q in queries]
        if any(s is None for s in distinct) or distinct[0].median == distinct[1].median:  # type: ignore[union-attr]
            return
        medians = [s.median for s in distinct]  # type: ignore[union-attr]
        names = str(verdict.metadata.get("subject") or "").split(" vs ")
        high = medians.index(max(medians))
        if high != verdict.metadata["higher_side"] and len(names) == 2:
            low = 1 - high
            flips = (f" Counting each response the survey repeats word for word once, the order flips: {names[high]} "
                     f"{fmt_money(medians[high])} against {names[low]} {fmt_money(medians[low])} (from "
                     f"{fmt_n(distinct[high].n)} and {fmt_n(distinct[low].n)} distinct responses), so "  # type: ignore[union-attr]
                     "the gap rests on repeated responses.")
            out.evidence[0] = replace(verdict, text=verdict.text + flips)

    def _every_employer_has_figures(self, reading: Interpretation) -> bool:
        """Whether each employer asked about has enough postings for its own figure (`company`)."""
        from advisor.tools.company import CompanyPayQuery, company_pay

        names = reading.slots.employers[:MAX_SIDES]
        return bool(names) and all(company_pay(CompanyPayQuery(company=name, role=reading.slots.role), self.store).ok
                                   for name in names)

    def _company_size_notice(self) -> str:
        """Why a figure by employer size is rough: only the survey has sizes, and most responses give one."""
        from advisor.tools.salary import CompanySize, company_size_share

        share = company_size_share(self.store, CompanySize.MEDIUM)
        return (f"Only the salary survey records the employer's size, and {share:.0%} of its responses give a "
                "medium-sized one (50 to 250 employees), so the small and large groups are few: read their figures "
                "as rough.")

    def _look_up(self, out: ToolOutcome, reading: Interpretation, side: Side) -> tuple[Any, Any] | None:
        """One side's salary lookup: (query, result), the result None when it has no figures (its message and
        shortfall noted); None to stop when the question names no role the data knows."""
        from advisor.tools.salary import CompanySize, SalaryQuery, salary_lookup

        try:
            query = SalaryQuery(role=side.role, country=side.country, experience=side.level, remote=side.remote,
                                hourly=reading.pay_hourly, tails=reading.pay_tails,
                                years_experience=reading.slots.years_experience,
                                year=side.year, place=side.place,
                                company_size=CompanySize(side.company_size) if side.company_size else None)
        except ValueError as exc:  # pydantic: a filter the schema rejects
            out.notices.append(f"Salary lookup: {exc.errors()[0]['msg'] if hasattr(exc, 'errors') else exc}")
            return None, None
        result = salary_lookup(query, self.store)
        if side.place and result.filters is not None and _local_figure(result) is None:
            query, result = self._without_place(out, query, result)
        if side.level and len(reading.slots.levels) < 2 and result.filters is not None:
            result = self._survey_every_level(query, result)
        if side.role == reading.question and not result.ok and result.filters is None:
            # no role in the question: say so (unless another data tool answers it), instead of quoting the
            # whole question back as an unknown role
            if _only_salary_routed(reading):
                out.notices.append("Salary figures need a role (e.g. 'data engineer', 'ML engineer'); the "
                                   "question names none the salary data knows.")
            return None
        shortfall = "" if result.ok else result.shortfall()
        message = _gaps_asked(result, reading)
        if message and message not in out.notices and not shortfall:  # the shortfall says it in words
            out.notices.append(message)
        if not result.ok:
            out.shortfall += [shortfall] if shortfall else []
            return query, None
        return query, result

    def _without_place(self, out: ToolOutcome, query: Any, local: Any) -> tuple[Any, Any]:
        """A place whose postings are too few for a figure of its own: the country's figures, and one notice
        saying so, instead of declining what the country's data answers."""
        from advisor.tools.salary import country_phrase, fmt_n, salary_lookup

        query = query.model_copy(update={"place": None})
        result = salary_lookup(query, self.store)
        n = next((s.n or 0 for s in local.sources if s.source == "postings"), 0)
        f = result.filters
        country = f"for {country_phrase(f.country.name)}" if f and f.country else "for all countries"
        postings = f"2023 {local.filters.role.label} postings"
        how_many = f"None of the {postings} is" if n == 0 else \
            f"Only {fmt_n(n)} of the {postings} {'is' if n == 1 else 'are'}"
        out.notices.append(f"{how_many} located in {local.filters.place.name}: too few for a figure of its own, so "
                           f"the figures are {country}.")
        return query, result

    def _survey_every_level(self, query: Any, result: Any) -> Any:
        """A level with too few survey responses for a figure ("freshers" in India: 4 rows): the survey's figure
        for every level of the role there, said as such, instead of no survey figure at all. Levels compared
        are left alone (each side would get the same figure)."""
        from advisor.tools.salary import fmt_n, gaps_note, salary_lookup

        few = next((s for s in result.sources if s.source == "survey" and s.status in ("too_few", "empty")), None)
        if few is None:
            return result
        every = salary_lookup(query.model_copy(update={"experience": None, "years_experience": None}), self.store)
        survey = next((s for s in every.sources if s.source == "survey" and s.has_figures), None)
        if survey is None:
            return result
        level = (result.filters.experience_label or "that level").split(" / ")[0]
        at_level = f"only {fmt_n(few.n)} {level} responses" if few.n else f"no {level} response"
        survey = survey.model_copy(update={"text": survey.text.replace(
            " reported a median", f" (every level together: {at_level}) reported a median", 1)})
        sources = [survey if s is few else s for s in result.sources]
        message = gaps_note([s for s in sources if not s.has_figures]) or None
        return result.model_copy(update={"sources": sources, "ok": True, "message": message})

    @staticmethod
    def _one_side(out: ToolOutcome, reading: Interpretation, result: Any, side: Side, seen: set[str],
                  n_sides: int) -> None:
        """One side's figures into the answer: its headline figures lead (two for a single lookup, one per side
        compared), one line on why its sources differ (not one per side), and its chart."""
        # a place's own figure (its postings) leads; the survey's and BLS's are the whole country's: context for
        # one place, but the same line on every side when places are compared, so then left out
        # an employer's pay set against the market: the postings are the one source that has both (like for like)
        local = SOURCE_KIND[Source.POSTINGS] if _local_lead(result) or reading.has(Ask.COMPANY_PAY) else None
        evidence = [e for e in result.evidence() if e.kind != "posting" and e.id not in seen
                    and not (local and n_sides > 1 and e.kind != local)]
        # one source named answers alone; "what do the postings, the survey and BLS each say?" names them all
        named = SOURCE_KIND.get(reading.source_first) if reading.source_first and len(reading.sources_named) <= 1 \
            else None
        if named and any(e.kind == named and e.metadata.get("median") is not None for e in evidence):
            # "what does the BLS say ...", "in the 2023 postings ...": the source asked for answers; the others'
            # figures would answer a question not asked
            evidence = [e for e in evidence if e.kind == named]
        seen |= {e.id for e in evidence}
        out.evidence += evidence
        out.lead += headline_ids(evidence, reading, local)[: 2 if n_sides == 1 else 1]
        if rows := result.chart_rows():
            label = result.filters.role.label if result.filters else side[0]
            out.charts.append(_salary_chart(label, side, rows))

    def _in_currency(self, out: ToolOutcome, reading: Interpretation, query: Any, subject: str) -> None:
        """Pay asked in another currency ("in euros pls", "I'm at £62k"): the survey's responses paid in it lead,
        in it; the dollar figures follow. Where none were paid in it, one note says the figures are in dollars."""
        from advisor.tools.salary import salary_lookup

        if not reading.currency or reading.currency == "USD":
            return
        result = salary_lookup(query.model_copy(update={"currency": reading.currency, "sources": ["survey"],
                                                        "min_n": max(query.min_n, CURRENCY_MIN_N)}), self.store)
        local = [e for e in result.evidence() if e.kind == "salary_data" and e.metadata.get("median") is not None]
        if not result.ok or not local:
            paid = next((s.n for s in result.sources if s.source == "survey" and s.n), 0)
            who = subject or "this role"
            how_many = (f"Only {paid} of the salary survey's responses for {who} {'was' if paid == 1 else 'were'} "
                        f"paid in {reading.currency}, too few for a figure in it") if paid else \
                f"None of the salary survey's responses for {who} were paid in {reading.currency}"
            out.notices.append(f"{how_many}; the figures are in US dollars.")
            return
        out.evidence.insert(0, local[0])
        out.lead.insert(0, local[0].id)

    def _few_postings(self, out: ToolOutcome, reading: Interpretation, result: Any) -> None:
        """Too few postings for a median (figures are withheld below the minimum) are still postings a person can
        read: "any ML engineer postings in Brazil? which companies, what pay?" gets the three that exist."""
        few = next((s.n for s in result.sources if s.source == "postings" and s.status == "too_few" and s.n), 0)
        if not few:
            return
        have = {e.id for e in out.evidence}
        out.evidence += [e for e in map(posting_evidence, self.search_postings(reading, limit=few).hits)
                         if e.id not in have]

    def read_posting_request(self, request: PostingRequest) -> tuple[Interpretation, list[str]]:
        """A posting search from the library, the CLI or the model, read once (`search_reading`) with this
        index's skills and words; unknown roles, countries or skills raise `NormalizationError`."""
        from advisor.tools.skills import resolve_skill

        return search_reading(request, self.skill_vocabulary(), lambda s: resolve_skill(self.store, s),
                              self.retriever.idf().keys())

    def postings_indexed(self) -> bool:
        return self._postings_not_searchable() is None

    def search_postings(self, reading: Interpretation, have: list[str] | None = None, limit: int = POSTINGS_SHOWN,
                        has_pay: bool = False) -> PostingSearch:
        """The 2023 postings themselves, searched in Chroma with the reading's filters applied there (role class,
        country, remote, pay), a city matched in the posting's location, then the postings listing more of the
        person's skills first (`have`; the skills the question names when not given)."""
        if (not_yet := self._postings_not_searchable()) is not None:
            found = PostingSearch(query=reading.question, filters=posting_filters(reading, has_pay)[1],
                                  skills=reading.skills_named if have is None else have, indexed=False)
            found.notices.append(not_yet)
            return found
        return search_postings_ranked(self.retriever, self.store, reading, have, limit, has_pay)

    def postings(self, reading: Interpretation) -> ToolOutcome:
        """The postings the question asks to see, each one citable sentence, led by the postings themselves."""
        out = ToolOutcome()
        found = self.search_postings(reading)
        out.notices += found.notices
        if not found.indexed:
            return out
        shown = [posting_evidence(h) for h in found.hits]
        out.evidence += shown
        out.lead += [e.id for e in shown]
        scope = f" ({', '.join(found.filters)})" if found.filters else ""
        out.notices.append(f"These are job postings from 2023{scope}." if shown else
                           f"No 2023 posting matches{scope}.")
        return out

    def gap(self, reading: Interpretation, have: list[str], examples: int = 3) -> SkillsGap:
        """The skills most often listed in the role's postings that the person doesn't name, with the shares and
        counts of the posting statistics tool, and example postings ranked by the person's skills."""
        return self._gap(reading, have, examples)[0]

    def _gap(self, reading: Interpretation, have: list[str], examples: int) -> tuple[SkillsGap, Any]:
        """The gap, and the posting statistics result it was read from (whose evidence the answer cites)."""
        from advisor.tools.skills import PostingQuery, posting_stats

        slots = reading.slots
        gap = SkillsGap(role=slots.role or "", have=have)
        if not slots.role:
            gap.message = ("A skills gap needs a role to compare with (e.g. 'what should I learn for data "
                           "engineering jobs?').")
            return gap, None
        query = PostingQuery(role=slots.role, country=slots.countries[0] if slots.countries else None,
                             experience=slots.level, remote=slots.remote, top_k=GAP_POOL, examples=0)
        result = posting_stats(query, self.store)
        if not result.ok:
            gap.message = result.message
            return gap, result
        gap.filter_text, gap.population = result.filter_text, result.population
        stats = [SkillGap(skill=s.skill, postings=s.postings, population=s.population, share=s.share)
                 for s in result.skills]
        gap.missing = [s for s in stats if s.skill not in have][:GAP_SHOWN]
        gap.have_shares = [s for s in stats if s.skill in have]
        gap.evidence_ids = [s.evidence_id for s in result.skills if s.skill in {g.skill for g in gap.missing}]
        if examples and self.postings_indexed():
            gap.examples = self.search_postings(reading, have + [g.skill for g in gap.missing], examples).hits
        return gap, result

    def skills_gap(self, reading: Interpretation) -> ToolOutcome:
        """"I know Python and SQL — what should I learn for data engineering?": the missing skills' shares lead,
        one sentence with every share and count, then two or three postings as examples."""
        out = ToolOutcome()
        gap, stats_result = self._gap(reading, reading.skills_had, 3)
        if not gap.ok:
            out.notices.append(gap.message or f"Every skill often listed in {gap.filter_text} is one you named.")
            return out
        stats = {e.id: e for e in stats_result.evidence()}
        listed = "; ".join(f"{g.skill} in {g.share_text} ({g.postings:,} of {g.population:,})" for g in gap.missing)
        summary = Evidence(
            id=f"{stats_result.summary_evidence_id}:gap:{','.join(gap.have)}",
            text=(f"In {gap.filter_text} ({gap.population:,} postings), the skills most often listed that you "
                  f"didn't name are {listed}."), source=stats_result.dataset,
            title=stats[gap.evidence_ids[0]].title if gap.evidence_ids else stats_result.dataset,
            kind="posting_stats", locator=stats_result.filter,
            metadata={"subject": gap.filter_text, "n": gap.population, "population": gap.population})
        out.evidence.append(summary)  # each skill's own share is in it: their rows would say it again
        out.lead.append(summary.id)
        shown = [posting_evidence(h) for h in gap.examples]
        out.evidence += shown
        out.lead += [e.id for e in shown]
        out.charts.append({"kind": "skill_shares", "title": f"Skills you didn't name, in {gap.role} postings (2023)",
                           "rows": [{"source": stats_result.dataset, "label": g.skill, "share": g.share,
                                     "count": g.postings, "n": g.population} for g in gap.missing]})
        out.notices.append(f"Shares are of 2023 job postings ({gap.filter_text}); you named: "
                           f"{', '.join(gap.have) or 'no skills the postings list'}.")
        return out

    def role_move(self, reading: Interpretation) -> ToolOutcome:
        """"I'm a data analyst, how do I move into data engineering?": the skills data engineer postings list far
        more often than analyst postings lead, each with both shares."""
        from advisor.tools.role_move import RoleMoveQuery, compare_role_skills

        out = ToolOutcome()
        slots = reading.slots
        if not (reading.move_from and slots.role):
            return out
        query = RoleMoveQuery(from_role=reading.move_from, to_role=slots.role,
                              country=slots.countries[0] if slots.countries else None)
        result = compare_role_skills(query, self.store)
        if not result.ok and query.country:  # too few postings there: every country's, said so
            result = compare_role_skills(query.model_copy(update={"country": None}), self.store)
            if result.ok:
                out.notices.append(_every_country(query.country, "postings of the two roles to compare their skills"))
        return _one_sentence(out, result)

    def _postings_not_searchable(self) -> str | None:
        """Why posting search can't answer yet, in one sentence (None when it can): the postings are switched
        off, or their ingest stage has not finished (a search over part of them would miss postings silently)."""
        from advisor.index import POSTINGS

        state = self.retriever.index.collection_state(POSTINGS)
        if state is None or (state.total == 0 and state.complete):
            return ("The 2023 postings are not in the search index yet (they are embedded by `advisor ingest` with "
                    "ADVISOR_INCLUDE_POSTINGS on), so I can't list postings; the figures below are from the other "
                    "sources.")
        if not state.complete:
            return (f"The 2023 postings are still being added to the search index ({state.progress_text()}), so "
                    "I can't list postings yet; `advisor ingest --status` shows progress.")
        return None

    def company(self, reading: Interpretation) -> ToolOutcome:
        """Posted pay at the employer the question names; the only source with employers is the postings."""
        from advisor.tools.company import CompanyPayQuery, company_pay, compare_employers

        out = ToolOutcome()
        slots = reading.slots
        results = [company_pay(CompanyPayQuery(company=name, role=slots.role), self.store)
                   for name in slots.employers[:MAX_SIDES]]
        if (compared := compare_employers(results)) is not None:  # "capital one vs booz allen: who paid more?"
            out.add_leading([compared])
        for result in results:
            out.add_leading(result.evidence())  # the employer's figures, or how few of its postings there are
            if result.message and not result.evidence():
                out.notices.append(result.message)
            if result.ok:
                out.charts.append({"kind": "salary_ranges", "title": f"Posted pay — {result.filter_text}",
                                   "rows": result.chart_rows()})
        if any(r.ok for r in results) and not all(r.ok for r in results):  # `salary` then adds every employer's
            named = " or ".join(r.query.company for r in results)
            out.notices.append(f"Only the 2023 postings name employers: the other figures are for all employers, "
                               f"not {named}.")
        return out

    def ranking(self, reading: Interpretation) -> ToolOutcome:
        """Job titles ranked by median pay, per source: for questions that name no role but ask which pays most."""
        from advisor.tools.ranking import RoleRankingQuery, rank_roles

        out = ToolOutcome()
        slots, lowest = reading.slots, reading.lowest_first
        experience = slots.level or (f"{slots.years_experience} years" if slots.years_experience else None)
        try:
            query = RoleRankingQuery(country=slots.countries[0] if slots.countries else None,
                                     experience=experience, year=slots.year, remote=slots.remote,
                                     order="lowest" if lowest else "highest",
                                     top=reading.top or 10)
        except ValueError as exc:
            out.notices.append(f"Role ranking: {exc}")
            return out
        result = rank_roles(query, self.store)
        if result.message:
            out.notices.append(result.message)
        out.evidence += result.evidence()
        out.lead += [e.id for e in out.evidence]
        rows = result.chart_rows()
        if rows:
            out.charts.append({"kind": "salary_ranges", "title": f"{'Lowest' if lowest else 'Highest'}-paying roles"
                               + (f", {slots.countries[0]}" if slots.countries else ""), "rows": rows})
        return out

    def posting_count(self, reading: Interpretation) -> ToolOutcome:
        """How many postings match the role (each role compared: "DE or DS, and who's hiring?"), country and
        remote asked, with the largest groups where asked."""
        from advisor.tools.posting_counts import PostingBreakdown, PostingCountQuery, count_postings

        out = ToolOutcome()
        slots = reading.slots
        # each role compared, and each grouping asked ("where are they, and which boards carry them?")
        for role, by in itertools.product(slots.roles or [slots.role], reading.breakdowns or [reading.breakdown]):
            by_country = by is PostingBreakdown.COUNTRY  # the countries named are ranked, not filtered on
            query = PostingCountQuery(role=role, named=slots.countries if by_country else [],
                                      country=slots.countries[0] if slots.countries and not by_country else None,
                                      remote=slots.remote, by=by, top=reading.top or 5,
                                      pay=reading.pay_by_group and by is not None,
                                      by_pay=reading.groups_by_pay and by is not None,
                                      min_n=reading.min_postings or PAY_RANK_MIN_N)
            _one_sentence(out, count_postings(query, self.store))
        return out

    def country_ranking(self, reading: Interpretation) -> ToolOutcome:
        """Countries ranked by the survey's median pay for the role asked ("which countries pay data engineers
        the most, outside the US?"), leaving out the countries the question leaves out."""
        from advisor.tools.country_pay import CountryPayQuery, rank_countries_by_pay

        slots = reading.slots
        query = CountryPayQuery(role=slots.role, experience=slots.level, year=slots.year,
                                exclude=reading.countries_left_out, top=reading.top or 5)
        return _one_sentence(ToolOutcome(), rank_countries_by_pay(query, self.store))

    def pay_trend(self, reading: Interpretation) -> ToolOutcome:
        """How the role's survey median moved year by year ("still going up or plateaued?"), for the country and
        level asked, or every survey title when no role is named ("did pay crash this year?")."""
        from advisor.tools.pay_trend import PayTrendQuery, pay_by_year

        slots = reading.slots
        query = PayTrendQuery(role=slots.role, country=slots.countries[0] if slots.countries else None,
                              experience=slots.level)
        out = ToolOutcome()
        if reading.postings_years_lacked:  # "since the postings run 2020 to 2025, ...": they don't, so it's said
            out.notices.append(f"The job postings are all from {POSTINGS_YEAR}, so they show no change over the "
                               "years; these are the salary survey's years.")
        return _one_sentence(out, pay_by_year(query, self.store))

    def skill_ranking(self, reading: Interpretation) -> ToolOutcome:
        """Skills ranked by the median pay of the postings that list them ("which skills pay the most?"), for the
        role and country asked, or across all data jobs."""
        from advisor.tools.skill_pay import SkillPayQuery, rank_skills_by_pay

        out = ToolOutcome()
        slots = reading.slots
        query = SkillPayQuery(role=slots.role, country=slots.countries[0] if slots.countries else None,
                              top_k=reading.top or 8,  # "tableau or power bi, which gets more money?": those two
                              skills=reading.skills_named if reading.skills_compared else [],
                              set_aside=reading.skills_set_aside)
        return _one_sentence(out, rank_skills_by_pay(query, self.store))

    def _skill_across_roles(self, skill: str, slots: Slots, pay: bool) -> ToolOutcome:
        """"Is Excel useful for a career in data?": the skill's share in each main data role's postings, side by
        side, instead of one role chosen for the person (Excel is in 38% of analyst postings, 4% of ML ones)."""
        return self._skill_shares([(role, skill, role) for role in SKILL_ROLES], slots, None,
                                  f"'{skill}' in postings by role (2023)", pay)

    def _skills_compared_by_role(self, skills: list[str], slots: Slots) -> ToolOutcome:
        """"aws vs azure vs gcp - which is worth learning?" with no role named: each tool's share of each main
        data role's postings, one line per tool, so the tools are compared where the person might work rather
        than in one role chosen for them."""
        from advisor.tools.skills import PostingQuery, posting_stats

        out = ToolOutcome()
        country = slots.countries[0] if slots.countries else None
        where = f", {country}" if country else ""
        for skill in skills:
            shares, dataset = [], ""
            for role in SKILL_ROLES:
                result = posting_stats(PostingQuery(role=role, country=country, remote=slots.remote, skill=skill,
                                                    examples=0), self.store)
                if result.ok and result.focus is not None:
                    focus, dataset = result.focus, result.dataset
                    shares.append(f"{focus.share_text} of {role} postings "
                                  f"({focus.postings:,} of {result.population:,})")
            if not shares:
                continue
            listed = ", ".join(shares[:-1]) + (" and " if len(shares) > 1 else "") + shares[-1]
            ev = Evidence(id=f"skill-by-role:{skill}:{country or 'all'}:{slots.remote}", source=dataset,
                          text=f"In 2023 data-job postings{where}, '{skill}' is listed in {listed}.",
                          title=f"2023 data-job postings — skill='{skill}' by role{where}", kind="posting_stats",
                          locator=f"skill='{skill}', job_title_short in {', '.join(SKILL_ROLES)}{where}")
            out.evidence.append(ev)
            out.lead.append(ev.id)
        return out

    def _top_skills_by_role(self, slots: Slots, roles: Collection[str] = SKILL_ROLES) -> ToolOutcome:
        """"Which tools do data job ads in Singapore ask for most?" with no role named: each main data role's
        most listed skills there, a line per role with enough postings, rather than one role chosen for them (or
        the articles' AI-engineer shares, which are about no place)."""
        from advisor.tools.skills import PostingQuery, posting_stats

        out = ToolOutcome()
        country = slots.countries[0] if slots.countries else None
        where = ", ".join(x for x in (f"in {country}" if country else "", "remote" if slots.remote else "") if x)
        for role in roles:
            result = posting_stats(PostingQuery(role=role, country=country, remote=slots.remote, examples=0),
                                   self.store)
            if not result.ok or not result.skills:
                continue
            top = ", ".join(f"{s.skill} ({s.share_text})" for s in result.skills[:5])
            postings = " ".join(x for x in (f"2023 {role} postings", where) if x)
            ev = Evidence(id=f"top-skills-by-role:{role}:{country or 'all'}:{slots.remote}", source=result.dataset,
                          text=f"In {postings} ({result.population:,} postings), the most listed "
                               f"skills were {top}.", title=f"2023 data-job postings — {role}, {where}",
                          kind="posting_stats", locator=result.filter)
            out.evidence.append(ev)
            out.lead.append(ev.id)
        return out

    def _skills_side_by_side(self, skills: list[str], slots: Slots, pay: bool) -> ToolOutcome:
        """"Tableau or Power BI for data analysts?": each skill's share of the role's postings (and its pay,
        where pay is asked)."""
        role = slots.role or ""
        return self._skill_shares([(role, skill, skill) for skill in skills], slots, slots.level,
                                  f"Skills compared in {role} postings (2023)", pay)

    def _skill_shares(self, lookups: list[tuple[str, str, str]], slots: Slots, experience: str | None,
                      title: str, pay: bool = True) -> ToolOutcome:
        """One focused posting lookup per (role, skill, chart label): each share leads, one chart holds them; skills
        compared in one role's postings lead with which is listed more often."""
        from advisor.agent.compare import skill_share_verdict
        from advisor.tools.skills import PostingQuery, posting_stats

        out = ToolOutcome()
        rows: list[dict[str, Any]] = []
        shares: list[tuple[str, float, Evidence]] = []  # of one role's postings: compared in one sentence
        postings = ""
        for role, skill, label in lookups:
            try:
                query = PostingQuery(role=role, country=slots.countries[0] if slots.countries else None,
                                     experience=experience, remote=slots.remote, skill=skill, examples=0)
            except ValueError as exc:
                out.notices.append(f"Posting statistics: {exc}")
                return out
            result = posting_stats(query, self.store)
            if not result.ok or result.focus is None:
                if result.message and result.message not in out.notices:
                    out.notices.append(result.message)
                continue
            ev = next((e for e in result.evidence(pay) if e.id == result.focus.evidence_id), None)
            if ev is not None:
                out.evidence.append(ev)
                out.lead.append(ev.id)
                shares.append((skill, result.focus.share, ev))
                postings = result.filter_text
            rows.append({"source": result.dataset, "label": label, "share": result.focus.share,
                         "count": result.focus.postings, "n": result.population})
        if len({role for role, _, _ in lookups}) == 1 and (verdict := skill_share_verdict(shares, postings)):
            out.evidence.insert(0, verdict)  # "which is asked for more?": the answer, then each share
            out.lead.insert(0, verdict.id)
        if rows:
            out.charts.append({"kind": "skill_shares", "title": title, "rows": rows})
        return out

    def data_coverage(self, reading: Interpretation) -> ToolOutcome:
        """What the data sets named hold (every one when none is named): rows, years and countries, so "is the
        survey mostly 2025 data?" is answered from the survey's own counts."""
        from advisor.tools.data_coverage import CoverageQuery, Dataset, describe_datasets

        named = {Source.SURVEY: Dataset.SURVEY, Source.POSTINGS: Dataset.POSTINGS, Source.OFFICIAL: Dataset.BLS}
        query = CoverageQuery(datasets=[named[s] for s in reading.sources_named] or list(Dataset),
                              countries=reading.slots.countries, whole_too=reading.share_in_words)
        out = ToolOutcome()
        out.add_leading(describe_datasets(query, self.store))
        return out

    def employment(self, reading: Interpretation) -> ToolOutcome:
        """How many people the BLS counts in the role's occupations, each May, and the change: the headcount
        leads (the pay figures, if asked too, follow)."""
        from advisor.tools.employment import EmploymentQuery, employment_lookup

        out = ToolOutcome()
        for role in reading.slots.roles or [reading.slots.role or ""]:  # "which has more jobs?": each side's
            result = employment_lookup(EmploymentQuery(role=role), self.store)
            if result.evidence or not result.message:
                out.note([result.message, *result.notes])
            else:  # no count for this role: what a headcount-only question is answered with, first
                out.shortfall.append(result.message)
                out.note(result.notes)
            out.add_leading(result.evidence)
        return out

    def conditions(self, reading: Interpretation) -> ToolOutcome:
        """Remote, degree, health-insurance and full-time shares of the postings, for the role (each role
        compared: "which one is easier to get into without a masters?") or all data jobs."""
        out = ToolOutcome()
        slots = reading.slots
        if slots.level and not slots.role:
            out.notices.append("Postings are classed by job title, so a level needs a role (e.g. 'junior data "
                               "analyst'); these shares are for all levels.")
        for role in slots.roles or [slots.role]:
            self._conditions_of(out, reading, role)
        if "remote" in reading.conditions_named and _over_time(reading):
            self._remote_over_time(out, reading)
        return out

    def _remote_over_time(self, out: ToolOutcome, reading: Interpretation) -> None:
        """"Is remote dying?": the survey's fully remote share by year, after the postings' one year."""
        from advisor.tools.remote_trend import RemoteTrendQuery, remote_share_by_year

        slots = reading.slots
        country = slots.countries[0] if slots.countries else None
        result = remote_share_by_year(RemoteTrendQuery(role=slots.role, country=country), self.store)
        if not result.ok and country:  # too few there per year: every country's trend, said as such
            out.notices.append(f"{result.message} These are the survey's shares for every country.")
            result = remote_share_by_year(RemoteTrendQuery(role=slots.role), self.store)
        _one_sentence(out, result)

    def _conditions_of(self, out: ToolOutcome, reading: Interpretation, role: str | None) -> None:
        """One role's (or all data jobs') condition shares, added to `out`."""
        from advisor.tools.conditions import PostingConditionsQuery, condition_by_title, posting_conditions
        from advisor.tools.posting_counts import PostingBreakdown

        slots = reading.slots
        try:
            query = PostingConditionsQuery(role=role, country=slots.countries[0] if slots.countries else None,
                                           experience=slots.level if role else None,
                                           asked=reading.conditions_named)
        except ValueError as exc:
            out.notices.append(f"Posting conditions: {exc}")
            return
        if reading.breakdown is PostingBreakdown.TITLE and not role:  # "which roles are most often remote?"
            _one_sentence(out, condition_by_title(query, self.store))
        result = posting_conditions(query, self.store)
        out.note([result.message, *(result.notes if reading.has(Ask.BENEFITS) else [])])
        out.add_leading(result.evidence())
        if result.ok:
            out.charts.append({"kind": "skill_shares", "title": f"Posting conditions — {result.filter_text} (2023)",
                               "rows": result.chart_rows()})

    def _unlisted(self, tools: list[str]) -> list[str]:
        """The tools named that the postings' skill lists don't have ("langchain"): the articles speak of them."""
        listed = set(self.skill_vocabulary())
        return [t for t in tools if t not in listed]

    def skill_vocabulary(self) -> list[str]:
        """The skill names the postings list (what `interpret` matches a question's skills against)."""
        return list(self.store.skill_vocabulary())

    def skills(self, reading: Interpretation) -> ToolOutcome:
        """Top skills of the role's postings as one citable sentence, plus the tool's own evidence."""
        from advisor.tools.skills import PostingQuery, posting_stats

        out = ToolOutcome()
        slots, named = reading.slots, reading.skills_named
        skill = next(iter(named), None) or slots.skill
        pay = reading.has(Ask.PAY) or reading.has(Ask.SKILL_PAY)  # else a skill's pay with and without it pads
        if (across := self._across_or_everywhere(reading, skill, pay)) is not None:
            if reading.skills_compared and slots.role and reading.has(Ask.SKILL_LIST):
                self._role_top_list(across, reading)  # "... and what else shows up a lot?"
            return across
        role = slots.role or "machine learning engineer"
        try:
            query = PostingQuery(role=role, country=slots.countries[0] if slots.countries else None,
                                 experience=slots.level, remote=slots.remote, skill=skill, examples=3)
        except ValueError as exc:
            out.notices.append(f"Posting statistics: {exc}")
            return out
        result = posting_stats(query, self.store)
        if not result.ok and query.country and result.population:
            result = self._skills_everywhere(out, query, result.population)  # one posting in Nigeria: every country's
        if result.message:
            out.notices.append(result.message)
        if not result.ok or (reading.has(Ask.HOW_TO) and result.population < MIN_ADVICE_POSTINGS):
            return out  # a role with few postings: what to learn comes from the articles
        unlisted = [] if skill else self._unlisted(reading.tools_unlisted)
        # "what share need RAG skills?": the articles answer; the role's postings count and other skills' shares
        # would answer another question
        evidence = [] if unlisted else result.evidence(pay)
        if result.focus is not None and result.focus.evidence_id:
            out.lead.append(result.focus.evidence_id)  # "how often do postings ask for SQL?": that share first
        self._top_skills(out, reading, result, skill, evidence, unlisted)
        if reading.has(Ask.SKILL_LIST) and not skill and out.lead:
            evidence = []  # the list answers; one skill's share again, or the postings' pay, would pad it
        out.evidence += evidence
        rows = result.chart_rows()
        if rows:
            out.charts.append({"kind": "skill_shares", "title": f"Top skills in {role} postings (2023)", "rows": rows})
        return out

    def _skills_everywhere(self, out: ToolOutcome, query: Any, found: int) -> Any:
        """The role's skills in every country's postings, where the country asked has too few for shares (one
        BI-analyst posting in Nigeria): what a role's postings ask for travels better than its pay, and the
        reader is told whose postings these are."""
        from advisor.tools.salary import fmt_n
        from advisor.tools.skills import posting_stats

        result = posting_stats(query.model_copy(update={"country": None}), self.store)
        if result.ok:
            out.notices.append(_every_country(query.country, f"postings of this role ({fmt_n(found)} of them) for "
                                                             "skill shares"))
        return result

    def _role_top_list(self, out: ToolOutcome, reading: Interpretation) -> None:
        """The role's most listed skills after the named skills' shares: what else its postings ask for."""
        from advisor.tools.skills import PostingQuery, posting_stats

        slots = reading.slots
        query = PostingQuery(role=slots.role, country=slots.countries[0] if slots.countries else None,
                             experience=slots.level, remote=slots.remote)
        result = posting_stats(query, self.store)
        if result.ok:
            self._top_skills(out, reading, result, None, [], [])

    def _across_or_everywhere(self, reading: Interpretation, skill: str | None, pay: bool) -> ToolOutcome | None:
        """`_across`, in every country's postings where the country asked has too few for any share (a handful
        of data jobs in Nigeria), with a note that says whose postings these are."""
        across = self._across(reading, skill, pay)
        country = reading.slots.countries[0] if reading.slots.countries else None
        if across is None or across.evidence or country is None:
            return across
        anywhere = reading.model_copy(update={"slots": replace(reading.slots, countries=[])})
        everywhere = self._across(anywhere, skill, pay)
        if everywhere is None or not everywhere.evidence:
            return across
        everywhere.notices.insert(0, _every_country(country, "data jobs for skill shares"))
        return everywhere

    def _across(self, reading: Interpretation, skill: str | None, pay: bool) -> ToolOutcome | None:
        """The answers that span several skills or roles, not one role's list: skills compared (in each data
        role when none is named), one skill with no role, and a place's data jobs with no role ("which tools do
        data jobs in Singapore ask for?"); None for one role's skills."""
        slots, named = reading.slots, reading.skills_named
        if reading.skills_compared and not slots.role:
            return self._skills_compared_by_role(named[:3], slots)
        if skill and not slots.role:
            return self._skill_across_roles(skill, slots, pay)
        if reading.skills_compared:
            return self._skills_side_by_side(named[:3], slots, pay)
        if len(slots.roles) >= 2 and not skill:  # "business analyst vs data analyst: which needs more skills?"
            return self._top_skills_by_role(slots, slots.roles)
        if not slots.role and not skill and (slots.countries or slots.remote):
            return self._top_skills_by_role(slots)
        return None

    @staticmethod
    def _top_skills(out: ToolOutcome, reading: Interpretation, result: Any, skill: str | None,
                    evidence: list[Evidence], unknown: list[str]) -> None:
        """The role's top skills as one citable sentence, unless one skill was asked about ("how often is SQL
        asked for?": its share answers, and the list would pad) or the skill asked is not in the 2023 skill lists
        ("what share need RAG skills?": the articles answer, and the role's list would answer another question)."""
        if unknown:
            out.notices.append(f"The 2023 postings' skill lists don't include {', '.join(unknown)}; the figures "
                               "for it come from the articles.")
        if not result.skills or unknown or (skill and not reading.has(Ask.SKILL_LIST)):
            return
        top = ", ".join(f"{s.skill} ({s.share_text})" for s in result.skills[:8])
        summary = next((e for e in evidence if e.id == result.summary_evidence_id), None)
        out.evidence.append(Evidence(
            id=f"{result.summary_evidence_id or 'skills'}:top",
            text=(f"In {result.filter_text} ({result.population:,} postings), the most requested skills "
                  f"were {top} (share of postings listing each skill)."),
            source=result.dataset, title=summary.title if summary else result.dataset, kind="posting_stats",
            locator=result.filter))
        if reading.has(Ask.SKILL_LIST):  # "which skills...?" — not "what share ask for AI agents?"
            out.lead.append(out.evidence[-1].id)

    # -- LLM tool calling -------------------------------------------------------------
    def langchain_tools(self) -> list[Any]:
        """The data tools and corpus search as LangChain tools; each returns (text for the model, evidence artifact)."""
        from langchain_core.tools import StructuredTool
        from pydantic import BaseModel, Field

        from advisor.tools.company import make_company_tool
        from advisor.tools.conditions import make_conditions_tool
        from advisor.tools.country_pay import make_country_pay_tool
        from advisor.tools.pay_trend import make_pay_trend_tool
        from advisor.tools.posting_counts import make_posting_count_tool
        from advisor.tools.ranking import make_ranking_tool
        from advisor.tools.remote_trend import make_remote_trend_tool
        from advisor.tools.role_move import make_role_move_tool
        from advisor.tools.salary import make_salary_tool
        from advisor.tools.skill_pay import make_skill_pay_tool
        from advisor.tools.skills import make_posting_stats_tool

        class SearchArgs(BaseModel):
            query: str = Field(description="What to look for in the articles and BLS wage tables, in English.")

        def search_corpus(query: str) -> tuple[str, list[Evidence]]:
            hits = self.search(query, self.settings.top_k)
            return "\n\n".join(f"({e.source}) {e.text}" for e in hits) or "No passages found.", hits

        search_tool = StructuredTool.from_function(
            func=search_corpus, name="search_corpus", args_schema=SearchArgs,
            description="Search five articles on the AI-engineer job market and the BLS wage tables.",
            response_format="content_and_artifact",
        )
        return [search_tool, make_salary_tool(self.store), make_posting_stats_tool(self.store),
                make_conditions_tool(self.store), make_ranking_tool(self.store), make_company_tool(self.store),
                make_posting_count_tool(self.store), make_skill_pay_tool(self.store),
                make_remote_trend_tool(self.store), make_pay_trend_tool(self.store), make_country_pay_tool(self.store),
                make_role_move_tool(self.store),
                self._find_postings_tool()]

    def _find_postings_tool(self) -> Any:
        """`find_postings` for the model: the 2023 postings themselves, filtered in Chroma, each one evidence."""
        from langchain_core.tools import StructuredTool

        from advisor.data.normalize import NormalizationError

        def find_postings(query: str, country: str | None = None, remote: bool | None = None,
                          skills: list[str] | None = None, limit: int = 5) -> tuple[str, list[Evidence]]:
            request = PostingRequest(query=query, country=country, remote=remote, skills=skills, limit=limit)
            try:
                reading, have = self.read_posting_request(request)
            except NormalizationError as exc:
                return exc.message, []
            found = self.search_postings(reading, have, request.limit)
            shown = [posting_evidence(h) for h in found.hits]
            lines = [found.filter_line(), *found.notices] + [f"- {e.text} (row {h.row})"
                                                             for e, h in zip(shown, found.hits, strict=True)]
            return "\n".join(lines if shown else [*lines, "No posting matches."]), shown

        return StructuredTool.from_function(
            func=find_postings, name="find_postings", args_schema=FindPostingsArgs,
            description="Search the 2023 data-job postings themselves (company, title, place, month, pay, skills), "
                        "filtered by role, country and remote; the person's skills rank the hits.",
            response_format="content_and_artifact",
        )

    def llm_gather(self, backend: Any, question: str, max_steps: int) -> ToolOutcome | None:
        """Let the model choose tools in a loop (at most `max_steps` model turns).

        Returns None when the model calls no tool (e.g. a small model without
        tool support): the caller then routes deterministically.
        """
        from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage

        from advisor.agent.prompts import TOOL_SYSTEM_PROMPT

        tools = {t.name: t for t in self.langchain_tools()}
        model = backend.with_tools(list(tools.values()))
        messages: list[Any] = [SystemMessage(TOOL_SYSTEM_PROMPT), HumanMessage(f"<question>{question}</question>")]
        out = ToolOutcome()
        called = False
        for _ in range(max_steps):
            reply = backend.invoke_with_retry(model, messages)
            messages.append(reply)
            calls = getattr(reply, "tool_calls", None) or []
            if not calls:
                break
            called = True
            for call in calls:
                tool = tools.get(call["name"])
                if tool is None:
                    messages.append(ToolMessage(f"Unknown tool {call['name']!r}.", tool_call_id=call["id"]))
                    continue
                try:
                    msg = tool.invoke({**call, "type": "tool_call"})
                except Exception as exc:  # bad arguments from the model: tell it, keep going
                    messages.append(ToolMessage(f"Tool error: {exc}", tool_call_id=call["id"]))
                    continue
                messages.append(msg)
                self._collect(out, getattr(msg, "artifact", None))
        return out if called else None

    @staticmethod
    def _collect(out: ToolOutcome, artifact: Any) -> None:
        if artifact is None:
            return
        if isinstance(artifact, list):
            new = [e for e in artifact if isinstance(e, Evidence)]
        else:
            new = list(artifact.evidence()) if hasattr(artifact, "evidence") else []
            if getattr(artifact, "message", None):
                out.notices.append(artifact.message)
            rows = artifact.chart_rows() if hasattr(artifact, "chart_rows") else []
            if rows:
                kind = "salary_ranges" if any("median" in r for r in rows) else "skill_shares"
                out.charts.append({"kind": kind, "title": "From the data tools", "rows": rows})
        known = {e.id for e in out.evidence}
        out.evidence += [e for e in new if e.id not in known]
