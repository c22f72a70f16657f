"""Do the sources hold what the question asks for? Checked before any answer is composed.

Retrieval always returns *something*: for "How many hours a week do AI engineers work?" it finds passages
about AI engineers, and an extractive answer built from them would read as an answer while saying nothing
about hours. These checks look for what makes the question specific (a name, a country, a future year, the
quantity asked for) in the evidence, and name what is missing so the reply can say "the sources don't cover
X" instead of guessing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection

from advisor.agent import spelling
from advisor.agent.glossary import looks_foreign
from advisor.agent.intent import asked_parts, asks_about_pay, without_background
from advisor.agent.lexicon import lexicon
from advisor.agent.slots import Slots, extract
from advisor.data.cities import city_countries
from advisor.text import content_words, figures, split_sentences
from advisor.types import Evidence

LATEST_SOURCE_YEAR = 2026  # the newest article; nothing here forecasts beyond it
EARLIEST_SOURCE_YEAR = 2020  # the salary survey's first year; the postings are 2023, BLS May 2023 and May 2024
LEX = lexicon("en")
_PROPER_OK = set(LEX.words("proper_ok"))
_SELF_DESCRIBED = tuple(f"-{w}" for w in LEX.words("self_described_suffixes"))
_DESCRIPTIVE = tuple(f"-{w}" for w in LEX.words("descriptive_suffixes"))

# "How many <unit>": a quantity the answer must state in that unit. A passage about AI engineers with no
# figure in hours does not answer "how many hours".
_HOW_MANY_UNIT = LEX.cue("how_many_unit")
_HOW_MANY = LEX.cue("how_many")
# A headcount about a named organisation ("How many AI engineers does OpenAI employ?") needs a figure said
# about that organisation's staff: "OpenAI appears in 19.5% of postings" is about postings, not its staff.
_HEADCOUNT = LEX.cue("headcount")
_ORGANISATION = LEX.cue("organisation_named")  # a name written in lower case: "university of chicago"
# a measure asked of a named organisation, the figure shape that states it, and how the decline names it
_MEASURES = [(LEX.cue("share_asked"), LEX.cue("share_figure"), "that share for {}"),  # "78%", "78 percent"
             (LEX.cue("price_asked"), LEX.cue("price_figure"), "the cost of {}")]  # "$12,000", "4,500 euros"
_TIME_UNITS = LEX.words("time_units")


# "I want to switch by 2028": a plan with a date, not a question about 2028 (that one is still answered today)
_PERSONAL_DEADLINE = LEX.cue("personal_deadline")


def specific_names(question: str) -> list[str]:
    """Names that make a question specific: "OpenAI", "H-1B", or a capitalised word after at/in/for ("at Google",
    "in Zurich"). Plain capitalised words (sentence starts, German nouns, "Excel") don't count."""
    if looks_foreign(question):
        return []
    question = without_background(question)  # "I'm a frontend dev (TypeScript)": names of the person's past
    names = [w for w in re.findall(r"\b([A-Za-z][\w-]*[A-Za-z0-9])\b", question)
             if (re.search(r"\d|-", w) and re.search(r"[A-Z]", w)) or re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*", w)]
    names = [w for w in names if not w.lower().endswith(_SELF_DESCRIBED)]  # "Valencia-based": who the asker is
    names = [w for w in names if not w.lower().endswith(_DESCRIPTIVE)]  # "an AI-type role": a kind, not a name
    names += re.findall(r"\b(?:at|in|for|from|near)\s+([A-Z][a-z]{2,})\b", question)
    # a capitalised word inside a sentence, after a lower-case word ("what does Zalando pay"): a name, where the
    # question is written in sentence case (a question in all lower case or Title Case says nothing by capitals)
    if _sentence_case(question):
        names += re.findall(r"\b[a-z]{2,} ([A-Z][a-z]{2,})\b", question)
    return list(dict.fromkeys(names))


def _sentence_case(question: str) -> bool:
    """Most words after a sentence's first lower case: capitals then mark names (not in Title Case)."""
    inner = [w for sentence in split_sentences(question) for w in re.findall(r"[A-Za-z]+", sentence)[1:]]
    return len(inner) >= 3 and sum(w[0].isupper() for w in inner) <= len(inner) / 2


def missing_entities(question: str, evidence: list[Evidence], slots: Slots | None = None,
                     places_asked: bool = True, background_asked: bool = True) -> str:
    """Something the question names that no evidence mentions: answering anyway would mislead.

    A country, a future year, or a proper name ("Zurich", "H-1B", "Google"
    when no passage says it): the sources may be on the topic in general, but
    a general answer to a specific question reads as if it were specific.
    `places_asked=False` (advice): a country is where the asker is, not what they ask about; the answer is
    general advice and the note under it says nothing in it is specific to that place. So are the names in
    the parts of the message that ask nothing (`intent.asked_parts`), there and wherever `background_asked` is
    False (no data is looked up for the question: "Biologist (PhD, genomics) here. Which role fits me?").
    """
    slots = slots or extract(question)
    text = " ".join(e.text + " " + e.title for e in evidence).lower()
    years = _years_named(question)
    if years and max(years) > LATEST_SOURCE_YEAR and not _PERSONAL_DEADLINE.search(question):
        return f"{max(years)} (the newest source is from {LATEST_SOURCE_YEAR}; none forecasts that far)"
    before = _years_before_the_sources(without_background(question), text) if places_asked else ""
    if before:
        return before
    # a city or US state stands for its country, which is checked below (the figures say whose they are)
    cities = {c.lower() for c in [*slots.cities, *slots.state_phrases]}
    loose = text.replace("-", " ")  # "generative-AI" is named where the sources write "generative AI"
    # in advice, a name in who the asker is ("in Stuttgart", "at Bosch") is theirs, not asked about; in a data
    # question it is where "there" is ("I'm in Zurich. What do data engineers earn there?")
    for name in specific_names(question if _story_asked(question, places_asked, background_asked)
                               else asked_parts(question)):
        said = name.lower()
        if {said, said.replace("-", "")} & _PROPER_OK or _a_month(name, question) or said in text or said in cities \
                or said.replace("-", " ") in loose or said.replace("-", "") in text \
                or _parts_named(name, text):  # "gen-AI" is the sources' "GenAI"
            continue  # a city stands for its country, which is checked below
        if any(said in (c.lower(), p.lower()) or said in c.lower().split()
               for c, p in zip(slots.countries, slots.country_phrases, strict=True)):
            continue  # countries ("United" of "United States") are checked below, with their aliases
        if any(_names_country(text, c, c) for c in set(extract(name).countries) & set(slots.countries)):
            continue  # another name of a country the evidence names ("Britain" where the figures say "United Kingdom")
        return name
    return _country_not_in(text, slots, without_background(question).lower() if places_asked else "")


def _story_asked(question: str, places_asked: bool, background_asked: bool) -> bool:
    """Whether the names in the asker's story are asked about too: in a data question that points back at them
    ("I'm at Zalando. What do data engineers earn there?"), not in one that doesn't ("I do B2B contract work
    for US clients. What's the going hourly rate?": B2B is how they work, not what they ask about). Places in
    the story are checked either way, as countries."""
    return places_asked and background_asked and bool(LEX.cue("story_pointed_at").search(asked_parts(question).lower()))


_MONTHS = LEX.table("months")


def _a_month(name: str, question: str) -> bool:
    """"graduating in May": a date in the asker's story, not a name the sources must hold (the months table reads
    "may" as a month only where the words around it say so)."""
    q = question.lower()
    return any(name.lower() in m.group(0).split() for pattern, _ in _MONTHS for m in pattern.finditer(q))


def _country_not_in(text: str, slots: Slots, asked: str) -> str:
    """A country the question asks about (named in `asked`, the question without the asker's own place: "I'm a
    web developer in Madrid, how do I start?") that `text` names by none of its names; '' if none."""
    asked_countries = [(c, p) for c, p in zip(slots.countries, slots.country_phrases, strict=True)
                       if p.lower() in asked]
    missing = [c for c, p in asked_countries if not _names_country(text, c, p)]
    # "UK vs Netherlands pay?" with figures for one side: the answer gives that side and says the other is too
    # thin (the tools' shortfall, the note on unserved parts); only a place nothing speaks of declines it all
    return missing[0] if missing and len(missing) == len(asked_countries) else ""


def _names_country(text: str, country: str, phrase: str) -> bool:
    """Whether `text` names `country` by any of its names (the question's own word for it included)."""
    aliases = {country.lower(), phrase.lower()}
    if country == "United States":
        aliases |= {"us", "u.s.", "united states", "american"}
    if country == "United Kingdom":
        aliases |= {"uk", "united kingdom", "britain"}
    return any(f" {a}" in f" {text}" for a in aliases)


_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def _years_named(question: str) -> list[int]:
    """The calendar years a question names, 1950 to 2099, in order, each once."""
    return list(dict.fromkeys(int(y) for y in _YEAR.findall(question)))


def _years_before_the_sources(question: str, text: str) -> str:
    """The years asked about, when every one is before the sources begin and no evidence mentions it ("what did
    they earn in 2018 and 2019?"): answering with today's figures would answer something else."""
    years = _years_named(question)
    before = sorted(y for y in years if y < EARLIEST_SOURCE_YEAR)
    if not before or len(before) < len(years) or any(str(y) in text for y in before):
        return ""
    return (f"{' or '.join(map(str, before))} (the salary survey begins in {EARLIEST_SOURCE_YEAR}, the postings "
            "are from 2023 and the BLS tables from 2023 and 2024)")


def _parts_named(name: str, text: str) -> bool:
    """A compound of words the evidence uses ("classic-ML" where it says "classic" and "ML") is covered, and so is
    one that adds an everyday English word to a term it uses ("LLM-heavy": it says "LLM"; "heavy" describes);
    a code whose parts are letters or digits alone ("H-1B") is not."""
    parts = [p for p in re.split(r"[-/]", name.lower()) if p]
    if len(parts) < 2 or min(map(len, parts)) < 2 or max(map(len, parts)) < 4:
        return False
    words = set(re.findall(r"[a-z0-9]+", text))
    english = spelling.english_words()
    return any(p in words for p in parts) and all(p in words or p in english for p in parts)


def _figure_sentences(evidence: list[Evidence]) -> list[str]:
    """Sentences of the evidence that state a figure, lower-cased (tool results count: they are all figures)."""
    out: list[str] = []
    for e in evidence:
        out += [s.lower() for s in split_sentences(e.text) if figures(s)]
    return out


def missing_quantity(question: str, evidence: list[Evidence]) -> str:
    """The quantity a "how many …" question asks for, when no figure in the evidence is about it.

    Two shapes are checked, both cheap and explainable:
    - a unit ("how many hours …"): some figure-bearing sentence must name the unit;
    - a headcount at a named organisation ("How many AI engineers does OpenAI employ?"): some figure-bearing
      sentence must name the organisation *and* its staff, so "OpenAI appears in 19.5% of postings" does not
      pass for a headcount.
    """
    if looks_foreign(question):
        return ""
    sentences = _figure_sentences(evidence)
    if share := _missing_measure(question, sentences):
        return share
    if not _HOW_MANY.search(question):
        return ""
    unit = _HOW_MANY_UNIT.search(question)
    # "How much per month does a data scientist earn?" asks for pay (the tools give it per year), not for a count
    # of months; and "how much would I earn at Microsoft" is a salary question, not a headcount.
    pay = asks_about_pay(question)
    if unit and not (pay and unit.group(1).lower() in _TIME_UNITS):
        word = unit.group(1).lower()
        if not any(re.search(rf"\b{word}s?\b", s) for s in sentences):
            return f"a figure in {word}s"
    # any capitalised word after the first names an organisation here ("does Google employ")
    names = [n for n in dict.fromkeys(specific_names(question) + re.findall(r"(?<!^)\b[A-Z][A-Za-z0-9]+", question))
             if n.lower() not in _PROPER_OK]
    if names and _HEADCOUNT.search(question) and not pay:
        about = [s for s in sentences if all(n.lower() in s for n in names)]
        if not any(_HEADCOUNT.search(s) for s in about):
            return f"that figure for {_named_as_asked(question, names)}"
    return ""


def _missing_measure(question: str, sentences: list[str]) -> str:
    """A share or a price asked of a named organisation ("what percentage of the University of Chicago bootcamp's
    graduates get jobs?", "how much does it cost?") that no figure sentence states of it: a description of the
    organisation is no answer to what it costs."""
    names = [n for n in specific_names(question) if n.lower() not in _PROPER_OK] or [
        m.group(0) for m in _ORGANISATION.finditer(question.lower())]  # "the university of chicago bootcamp"
    for asked, figure, what in _MEASURES:
        if asked.search(question) and names and not any(
                figure.search(s) and all(n.lower() in s for n in names) for s in sentences):
            return what.format(_named_as_asked(question, names))
    return ""


def _named_as_asked(question: str, names: list[str]) -> str:
    """The names as the question writes them together ("University of Chicago"), else joined with "and"."""
    spans = [(question.find(n), question.find(n) + len(n)) for n in names if n in question]
    if len(spans) == len(names) and spans:
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        if len(question[start:end].split()) <= len(names) + 2:
            return question[start:end]
    return " and ".join(names)


# Words a career question uses that say nothing about its topic: they need not appear in the sources.
_TOPIC_NEUTRAL = frozenset(LEX.words("topic_neutral"))
# Below this many distinct words the sources are a sample (a test corpus, a first document): that a word is
# missing from them says little about whether the topic is covered. The five articles have about 3,300.
MIN_VOCABULARY = 1000
# Verb and adverb forms ("popped", "overblown", "honestly"): how the question is phrased, rarely what it is about.
_PHRASING = re.compile(r"(ed|ly|ing|own|(?<!m)en)$")  # not "women"


def _known(word: str, vocabulary: Collection[str]) -> bool:
    """In the sources' vocabulary, allowing inflection ("sponsor" ~ "sponsorship") and typos ("skils"); a city
    the postings place jobs in is a place, not a topic (whether the sources cover it is `missing_entities`')."""
    if word in vocabulary or len(word) < 4 or word in city_countries():
        return True
    if len(word) >= 5 and any(v.startswith(word[:-1]) for v in vocabulary):
        return True
    return bool(difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.85))


def missing_topic(
    question: str, vocabulary: Collection[str], near: Callable[[list[str]], float] | None = None
) -> str:
    """The question's topic words, when at least half of them occur nowhere in the sources.

    Retrieval always finds *something* about AI engineers, so "What is the dress code for AI engineers?" would
    get an answer about skills. A word the sources never use ("dress", "laptop", "recession") is a topic they
    can't speak to. Half, not any: everyday words ("hype", "popped up") are missing too, and a question is
    only uncovered when its missing words are most of what it asks about (half, when they look like nouns).

    `near(phrases)` is the best similarity of any phrase to the evidence: a missing word with the word before it
    ("career ladder") can still be paraphrased there ("Career Trajectories and Advancement Paths", 0.65, where
    "dress code", "laptop" or "notice period" reach 0.2 at most). Such a topic is covered.
    """
    if looks_foreign(question) or len(vocabulary) < MIN_VOCABULARY:
        return ""
    question = _NOT_ASKED.sub(" ", question)  # "not FAANG fantasy numbers, just normal": what is not asked
    words = [w for w in dict.fromkeys(content_words(question)) if w not in _TOPIC_NEUTRAL and not w.isdigit()]
    missing = [w for w in words if not _known(w, vocabulary)]
    half = len(missing) * 2 == len(words) and not any(_PHRASING.search(w) for w in missing)
    head = _HEAD.search(question)  # "What's the unemployment rate ...": the thing asked for, named first
    head_missing = bool(head) and head.group(1).lower() in missing
    if not missing or not (len(missing) * 2 > len(words) or half or head_missing or _payee_missing(question, missing)):
        return ""
    if near is not None and near(_phrases(question, missing)) >= PARAPHRASED:
        return ""
    shown = ", ".join(f'"{w}"' for w in missing[:3])
    return f"that (nothing in them mentions {shown})"


def _payee_missing(question: str, missing: list[str]) -> bool:
    """Whether the one a pay question asks about ("the average salary for a registered nurse") is named by a word
    the sources never use (lexicon `pay_subject`): the sources' pay figures are all about someone else."""
    m = LEX.cue("pay_subject").search(question.lower())
    subject = (m.group(1) or m.group(2) or "").split() if m else []
    return bool(subject) and subject[-1] in missing


def topic_not_in_sources(question: str) -> str:
    """A topic the question asks about that the sources hold nothing on (lexicon `topics_not_in_sources`: "the
    cost of living", "equity or stock options"), read in the parts that ask; '' if none."""
    asked = asked_parts(question).lower()
    return next((topic for pattern, topic in _NOT_IN_SOURCES if pattern.search(asked)), "")


def quality_not_in_sources(question: str, vocabulary: Collection[str]) -> str:
    """The quality a question compares on ("less stressful") when the sources never use its word: '' if none.

    Why: "Is data engineering or data science less stressful?" finds passages on both roles, and an answer made
    of them reads as if it answered; the reader must be told first that no source measures stress."""
    if looks_foreign(question) or len(vocabulary) < MIN_VOCABULARY:
        return ""
    for m in _QUALITY.finditer(asked_parts(question).lower()):
        word = m.group(1) or m.group(2)
        # "which one gets more money?" compares pay, which the data tools measure
        if word not in _TOPIC_NEUTRAL and not _known(word, vocabulary) and not asks_about_pay(m.group(0)):
            return m.group(0).removesuffix(" than").strip()
    return ""


_QUALITY = LEX.cue("compared_quality")
_NOT_IN_SOURCES = LEX.table("topics_not_in_sources")
_HEAD = LEX.cue("head_noun")
_NOT_ASKED = LEX.cue("not_asked")
PARAPHRASED = 0.45  # phrase-to-sentence cosine above which the sources say the missing words in other words


def _phrases(question: str, missing: list[str]) -> list[str]:
    """Each missing word alone and with the word before it ("ladder", "career ladder")."""
    tokens = re.findall(r"[a-z0-9][a-z0-9+#-]*", question.lower())
    out: list[str] = []
    for w in missing:
        out.append(w)
        out += [f"{tokens[i - 1]} {w}" for i, t in enumerate(tokens) if t == w and i > 0]
    return out


def uncovered(
    question: str,
    evidence: list[Evidence],
    vocabulary: Collection[str] = (),
    check_topic: bool = False,
    near: Callable[[list[str]], float] | None = None,
    slots: Slots | None = None,
    places_asked: bool = True,
    background_asked: bool = True,
) -> str:
    """What the question asks about that the evidence doesn't hold ("" when it seems covered).

    `slots` is the turn's reading of the question (the graph passes it; read here when absent). `places_asked`:
    see `missing_entities`.

    `check_topic` is for factual, comparison and salary questions (the vocabulary then includes the words of the
    tool results, so a role only the salary data knows is covered): advice describes the person ("I'm a
    sysadmin"), and skill names are the postings' own vocabulary.
    """
    return (missing_entities(question, evidence, slots, places_asked, background_asked)
            or missing_quantity(question, evidence)
            or (missing_topic(question, vocabulary, near) if check_topic else ""))
