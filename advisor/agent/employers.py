"""Employers a question names, found from the postings' own employer names.

Why: a list of "well-known" employers in the lexicon knows the ones somebody thought of ("capital one") and not
the next one asked ("booz allen", "robert half"). The postings name every employer they hold, so the employers
with enough postings to give a figure are the vocabulary: their names, shortened the way people write them
("Booz Allen Hamilton" → "booz allen"; "The Home Depot" → "home depot"; "Capital One Financial Corporation" →
"capital one financial"), are looked for in the question. The words that end a legal name ("Inc", "LLC") are
lexicon data (`employer_suffixes`); a name that starts like an everyday phrase ("Jobs Near Me") is left out by
the lexicon's `not_employers`, one that reads as a place ("New York State ...") by the place reader. One-word
names are not read from the data: "Snowflake", "Target", "Visa" and "Square" are mostly asked as a skill, a
word or a sponsorship; the lexicon's `known_companies` and a capitalised name after "at" or "for" find those.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from advisor.agent.lexicon import lexicon
from advisor.agent.slots import extract

LEX = lexicon()
_SUFFIXES = set(LEX.words("employer_suffixes"))
_NOT_EMPLOYERS = set(LEX.words("not_employers")) | set(LEX.words("not_companies"))
_JOINERS = set(LEX.words("name_joiners"))
MIN_WORD = 3  # a shortened name's words have at least this many letters ("get it" is no employer's short name)


def _words(name: str) -> list[str]:
    """A name's words, lowercase, without what follows a dash or bracket ("Get It Recruit - Finance"), a
    leading "the" or trailing legal words."""
    name = re.split(r"\s[-–(]|[(,]", name, maxsplit=1)[0].lower()
    words = re.findall(r"[a-z0-9&][a-z0-9&.'-]*", name)
    words = [w.rstrip(".") for w in words]
    if words and words[0] == "the":
        words = words[1:]
    while words and (words[-1] in _SUFFIXES or words[-1] in _JOINERS):
        words.pop()
    return words


def short_names(name: str) -> list[str]:
    """The ways a person writes an employer: its name without legal words, and for three words or more, its
    first two ("booz allen"), when both are real words."""
    words = _words(name)
    if not words or words[0] in _NOT_EMPLOYERS:
        return []
    names = [" ".join(words)]
    if len(words) >= 3 and all(len(w) >= MIN_WORD and w not in _JOINERS for w in words[:2]):
        names.append(" ".join(words[:2]))
    return names


def _a_place(name: str) -> bool:
    """Whether a short name reads as a place ("new york" of "New York State Department of Health")."""
    slots = extract(name)
    return bool(slots.countries or slots.cities or slots.states)


@lru_cache(maxsize=4)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for the employers' many-word short names, longest first, in any casing."""
    many = sorted({s for n in names for s in short_names(n) if " " in s and not _a_place(s)}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(s) for s in many) + r")\b", re.I) if many else None


def employers_in(question: str, names: Collection[str]) -> list[str]:
    """The employers `question` names by a name of two words or more, as the asker wrote them, in order."""
    pattern = _pattern(tuple(names))  # the store's names come sorted: one cached pattern
    return list(dict.fromkeys(m.group(1) for m in pattern.finditer(question))) if pattern else []
