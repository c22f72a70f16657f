"""One reading of the question per turn: a typed `Interpretation` that every later node reads.

The question used to be read again by each step that needed something from it (the tool choice, each data
tool, the coverage check, the composer), each with its own patterns, so a phrasing one reader understood
another missed. Here it is read once, in the graph's `understand` step, from the vocabulary files
(`advisor/agent/lexicon/`); the result travels in the graph state and is what gather, the tools and
synthesize use. `ROUTES` (in `routes.py`) turns the asks into tool calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from advisor.agent import intent as cues
from advisor.agent.coverage import topic_not_in_sources
from advisor.agent.employers import employers_in
from advisor.agent.lexicon import lexicon
from advisor.agent.slots import (
    Slots,
    add_companies,
    city_name,
    company_sizes_named,
    extract,
    first_role,
    first_role_offsets,
    levels_with_phrases,
    read_titles,
    roles_in_order,
    roles_named,
    without_role_names,
)
from advisor.postings import POSTINGS_YEAR  # the year every posting is from
from advisor.text import figures, split_sentences
from advisor.tools.posting_counts import PostingBreakdown

LEX = lexicon("en")
MIN_CLAIMED_PAY = 1_000.0  # smaller dollar figures in a pay question are hourly rates or typos, not a salary claim
BACKGROUND_QUERIES = LEX.table("backgrounds")
CONDITION_FLAGS = LEX.table("condition_flags")  # words of a posting condition → the conditions tool's flag
QUANTIFIERS = LEX.table("quantifiers")
MONTHS = LEX.table("months")  # "posted in March" → "3"  # "most" → "50-100": a share asserted in words
POSTING_TERMS = LEX.table("posting_terms")  # "part-time", "internship" → the postings' flag a search filters on
BREAKDOWNS = LEX.table("posting_breakdowns")  # "which companies", "which job boards" → the field counted by


class PostingTerm(StrEnum):
    """What a posting search asks the postings themselves to be: each is a boolean flag of every posting in the
    index (`advisor.corpus.postings`), so the search filters on it inside Chroma."""

    PART_TIME = "part_time"
    INTERNSHIP = "internship"
    CONTRACT = "contract"
    HEALTH_INSURANCE = "health_insurance"
    NO_DEGREE = "no_degree"


class Intent(StrEnum):
    """What kind of question it is, as a whole (decides whether the sources are searched at all)."""

    GREETING = "greeting"
    OFF_TOPIC = "off_topic"
    OFF_TOPIC_CANDIDATE = "off_topic_candidate"  # no career word: decided after retrieval
    FACTUAL = "factual"
    SALARY = "salary"
    SKILLS = "skills"
    ADVICE = "advice"
    COMPARISON = "comparison"
    CLARIFY = "clarify"  # a follow-up ("and in the UK?") with nothing before it to follow: ask what is meant


class Ask(StrEnum):
    """One part of what the question asks for; a question can ask several ("what do they earn and what skills
    do they need?")."""

    PAY = "pay"  # what a role earns (one lookup per side compared)
    PAY_TREND = "pay_trend"  # how pay moves over the years: the survey's median by year, and the passages' rates
    RANKING = "ranking"  # which roles pay the most / least
    COUNTRY_RANKING = "country_ranking"  # which countries pay a role the most (the survey's countries ranked)
    COMPANY_PAY = "company_pay"  # what an employer named pays
    SKILL_PAY = "skill_pay"  # what a skill adds to a role's pay
    SKILL_RANKING = "skill_ranking"  # which skills pay the most (skills ranked by their postings' pay)
    SKILLS = "skills"  # which skills postings ask for, or how often one is asked for
    SKILL_LIST = "skill_list"  # a list of skills, not one skill's share
    CONDITIONS = "conditions"  # remote, degree, insurance, full-time shares of postings
    BENEFITS = "benefits"  # insurance and benefits in particular
    DURATION = "duration"  # a span of time (how long the switch takes)
    HOW_TO = "how_to"  # steps and advice
    FIND_POSTINGS = "find_postings"  # show the postings themselves ("show me remote Spark jobs")
    POSTING_COUNT = "posting_count"  # how many postings, and which companies, boards, titles or places hold most
    SKILLS_GAP = "skills_gap"  # "I know Python and SQL, what should I learn for X?": what the postings list and I lack
    EMPLOYMENT = "employment"  # how many people work in the role, and the change (BLS employment counts)
    ROLE_MOVE = "role_move"  # moving from one role to another: what the new role's postings list far more often
    DATA_COVERAGE = "data_coverage"  # what a data set holds: its rows, the years they span, where they are from


class AnswerShape(StrEnum):
    """What the first sentence of an answer made of passages must hold to answer the kind of question asked: a
    share for "what share ...", a pay figure for "what do they earn", a span of time for "how long", the steps
    for "what first?", a contrast of the two sides for "what's the difference between ...". The composer leads
    with a sentence of that shape."""

    SHARE = "share"
    STEPS = "steps"
    MONEY = "money"
    DURATION = "duration"
    CONTRAST = "contrast"


class Source(StrEnum):
    """A source the question names ("in 2023 job postings", "per the BLS"): its figure answers first."""

    SURVEY = "survey"
    POSTINGS = "postings"
    OFFICIAL = "official"


class Reader(StrEnum):
    """Which interpreter produced a reading (the LLM's falls back to the rules' on any failure)."""

    RULES = "rules"
    LLM = "llm"


class Interpretation(BaseModel):
    """What the question asks, and about whom, where, at which level and when."""

    question: str = Field(description="the standalone question (follow-ups merged with their context)")
    intent: Intent
    asks: list[Ask] = Field(default_factory=list)
    slots: Slots = Field(default_factory=Slots, description="roles, countries, cities, levels, years, company")
    skills_named: list[str] = Field(default_factory=list, description="skills of the postings' vocabulary named")
    skills_had: list[str] = Field(default_factory=list, description="skills the asker says they have")
    pay_skill: str | None = Field(default=None, description="the skill whose pay difference is asked about")
    skills_compared: bool = False  # "Tableau or Power BI?"
    skills_set_aside: list[str] = Field(default_factory=list, description="skills the asker sets aside ('beyond "
                                        "SQL and Excel, which tools ...'): left out of a ranking")
    tools_unlisted: list[str] = Field(default_factory=list, description="tools named (some not in skill lists)")
    unknown_role: str = Field(default="", description="words naming a role the vocabulary doesn't know")
    source_first: Source | None = None  # "according to the BLS", "in job postings": that source's figure leads
    sources_named: list[Source] = Field(default_factory=list)  # every source named ("postings, survey and BLS")
    pay_hourly: bool = False  # pay per hour asked: hourly rates lead (the postings', unless a source is named)
    pay_tails: bool = False  # the top or bottom tenth asked ("at the 90th percentile"): BLS's 10th and 90th said
    # a currency other than the US dollar the asker wants pay in ("in euros pls", "£62k"): the survey's responses
    # paid in it lead, beside the dollar figures
    currency: str | None = None
    lowest_first: bool = False  # a ranking from the bottom
    top: int | None = None  # "top 5"
    background_query: str | None = Field(default=None, description="passages for the asker's background")
    claimed_pay: list[float] = Field(default_factory=list, description="pay figures the question asserts")
    claimed_shares: list[float] = Field(default_factory=list, description="percentages the question asserts")
    claimed_share_ranges: list[tuple[float, float]] = Field(
        default_factory=list, description="shares the question asserts in words ('most': 50 to 100 percent)")
    share_in_words: bool = Field(default=False, description="a share said in words anywhere ('mostly European "
                                 "companies'), claimed or not: a data set's whole make-up answers it")
    posted_months: list[int] = Field(default_factory=list, description="months a posting search asks for (1-12)")
    conditions_named: list[str] = Field(default_factory=list, description="posting conditions asked about, in the "
                                        "question's order (the conditions tool's flags: remote, schedule, ...)")
    pay_floor: float | None = Field(default=None, description="a minimum pay the postings must advertise")
    unrecorded: str = Field(default="", description="what a share of postings is asked by ('require on-call') when "
                                                   "no posting field records it: said missing, not answered")
    postings_years_lacked: list[int] = Field(default_factory=list, description="years asked of the postings data "
                                             "set that it doesn't hold ('from 2022 to 2023 in that postings dataset')")
    market_compared: bool = Field(default=False, description="an employer's pay set against the market ('do they "
                                  "pay well compared to the rest of the market?'): the market's figure is asked too")
    whole_field: bool = Field(default=False, description="data jobs asked as a whole, not one role ('what do data "
                              "roles there pay?'): every job title's figures")
    breakdown: PostingBreakdown | None = Field(default=None, description="what a count of postings is grouped "
                                                 "by: companies, job boards, kinds of job, places")
    breakdowns: list[PostingBreakdown] = Field(default_factory=list, description="every grouping of the count "
                                               "asked, in the question's order")
    move_from: str | None = Field(default=None, description="the role the asker moves from ('I'm a data analyst, "
                                  "what would moving to data engineering take?'); the role asked is where they move to")
    groups_by_pay: bool = Field(default=False, description="groups of postings ranked by their median pay ('top "
                                "paying companies'), not by how many postings they have")
    min_postings: int | None = Field(default=None, description="the fewest postings a group needs ('20+ postings')")
    pay_by_group: bool = Field(default=False, description="the groups' pay is asked too ('do LinkedIn jobs pay "
                               "more than Indeed ones?'): each group's median advertised pay")
    posting_terms: list[PostingTerm] = Field(default_factory=list, description="what the postings searched must "
                                             "be: part-time, an internship, listing health insurance, ...")
    places: list[str] = Field(default_factory=list, description="the places below the country asked about, each "
                              "once: cities as the postings name them, US states as postal codes; two or more "
                              "are compared (`places_asked`)")
    questions: list[str] = Field(default_factory=list, description="the questions the message asks, in order (its "
                                 "parts that ask, not the asker's story)")
    countries_left_out: list[str] = Field(default_factory=list, description="countries the question leaves out "
                                          "('outside the US'): not asked about, excluded from a ranking")
    first_asks: list[Ask] = Field(default_factory=list, description="what the first of several questions asks: "
                                  "its tools lead the answer")
    asks_by_question: list[list[Ask]] = Field(default_factory=list, description="what each of `questions` asks, "
                                              "where the message asks several")
    own_pay: list[float] = Field(default_factory=list, description="pay figures the asker states as their own: "
                                 "an offer, what they earn; the answer says where they fall")
    claimed_higher: int | None = Field(default=None, description="the side the question asserts is paid more "
                                       "('ML engineers get paid way more than data scientists, right?': 0)")
    claim_attributed: bool = False  # "the X report says $162K": a yes from our sources would not confirm it
    # "jobs that don't need AI skills pay $140k": the claim is about part of the role's jobs; the role's median
    # neither confirms nor refutes it
    claim_qualified: bool = False
    pay_subject: str = Field(default="", description="whom a pay question asks about when it names no role the "
                             "vocabulary knows ('what do AI ethicists earn?'), as the asker wrote it")
    contrasted: list[str] = Field(default_factory=list, description="the roles a question of difference sets "
                                  "against each other ('how is a DE different from a DS?'): the contrast names both")
    shapes_by_question: list[AnswerShape | None] = Field(default_factory=list, description="the shape of sentence "
                                                         "that answers each of `questions`")
    answer_shape: AnswerShape | None = Field(default=None, description="what the answer's first sentence must "
                                             "hold to answer the first question: a share, a pay figure, a span of "
                                             "time, a contrast of the sides")
    language: str | None = Field(default=None, description="ISO 639-1 code of the question's language, if read")
    read_by: Reader = Reader.RULES  # which interpreter this reading came from

    def has(self, ask: Ask) -> bool:
        return ask in self.asks

    def to_state(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_state(cls, data: dict[str, Any] | None, question: str = "") -> Interpretation:
        """The turn's interpretation from the graph state (a run started elsewhere may carry none: read it)."""
        return cls.model_validate(data) if data else interpret(question)


def _whole_token(word: str) -> str:
    """A pattern for `word` as a whole token: "c++" matches, the "r" in "senior" and the "c" of "c++" do not; a
    "+" between two words joins them ("excel+sql" names both)."""
    return rf"(?<![\w#])(?<![^a-z]\+){re.escape(word)}(?![\w#])(?!\+[^a-z]|\+$)"


def skills_in(text: str, vocabulary: Collection[str]) -> list[str]:
    """Skills of `vocabulary` that `text` names ("python", "power bi"), in the text's order; a skill is a whole
    token ("c++" but not the "r" in "senior"). A skill that is also an everyday word (the lexicon's
    `ambiguous_skills`: "go", "word", "slack") counts only where it is written capitalised mid-sentence."""
    q = f" {text.lower()} "
    ambiguous = set(LEX.words("ambiguous_skills"))
    found = [(m.start(), skill) for skill in vocabulary if (len(skill) > 1 or skill in ambiguous)
             and (m := re.search(_whole_token(skill), q))
             and (skill not in ambiguous or _capitalised_mid_sentence(skill, text))]
    return [skill for _, skill in sorted(found)]


def _capitalised_mid_sentence(word: str, text: str) -> bool:
    """'I write Go at work' (a name), not 'Go all in?' (a sentence's first word) or 'in one go'."""
    for m in re.finditer(_whole_token(word), text, re.I):
        before = text[: m.start()].rstrip()
        if m.group(0)[0].isupper() and before and before[-1] not in ".!?:;\"'(":
            return True
    return False


# the kinds of question a message's asking part decides on its own; a bare "Thoughts?" leaves it to the whole
DECIDING_INTENTS = (Intent.ADVICE, Intent.SALARY, Intent.COMPARISON, Intent.SKILLS)


def _intent(question: str) -> Intent:
    """What kind of question the message asks, read from the parts that ask ("I keep seeing AI salaries and
    wondering if it's realistic to pivot. Where do I even start?" asks for advice, not pay), else the whole."""
    asked = cues.asked_parts(question)
    if asked != question and (of_asked := Intent(cues.classify(asked))) in DECIDING_INTENTS:
        return of_asked
    return Intent(cues.classify(question))


def _asks_alone(question: str, asked: str, intent: Intent, slots: Slots) -> list[Ask] | None:
    """The asks that answer the whole question by themselves, or None: a question about a data set itself, a
    ranking of skills or of countries by pay."""
    if LEX.cue("data_coverage").search(asked.lower()) and LEX.cue("dataset_named").search(question.lower()):
        return [Ask.DATA_COVERAGE]  # "is the survey mostly 2025 data?" asks about the survey, not for pay
    advice = [Ask.HOW_TO] if intent == Intent.ADVICE else []
    if LEX.cue("skill_ranking").search(question):  # "which skills pay the most": no one role's pay or list
        return [Ask.SKILL_RANKING, *advice]
    if LEX.cue("country_ranking").search(question) and len(slots.countries) - len(countries_left_out(
            question, slots)) < 2:  # "which countries pay DEs the most?"; "Madrid or Warsaw: which country pays
        # more?" compares the two named (PAY, one lookup per country)
        return [Ask.COUNTRY_RANKING, *advice]
    return None


def _asks(question: str, intent: Intent, slots: Slots) -> list[Ask]:
    """The parts asked for, in the order the answer should serve them."""
    asked = cues.asked_text(question)
    if (alone := _asks_alone(question, asked, intent, slots)) is not None:
        return alone
    pay_intent = intent in (Intent.SALARY, Intent.COMPARISON)
    asks = _pay_asks(question, intent, slots)
    if intent == Intent.SKILLS or (pay_intent and LEX.cue("skill_list").search(question)):
        asks.append(Ask.SKILLS)
    if LEX.cue("skill_list").search(question):
        asks.append(Ask.SKILL_LIST)
    # a condition asked, not the asker's own ("is fully remote still realistic for data jobs? I'm a data
    # engineer, been remote since 2021"): its share of postings answers advice too
    # how common a condition is ("how common are fully remote roles in the salary data?"), whatever else is named
    share_of_condition = LEX.cue("conditions").search(asked.lower()) and (
        LEX.cue("share_asked").search(asked.lower()) or LEX.cue("share_asked_loosely").search(asked.lower()))
    if (intent not in (Intent.SALARY, Intent.COMPARISON) and (cues.asks_posting_conditions(
            question if intent is not Intent.ADVICE else asked) or LEX.cue("degree_asked").search(asked))) \
            or share_of_condition:
        asks.append(Ask.CONDITIONS)
    if LEX.cue("benefits").search(question):
        asks.append(Ask.BENEFITS)
    if slots.role and LEX.cue("employment").search(question):
        asks.append(Ask.EMPLOYMENT)
    if cues.asks_duration(question):
        asks.append(Ask.DURATION)
    if intent == Intent.ADVICE:
        asks.append(Ask.HOW_TO)
    # "data analyst jobs in dallas?" asks for the postings; "what do data analyst jobs in dallas pay?" their pay
    in_place = [p for p in cues.asked_questions(question) if LEX.cue("postings_in_place").search(p.lower())]
    wants_postings = LEX.cue("posting_search").search(question) or (
        (slots.countries or slots.cities) and any(not cues.asks_about_pay(p) for p in in_place))
    if wants_postings and Ask.RANKING not in asks:  # "show me which roles pay most"
        if _asked_after_the_first(question, LEX.cue("posting_search")):
            # "1) what do DA jobs in dallas pay 2) do i need a degree ... 4) any remote ones??": the postings
            # answer the last question, after the others
            return [*asks, Ask.FIND_POSTINGS]
        asks = [Ask.FIND_POSTINGS] + [a for a in asks if a in (Ask.SKILLS, Ask.SKILL_LIST)]
    return asks


def _without_pay_named_by_a_source(question: str, asks: list[Ask], by_part: dict[str, list[Ask]]
                                   ) -> tuple[list[Ask], dict[str, list[Ask]]]:
    """The asks, and each part's, without pay where its only word names a source ("what does the salary survey
    show year by year" about remote work) and something else is asked: the survey is where to look, not what
    to look up."""
    other = {Ask.CONDITIONS, Ask.SKILLS, Ask.SKILL_LIST, Ask.EMPLOYMENT, Ask.POSTING_COUNT}
    pay = {Ask.PAY, Ask.PAY_TREND}
    if not other & set(asks) or not pay & set(asks) or \
            cues.asks_about_pay(LEX.cue("pay_source_name").sub(" survey ", question)):
        return asks, by_part
    return [a for a in asks if a not in pay], {part: [a for a in its if a not in pay] for part, its in by_part.items()}


def _asked_after_the_first(question: str, cue: re.Pattern[str]) -> bool:
    """Whether `cue` speaks only in a later question of a message that asks several, not in its first."""
    parts = cues.asked_questions(question)
    return len(parts) > 1 and not cue.search(parts[0].lower()) and any(cue.search(p.lower()) for p in parts[1:])


def _pay_asks(question: str, intent: Intent, slots: Slots) -> list[Ask]:
    """The pay part of what is asked: roles ranked, a rate of change, or a role's (and an employer's) pay."""
    # "hourly data analyst gigs: what was a typical rate?": a rate per hour is pay, whatever else is said
    pay_intent = intent in (Intent.SALARY, Intent.COMPARISON) or bool(LEX.cue("hourly_pay").search(question))
    if cues.asks_role_ranking(question) and not slots.role:
        return [Ask.RANKING]  # no role to look up: rank them all
    over_years = LEX.cue("trend").search(question) or LEX.cue("pay_over_years").search(
        cues.asked_text(question))
    if pay_intent and over_years and len(slots.years) < 2:
        return [Ask.PAY_TREND]  # "how fast did pay grow?": a median of all years is no growth rate
    if pay_intent and (intent == Intent.SALARY or cues.asks_about_pay(question) or LEX.cue("hourly_pay").search(
            question)):
        employer = bool(slots.company) and _company_asked(question, slots.company or "")
        return [Ask.PAY, Ask.COMPANY_PAY] if employer else [Ask.PAY]
    return []


def _company_asked(question: str, company: str) -> bool:
    """Whether the employer is one whose pay is asked: not one named where the asker says who they are
    ("finishing my PhD at UBC"; `intent.asked_parts`) or where a claim was seen ("saw on tiktok that ...")."""
    asked = cues.asked_parts(question)
    at = asked.lower().find(company.lower())
    if at < 0:  # "Booz Allen posts a ton of DS jobs — do they pay well?": the asking part points back at it
        return company.lower() in question.lower() and bool(LEX.cue("employer_pointed_at").search(asked.lower()))
    return not LEX.cue("claim_seen_on").search(asked[:at])


def _without_roles(question: str, slots: Slots) -> str:
    """The question with the roles' own words taken out: "MLOps" in "MLOps engineers" names the role, not a tool
    the asker wants figures for. Only words followed by a job noun (or ending in one) name a role ("is MLOps a
    skill?" names the tool)."""
    nouns = "|".join(re.escape(n) for n in LEX.words("role_nouns"))
    for phrase in sorted({p for p in [slots.role_phrase, *slots.role_phrases] if p}, key=len, reverse=True):
        ends_in_noun = re.search(rf"\b(?:{nouns})s?$", phrase, re.I)
        question = re.sub(re.escape(phrase) + ("" if ends_in_noun else rf"(?=\s+(?:{nouns})s?\b)"), " ", question,
                          flags=re.I)
    return question


RANKED_BY_PAY = frozenset({Ask.SKILL_RANKING, Ask.COUNTRY_RANKING})  # rankings by pay: they answer a part's pay


def _with_each_part(question: str, asks: list[Ask], slots: Slots) -> tuple[list[Ask], dict[str, list[Ask]]]:
    """The whole message's asks, then what each of its parts asks besides: the message as a whole reads as its
    strongest kind (pay), and a second question of another kind (which skill to learn, how long it takes) would
    go unanswered. The asker's background in a part is not asked ("I make 70k"); a part that names no role is
    read with the message's ("... and do I need Kubernetes for it?" is about the MLOps engineer asked of). Also
    what each part asks, by its text."""
    # the parts that ask, and those that assert what is to be checked ("given that half of data jobs are remote,
    # ..."); "data engineer jobs in austin - what are they paying?" asks one thing
    parts = [p.strip(" ,;.?!-") for p in cues.raw_question_parts(question)
             if cues.part_asks(p) or LEX.cue("premise_claim").search(p)]
    if len(parts) < 2 or asks[:1] == [Ask.FIND_POSTINGS]:
        return asks, {}
    out, by_part, before = list(asks), {}, []
    for part in parts:
        own = cues.without_background(part).strip()
        if own and slots.role_phrase and not roles_named(own.lower()):
            own = f"{own} ({slots.role_phrase})"
        if own:
            its = _asks(own, Intent(cues.classify(own)), slots)
            if RANKED_BY_PAY & set(asks):  # "which of those goes with the highest pay?": the ranking is that pay
                its = [a for a in its if a is not Ask.PAY] or [a for a in asks if a in RANKED_BY_PAY]
            # "..., and how about junior ones?" asks what the part before it asked, of someone else
            by_part[part.strip(" ,;.?!-")] = its = its or (before if LEX.cue("followup").search(part.strip()) else [])
            out += [a for a in its if a not in out]
            before = its
    return out, by_part


SOURCE_CUES = {  # in this order: "BLS" also names postings' pay
    Source.OFFICIAL: LEX.cue("official_source"),
    Source.POSTINGS: LEX.cue("postings_source"),
    Source.SURVEY: LEX.cue("survey_source"),
}


def sources_named(question: str) -> list[Source]:
    """Every source the question names, official statistics first; a source set aside ("actual job posts, not
    surveys") is not named."""
    lower = question.lower()
    aside = LEX.cue("source_set_aside")
    return [source for source, cue in SOURCE_CUES.items()
            if any(not aside.search(lower[:m.start()]) for m in cue.finditer(lower))]


def _background_query(question: str, intent: Intent) -> str | None:
    """The passages worth reading for the asker's background: the lexicon's row for the background named, else,
    for advice asked with a story of a working life that names no job title ("I've taught chemistry for 11 years
    ... what should I do first?"), the row for anyone coming from outside software (`background_default`)."""
    lowered = question.lower()
    named = next((q for pattern, q in BACKGROUND_QUERIES if pattern.search(lowered)), None)
    story = question.replace(cues.asked_parts(question), " ")
    # the default row is about fields outside software: a story naming a job title ("junior React developer")
    # may be a software one, which that row would misread
    if named or intent != Intent.ADVICE or not LEX.cue("career_story").search(story) \
            or LEX.cue("role_noun").search(story):
        return named
    return LEX.words("background_default")[0]


def _role_phrase(question: str) -> str:
    """'What do AI product owners earn?' → 'AI product owner': the words naming a role the vocabulary lacks."""
    m = LEX.cue("role_noun").search(question)
    if not m or LEX.cue("person_known").search(m.group(1).lower()):  # "my manager said ...": someone they know
        return ""
    phrase = LEX.cue("leading_noise").sub("", m.group(1)).strip()
    phrase = phrase[:-1] if phrase.endswith("s") else phrase  # survey titles are singular: "AI Product Manager"
    return phrase if len(phrase.split()) >= 2 else ""


def interpret(question: str, skill_vocabulary: Callable[[], Collection[str]] | None = None,
              title_vocabulary: Callable[[], Collection[str]] | None = None,
              employer_vocabulary: Callable[[], Collection[str]] | None = None) -> Interpretation:
    """Read `question` (already standalone) once. `skill_vocabulary` gives the postings' skill names; it is
    only called for questions about pay or skills (it opens the data store). `title_vocabulary` gives the
    survey's job titles, read as roles where a question names one beside another; `employer_vocabulary` the
    postings' employers with enough postings for a figure."""
    intent = _intent(question)
    slots = _slots(question, title_vocabulary, employer_vocabulary)
    asks, by_part = _without_pay_named_by_a_source(question, *_with_each_part(
        question, _asks(question, intent, slots), slots))
    questions = cues.asked_questions(question)
    asks_by_question = [by_part.get(q, []) for q in questions] if by_part else []
    hourly = bool(LEX.cue("hourly_pay").search(question))
    reading = Interpretation(question=question, intent=intent, asks=asks, slots=slots,
                             questions=questions, asks_by_question=asks_by_question,
                             # the message's first part that asks or claims: a claim made first is settled first
                             first_asks=next(iter(by_part.values()), []),
                             tools_unlisted=_tools_asked(question, slots),
                             unknown_role=_role_phrase(question),
                             sources_named=(named := sources_named(question)),
                             source_first=next(iter(named), Source.POSTINGS if hourly else None),
                             pay_hourly=hourly, pay_tails=bool(LEX.cue("pay_tails").search(question)),
                             lowest_first=bool(LEX.cue("lowest").search(question)),
                             background_query=_background_query(question, intent),
                             top=_top_n(question), currency=cues.currency_named(question))
    _read_claims(reading)
    if skill_vocabulary is not None:
        _read_skills(reading, skill_vocabulary)
    _read_conditions(reading)
    _read_what_to_learn(reading)
    _read_scope(reading)
    _read_filters(reading)
    _read_count(reading)
    _read_move(reading)
    if skill_vocabulary is not None:
        _read_unrecorded(reading, skill_vocabulary)  # last: it drops the asks of a part that asks only by it
    _read_shape(reading)  # last: it reads what the rest read
    return reading


def _top_n(question: str) -> int | None:
    """How many a ranking is asked to list ("top 5"), 1 to 25; None when no number is asked."""
    top = LEX.cue("top_n").search(question)
    return min(25, max(1, int(next(g for g in top.groups() if g)))) if top is not None else None


def _read_shape(reading: Interpretation) -> None:
    """The roles a question of difference sets against each other, the shape of the sentence that answers
    the first question (`AnswerShape`), and whom a pay question asks about when it names no known role."""
    reading.contrasted = _contrasted(reading)
    reading.pay_subject = _pay_subject(reading)
    reading.answer_shape = _answer_shape(reading)
    by_question = reading.asks_by_question or [[] for _ in reading.questions]
    reading.shapes_by_question = [_shape_of(q, its) for q, its in zip(reading.questions, by_question, strict=False)]


_GENERIC_PAYEES = frozenset(LEX.words("generic_payees"))  # "what do they earn?" asks about no one in particular


def _pay_subject(reading: Interpretation) -> str:
    """Whom a pay question asks about (lexicon `pay_subject`: "the average salary for a registered nurse", "what
    do AI ethicists earn?") when no role the vocabulary knows is named; '' when one is, or it names no one in
    particular ("what do they earn?")."""
    if reading.slots.role or reading.slots.roles or not set(reading.asks) & MONEY_ASKS:
        return ""
    m = LEX.cue("pay_subject").search(reading.question)
    subject = (m.group(1) or m.group(2) or "").strip() if m else ""
    return subject if subject and subject.split()[-1].lower() not in _GENERIC_PAYEES else ""


def _contrasted(reading: Interpretation) -> list[str]:
    """The roles whose difference the first question asks ("what's the difference between ...", "how is a DE
    different from a DS?", "same job?"), two or more, in its order; [] for any other question: "move into AI
    directly or become a data scientist first?" weighs two paths, it doesn't ask how the roles differ."""
    first = reading.questions[0] if reading.questions else reading.question
    if not LEX.cue("difference_asked").search(first.lower()):
        return []
    named = list(dict.fromkeys(reading.slots.roles or [role for _, role in roles_in_order(first)]))
    return named if len(named) >= 2 else []


MONEY_ASKS = frozenset({Ask.PAY, Ask.COMPANY_PAY, Ask.PAY_TREND, Ask.RANKING, Ask.COUNTRY_RANKING})


def _answer_shape(reading: Interpretation) -> AnswerShape | None:
    """The shape of sentence that answers the message's first question (`AnswerShape`); None when any sentence
    may answer (advice, lists)."""
    first = reading.questions[0] if reading.questions else reading.question
    shape = _shape_of(first, set(reading.first_asks or reading.asks))
    return shape or (AnswerShape.CONTRAST if reading.contrasted else None)


def _shape_of(question: str, asks: Collection[Ask]) -> AnswerShape | None:
    """The shape of sentence that answers one question, read from what it asks: a share asked ("what share",
    "what %"), a span of time, the steps of an order, pay; None for any other."""
    q = question.lower()
    if LEX.cue("share_asked").search(q):  # "what % of ...", not a % the question states ("the 30% ruling")
        return AnswerShape.SHARE
    if Ask.DURATION in asks or cues.asks_duration(q):
        return AnswerShape.DURATION
    if Ask.HOW_TO in asks and LEX.cue("order_asked").search(q):
        return AnswerShape.STEPS
    return AnswerShape.MONEY if set(asks) & MONEY_ASKS else None


def _slots(question: str, title_vocabulary: Callable[[], Collection[str]] | None,
           employer_vocabulary: Callable[[], Collection[str]] | None) -> Slots:
    """The slots of `question`: the vocabulary files' reading, with the levels each part asks, the survey's job
    titles and the postings' employers the question names."""
    slots = extract(question)
    if employer_vocabulary is not None and cues.asks_about_pay(question):  # employers are asked for their pay:
        # the data store (their names) is opened only for a question about pay
        add_companies(question, slots, employers_in(question, employer_vocabulary()))
    _levels_asked(question, slots)
    _places_asked(question, slots)
    _role_asked(question, slots)
    if title_vocabulary is not None and LEX.cue("role_noun").search(question):
        read_titles(cues.without_background(question), slots, title_vocabulary())
    return slots


def _places_asked(question: str, slots: Slots) -> None:
    """The countries the asking parts name, where the asker's story names another: "I'm an economist in Milan ...
    what's the official US figure for statisticians?" asks about the US, not Italy against it. A country named only
    in the story stays ("I'm in Milan, what would I make as an analyst?")."""
    if len(slots.countries) < 2:
        return
    left_out = set(countries_left_out(question, slots))  # "outside the US" asks about the other countries
    if left_out and len(left_out) < len(slots.countries) and not LEX.cue("country_ranking").search(question):
        # "Canadian market please, not US numbers": the country set aside is no side (a ranking leaves it out
        # itself, so it must stay named there)
        _keep_countries(slots, [i for i, c in enumerate(slots.countries) if c not in left_out])
        return
    asked_as_written = cues.asked_text(question)
    asked = asked_as_written.lower()
    # a country is asked by any of its names ("Teacher in the UK here. What do ML engineers get in Britain?"), read
    # as written ("US" in capitals is the country, "us" may be the pronoun)
    in_asked = set(extract(asked_as_written).countries)
    kept = [i for i, country in enumerate(slots.countries) if country in in_asked and country not in left_out]
    if not kept or len(kept) == len(slots.countries) or LEX.cue("place_pointed_at").search(asked):
        return
    _keep_countries(slots, kept)


def _role_asked(question: str, slots: Slots) -> None:
    """The role the asking parts name, where the asker's story names another: "network admin ... thinking cloud
    engineering as a stepping stone to MLOps. what skills and pay do cloud engineer postings list?" asks about
    cloud engineers. A role named only in the story stays ("I'm a senior DE, what should I ask for?"); roles
    compared are each a side already."""
    if slots.roles or not slots.role:
        return
    _roles_of_parts(question, slots)
    if slots.roles:
        return
    asked = cues.asked_text(question)
    if asked.strip() == question.strip():
        return
    named = first_role(asked)
    if named and named[0] != slots.role:
        slots.role, slots.role_phrase = named


def _roles_of_parts(question: str, slots: Slots) -> None:
    """Roles named in different asking parts are each asked, as sides: "hourly data analyst gigs: what was a
    typical rate? and hourly data engineers?" wants both rates, though no "vs" joins them (as `_levels_asked`
    does for levels). A part naming no role, a part that asks nothing ("I work as a data engineer.") or the
    asker's story adds none."""
    # each sentence and each part ("...a typical rate? and hourly data engineers?" is one asked question, read
    # whole, of two sentences)
    parts = [own for sentence in split_sentences(question) if cues.part_asks(sentence)
             for p in cues.question_parts(cues.without_background(sentence)) if (own := p.strip())]
    named = list(dict.fromkeys(found for p in parts if (found := first_role(p))))
    if len(parts) > 1 and len({role for role, _ in named}) >= 2:
        slots.roles, slots.role_phrases = [role for role, _ in named], [phrase for _, phrase in named]
        slots.role, slots.role_phrase = named[0]


def _keep_countries(slots: Slots, kept: list[int]) -> None:
    """Keep the countries at `kept` (and their cities), dropping the others from the slots."""
    countries = {slots.countries[i] for i in kept}
    slots.countries, slots.country_phrases = [slots.countries[i] for i in kept], [slots.country_phrases[i]
                                                                                for i in kept]
    pairs = [(city, country) for city, country in zip(slots.cities, slots.city_countries, strict=True)
             if country in countries]
    slots.cities, slots.city_countries = [c for c, _ in pairs], [k for _, k in pairs]


def _read_scope(reading: Interpretation) -> None:
    """Who the figures are of, beyond the role: the whole field of data jobs, the market beside an employer, and
    the years asked of the postings data set that it lacks."""
    q = reading.question.lower()
    reading.whole_field = bool(LEX.cue("every_data_role").search(q))
    reading.market_compared = bool(LEX.cue("market_compared").search(q))
    if reading.source_first is Source.POSTINGS and LEX.cue("postings_dataset").search(q):
        slots = reading.slots
        reading.postings_years_lacked = sorted({y for y in [*slots.years, slots.year] if y and y != POSTINGS_YEAR})
        if reading.postings_years_lacked and Ask.FIND_POSTINGS in reading.asks and LEX.cue("trend").search(q):
            # "since the postings run 2020 to 2025, show me how analyst pay trended": no posting answers a trend;
            # the survey's years do, and the postings' one year is said beside them
            reading.asks = [Ask.PAY_TREND if a is Ask.FIND_POSTINGS else a for a in reading.asks]


def _read_what_to_learn(reading: Interpretation) -> None:
    """"Which of it comes first?" of a role, in advice: what the role's postings ask for most (after the
    conditions: a degree asked beside it still leads), unless a skills gap answers it already."""
    if reading.has(Ask.HOW_TO) and reading.slots.role and LEX.cue("what_to_learn").search(reading.question) \
            and not reading.has(Ask.SKILLS) and not reading.has(Ask.SKILLS_GAP):
        reading.asks += [Ask.SKILLS, Ask.SKILL_LIST]


def _levels_asked(question: str, slots: Slots) -> None:
    """The levels the message's parts ask about, beside the asker's story: "I'm a junior analyst. What do senior
    data scientists earn?" asks about seniors. Levels named in different parts are each asked: "is 150k a
    lowball for a senior DE? also what do lead roles pay" wants both levels' figures, though no "vs" joins them.
    A level named only in the story stays the level ("I'm a senior DE, what should I ask for?")."""
    parts = [own for p in cues.question_parts(question) if (own := cues.without_background(p).strip())]
    # each part's first level ("senior ML engineers who lead a team" is one level, as `extract` reads it)
    levels = list(dict.fromkeys(named[0] for p in parts if (named := levels_with_phrases(p))))
    if not levels:
        return
    if slots.level != levels[0][0]:  # the story named another level first
        slots.level, slots.level_phrase = levels[0]
        slots.levels, slots.level_phrases = [levels[0][0]], [levels[0][1]]
    if len(parts) > 1 and len({lv for lv, _ in levels}) > len(set(slots.levels)):
        slots.levels, slots.level_phrases = [lv for lv, _ in levels], [ph for _, ph in levels]


MOVE_ASKS = {Ask.HOW_TO, Ask.SKILLS, Ask.SKILL_LIST, Ask.DURATION}  # what a move between roles is asked with


def _read_move(reading: Interpretation) -> None:
    """A move from one role to another, asked how ("I'm a data analyst, what would moving to data engineering take?",
    "from data scientist to ML engineer: what's the skill gap?"): the role the asker is or leaves (after "I'm
    a", or "from"), and the role named after it. The skills the new role's postings list far more often then
    answer what the move asks, before the articles' general steps. A gap from the asker's own skills
    ("I know Python and SQL") is the skills gap's, not this."""
    question = reading.question.lower()
    if not MOVE_ASKS & set(reading.asks) or Ask.SKILLS_GAP in reading.asks:
        return
    named = roles_in_order(question)
    move = LEX.cue("from_to").search(question)
    for k, (start, role) in enumerate(named[:-1]):
        leaving = (move is not None and move.start() < start < move.end()) \
            or bool(LEX.cue("own_role_before").search(question[:start]))
        target = next((r for _, r in named[k + 1:] if r != role), None)
        if leaving and target:
            reading.move_from, reading.slots.role = role, target
            reading.asks = [Ask.ROLE_MOVE, *reading.asks]
            if Ask.HOW_TO in reading.first_asks:  # the steps asked first: the difference in skills leads them
                reading.first_asks = [Ask.ROLE_MOVE, *reading.first_asks]
            return


def _read_filters(reading: Interpretation) -> None:
    """What narrows the rows looked up besides role, country and level: the month posted, posting terms, the
    places below the country, the countries left out and the employer's size."""
    question, slots = reading.question, reading.slots
    # "postings from March": the month posted, a filter wherever the postings are searched
    reading.posted_months = sorted({int(n) for pattern, n in MONTHS if re.search(pattern, question.lower())})
    reading.posting_terms = [PostingTerm(t) for pattern, t in POSTING_TERMS if re.search(pattern, question.lower())]
    reading.places = places_asked(question, slots)
    reading.countries_left_out = countries_left_out(question, slots)
    # the employer's size asked about, not the asker's own ("I'm at a 20 person startup")
    slots.company_sizes = company_sizes_named(cues.asked_text(question))


def _read_count(reading: Interpretation) -> None:
    """A count of postings asked ("how many ML engineer postings are there?"), grouped where the question says
    by what ("... and which companies posted the most?"); a share asked of them (remote, a skill) is the
    conditions' or skills' tool's, a headcount of workers BLS's."""
    q = reading.question.lower()
    _read_breakdowns(reading, q)
    how_many = LEX.cue("posting_count").search(q)
    counted = how_many or (reading.breakdown and LEX.cue("postings").search(q))
    served = {Ask.CONDITIONS, Ask.EMPLOYMENT, Ask.RANKING, Ask.SKILL_RANKING, Ask.PAY, Ask.COMPANY_PAY}
    if reading.breakdown is None:
        served |= {Ask.SKILLS, Ask.SKILL_LIST}
    if not how_many:  # "show me a few postings: which companies?": the postings themselves name them
        served.add(Ask.FIND_POSTINGS)
    # "which roles pay the most" ranks the roles (Ask.RANKING); employers, boards or places are ranked here
    by_pay = LEX.cue("group_pay_ranking").search(q) or (
        LEX.cue("pay_superlative").search(q) and not reading.has(Ask.RANKING)
        and reading.breakdown is not PostingBreakdown.TITLE)
    if reading.breakdown and not by_pay and LEX.cue("count_superlative").search(q):
        counted = True  # "which companies post the most ... (with salary)": ranked by count, pay beside it
        served -= {Ask.PAY, Ask.COMPANY_PAY}
    if by_pay and reading.breakdown is PostingBreakdown.COUNTRY:  # countries ranked by pay: the survey's ranking
        reading.breakdowns = [b for b in reading.breakdowns if b is not PostingBreakdown.COUNTRY]
        reading.breakdown = reading.breakdowns[0] if reading.breakdowns else None
    if reading.breakdown and by_pay and len(reading.slots.companies) < 2:
        # "top paying companies for data scientists (20+ postings)": the groups ranked by their pay
        reading.groups_by_pay, counted, served = True, True, set()
        reading.asks = [a for a in reading.asks if a not in (Ask.PAY, Ask.COMPANY_PAY)]
    if (fewest := LEX.cue("min_postings").search(q)) is not None:
        reading.min_postings = int(next(g for g in fewest.groups() if g))
    # a condition asked by kind of job ("which ones are most open to people without a degree?") is the
    # conditions tool's share by title, not a count of the postings
    by_title_share = reading.has(Ask.CONDITIONS) and reading.breakdown is PostingBreakdown.TITLE and not how_many
    if counted and not _counted_elsewhere(reading) and not by_title_share and (
            not served & set(reading.asks) or _a_part_counts(reading)):
        reading.asks = [Ask.POSTING_COUNT, *[a for a in reading.asks if a != Ask.FIND_POSTINGS]]
    _read_pay_by_group(reading)


def _read_breakdowns(reading: Interpretation, q: str) -> None:
    """The fields the postings are grouped by: "where are they located? and which job sites carry the most?"
    asks each grouping, in the question's order."""
    reading.breakdown = next((PostingBreakdown(v) for pattern, v in BREAKDOWNS if pattern.search(q)), None)
    found = sorted((m.start(), PostingBreakdown(v)) for pattern, v in BREAKDOWNS if (m := pattern.search(q)))
    reading.breakdowns = list(dict.fromkeys(b for _, b in found))


def _counted_elsewhere(reading: Interpretation) -> bool:
    """The postings are of 2023 and place jobs by city only in their location text: a count for another year or
    a city is the articles' ("how many AI postings did Seattle have in early 2025?"); a ranking of countries is
    the postings' own whatever cities the asker names."""
    return bool(reading.places and reading.breakdown is not PostingBreakdown.COUNTRY) or any(
        y != POSTINGS_YEAR for y in [*reading.slots.years, reading.slots.year] if y)


def _read_pay_by_group(reading: Interpretation) -> None:
    """"Which boards carry the most, and do LinkedIn jobs pay more than Indeed ones?", "which companies post the
    most, and what do they pay?": each group's pay, where the groups are what the pay is asked of."""
    if Ask.POSTING_COUNT in reading.asks and Ask.PAY in reading.asks and reading.breakdown:
        pay_parts = [q for q, its in zip(reading.questions, reading.asks_by_question, strict=False) if Ask.PAY in its]
        reading.pay_by_group = not reading.slots.role or any(LEX.cue("anaphora").search(q.lower()) for q in pay_parts)
        if reading.pay_by_group and not reading.slots.role:  # no role's pay to look up beside it
            reading.asks = [a for a in reading.asks if a != Ask.PAY]


def _a_part_counts(reading: Interpretation) -> bool:
    """Whether a part of its own asks nothing but a count by group ("which job boards have the most data job
    postings?"), beside a part that asks something else: the count is then asked too."""
    return any(not its and any(p.search(q.lower()) for p, _ in BREAKDOWNS)
               for q, its in zip(reading.questions, reading.asks_by_question, strict=False))


def countries_left_out(question: str, slots: Slots) -> list[str]:
    """The countries the question names to leave out ("outside the US, which countries pay most?"), by the
    lexicon's `left_out` words and the country reader's own phrases for them."""
    spans = [m.group(1).strip() for m in LEX.cue("left_out").finditer(question.lower())]
    return [country for country, phrase in zip(slots.countries, slots.country_phrases, strict=True)
            if any(phrase.lower() == span or phrase.lower() in span.split() for span in spans)]


def places_asked(question: str, slots: Slots) -> list[str]:
    """The cities and US states the question asks about, each once, as the postings' figures and filters take
    them: the cities when two or more are named ("Seattle vs Austin"), else the states when two or more are
    ("California or Texas"), else the one city or state (of a city and a state, the one named last); none for
    remote jobs (located "Anywhere": where the asker lives doesn't narrow them). A place in the asker's account
    of themself (lexicon `about_me`: "I am ... in Germany (Berlin)", asking what the job pays in Germany) is not
    asked about; one elsewhere in the story is ("got an offer in Tampa at $28/hr, is that lowball?")."""
    if slots.remote:
        return []
    asked = cues.without_background(question).lower()
    cities = list(dict.fromkeys(city_name(c) for c in slots.cities if c.lower() in asked))
    states = [s for s, phrase in zip(slots.states, slots.state_phrases, strict=True) if phrase.lower() in asked]
    if len(cities) >= 2:
        return cities
    if len(states) >= 2 or not cities:
        return states
    last = slots.last_place or cities[0]
    return [last if last in states else cities[0]]  # one city and one state: the one named last


def _read_conditions(reading: Interpretation) -> None:
    """The posting conditions a conditions question names ("what fraction are contract?"), in its order: their
    shares lead the answer instead of sitting among the others."""
    own_parts = [q for q, its in zip(reading.questions, reading.asks_by_question, strict=False)
                 if Ask.CONDITIONS in its and Ask.SKILL_LIST not in its]  # "2) do i need a degree 3) which tools"
    if Ask.CONDITIONS in reading.asks and Ask.SKILL_LIST in reading.asks and not own_parts:
        # "which skills do remote data engineer jobs ask for?": the skills are asked, "remote" narrows them
        reading.asks = [a for a in reading.asks if a is not Ask.CONDITIONS]
    remote_said = [p for p in cues.question_parts(reading.question) if LEX.cue("remote").search(p.lower())]
    if reading.slots.remote and len(reading.questions) > 1 and remote_said \
            and all(p.strip(" ,;.?!-") in reading.questions[1:] and _asks_a_share(p) for p in remote_said):
        # "1) median pay 2) top skills 3) what % of jobs are remote", "... 4) any remote ones??": how many remote
        # jobs there are is asked, in a part of its own; the pay and the skills are of all the role's jobs
        reading.slots.remote = None
        reading.asks += [] if Ask.CONDITIONS in reading.asks else [Ask.CONDITIONS]
        asked_here = {p.strip(" ,;.?!-") for p in remote_said}
        reading.asks_by_question = [[*its, Ask.CONDITIONS] if q in asked_here and Ask.CONDITIONS not in its else its
                                    for q, its in zip(reading.questions, reading.asks_by_question, strict=False)]
    if Ask.CONDITIONS in reading.asks:
        q = reading.question.lower()
        named = sorted((m.start(), flag) for pattern, flag in CONDITION_FLAGS if (m := re.search(pattern, q)))
        reading.conditions_named = list(dict.fromkeys(flag for _, flag in named))
        if reading.conditions_named and not reading.skills_named and Ask.SKILL_LIST not in reading.asks:
            # "what share of postings don't ask for a degree?" asks about a degree, not about skills
            reading.asks = [a for a in reading.asks if a is not Ask.SKILLS]


def unrecorded_condition(question: str, skill_vocabulary: Callable[[], Collection[str]]) -> str:
    """What a share of postings is asked by when no posting field records it ("on-call / weekend support",
    "visa sponsorship"), as the asker wrote it; '' when a condition the postings record (remote, degree,
    insurance, schedule) or a skill they list is named, or no share of postings is asked this way."""
    m = LEX.cue("posting_share_of").search(cues.asked_text(question).lower())
    if m is None:
        return ""
    thing = m.group(1).strip()
    recorded = any(re.search(pattern, thing) for pattern, _ in CONDITION_FLAGS) or cues.asks_about_pay(thing) \
        or skills_in(thing, skill_vocabulary()) or topic_not_in_sources(thing)  # a topic says itself
    return "" if recorded else thing


def _read_unrecorded(reading: Interpretation, skill_vocabulary: Callable[[], Collection[str]]) -> None:
    """The first thing a share of postings is asked by that no field records. A part asking by such a thing
    ("... and which companies sponsor h1b") is no count of postings, nor a search for them: those asks of it
    are dropped (a skill the postings lack is still the skills tool's to say, and the articles may have it)."""
    parts = reading.questions or [reading.question]
    things = [unrecorded_condition(part, skill_vocabulary) for part in parts]
    reading.unrecorded = next((t for t in things if t), "")
    if not reading.unrecorded:
        return
    counting = (Ask.POSTING_COUNT, Ask.FIND_POSTINGS)
    by_part = reading.asks_by_question or [list(reading.asks)] * len(parts)
    reading.asks_by_question = [[a for a in its if not thing or a not in counting]
                                for its, thing in zip(by_part, things, strict=False)]
    kept = {a for its, thing in zip(by_part, things, strict=False) if not thing for a in its}
    reading.asks = [a for a in reading.asks if a not in counting or a in kept]


def _asks_a_share(part: str) -> bool:
    """Whether a part asks how many, what share or whether any ("what % of jobs are remote", "any remote
    ones??"), not a condition put on something else ("what if the role is fully remote?")."""
    q = part.lower()
    return bool(LEX.cue("share_asked").search(q) or LEX.cue("share_asked_loosely").search(q)
                or LEX.cue("how_many").search(q) or "%" in q or LEX.cue("existence_asked").search(q))


def _read_claims(reading: Interpretation) -> None:
    """Figures the question asserts, to confirm or correct, and a minimum pay it asks postings for. "They make
    $300k, right?" is a claim; "postings paying at least $150K" is a filter; "I'm on 95k" is the asker's own."""
    question = reading.question
    mine_aside = sorted(figures(cues.without_background(question)))
    own = sorted({f for m in LEX.cue("own_amount").finditer(question) for f in figures(m.group(0))
                  if f.startswith("$")})  # "a $120k offer": theirs, not the claim beside it
    reading.share_in_words = any(pattern.search(question.lower()) for pattern, _ in QUANTIFIERS)
    if LEX.cue("premise_claim").search(question):
        if reading.has(Ask.PAY):
            reading.claimed_pay = [float(f[1:]) for f in mine_aside if f.startswith("$") and f not in own
                                   and float(f[1:]) >= MIN_CLAIMED_PAY]
            reading.own_pay = [float(f[1:]) for f in own] if reading.claimed_pay else []
        reading.claimed_shares = [float(f[:-1]) for f in mine_aside if f.endswith("%")]  # "90% need a PhD?"
        words = cues.without_background(question).lower()
        reading.claimed_share_ranges = [(float(lo), float(hi)) for pattern, span in QUANTIFIERS
                                        if re.search(pattern, words) for lo, hi in [span.split("-")]][:1]
        reading.claim_attributed = bool(LEX.cue("attributed").search(question))
        reading.claimed_higher = _claimed_order(reading)
        reading.claim_qualified = bool(LEX.cue("claim_qualifier").search(cues.without_background(question)))
    if LEX.cue("pay_floor").search(question):  # "paying at least $150K": the postings' minimum
        floors = [float(f[1:]) for f in figures(question) if f.startswith("$") and float(f[1:]) >= MIN_CLAIMED_PAY]
        reading.pay_floor = min(floors) if floors else None
        reading.claimed_pay = []
    elif reading.has(Ask.PAY) and not reading.claimed_pay and LEX.cue("own_pay").search(question):
        # "is the 95k offer i got a lowball?", "I'm on 52k €": the asker's own pay, placed among the figures
        reading.own_pay = [float(f[1:]) for f in sorted(figures(question)) if f.startswith("$")]


def _claimed_order(reading: Interpretation) -> int | None:
    """Which of two compared roles the question asserts is paid more: the first where it says "more than"
    between them, the second where it says "less than"; None where it asserts no order."""
    q, roles = reading.question.lower(), reading.slots.roles
    if len(roles) != 2 or not reading.has(Ask.PAY):
        return None
    offsets = first_role_offsets(q)
    starts = [offsets.get(role, -1) for role in roles]
    if min(starts) < 0:
        return None
    between = q[min(starts):max(starts)]
    first_higher = 0 if starts[0] < starts[1] else 1
    if LEX.cue("claimed_higher").search(between):
        return first_higher
    if LEX.cue("claimed_lower").search(between):
        return 1 - first_higher
    return None


def _not_story_roles(question: str, found: list[str], read: Callable[[str], list[str]]) -> list[str]:
    """`found` (what `read` finds in the question), less the names that only name a role in the asker's story
    ("thinking cloud engineering as a stepping stone to MLOps. what skills do cloud engineer postings list?"
    names no skill): each kept name is in the asking parts, or outside every role's words."""
    kept = set(read(cues.asked_text(question))) | set(read(without_role_names(question)))
    return [x for x in found if x in kept]


def _tools_asked(question: str, slots: Slots) -> list[str]:
    """The tools the question names outside the roles' words, less one that only names a role in the story."""
    return _not_story_roles(question, cues.named_tools(_without_roles(question, slots)), cues.named_tools)


def _skills_asked(question: str, vocabulary: Collection[str]) -> list[str]:
    """The skills the question names, less those that only name a role in the asker's story."""
    return _not_story_roles(question, skills_in(question, vocabulary), lambda text: skills_in(text, vocabulary))


def _read_skills(reading: Interpretation, skill_vocabulary: Callable[[], Collection[str]]) -> None:
    """The postings' skills the question names: compared, a pay premium asked, or the asker's own for a gap."""
    question, asks, role = reading.question, reading.asks, reading.slots.role
    share_claimed = _claims_a_skill_share(reading) and Ask.SKILLS not in asks
    if share_claimed:
        # "Python is in only a third of data job posts, right?": the share claimed is checked against the skill's
        asks = reading.asks = [Ask.SKILLS, *asks]
    weighed = not asks and LEX.cue("either_or").search(question)  # "python or R for a data scientist job?"
    # "which skills bump DE pay? spark, snowflake or kafka": a ranking of the skills named
    if {Ask.PAY, Ask.SKILLS, Ask.FIND_POSTINGS, Ask.SKILL_RANKING} & set(asks) or weighed:
        vocabulary = skill_vocabulary()
        aside = " ".join(m.group(1) for m in LEX.cue("skills_set_aside").finditer(question))
        reading.skills_set_aside = skills_in(aside, vocabulary) if aside else []
        reading.skills_named = [k for k in _skills_asked(question, vocabulary) if k not in reading.skills_set_aside]
        reading.skills_compared = len(reading.skills_named) >= 2  # "Docker and Kubernetes?": each one's share
        if share_claimed and not reading.skills_named:  # "remote jobs pay 30% less": a share of no skill
            reading.asks = asks = [a for a in asks if a != Ask.SKILLS]
        if weighed and reading.skills_compared:  # two skills weighed: how often each one's postings list it
            reading.asks = asks = [Ask.SKILLS]
        if Ask.PAY in asks and reading.skills_compared and (not role or _skills_weighed_on_pay(question, vocabulary)):
            # "...which one gets more money?", "does kafka or airflow bump DE pay?": the pay of each skill's postings
            # (the role's, if one is named; how often each is listed first where no role's pay could be given)
            first = [Ask.SKILL_RANKING] if role else [Ask.SKILLS, Ask.SKILL_RANKING]
            reading.asks = asks = [*dict.fromkeys([*first, *(a for a in asks if a != Ask.PAY)])]
        if Ask.PAY in asks and role:  # "I know Python, what would I earn?" asks no skill premium
            # a skill premium is asked where the skill is named with the pay: "what do they earn, and should I
            # learn Spark?" asks the pay, then the skill, not Spark's premium
            pay_words = _pay_parts(question) or cues.without_background(question)
            reading.pay_skill = next((k for k in skills_in(pay_words, vocabulary) if k not in reading.skills_set_aside),
                                     None)
        if reading.pay_skill:
            reading.asks = [Ask.SKILL_PAY] + [a for a in asks if a != Ask.SKILLS]
    if LEX.cue("skills_gap").search(question):
        reading.skills_had = _skills_had(question, skill_vocabulary())
        if reading.skills_had:  # what to learn, given what I know: the gap leads; advice passages may follow
            reading.asks = [Ask.SKILLS_GAP] + [a for a in reading.asks if a in (Ask.HOW_TO, Ask.DURATION)]


def _pay_parts(question: str) -> str:
    """The parts of the message that ask about pay, without the asker's story ('' if none)."""
    return cues.without_background(" ".join(p for p in cues.question_parts(question) if cues.asks_about_pay(p)))


def _skills_weighed_on_pay(question: str, vocabulary: Collection[str]) -> bool:
    """Whether two skills or more are named in the parts that ask about pay, outside the asker's story ("been
    learning excel and sql ... how much do analysts make?" asks the role's pay, not the skills')."""
    return len(skills_in(_pay_parts(question), vocabulary)) >= 2


def _claims_a_skill_share(reading: Interpretation) -> bool:
    """The question asserts a share of postings (in figures or words) and names postings: a claim about how
    often a skill is asked for, if it names a skill (checked by the caller's skills reading)."""
    return bool(reading.claimed_shares or reading.claimed_share_ranges) and bool(
        LEX.cue("postings").search(reading.question))


def _skills_had(question: str, vocabulary: Collection[str]) -> list[str]:
    """'I know Python, SQL and Tableau — what should I learn?': the skills named where the asker speaks of
    themself, up to where the question of what to learn starts (so 'should I learn Spark' isn't one of them)."""
    cut = next((m.start() for m in [LEX.cue("skills_gap").search(question)] if m), len(question))
    spans = [*LEX.cue("about_me").finditer(question), *LEX.cue("skills_held").finditer(question)]
    mine = [question[m.start(): min(m.end(), cut) if m.start() < cut else m.end()] for m in spans]
    return skills_in(" ; ".join(mine), vocabulary)
