"""Slots in a question: role, countries, experience level, year, remote.

Only spotting happens here (which words name a role or a country); mapping
those words onto dataset titles and codes is `advisor.data.normalize`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache

from advisor.agent.lexicon import lexicon
from advisor.config import SURVEY_SNAPSHOT
from advisor.data.cities import city_countries
from advisor.data.normalize import COUNTRY_NAMES, ROLE_SPECS, US_STATES, resolve_role
from advisor.text import without_accents

LEX = lexicon("en")
LATEST_FULL_YEAR = SURVEY_SNAPSHOT.year - 1  # the survey's newest whole year: "now", where a year is set against it


Rows = list[tuple[re.Pattern[str], str]]  # (compiled pattern, value), the lexicon tables' shape


def _role_spec_rows(table: Rows) -> Rows:
    """One role vocabulary: the roles the data tools know (`normalize.ROLE_SPECS`: web developer, statistician,
    database administrator, ...) that the lexicon's table doesn't name, each as a row of its aliases (plurals
    too), after the table's rows. Without them "web developer vs AI engineer" reads as one role."""
    covered = {resolve_role(value).key for _, value in table}
    nouns = set(LEX.words("role_nouns"))
    rows = []
    for spec in ROLE_SPECS:
        aliases = sorted((a for a in {spec.label.lower(), *spec.aliases} if a.split()[-1] in nouns), key=len,
                         reverse=True)
        if spec.key not in covered and aliases:
            rows.append((re.compile(r"\b(" + "|".join(re.escape(a) + "s?" for a in aliases) + r")\b"), spec.label))
    return rows


# (pattern, value) rows from the vocabulary file, in order, then the data tools' other roles: the first row
# that matches names the role.
ROLE_PATTERNS: Rows = LEX.table("roles") + _role_spec_rows(LEX.table("roles"))


def _whole_words(name: str, plural: bool = False) -> re.Pattern[str]:
    """A name as whole words of a lower-cased text (a place's, an employer's, a job title's with its plural)."""
    return re.compile(rf"\b{re.escape(name.lower())}{'s?' if plural else ''}\b")


def _country_name_rows(table: Rows) -> Rows:
    """Every country by its name: the data's countries (normalize.COUNTRY_NAMES) and those no data set has
    (lexicon `countries_without_data`), after the lexicon's table with its aliases ("uk", "deutschland")."""
    known = {value for _, value in table}
    skip = set(LEX.words("ambiguous_country_names"))
    names = {*COUNTRY_NAMES.values(), *LEX.words("countries_without_data")} - known
    return [(_whole_words(name), name)
            for name in sorted(names, key=len, reverse=True) if name.lower() not in skip]


COUNTRY_PATTERNS: Rows = LEX.table("countries") + _country_name_rows(LEX.table("countries"))
# Cities people name for a market: the data has countries only, so a city stands for its country (and the
# answer says the figures are national).
CITY_PATTERNS: Rows = LEX.table("cities")
CITY_NAMES: Rows = LEX.table("city_names")  # a city's other names ("Bangalore", "Bengaluru")


def _state_rows() -> Rows:
    """Each US state by its name, longest first ("west virginia" before "virginia"), as (pattern, postal code);
    a name that is also a country's ("Georgia") is read as the country."""
    countries = {n.lower() for n in COUNTRY_NAMES.values()} | set(LEX.words("ambiguous_country_names"))
    return [(_whole_words(name), code)
            for code, name in sorted(US_STATES.items(), key=lambda kv: -len(kv[1])) if name.lower() not in countries]


# A US state stands for the United States, as a city stands for its country; the postings say where a job is
# ("Austin, TX"), so their figures can be the state's own (`advisor.tools.salary`'s place filter).
STATE_PATTERNS: Rows = _state_rows()
LEVEL_PATTERNS: Rows = LEX.table("levels")
COMPANY_SIZES: Rows = LEX.table("company_sizes")
# Employers people ask about by name; others are found as a capitalised name after "at", "for", "from"...
KNOWN_COMPANIES = [_whole_words(name) for name in LEX.words("known_companies")]
_COMPANY_AFTER = LEX.cue("company_after")
_NOT_COMPANIES = set(LEX.words("not_companies"))
_NOT_EMPLOYERS = set(LEX.words("not_employers"))
_NOT_SKILL_WORDS = set(LEX.words("not_skill_words"))
_CONTRAST = LEX.cue("contrast")


@dataclass
class Slots:
    role: str | None = None
    role_phrase: str | None = None  # the words in the question, for rewriting follow-ups
    roles: list[str] = field(default_factory=list)  # two or more roles contrasted, in the question's order
    role_phrases: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    country_phrases: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)  # as written ("London"); each one's country is in `countries`
    city_countries: list[str] = field(default_factory=list)  # the country of each city, in the same order
    states: list[str] = field(default_factory=list)  # US states named, as postal codes ("TX"); each stands for the US
    state_phrases: list[str] = field(default_factory=list)
    # the city (as written) or state (code) named last: where the question is, when the story names another
    # first ("I recruit in San Diego ... what do companies post in California?"); an address's code ("Austin,
    # TX") belongs to its city
    last_place: str | None = None
    level: str | None = None
    level_phrase: str | None = None
    levels: list[str] = field(default_factory=list)  # every level named, in order: "junior vs senior"
    # the level written on each compared role, in `roles`' order ("junior data engineers vs senior analysts");
    # None for a role named without one
    role_levels: list[str | None] = field(default_factory=list)
    level_vs_all: bool = False  # "senior data scientist vs data scientist": one level against the role as a whole
    level_phrases: list[str] = field(default_factory=list)
    years_experience: int | None = None
    year: int | None = None
    years: list[int] = field(default_factory=list)  # two or more years compared ("from 2022 to 2024")
    year_to_now: bool = False  # the one year named set against today ("since 2022"): it and LATEST_FULL_YEAR
    remote: bool | None = None
    remote_contrast: bool = False  # "do remote jobs pay less?": remote against on-site, side by side
    company: str | None = None  # an employer named ("at Meta"): only the postings name employers
    companies: list[str] = field(default_factory=list)  # every employer named, in order ("capital one vs booz allen")
    company_sizes: list[str] = field(default_factory=list)  # employers' sizes asked, as the survey codes them
    skill: str | None = None

    @property
    def employers(self) -> list[str]:
        """Every employer named; the one employer where only `company` is set (the LLM's reading gives one)."""
        return self.companies or ([self.company] if self.company else [])


def _role_matches(q: str, every: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, role) of each role named in lower-cased `q` (its first naming, or every one), in
    ROLE_PATTERNS' order; a span taken by an earlier pattern ("MLOps engineer") is not read again by a later
    one ("ML engineer")."""
    found: list[tuple[int, int, str]] = []
    for pattern, role in ROLE_PATTERNS:
        for m in re.finditer(pattern, q):
            if not any(m.start() < end and start < m.end() for start, end, _ in found):
                found.append((m.start(), m.end(), role))
                if not every:
                    break
    return found


def roles_in_order(text: str) -> list[tuple[int, str]]:
    """(offset, role) of every role a text names, in the text's order."""
    return sorted((start, role) for start, _, role in _role_matches(text.lower()))


def first_role_offsets(text: str) -> dict[str, int]:
    """Where each role a text names is first named."""
    starts: dict[str, int] = {}
    for start, role in roles_in_order(text):
        starts.setdefault(role, start)
    return starts


def first_role(text: str) -> tuple[str, str] | None:
    """(role, the words naming it) of the role a text names first in ROLE_PATTERNS' order, as `extract` picks it."""
    found = _role_matches(text.lower())
    return (found[0][2], text[found[0][0]:found[0][1]]) if found else None


def without_role_names(text: str) -> str:
    """`text` with every role's words blanked: "a stepping stone to MLOps" names a role there, not a skill."""
    out = text
    for start, end, _ in _role_matches(text.lower()):
        out = out[:start] + " " * (end - start) + out[end:]
    return out


def roles_named(text: str) -> list[str]:
    """Every role a text names, in ROLE_PATTERNS' order."""
    return [role for _, _, role in _role_matches(text.lower())]


def in_city(city: str, text: str) -> bool:
    """Whether `text` (a posting's location) names `city` by any of its names (lexicon `city_names`), accents
    aside ("Krakow" is the postings' "Kraków")."""
    city, text = city.lower(), text.lower()
    for pattern, _ in CITY_NAMES:
        if re.search(pattern, city):
            return re.search(pattern, text) is not None
    return without_accents(city) in without_accents(text)


def city_name(phrase: str) -> str:
    """A city as the postings name it, for filters and for the answer ("nyc" is "New York", "Bangalore" is
    "Bengaluru"; lexicon `city_names`), else as written, capitalised when written all in lower case."""
    for pattern, name in CITY_NAMES:
        if re.search(pattern, phrase.lower()):
            return name.title()
    return phrase.title() if phrase.islower() else phrase


def company_sizes_named(text: str) -> list[str]:
    """The employer sizes a text names (lexicon `company_sizes`: the survey's S, M, L), in the text's order:
    "big tech or a startup?" is ["L", "S"]."""
    found = sorted((m.start(), size) for pattern, size in COMPANY_SIZES if (m := re.search(pattern, text.lower())))
    return list(dict.fromkeys(size for _, size in found))


def levels_named(text: str) -> list[str]:
    """Every level a text names, compared or not ("Entry-level ... Senior ..." in an answer's two lines)."""
    return list(dict.fromkeys(level for pattern, level in LEVEL_PATTERNS if re.search(pattern, text.lower())))


@dataclass
class _Text:
    """The question as written and lower-cased, with a span's words in the user's own casing."""

    question: str
    q: str

    def span(self, m: re.Match[str], group: int = 0) -> str:
        return self.at(m.start(group), m.end(group))

    def at(self, start: int, end: int) -> str:
        same = len(self.q) == len(self.question)  # lower() kept offsets: phrases keep the user's own casing
        return self.question[start:end] if same else self.q[start:end]


def extract(question: str) -> Slots:
    """Every slot of the question, each read by its own small reader from the vocabulary file."""
    text = _Text(question, question.lower())
    slots = Slots()
    _read_roles(text, slots)
    _read_places(text, slots)
    _read_levels(text, slots)
    _read_role_levels(text, slots)
    slots.company = _company(question, text.q, slots, text.span)
    slots.companies = _known_companies(text) or ([slots.company] if slots.company else [])
    _read_years(text.q, slots)
    _read_remote_and_skill(text.q, slots)
    return slots


def _read_roles(text: _Text, slots: Slots) -> None:
    """The role is the first in ROLE_PATTERNS' order ("I'm a data analyst, how do I become an AI engineer?" asks
    about the AI engineer); every role named, in the question's order, is compared ("data engineer or ML
    engineer: which pays more?"). A span taken by an earlier pattern ("MLOps engineer") is not matched again."""
    named = [(start, role, text.question[start:end] if len(text.q) == len(text.question) else text.q[start:end])
             for start, end, role in _role_matches(text.q)]
    if not named:
        return
    slots.role, slots.role_phrase = named[0][1], named[0][2]
    in_order = sorted(named)
    others = [n for n in in_order if not LEX.cue("own_role_before").search(text.q[:n[0]])]
    # "im a data analyst ... data engineering or data science?": the asker's own role is no side, unless the
    # question points at it ("how does my job's pay compare with ...")
    if len({r for _, r, _ in others}) >= 2 and not LEX.cue("own_job_pointed_at").search(text.q):
        in_order = others
    starts = [s for s, _, _ in in_order]
    mentions = _mention_starts(text.q, {r for _, r, _ in in_order}) or starts
    if len({r for _, r, _ in in_order}) >= 2 and (_contrasted(text.q, mentions) or _pay_across_a_move(text.q, starts)):
        slots.roles = [r for _, r, _ in in_order]
        slots.role_phrases = [ph for _, _, ph in in_order]


def _mention_starts(q: str, roles: Collection[str]) -> list[int]:
    """Where each of `roles` is named, every time: "data engineers had $133k, same as software developers. so
    pick SWE over DE?" sets the two against each other in its last words, after both were first named."""
    return sorted(start for start, _, role in _role_matches(q, every=True) if role in roles)


def _pay_across_a_move(q: str, starts: list[int]) -> bool:
    """Whether a move from one role to another is asked about with pay ("from data scientist to ML engineer ...
    is the pay bump real?"): both roles' pay answers it. Without pay ("moving from DS to ML engineering, do I
    need docker?") the move is the asker's story, not a comparison."""
    move = LEX.cue("from_to").search(q)
    return bool(move) and bool(LEX.cue("salary").search(q)) and move.start() < starts[0] < starts[1] <= move.end()


_LEADING_CONTRAST = ("compare", "compared", "comparison", "between", "difference")


def _contrasted(q: str, starts: list[int]) -> bool:
    """Whether the things named at `starts` are set against each other: a contrast word between the first and
    the last ("data engineer or ML engineer", "earn more than"), or a word that compares wherever it stands
    ("the difference between ...", "how do their postings compare"). "Moving from DS to ML engineering. Do I
    need docker or is that devops' job?" sets tools against each other, not the two roles."""
    first, last = min(starts), max(starts)
    return any(first < m.start() < last or m.group(0).lower() in _LEADING_CONTRAST for m in _CONTRAST.finditer(q))


@lru_cache(maxsize=4)
def _title_rows(titles: tuple[str, ...]) -> Rows:
    """The salary survey's own job titles as role names, longest first: those of two or more words that end in a
    job noun ("Business Intelligence Analyst", "Product Manager"; not "Manager" or "Business Intelligence"), and
    that name no curated role ("Lead Data Scientist" is the data scientist at a level)."""
    nouns = set(LEX.words("role_nouns"))
    named = [t for t in titles if len(t.split()) >= 2 and t.split()[-1].lower() in nouns and not roles_named(t)]
    return [(_whole_words(t, plural=True), t) for t in sorted(named, key=len, reverse=True)]


def read_titles(question: str, slots: Slots, titles: Collection[str]) -> None:
    """Add the roles the curated vocabulary lacks but the survey has as a title, as sides of a comparison: "data
    analyst or business intelligence analyst" compares two roles, and answering for the data analyst alone drops
    one side in silence. `question` is the part that asks (not the asker's story); a title inside a curated
    role's words ("lead data scientist") is the curated role's."""
    q = question.lower()
    curated = _role_matches(q)
    taken = [(start, end) for start, end, _ in curated]
    found = []
    for pattern, title in _title_rows(tuple(titles)):
        for m in pattern.finditer(q):
            if not any(m.start() < end and start < m.end() for start, end in taken):
                taken.append((m.start(), m.end()))
                found.append((m.start(), title, question[m.start():m.end()]))
    in_order = sorted([(start, role, question[start:end]) for start, end, role in curated] + found)
    if found and len({r for _, r, _ in in_order}) >= 2 and _contrasted(q, [s for s, _, _ in in_order]):
        slots.roles = [r for _, r, _ in in_order]
        slots.role_phrases = [ph for _, _, ph in in_order]


def _countries_named(text: _Text, among: Collection[str] | None = None) -> list[tuple[int, str, str]]:
    """(offset, country, words) of each country named (of `among` only, when given); "de" and "us" only where
    they read as the country."""
    found = []
    for pattern, country in COUNTRY_PATTERNS:
        if among is not None and country not in among:
            continue
        for m in pattern.finditer(text.q):
            if country == "Germany" and m.group(0) == "de" and not LEX.cue("germany_de").search(text.q):
                continue
            if country == "United States" and m.group(0) in ("us",) and not LEX.cue("us_the").search(text.q):
                continue
            found.append((m.start(), country, text.span(m)))
            break
    return found


def _read_places(text: _Text, slots: Slots, among: Collection[str] | None = None) -> None:
    """Countries, and cities standing for theirs, in the question's order (of the countries `among` only, when
    given)."""
    found = _countries_named(text, among)
    cities = sorted((m.start(), country, text.span(m)) for pattern, country in CITY_PATTERNS
                    if among is None or country in among
                    for m in pattern.finditer(text.q)
                    if not LEX.cue("institution_of").search(text.q[:m.start()]))  # not "University of Chicago"
    cities += _posting_cities(text, among, {start for start, _, _ in cities})
    for start, country, phrase in sorted(cities):
        slots.cities.append(phrase)
        slots.city_countries.append(country)
        if all(c != country for _, c, _ in found):
            found.append((start, country, phrase))
    named: list[tuple[int, str]] = [(start, phrase) for start, _, phrase in cities]
    if among is None or "United States" in among:
        for start, code, phrase in _states_named(text, cities):
            slots.states.append(code)
            slots.state_phrases.append(phrase)
            if phrase != code:  # by name; a code is its city's address
                named.append((start, code))
            if all(c != "United States" for _, c, _ in found):
                found.append((start, "United States", phrase))
    slots.last_place = max(named)[1] if named else None
    # "US" in upper case in the original is the country even without "in"
    us_asked = among is None or "United States" in among
    if us_asked and LEX.cue("us_upper").search(text.question) and all(c != "United States" for _, c, _ in found):
        found.append((text.question.index("US"), "United States", "us"))
    for _, country, phrase in sorted(found):
        if country not in slots.countries:
            slots.countries.append(country)
            slots.country_phrases.append(phrase)


_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
CITY_WORDS = 4  # the longest city name of the postings' table, in words ("san pedro garza garcía")


def _posting_cities(text: _Text, among: Collection[str] | None, taken: set[int]) -> list[tuple[int, str, str]]:
    """Cities of the postings' own table (`advisor.data.cities`: "Lagos", "Houston") the text names, as
    (start, country, phrase), longest name first at each word, skipping where the lexicon's table matched."""
    table = city_countries()
    words = list(_WORD.finditer(text.q))
    found: list[tuple[int, str, str]] = []
    i = 0
    while i < len(words):
        for n in range(min(CITY_WORDS, len(words) - i), 0, -1):
            name = " ".join(m.group() for m in words[i:i + n])
            country = table.get(name)
            start, end = words[i].start(), words[i + n - 1].end()
            if country and start not in taken and (among is None or country in among) \
                    and not LEX.cue("institution_of").search(text.q[:start]):
                found.append((start, country, text.at(start, end)))
                i += n - 1
                break
        i += 1
    return found


def _states_named(text: _Text, cities: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """(start, postal code, phrase) of each US state named: by name where no city's name covers it ("New York"
    the city), or by code where an address puts one (lexicon `state_code`: after a US city, or a comma)."""
    taken = [(start, start + len(phrase)) for start, _, phrase in cities]
    found: dict[str, tuple[int, str, str]] = {}
    for pattern, code in STATE_PATTERNS:
        for m in pattern.finditer(text.q):
            if code not in found and not any(a < m.end() and m.start() < b for a, b in taken):
                found[code] = (m.start(), code, text.span(m))
    if len(text.q) == len(text.question):  # codes are read in the user's own casing
        _state_codes(text.question, cities, found)
    return sorted(found.values())


def _state_codes(question: str, cities: list[tuple[int, str, str]], found: dict[str, tuple[int, str, str]]) -> None:
    """US state codes where an address or a list of places puts them: after a US city or a comma ("Austin TX",
    "Denver, CO"), joined to another code ("TX vs CA") or beside a state's name ("NY or California")."""
    def add(code: str, start: int) -> None:
        if code in US_STATES and code not in found:
            found[code] = (start, code, code)

    ends = [start + len(phrase) for start, country, phrase in cities if country == "United States"]
    for pos in ends + [i for i, ch in enumerate(question) if ch == ","]:
        if m := LEX.cue("state_code").match(question[pos:pos + 8]):
            add(m.group(1), pos + m.start(1))
    for m in LEX.cue("state_codes_joined").finditer(question):
        if m.group(1) in US_STATES and m.group(2) in US_STATES:
            add(m.group(1), m.start(1))
            add(m.group(2), m.start(2))
    for start, code, phrase in list(found.values()):
        if phrase == code:  # a code: only a state's name has a code listed beside it here
            continue
        head, end = max(0, start - 12), start + len(phrase)
        if m := LEX.cue("state_code_before_name").search(question[head:start]):
            add(m.group(1), head + m.start(1))
        if m := LEX.cue("state_code_after_name").match(question[end:end + 12]):
            add(m.group(1), end + m.start(1))


def places_named(text: str, among: Collection[str]) -> Slots:
    """The places `text` names of the countries `among` (by name, alias or city), as `extract` reads them: a long
    answer with its cited passages is looked through for the asked countries' rows alone, not all ~400."""
    slots = Slots()
    _read_places(_Text(text, text.lower()), slots, set(among))
    return slots


def _level_matches(text: _Text) -> list[tuple[int, str, str]]:
    """(offset, level, words) of the first mention of each level, in LEVEL_PATTERNS' order."""
    return [(m.start(), level, text.span(m)) for pattern, level in LEVEL_PATTERNS if (m := re.search(pattern, text.q))]


def levels_with_phrases(text: str) -> list[tuple[str, str]]:
    """Every level `text` names, in its order, with the words it was read from: (level, phrase)."""
    return [(level, phrase) for _, level, phrase in sorted(_level_matches(_Text(text, text.lower())))]


def _read_levels(text: _Text, slots: Slots) -> None:
    """The first level in LEVEL_PATTERNS' order is the level; all of them, in the question's order, are compared
    ("junior vs senior"), but "senior ML engineers who lead a team" is one level."""
    by_pattern = _level_matches(text)
    if not by_pattern:
        return
    first, named = by_pattern[0], sorted(by_pattern)
    slots.level, slots.level_phrase = first[1], first[2]
    compared = len(named) == 1 or _CONTRAST.search(text.q) or LEX.cue("from_to").search(text.q) \
        or LEX.cue("level_span").search(text.q)
    slots.levels = [lv for _, lv, _ in named] if compared else [first[1]]
    slots.level_phrases = [ph for _, _, ph in named] if compared else [first[2]]
    # the role named twice, once with the level: "lead data scientist vs data scientist"
    slots.level_vs_all = len(named) == 1 and bool(_CONTRAST.search(text.q)) and _role_count(text.q, slots.role) >= 2


def _read_role_levels(text: _Text, slots: Slots) -> None:
    """The level written right before each compared role: "do ML engineers earn more than senior data
    scientists?" compares every ML engineer with senior data scientists, not seniors with seniors."""
    if len(slots.roles) < 2:
        return
    starts = first_role_offsets(text.q)
    ends = [(m.end(), level) for pattern, level in LEVEL_PATTERNS for m in re.finditer(pattern, text.q)]

    def written_on(start: int) -> str | None:
        return next((level for end, level in ends if end <= start and not text.q[end:start].strip(" -")), None)

    slots.role_levels = [written_on(starts[role]) if role in starts else None for role in slots.roles]


def _role_count(q: str, role: str | None) -> int:
    """How often `q` names `role` (by the first vocabulary row that reads it)."""
    return next((len(pattern.findall(q)) for pattern, value in ROLE_PATTERNS if value == role), 0) if role else 0


def _read_years(q: str, slots: Slots) -> None:
    """Years of experience, and the calendar years named ("from 2022 to 2024": each year looked up)."""
    if m := LEX.cue("years_experience").search(q):
        # "with 8 years", "8 years of experience", "1.5yrs exp" (a year and a half: 1)
        slots.years_experience = int(float(next(g for g in m.groups() if g)))
    # the asker's own past ("since 2015 I have worked as a tester") dates the person, not the figures asked for
    # ("I've been out of work since 2019"): a year the asker dates themself by with "since" is theirs even where
    # the fallback reads the whole message
    q = LEX.cue("year_names_postings").sub(" ", q)  # "the 2023 postings data": the source, not a year asked
    own = LEX.cue("about_me").sub(" ", q)
    asked = LEX.cue("year").findall(own) or LEX.cue("year").findall(LEX.cue("since_year").sub(" ", q))
    named_years = list(dict.fromkeys(int(y) for y in asked))
    if named_years:
        slots.year = named_years[0]
        if len(named_years) >= 2 and (_CONTRAST.search(q) or LEX.cue("year_change").search(q)):
            slots.years = named_years
    # "gone up since 2022?": 2022 against the data's latest full year (the year named is the only one read)
    slots.year_to_now = len(named_years) == 1 and named_years[0] < LATEST_FULL_YEAR \
        and bool(LEX.cue("year_to_now").search(own))
    if len(named_years) <= 1 and LEX.cue("year_before").search(q):
        # "did it go up vs the year before?": the year named, or the latest full year of the data, and the one
        # before it, each looked up
        latest = named_years[0] if named_years else LATEST_FULL_YEAR
        if latest <= LATEST_FULL_YEAR:  # a year past the data's (a report's "2026") has no year before in it
            slots.years, slots.year = [latest - 1, latest], latest - 1


def _read_remote_and_skill(q: str, slots: Slots) -> None:
    """Remote (and remote against on-site), and the skill of "with Python"."""
    if LEX.cue("remote").search(q) and not LEX.cue("remote_optional").search(q):  # "remote is ok too": no filter
        slots.remote = True
        slots.remote_contrast = bool(LEX.cue("remote_contrast").search(q))
    m = LEX.cue("with_skill").search(q)
    first = m.group(2).split()[0] if m else ""
    if first and first not in _NOT_SKILL_WORDS and not first.isdigit():  # "with no experience", "with 5 years"
        slots.skill = first


def _a_payer(name: str, taken: set[str]) -> bool:
    """One employer named before "pay": not a pronoun or a kind of employer, a place or a role."""
    first = name.split()[0]
    return (first not in _NOT_EMPLOYERS and first not in _NOT_COMPANIES and name not in taken
            and not any(p.search(name) for p, _ in ROLE_PATTERNS))


def _known_companies(text: _Text) -> list[str]:
    """Every well-known employer the question names, in its order ("deloitte or accenture?")."""
    found = sorted((m.start(), text.span(m)) for pattern in KNOWN_COMPANIES for m in pattern.finditer(text.q))
    return list(dict.fromkeys(name for _, name in found))


def add_companies(question: str, slots: Slots, names: list[str]) -> None:
    """Employers read elsewhere (the postings' own names: `employers.employers_in`) join those the slots hold, all
    in the question's order, each once whatever its casing; the first is `company`."""
    lower = question.lower()
    merged: dict[str, str] = {}
    for name in [*slots.companies, *names]:
        merged.setdefault(name.lower(), name)
    # "capital one" inside "capital one financial": one employer, read by two readers
    merged = {k: v for k, v in merged.items() if not any(k != other and k in other for other in merged)}
    slots.companies = sorted(merged.values(), key=lambda n: (lower.find(n.lower()) % (len(lower) + 1)))
    slots.company = slots.company or (slots.companies[0] if slots.companies else None)


def _company(question: str, q: str, slots: Slots, span: Callable[..., str]) -> str | None:
    """An employer the question names: a well-known one in any casing, or a capitalised name after at/for/from."""
    for pattern in KNOWN_COMPANIES:
        if m := pattern.search(q):
            return span(m)
    taken = {p.lower() for p in slots.country_phrases} | {c.lower() for c in slots.countries + slots.cities}
    if (m := LEX.cue("company_pays").search(q)) and _a_payer(m.group(1), taken):
        return span(m, 1)  # "what does Hellofresh pay ...": the payer, in the user's own casing
    for m in _COMPANY_AFTER.finditer(question):
        words = m.group(1).split()
        while words and (words[-1].lower() in _NOT_COMPANIES or words[-1].lower() in taken):
            words.pop()
        name = " ".join(words)
        if name.upper() in COUNTRY_NAMES:  # "read them as salaries for NL": a country's code, not an employer
            continue
        if name and name.lower() not in _NOT_COMPANIES and name.lower() not in taken and not any(
                p.search(name.lower()) for p, _ in ROLE_PATTERNS):
            return name
    return None
