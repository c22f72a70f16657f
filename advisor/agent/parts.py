"""Which asked parts an answer leaves out, said in one plain sentence instead of dropped in silence.

An extractive answer can be about the question's topic and still miss one of its parts: "entry-level AI engineer
pay in the US" answered with an all-levels, all-countries figure, or "web developer vs AI engineer" answered for
the AI engineer alone. The reader can't tell a part the sources lack from one the answer forgot. So after the
answer is composed, the parts the question names (each role compared, each country, each level, the employer)
are looked for in the answer with the same vocabulary that found them in the question (`slots.extract`), and
those it never speaks of are named in one sentence.
"""

from __future__ import annotations

from advisor.agent.intent import without_background
from advisor.agent.interpret import Ask, Interpretation
from advisor.agent.slots import extract, levels_named, places_named, roles_named

# the asks whose answers are about one role: another role's figures are a swap, not an answer
ROLE_BOUND = (Ask.PAY, Ask.COMPANY_PAY, Ask.SKILL_PAY, Ask.SKILLS, Ask.SKILL_LIST, Ask.CONDITIONS, Ask.BENEFITS,
              Ask.RANKING)


def unserved(reading: Interpretation, answer: str, cited: list[str] | None = None) -> list[str]:
    """The question's own words for each part it names that neither `answer` nor the evidence it cites (`cited`)
    speaks of, in the question's order. Only the sides of a comparison are checked among roles: a single role is
    often named otherwise by its source ("Network and Computer Systems Administrators" for a sysadmin)."""
    if not answer:
        return []
    text = " ".join([answer, *(cited or [])])
    # the asker's own place and level ("I'm a junior web developer in Pune, what do AI engineers earn?") are
    # background, not parts of what is asked
    asked = extract(without_background(reading.question))
    said = places_named(text, asked.countries)
    missing: list[str] = []
    if len(reading.slots.roles) >= 2 and any(reading.has(a) for a in ROLE_BOUND):
        named = set(roles_named(text))  # a survey title as a side ("BI Analyst") is said by its own words
        missing += [phrase or role for role, phrase in zip(reading.slots.roles, reading.slots.role_phrases,
                                                           strict=False)
                    if role not in named and role.lower() not in text.lower()]
    cities = {c.lower() for c in said.cities}
    # a country by its name ("United States", not the "us" it was read from); a city as written
    missing += [phrase if phrase.lower() in {c.lower() for c in asked.cities} else country
                for country, phrase in zip(asked.countries, asked.country_phrases, strict=False)
                if country not in said.countries and phrase.lower() not in cities]
    levels = asked.levels or ([asked.level] if asked.level else [])
    level_phrases = asked.level_phrases or [asked.level_phrase or ""]
    said_levels = set(levels_named(text))
    missing += [f"{phrase or level} level" for level, phrase in zip(levels, level_phrases, strict=False)
                if level not in said_levels]
    company = reading.slots.company
    if reading.has(Ask.COMPANY_PAY) and company and company.lower() not in text.lower():
        missing.append(company)
    if reading.has(Ask.PAY):  # "what do startups pay?" answered with every size's figure only
        missing += [words for words in map(size_words, reading.slots.company_sizes) if words not in text]
    return missing


def size_words(size: str) -> str:
    """How answers name an employer size (the salary tool's words for the survey's S, M, L)."""
    from advisor.tools.salary import CompanySize

    return CompanySize(size).words


def gap_sentence(missing: list[str]) -> str | None:
    """One plain sentence naming what the answer doesn't cover, or None when it covers every part."""
    if not missing:
        return None
    parts = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    # not "my sources have nothing": the sources may hold it where this answer's search didn't reach
    return f"Nothing in this answer is specific to {parts}."
