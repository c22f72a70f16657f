"""Two readers of a question behind one protocol: the vocabulary rules, and an LLM that falls back to them.

The rules (`interpret`) read what their vocabulary files name and nothing else; an LLM reads phrasings nobody
wrote a pattern for ("Deutschland", "folks who build ML pipelines"). Both produce the same `Interpretation`, so
no later node knows or cares which one read the turn; `read_by` records it. The LLM's reading is never trusted
as written: its enums are validated by the schema, and its roles, countries and levels are mapped through the
same vocabulary the rules use (`slots`, `normalize.resolve_role`, `normalize.resolve_country`), so "ML Engineer"
and "Deutschland" land on the values the data tools know. Any failure (no endpoint, an error, the deadline,
the circuit breaker, output that doesn't validate) gives the rules' reading instead: a turn is never lost to
the interpreter.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from advisor.agent.interpret import (
    MIN_CLAIMED_PAY,
    Ask,
    Intent,
    Interpretation,
    Reader,
    Source,
    interpret,
    places_asked,
)
from advisor.agent.prompts import INTERPRET_PROMPT
from advisor.agent.slots import LEVEL_PATTERNS, Slots, extract, roles_named
from advisor.backends.resilience import Budget
from advisor.config import InterpreterChoice, Settings
from advisor.data.normalize import UnknownCountryError, UnknownRoleError, resolve_country, resolve_role

log = logging.getLogger(__name__)

SkillVocabulary = Callable[[], Collection[str]]
TitleVocabulary = Callable[[], Collection[str]]  # the salary survey's job titles
EmployerVocabulary = Callable[[], Collection[str]]  # the postings' employers with enough postings for a figure
LEVEL_CODES = tuple(dict.fromkeys(level for _, level in LEVEL_PATTERNS))  # junior, mid, senior, lead
ModelIntent = Literal["greeting", "off_topic", "factual", "salary", "skills", "advice", "comparison"]
ModelLevel = Literal["junior", "mid", "senior", "lead"]


class Interpreter(Protocol):
    """Reads one standalone question (already merged with its follow-up context) into its interpretation."""

    def read(self, question: str) -> Interpretation: ...


class RuleInterpreter:
    """The vocabulary files' reading (`interpret`); the data's skill names and job titles are opened only when a
    question needs them."""

    def __init__(self, skill_vocabulary: SkillVocabulary | None = None,
                 title_vocabulary: TitleVocabulary | None = None,
                 employer_vocabulary: EmployerVocabulary | None = None) -> None:
        self.skill_vocabulary = skill_vocabulary
        self.title_vocabulary = title_vocabulary
        self.employer_vocabulary = employer_vocabulary

    def read(self, question: str) -> Interpretation:
        return interpret(question, self.skill_vocabulary, self.title_vocabulary, self.employer_vocabulary)


class ModelReading(BaseModel):
    """What the model is asked to fill: flat, few types, each field described (small models read the schema).

    A field left out or null is read by the rules instead; an empty list is the model saying "none"."""

    intent: ModelIntent = Field(description="what kind of question it is, as a whole")
    asks: list[Ask] | None = Field(default=None, description="the parts asked for, the main one first")
    role: str | None = Field(default=None, description="the job role asked about, as a job title")
    roles: list[str] | None = Field(default=None, description="two or more roles compared, in order; else []")
    countries: list[str] | None = Field(default=None, description="countries named (a city's country too)")
    cities: list[str] | None = Field(default=None, description="cities named, as written")
    level: ModelLevel | None = Field(default=None, description="experience level asked about")
    years: list[int] | None = Field(default=None, description="calendar years named, e.g. 2024")
    company: str | None = Field(default=None, description="an employer named")
    skills: list[str] | None = Field(default=None, description="skills or tools named, e.g. python, power bi")
    remote: bool | None = Field(default=None, description="true: remote jobs only; false: on-site only")
    source_named: Source | None = Field(default=None, description="a source the question names")
    claimed_pay: list[float] | None = Field(default=None, description="yearly pay figures the question asserts")
    pay_floor: float | None = Field(default=None, description="a minimum yearly pay the jobs must offer")
    language: str | None = Field(default=None, description="ISO 639-1 code of the question's language")


def canonical_role(text: str) -> str | None:
    """A role as the rules name it: the lexicon's value ("ML Engineer" → "machine learning engineer"), else a
    data tool's role label (`resolve_role`), else None (the vocabulary doesn't know it)."""
    named = roles_named(text)
    if named:
        return named[0]
    try:
        return resolve_role(text).label
    except UnknownRoleError:
        return None


def canonical_country(text: str) -> str | None:
    """A country as the rules name it ("Deutschland" → "Germany", "Berlin" → "Germany"), else any country the
    data knows by name or code ("Nigeria", "NG"), else None."""
    named = extract(text).countries
    if named:
        return named[0]
    try:
        return resolve_country(text).name
    except UnknownCountryError:
        return None


def canonical_level(text: str) -> str | None:
    """A level code of the rules' (junior, mid, senior, lead) from the model's word for it."""
    word = text.strip().lower()
    return word if word in LEVEL_CODES else extract(word).level


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(v for v in values if v is not None))


def _with_roles(slots: Slots, said: ModelReading) -> tuple[Slots, str]:
    """The slots with the model's roles, mapped to the rules' names; the words of a role nobody knows."""
    unknown = ""
    if said.role:
        role = canonical_role(said.role)
        unknown = "" if role else said.role.strip()
        if role:
            slots = replace(slots, role=role, role_phrase=said.role.strip())
    if said.roles is not None:
        roles = _unique([canonical_role(r) for r in said.roles])
        slots = replace(slots, roles=roles if len(roles) >= 2 else [], role_phrases=[])
        if roles and not slots.role:  # "data engineer or data analyst?" names its first side as the role
            slots = replace(slots, role=roles[0], role_phrase=roles[0])
    return slots, unknown


def _with_places(slots: Slots, said: ModelReading) -> Slots:
    """The slots with the model's countries and cities; a city stays only where its country is known."""
    if said.countries is not None:
        slots = replace(slots, countries=_unique([canonical_country(c) for c in said.countries]),
                        country_phrases=[])
    if said.cities is None:
        return slots
    cities, city_countries = [], []
    for city in said.cities:
        country = canonical_country(city) or (slots.countries[0] if len(slots.countries) == 1 else None)
        if country:
            cities.append(city.strip())
            city_countries.append(country)
    return replace(slots, countries=_unique(slots.countries + city_countries), cities=cities,
                   city_countries=city_countries)


def _with_rest(slots: Slots, said: ModelReading) -> Slots:
    """The slots with the model's level, years, employer and remote filter (each only where it said one)."""
    if said.level and (level := canonical_level(said.level)):
        slots = replace(slots, level=level, level_phrase=said.level, levels=[level], level_phrases=[said.level])
    if said.years is not None:
        years = _unique([y for y in said.years if 1990 <= y <= 2100])
        slots = replace(slots, year=years[0] if years else None, years=years if len(years) >= 2 else [])
    if said.company and said.company.strip():
        company = said.company.strip()
        known = any(company.lower() == c.lower() for c in slots.companies)
        slots = replace(slots, company=company, companies=slots.companies if known else [company])
    if said.remote is not None:
        slots = replace(slots, remote=said.remote)
    return slots


def _skills(said: list[str], vocabulary: Collection[str] | None) -> list[str]:
    """The model's skills in the postings' spelling; where the vocabulary is known, only skills it lists."""
    wanted = _unique([s.strip().lower() for s in said if s.strip()])
    if vocabulary is None:
        return wanted
    known = set(vocabulary)
    return [s for s in wanted if s in known]


def _pay(values: list[float]) -> list[float]:
    return [float(v) for v in values if v >= MIN_CLAIMED_PAY]


def merge(base: Interpretation, said: ModelReading, vocabulary: Collection[str] | None = None) -> Interpretation:
    """The rules' reading `base` with what the model said put over it, in the rules' vocabulary."""
    slots, unknown = _with_roles(base.slots, said)
    slots = _with_rest(_with_places(slots, said), said)
    update: dict[str, Any] = {"intent": Intent(said.intent), "slots": slots, "read_by": Reader.LLM,
                              "unknown_role": unknown or ("" if said.role else base.unknown_role),
                              "places": places_asked(base.question, slots)}
    if said.asks is not None:
        update["asks"] = _unique(said.asks)
    if said.skills is not None:
        update["skills_named"] = _skills(said.skills, vocabulary)
        update["skills_compared"] = len(update["skills_named"]) >= 2
    if said.source_named is not None:
        update["source_first"] = said.source_named
    if said.claimed_pay is not None:
        update["claimed_pay"] = _pay(said.claimed_pay)
    if said.pay_floor is not None:
        update["pay_floor"] = next(iter(_pay([said.pay_floor])), None)
    if said.language and re.fullmatch(r"[a-z]{2}", said.language.strip().lower()):
        update["language"] = said.language.strip().lower()
    return base.model_copy(update=update)


class LLMInterpreter:
    """The model's reading (structured output into `ModelReading`), put over the rules' and mapped into their
    vocabulary; the rules' reading alone whenever the model fails.

    `reader` is a runnable that returns a `ModelReading` (`chat.with_structured_output(ModelReading)`);
    `guard`, when given, is the endpoint's backend: the call then runs under its retries, circuit breaker and a
    deadline of `timeout` seconds.
    """

    def __init__(self, rules: RuleInterpreter, reader: Any, guard: Any = None, timeout: float = 20.0) -> None:
        self.rules, self.reader, self.guard, self.timeout = rules, reader, guard, timeout

    @classmethod
    def from_backend(cls, backend: Any, rules: RuleInterpreter, timeout: float) -> LLMInterpreter:
        """Function calling: the method OpenAI and llama.cpp's server both constrain to the schema."""
        reader = backend.chat.with_structured_output(ModelReading, method="function_calling")
        return cls(rules, reader, guard=backend, timeout=timeout)

    def read(self, question: str) -> Interpretation:
        base = self.rules.read(question)
        try:
            said = self._ask(question)
            if not isinstance(said, ModelReading):
                raise TypeError(f"the model gave {type(said).__name__}, not a reading")
            return merge(base, said, self._vocabulary())
        except Exception as exc:  # any failure of the model's reading: the rules' reading answers the turn
            log.warning("the LLM interpreter failed (%s: %s); the rules read the question", type(exc).__name__, exc)
            return base

    def _ask(self, question: str) -> Any:
        messages = [("system", INTERPRET_PROMPT), ("human", question)]
        if self.guard is None:
            return self.reader.invoke(messages)
        return self.guard.invoke_with_retry(self.reader, messages, Budget.start(self.timeout))

    def _vocabulary(self) -> Collection[str] | None:
        vocabulary = self.rules.skill_vocabulary
        return vocabulary() if vocabulary is not None else None


def make_interpreter(settings: Settings, backend: Any = None, skill_vocabulary: SkillVocabulary | None = None,
                     title_vocabulary: TitleVocabulary | None = None,
                     employer_vocabulary: EmployerVocabulary | None = None) -> Interpreter:
    """The interpreter `settings.interpreter` names: `auto` is the LLM when an endpoint is configured. Asking for
    the LLM with no endpoint gives the rules (there is nothing to ask)."""
    rules = RuleInterpreter(skill_vocabulary, title_vocabulary, employer_vocabulary)
    if settings.interpreter is InterpreterChoice.RULES or backend is None:
        return rules
    return LLMInterpreter.from_backend(backend, rules, settings.interpret_timeout)
