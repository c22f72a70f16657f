"""The agent's tools: corpus search, salary lookup, posting statistics.

Each returns `Evidence` the composer can quote and the grounding check can
verify, plus chart rows taken from the tool's own numbers. A tool that can't
answer (unknown role, too few records) returns a notice, not an exception, so
the rest of the answer still comes from the articles.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from advisor.agent.interpret import Ask, Interpretation, Source
from advisor.agent.slots import Slots
from advisor.config import Settings
from advisor.retrieval import Retriever
from advisor.types import Evidence

Side = tuple[str, str | None, str | None, bool | None, int | None]  # role, country, level, remote, year


def salary_sides(reading: Interpretation) -> list[Side]:
    """One salary lookup per thing compared: two roles, two years, two countries, two levels, or remote against
    on-site; otherwise the one thing asked about."""
    slots = reading.slots
    # No role we recognise: let the tool's normaliser read the question itself; an unknown role then yields
    # no figures (the articles answer) instead of figures for a default role the person didn't ask about.
    role = slots.role or reading.unknown_role or reading.question
    country0 = slots.countries[0] if slots.countries else None
    level, remote, year = slots.level_phrase, slots.remote, slots.year
    if len(slots.roles) >= 2:
        return [(r, country0, level, remote, year) for r in slots.roles[:3]]
    if len(slots.years) >= 2:
        return [(role, country0, level, remote, y) for y in slots.years[:3]]
    if len(slots.countries) >= 2:
        return [(role, c, level, remote, year) for c in slots.countries[:3]]
    if len(slots.levels) >= 2:
        return [(role, country0, lv, remote, year) for lv in slots.level_phrases[:3]]
    if slots.remote_contrast:
        return [(role, country0, level, on_site, year) for on_site in (True, False)]
    return [(role, country0, level, remote, year)]


def headline_ids(evidence: list[Evidence], reading: Interpretation) -> list[str]:
    """The figures a pay answer opens with: the survey's and BLS's ("what does it pay"), or first the figure of
    the source the question names."""
    preferred = SOURCE_KIND.get(reading.source_first) if reading.source_first else None
    headline = [e for e in evidence if e.kind in ("salary_data", "bls") or e.kind == preferred]
    headline.sort(key=lambda e: e.kind != preferred)
    return [e.id for e in headline]


def _salary_chart(label: str, side: Side, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The salary-ranges chart of one lookup, titled with everything that narrows it."""
    _, country, level, remote, year = side
    where = ", ".join(x for x in (country, level, {True: "remote", False: "on-site"}.get(remote),
                                  str(year) if year else None) if x)
    return {"kind": "salary_ranges", "title": f"Salary ranges — {label}" + (f", {where}" if where else ""),
            "rows": rows}


POSTING_CANDIDATES = 40  # postings searched before the city and skills narrow them
POSTINGS_SHOWN = 4
YEARLY_PAY = "a year (yearly)"  # how a posting's text says its pay was posted as a yearly figure (advisor.corpus)


MAX_SKILLS_SHOWN = 6


def listed_skills(posting: Evidence) -> list[str]:
    """The skills a posting lists, whole names ("spark", not the "spark" inside "pyspark")."""
    skills = posting.text.rstrip(".").partition(" Skills: ")[2]
    return [s.strip() for s in skills.split(",") if s.strip() and s.strip() != "none listed"]


def one_line(posting: Evidence, asked: list[str]) -> Evidence:
    """A posting as one sentence (one claim, one citation): title, employer, place, schedule, date, pay, and
    its skills with the ones asked about first and the list cut short."""
    head = posting.text.rstrip(".").partition(" Skills: ")[0]
    listed = listed_skills(posting)
    ordered = [s for s in listed if s in asked] + [s for s in listed if s not in asked]
    more = len(ordered) - MAX_SKILLS_SHOWN
    skill_text = ", ".join(ordered[:MAX_SKILLS_SHOWN]) + (f" and {more} more" if more > 0 else "")
    body = "; ".join(part.strip() for part in head.rstrip(". ").split(". ") if part.strip())
    body = body.replace(f" {YEARLY_PAY}", " a year").replace(" (hourly x 2,080),", ",")  # how pay was read
    return Evidence(id=posting.id, text=f"{body}; skills: {skill_text or 'none listed'}.", source=posting.source,
                    title=posting.title, kind="posting", score=posting.score, locator=posting.locator,
                    metadata=dict(posting.metadata))


def posting_filters(reading: Interpretation, classes: Collection[str] | None = None
                    ) -> tuple[dict[str, Any] | None, list[str]]:
    """The Chroma `where` for the reading (role class, country, remote, minimum pay) and the same in words.
    `classes`: the postings' role classes, where known; a "Senior ..." class they lack ("Senior Machine Learning
    Engineer") is not asked for (a filter on it finds nothing), so a senior ML search keeps the one class."""
    from advisor.data.normalize import resolve_role

    slots, conds, words = reading.slots, [], []
    if slots.role:
        base = resolve_role(slots.role).postings_short_titles
        # the postings class seniors apart ("Senior Data Engineer"): a level picks one side, no level takes both
        senior = [f"Senior {t}" for t in base
                  if not t.startswith("Senior") and (classes is None or f"Senior {t}" in classes)]
        titles = senior if slots.level in ("senior", "lead") and senior else \
            base if slots.level in ("junior", "mid") else base + senior
        if titles:
            conds.append({"role": {"$in": titles}})
            words.append(" or ".join(titles))
    if slots.countries:
        conds.append({"country": slots.countries[0]})
        words.append(f"in {slots.cities[0] if slots.cities else slots.countries[0]}")
    if slots.remote:
        conds.append({"remote": True})
        words.append("remote")
    if reading.pay_floor:
        conds.append({"salary_year": {"$gte": reading.pay_floor}})
        words.append(f"paying at least ${reading.pay_floor:,.0f} a year")
    where = None if not conds else conds[0] if len(conds) == 1 else {"$and": conds}
    return where, words


@dataclass
class PostingHits:
    """A posting search's best hits (raw posting evidence), its filters in words, and what narrowing fell short."""

    hits: list[Evidence]
    words: list[str]
    notices: list[str] = field(default_factory=list)


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


def search_postings_ranked(retriever: Retriever, reading: Interpretation, k: int = POSTINGS_SHOWN,
                           classes: Collection[str] | None = None) -> PostingHits:
    """The product's posting search, callable without the graph (the tool, the library, the evals and bench):
    the reading's filters applied inside Chroma (role, country, remote, a minimum pay), dense search over
    `POSTING_CANDIDATES`, a city matched in the posting's location, then re-ranked by how many of the skills
    named each lists."""
    where, words = posting_filters(reading, classes)
    hits = retriever.search_postings(reading.question, k=POSTING_CANDIDATES, where=where)
    notices: list[str] = []
    city = reading.slots.cities[0].lower() if reading.slots.cities else None
    if city:
        in_city = [e for e in hits if city in e.text.lower()]
        if not in_city and hits:
            notices.append(f"None of the matching 2023 postings is in {reading.slots.cities[0]}; these are "
                           f"elsewhere in {reading.slots.countries[0]}.")
        hits = in_city or hits
    skills = reading.skills_named
    # a pay floor is met exactly by a posted yearly salary; an hourly rate x 2,080 hours is an estimate (contracts
    # rarely run a full year), so those come after, among postings listing as many of the skills named
    hits.sort(key=lambda e: (-len(set(skills) & set(listed_skills(e))),
                             bool(reading.pay_floor) and YEARLY_PAY not in e.text))
    return PostingHits(hits[:k], words, notices)


# What each pay source measures: why the same role's figures differ between them.
SOURCE_MEANING = {
    "salary_data": "the salary survey is what its respondents reported (mostly US, 2020–2025)",
    "posting_stats": "the postings show what employers advertised in 2023 (base pay only)",
    "bls": "BLS counts US employees' wages without bonuses or stock",
}
SOURCE_NOUN = {"salary_data": "survey", "posting_stats": "postings", "bls": "BLS"}
DIFFER_BY = 0.25  # medians further apart than this (relative to the lower) need a word on why
SMALL_SAMPLE = 30  # below this many rows a median is rough


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


def _city_notice(slots: Slots) -> str:
    """What a city in the question means for the figures: the data has countries only."""
    by_country: dict[str, list[str]] = {}
    for city, country in zip(slots.cities, slots.city_countries, strict=True):
        by_country.setdefault(country, []).append(city)
    parts = []
    for country, cities in by_country.items():
        if len(cities) > 1:
            parts.append(f"{' and '.join(cities)} can't be told apart (both are {country})")
        else:
            parts.append(f"the figures for {cities[0]} are for {country} as a whole")
    return "The salary data has countries, not cities: " + "; ".join(parts) + "."


# The roles a skill is compared across when the question names no role ("Is Excel worth learning?").
SOURCE_KIND = {Source.SURVEY: "salary_data", Source.POSTINGS: "posting_stats", Source.OFFICIAL: "bls"}
SKILL_ROLES = ("data analyst", "data scientist", "data engineer", "machine learning engineer")


@dataclass
class ToolOutcome:
    evidence: list[Evidence] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)  # ids of the headline statistics the answer opens with
    charts: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


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
            return self._store

    def search(self, query: str, k: int = 6) -> list[Evidence]:
        return self.retriever.search(query, k=k)

    def salary(self, reading: Interpretation) -> ToolOutcome:
        """One lookup per thing compared, each source side by side.

        A comparison names two roles ("data engineer or ML engineer?"), two countries ("Germany compared with the
        UK"), two levels ("junior vs senior") or remote against on-site ("do remote jobs pay less?"): each side
        gets its own lookup, so the answer puts the two medians next to each other instead of answering for one
        side only.
        """
        from advisor.tools.salary import SalaryQuery, salary_lookup

        out = ToolOutcome()
        question, slots = reading.question, reading.slots
        sides = salary_sides(reading)
        seen: set[str] = set()
        for role, country, level, remote, year in sides:
            try:
                query = SalaryQuery(role=role, country=country, experience=level,
                                    years_experience=slots.years_experience, year=year, remote=remote)
            except ValueError as exc:  # pydantic: a filter the schema rejects
                out.notices.append(f"Salary lookup: {exc.errors()[0]['msg'] if hasattr(exc, 'errors') else exc}")
                continue
            result = salary_lookup(query, self.store)
            if role == question and not result.ok and result.filters is None:
                # no role in the question: say so, instead of quoting the whole question back as an unknown role
                out.notices.append("Salary figures need a role (e.g. 'data engineer', 'ML engineer'); the question "
                                   "names none the salary data knows.")
                break
            if result.message and result.message not in out.notices:
                out.notices.append(result.message)
            if not result.ok:
                continue
            evidence = [e for e in result.evidence() if e.kind != "posting" and e.id not in seen]
            seen |= {e.id for e in evidence}
            out.evidence += evidence
            out.lead += headline_ids(evidence, reading)[: 2 if len(sides) == 1 else 1]
            if (why := why_they_differ(evidence)) and why not in out.notices:
                out.notices.append(why)
            if rows := result.chart_rows():
                label = result.filters.role.label if result.filters else role
                out.charts.append(_salary_chart(label, (role, country, level, remote, year), rows))
        if slots.cities and out.evidence:
            out.notices.append(_city_notice(slots))
        return out

    def postings(self, reading: Interpretation) -> ToolOutcome:
        """The 2023 postings themselves (`search_postings_ranked`), each as one citable line."""
        out = ToolOutcome()
        if not self.retriever.index.manifest().get("collections", {}).get("postings", {}).get("total"):
            out.notices.append("The 2023 postings are not in the search index yet (they are embedded by `advisor "
                               "ingest` with ADVISOR_INCLUDE_POSTINGS on), so I can't list postings; the figures "
                               "below are from the other sources.")
            return out
        found = search_postings_ranked(self.retriever, reading, POSTINGS_SHOWN, self.store.postings_short_titles())
        shown = [one_line(e, reading.skills_named) for e in found.hits]
        out.evidence += shown
        out.lead += [e.id for e in shown]
        out.notices += found.notices
        scope = f" ({', '.join(found.words)})" if found.words else ""
        out.notices.append(f"These are job postings from 2023{scope}." if shown else
                           f"No 2023 posting matches{scope}.")
        return out

    def company(self, reading: Interpretation) -> ToolOutcome:
        """Posted pay at the employer the question names; the only source with employers is the postings."""
        from advisor.tools.company import CompanyPayQuery, company_pay

        out = ToolOutcome()
        slots = reading.slots
        if not slots.company:
            return out
        result = company_pay(CompanyPayQuery(company=slots.company, role=slots.role), self.store)
        out.evidence += result.evidence()  # the employer's figures, or how few of its postings there are
        out.lead += [e.id for e in out.evidence]
        if result.message and not out.evidence:
            out.notices.append(result.message)
        if result.ok:
            out.charts.append({"kind": "salary_ranges", "title": f"Posted pay — {result.filter_text}",
                               "rows": result.chart_rows()})
            out.notices.append(f"Only the 2023 postings name employers: the other figures are for all employers, "
                               f"not {slots.company}.")
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

    def _skill_across_roles(self, skill: str, slots: Slots) -> ToolOutcome:
        """"Is Excel useful for a career in data?": the skill's share in each main data role's postings, side by
        side, instead of one role chosen for the person (Excel is in 38% of analyst postings, 4% of ML ones)."""
        return self._skill_shares([(role, skill, role) for role in SKILL_ROLES], slots, None,
                                  f"'{skill}' in postings by role (2023)")

    def _skills_side_by_side(self, skills: list[str], slots: Slots) -> ToolOutcome:
        """"Tableau or Power BI for data analysts?": each skill's share of the role's postings, and its pay."""
        role = slots.role or ""
        return self._skill_shares([(role, skill, skill) for skill in skills], slots, slots.level_phrase,
                                  f"Skills compared in {role} postings (2023)")

    def _skill_shares(self, lookups: list[tuple[str, str, str]], slots: Slots, experience: str | None,
                      title: str) -> ToolOutcome:
        """One focused posting lookup per (role, skill, chart label): each share leads, one chart holds them."""
        from advisor.tools.skills import PostingQuery, posting_stats

        out = ToolOutcome()
        rows: list[dict[str, Any]] = []
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
            ev = next((e for e in result.evidence() if e.id == result.focus.evidence_id), None)
            if ev is not None:
                out.evidence.append(ev)
                out.lead.append(ev.id)
            rows.append({"source": result.dataset, "label": label, "share": result.focus.share,
                         "count": result.focus.postings, "n": result.population})
        if rows:
            out.charts.append({"kind": "skill_shares", "title": title, "rows": rows})
        return out

    def conditions(self, reading: Interpretation) -> ToolOutcome:
        """Remote, degree, health-insurance and full-time shares of the postings, for the role or all data jobs."""
        from advisor.tools.conditions import PostingConditionsQuery, posting_conditions

        out = ToolOutcome()
        slots = reading.slots
        try:
            query = PostingConditionsQuery(role=slots.role, country=slots.countries[0] if slots.countries else None,
                                           experience=slots.level_phrase if slots.role else None)
        except ValueError as exc:
            out.notices.append(f"Posting conditions: {exc}")
            return out
        if slots.level and not slots.role:
            out.notices.append("Postings are classed by job title, so a level needs a role (e.g. 'junior data "
                               "analyst'); these shares are for all levels.")
        result = posting_conditions(query, self.store)
        if result.message:
            out.notices.append(result.message)
        if reading.has(Ask.BENEFITS):
            out.notices += result.notes
        out.evidence += result.evidence()
        out.lead += [e.id for e in out.evidence]
        if result.ok:
            out.charts.append({"kind": "skill_shares", "title": f"Posting conditions — {result.filter_text} (2023)",
                               "rows": result.chart_rows()})
        return out

    def skill_vocabulary(self) -> list[str]:
        """The skill names the postings list (what `interpret` matches a question's skills against)."""
        return list(self.store.skill_vocabulary())

    def skills(self, reading: Interpretation) -> ToolOutcome:
        """Top skills of the role's postings as one citable sentence, plus the tool's own evidence."""
        from advisor.tools.skills import PostingQuery, posting_stats

        out = ToolOutcome()
        slots, named = reading.slots, reading.skills_named
        skill = next(iter(named), None) or slots.skill
        if skill and not slots.role:
            return self._skill_across_roles(skill, slots)
        if reading.skills_compared:
            return self._skills_side_by_side(named[:3], slots)
        role = slots.role or "machine learning engineer"
        try:
            query = PostingQuery(role=role, country=slots.countries[0] if slots.countries else None,
                                 experience=slots.level_phrase, remote=slots.remote, skill=skill, examples=3)
        except ValueError as exc:
            out.notices.append(f"Posting statistics: {exc}")
            return out
        result = posting_stats(query, self.store)
        if result.message:
            out.notices.append(result.message)
        if not result.ok:
            return out
        evidence = result.evidence()
        if result.focus is not None and result.focus.evidence_id:
            out.lead.append(result.focus.evidence_id)  # "how often do postings ask for SQL?": that share first
        # "what share need RAG skills?": a skill the 2023 skill lists don't have is answered by the articles, and
        # the role's top-skills list would answer another question ("which skills?")
        unknown = [] if skill else reading.tools_unlisted
        if unknown:
            out.notices.append(f"The 2023 postings' skill lists don't include {', '.join(unknown)}; the figures "
                               "for it come from the articles.")
        # one skill asked about ("how often is SQL asked for?"): its share answers; the top-skills list would pad
        if result.skills and not unknown and (not skill or reading.has(Ask.SKILL_LIST)):
            top = ", ".join(f"{s.skill} ({s.share_text})" for s in result.skills[:8])
            summary = next((e for e in evidence if e.id == result.summary_evidence_id), None)
            out.evidence.append(Evidence(
                id=f"{result.summary_evidence_id or 'skills'}:top",
                text=(f"In {result.filter_text} ({result.population:,} postings), the most requested skills "
                      f"were {top} (share of postings listing each skill)."),
                source=result.dataset,
                title=summary.title if summary else result.dataset,
                kind="posting_stats",
                locator=result.filter,
            ))
            if reading.has(Ask.SKILL_LIST):  # "which skills...?" — not "what share ask for AI agents?"
                out.lead.append(out.evidence[-1].id)
        out.evidence += evidence
        rows = result.chart_rows()
        if rows:
            out.charts.append({"kind": "skill_shares", "title": f"Top skills in {role} postings (2023)", "rows": rows})
        return out

    # -- LLM tool calling -------------------------------------------------------------
    def langchain_tools(self) -> list[Any]:
        """The data tools and corpus search as LangChain tools; each returns (text for the model, evidence artifact)."""
        from langchain_core.tools import StructuredTool
        from pydantic import BaseModel, Field

        from advisor.tools.company import make_company_tool
        from advisor.tools.conditions import make_conditions_tool
        from advisor.tools.ranking import make_ranking_tool
        from advisor.tools.salary import make_salary_tool
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
                make_conditions_tool(self.store), make_ranking_tool(self.store), make_company_tool(self.store)]

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
