"""Understanding, offline: intent, follow-up rewriting, and query extraction.

Deterministic on purpose: routing decides which tools run, and a rule that
can be read and tested beats a classifier no one can explain. The embedder is
used only as a last check for off-topic questions that no rule names.
"""

from __future__ import annotations

import re

from advisor.agent.lexicon import lexicon
from advisor.agent.slots import extract
from advisor.text import split_sentences

LEX = lexicon("en")

_DOMAIN = LEX.cue("domain")
_OFF_TOPIC = LEX.cue("off_topic")
_SALARY = LEX.cue("salary")
_SKILLS = LEX.cue("skills")
_ADVICE = LEX.cue("advice")
_COMPARISON = LEX.cue("comparison")
_FOLLOWUP = LEX.cue("followup")


_ANAPHORA = LEX.cue("anaphora")  # "how long would the switch take?", "so which should I learn?"


_SKILL_NAMES = LEX.cue("skill_names")
_POSTINGS = LEX.cue("postings")
_ROLE_SKILLS = LEX.cue("role_skills")
_USED = LEX.cue("used")
_HOW_OFTEN = LEX.cue("how_often")


_GREETING = LEX.cue("greeting")
_LEADING_GREETING = LEX.cue("leading_greeting")


def is_greeting(question: str) -> bool:
    """'hi', 'thanks!', 'great, thank you very much': small talk with no question in it."""
    return bool(_GREETING.match(question))


def strip_greeting(question: str) -> str:
    """'Thanks! What about in Germany?' → 'What about in Germany?': the question without its small talk."""
    if is_greeting(question):
        return question
    rest = _LEADING_GREETING.sub("", question, count=1)
    return rest if rest.strip() else question


def named_tools(question: str) -> list[str]:
    """Skills and tools the question names, lower-cased; "go" and "r" are words before they are skills."""
    return [m.lower() for m in _SKILL_NAMES.findall(question) if m.lower() not in ("go", "r")]


_HOW_LONG = LEX.cue("how_long")


def asks_duration(question: str) -> bool:
    """'How long does the switch take?': the answer is a span of time (months, years)."""
    return bool(_HOW_LONG.search(question))


# The asker's own background ("I'm a frontend dev (React, TypeScript)", "I know Python"): it describes the
# person, not what the answer must be about.
_ABOUT_ME = LEX.cue("about_me")


def without_background(question: str) -> str:
    return _ABOUT_ME.sub(" ", question)


def asked_text(question: str) -> str:
    """The parts of a message that ask, without the asker's own background in them."""
    return without_background(asked_parts(question))


def asks_about_pay(question: str) -> bool:
    """'What do they earn?', 'How much a month do analysts make?', 'Gehalt?'"""
    return bool(_SALARY.search(question))


def classify(question: str) -> str:
    if is_greeting(question):
        return "greeting"
    q = question.lower()
    domain_hits = len(_DOMAIN.findall(q)) + len(named_tools(q))  # "Is LangChain worth learning?" is on-domain
    on_domain = domain_hits > 0
    if _OFF_TOPIC.search(q) and domain_hits < 2:
        return "off_topic"
    tools = named_tools(q)
    # "tableau or power bi?", "aws vs azure vs gcp - which is worth learning?": tools weighed against each other
    # (not their pay: "does Spark or Kafka pay more?" compares pay)
    if len(tools) >= 2 and LEX.cue("either_or").search(q) and not asks_about_pay(q):
        return "skills"
    if _COMPARISON.search(q) and (asks_about_pay(q) or LEX.cue("comparison_strong").search(q)):
        return "comparison"
    if asks_about_pay(q):
        return "salary"
    if _ADVICE.search(q):
        return "advice"
    names_skill = _SKILL_NAMES.search(q) and (_HOW_OFTEN.search(q) or _USED.search(q))
    role_skills = _ROLE_SKILLS.search(q)  # "Which skills do data engineers need?"
    if (_POSTINGS.search(q) and (_SKILLS.search(q) or names_skill)) or (names_skill and _USED.search(q)) or \
            role_skills or (names_skill and extract(q).role):  # "Is SQL still required for data engineers?"
        return "skills"
    if not on_domain:
        return "off_topic_candidate"  # decided after retrieval: weak evidence → decline
    return "factual"


_CONDITIONS = LEX.cue("conditions")


_RANKING = LEX.cue("ranking")


def asks_role_ranking(question: str) -> bool:
    """'What are the highest-paying data jobs?', 'Which roles pay the most in Germany?' (not "top-paying skills")"""
    return bool(_RANKING.search(question)) and not LEX.cue("mentions_skills").search(question)


def asks_posting_conditions(question: str) -> bool:
    """'How many data jobs offer remote work?', 'Do AI engineer postings still require a degree?'"""
    return bool(_CONDITIONS.search(question) and _POSTINGS.search(question))


# "Is it worth getting a PhD?": an "it" that points at nothing said before
_DUMMY_IT = LEX.cue("dummy_it")


def is_followup(question: str) -> bool:
    words = question.split()
    if _FOLLOWUP.search(question.strip()):
        return True  # "and in the UK?", "what about data engineers?"
    first = split_sentences(question)[0] if question.strip() else question  # "how long does that take? i can only..."
    if len(first.split()) <= 10 and _ANAPHORA.search(_DUMMY_IT.sub(" ", first)):
        return True  # "Was it lower the year before?", "How long does that usually take?"
    if LEX.cue("anaphor_opening").search(first) and not extract(question).role:
        return True  # "is that even a real job title in your salary data or just hype? how many people"
    if LEX.cue("followup_anywhere").search(question):
        return True  # "same question but for data engineers", "did it go up vs the year before?"
    if LEX.cue("refers_back").search(question) and not extract(question).role:
        return True  # "how many of those were remote? and do the remote ones pay more"
    question_word = LEX.cue("question_word").search(question)
    if len(words) > 4 or question_word:
        return False
    # a terse query that names a role and what about it ("ml engineer salary uk") stands on its own
    slots = extract(question)
    complete = slots.role and (slots.countries or asks_about_pay(question) or named_tools(question)
                               or _SKILLS.search(question))
    return not complete


def rewrite_followup(question: str, previous: str | None, replace_terms: list[tuple[str, str]]) -> str:
    """Merge a follow-up ("and in the UK?") into the previous standalone question.

    `replace_terms` are (old, new) pairs of slot values (country, role, level)
    found in both questions; the previous question keeps its frame with the
    new value. Without a matching slot, the follow-up's words are appended.
    """
    if not previous:
        return question
    out = previous
    replaced = False
    for old, new in replace_terms:
        # a slot the follow-up repeats ("... employed as data scientists" after a data-scientist question) swaps
        # nothing: the follow-up's own question is kept below instead of dropped
        if old and old.lower() != (new or "").lower() and re.search(re.escape(old), out, re.I):
            out = re.sub(re.escape(old), new, out, count=1, flags=re.I)
            replaced = True
    extra = LEX.cue("followup_opening").sub("", question.strip())
    extra = extra.rstrip("?. ")
    # "and what would I earn at entry level?" after "how long would the switch take?": a new kind of question
    # keeps its own words first, with the conversation's subject after it
    if (asks_about_pay(question) and not asks_about_pay(previous)) or (
            asks_duration(question) and not asks_duration(previous)):
        return f"{extra} — {out.rstrip('?. ')}?"
    if replaced and LEX.cue("followup_contrast").search(question.lower()):
        return f"{previous.rstrip('?. ')} — {extra}?"  # "... against the US number?": both sides, not a swap
    if replaced and not _narrows(question, previous):
        return out
    return f"{(out if replaced else previous).rstrip('?. ')} — {extra}?"


def _narrows(followup: str, previous: str) -> bool:
    """The follow-up adds a condition the swapped slots don't carry: remote work, a skill, an employer, a currency
    ("and if I stay in the UK but work fully remote, do I earn less?" is the UK question about remote jobs)."""
    new, old = extract(followup), extract(previous)
    currency = currency_named(followup)
    return bool((new.remote and not old.remote) or (new.skill and new.skill != old.skill)
                or (new.company and new.company != old.company) or (currency and currency != currency_named(previous)))


_CURRENCIES = LEX.table("currencies")  # "in euros", "£", "lpa" → the survey's salary_currency code


def currency_named(text: str) -> str | None:
    """The currency a text asks pay in, the one named last: a follow-up's "pounds please" comes after the earlier
    question's "in euros" in the conversation's standalone question."""
    named = [(m.start(), code) for pattern, code in _CURRENCIES for m in pattern.finditer(text.lower())]
    return max(named)[1] if named else None


_SECOND_QUESTION = LEX.cue("second_question")
_QUESTION_OPENING = LEX.cue("question_opening")
_LIST_OPENING = LEX.cue("list_opening")


def raw_question_parts(question: str) -> list[str]:
    """`question_parts` as written, each with the question mark it ended with (what `part_asks` judges)."""
    return _raw_parts(question)


def question_parts(question: str) -> list[str]:
    """The questions one message asks, in order: split where a sentence ends or a conjunction leads into another
    question word (lexicon `second_question`: "what do MLOps engineers earn and do I need Kubernetes?"). A
    message that asks one thing is one part."""
    parts = [p.strip(" ,;.?!-") for p in _raw_parts(question)]
    return parts or [question]


def _raw_parts(question: str) -> list[str]:
    """The message split before each further question (lexicon `second_question`), each part as written, with
    the question mark it ended with ("will I qualify for an H1B? do I need..." is two questions, not a
    statement and a question)."""
    parts, start = [], 0
    for m in _SECOND_QUESTION.finditer(question):
        parts.append(question[start:m.start()] + ("?" if "?" in m.group() else ""))
        start = m.end()
    parts.append(question[start:])
    parts = [p.strip() for p in parts if p.strip(" ,;.?!-")]
    return _listed(parts[0]) + parts[1:] if parts else parts


def _listed(message: str) -> list[str]:
    """A message that announces a list ("3 things: median salary in the US, the top 3 skills, and how many are
    remote?", lexicon `list_opening`) asks each item of it; the items are split at commas and each is marked
    as asking (a question mark added), since "the top 3 skills" asks although no question word opens it."""
    opening = _LIST_OPENING.search(message)
    if opening is None:
        return [message]
    rest = message[opening.end():].strip()
    items = [item.strip() for item in rest.split(",")]
    items = [item.removeprefix("and ").strip() for item in items if item.strip(" ;.?!-")]
    if len(items) < 2:  # "quick question: what do DEs earn in canada": the question after the announcement
        return [message[:opening.end()], rest] if rest else [message]
    return [message[:opening.end()], *(item if item.endswith("?") else item + "?" for item in items)]


def asked_parts(question: str) -> str:
    """The message without the parts that ask nothing: "Mechanical engineer in Stuttgart, doing predictive
    maintenance. How do I pivot into ML?" asks the second part; the first is who the asker is (a city or an
    employer named there is theirs, not what they ask about). A part asks when it opens with a question word
    (lexicon `question_opening`) or ends with a question mark; a message with no such part is all asked."""
    asking = _asking_sentences(question)
    return " ".join(asking) if asking is not None else question


def asked_questions(question: str) -> list[str]:
    """The questions a message asks, each once, in order, without the parts that ask nothing: "what do analysts
    make in Canada and is there equity?" is two (`asked_parts` joins them into one text, where the
    "and" that told them apart is gone); "what do hiring managers look for? like soft skills, certs?" is one."""
    raw = [p for p in _raw_parts(question) if p.strip(" ,;.?!-")]
    parts = [p.strip(" ,;.?!-") for p in raw]
    # judged as written: the question mark that says a part asks is stripped from what is returned
    asking = [p.strip(" ,;.?!-") for p in raw if part_asks(p)]
    return (asking if asking and len(parts) > 1 else parts) or [question]


def part_asks(part: str) -> bool:
    """Whether one part of a message asks something: it ends with a question mark, or a sentence or a clause of it
    opens with a question word ("thinking about analytics, which tools come before the rest")."""
    return part.rstrip().endswith("?") or bool(LEX.cue("versus_heading").search(part)) or any(
        _QUESTION_OPENING.search(c) for sentence in split_sentences(part) for c in sentence.split(", "))


def _asking_sentences(question: str) -> list[str] | None:
    """Each sentence of each part that asks ("How much do they make in Canada? finishing my PhD at UBC and ..."
    asks the first); None when the message is one sentence or none of its sentences asks (then it all asks)."""
    raw = [s.strip() for part in _raw_parts(question) for s in split_sentences(part) if s.strip()]
    asking = [p for p in raw if part_asks(p)]
    return asking if asking and len(raw) > 1 else None
