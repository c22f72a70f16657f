"""Understanding, offline: intent, follow-up rewriting, and query extraction.

Deterministic on purpose: routing decides which tools run, and a rule that
can be read and tested beats a classifier no one can explain. The embedder is
used only as a last check for off-topic questions that no rule names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.agent.slots import extract

_DOMAIN = re.compile(
    r"\b(ai|a\.i\.|ml|llms?|machine learning|data (scien|engineer|analy)\w*|engineer\w*|career\w*|jobs?|"
    r"roles?|hiring|hired?|recruit\w*|postings?|salar\w*|pay|paid|earn\w*|wage\w*|compensation|skills?|"
    r"interview\w*|resume|cv|portfolio|prompt|rag|agents?|mlops|python|sql|cloud|degree|bootcamp|"
    r"certific\w*|employ\w*|work|remote|senior|junior|entry.level|sysadmin|developer|programm\w*|"
    r"software|tech\w*|gehalt|verdien\w*|sueldo|salario|ingenier\w*|empleo|trabajo|kenntnisse|"
    r"fähigkeiten|compétences|emploi|ingénieur|carrière|stellen\w*|beruf\w*|arbeit\w*)\b",
    re.I,
)
_OFF_TOPIC = re.compile(
    r"\b(recipe|cook\w*|bake|baking|lasagn\w*|pasta|soup|cake|dinner|symptoms?|diagnos\w*|medication|"
    r"doctor|disease|headache|fever|pregnan\w*|dosage|stocks?|shares to buy|crypto\w*|bitcoin|invest\w*|"
    r"portfolio allocation|etf|forex|football|soccer|nba|world cup|weather|horoscope|dating|girlfriend|"
    r"boyfriend|vacation|hotel|flight|movie|lyrics|poem about)\b",
    re.I,
)
_SALARY = re.compile(
    r"\b(salar\w*|sal+[ae]?r(y|ies)|salery|earn\w*|ernings?|pay|pays|paid|paying|compensation|comp|wages?|income|"
    r"(do|does|can|could|will|would)\b[\w\s-]{0,40}\bmake|making per|"
    r"how much (do|does|can|will)\b(?![^?]{0,60}\b(care|value|matter|weigh|ask|require|mention|use|need|"
    r"emphasi[sz]e)\w*)|well[- ]paid|"
    r"gehalt|verdien\w*|sueldo|salario|ganan?|rémunération)\b",
    re.I,
)
_SKILLS = re.compile(
    r"\b(skills?|ask(s|ing)? for|requir\w*|tools?|technolog\w*|tech stack|stack|frameworks?|languages?|"
    r"in demand|most (requested|demanded|common)|kenntnisse|fähigkeiten|habilidades|compétences)\b",
    re.I,
)
_ADVICE = re.compile(
    r"\b(how (do|can|should) i|should i|i'?m an? |i am an? |transition\w*|switch\w*|move into|get into|"
    r"break into|pivot\w*|become|becoming|roadmap|career (path|change)|where (do|should) i start|advice|"
    r"what should i (learn|do|study)|prepare|wie werde ich|cómo (puedo|me convierto))\b",
    re.I,
)
_COMPARISON = re.compile(r"\b(vs\.?|versus|compare\w*|compared|comparison|difference between|differ)\b", re.I)
_FOLLOWUP = re.compile(
    r"^(and|what about|how about|und|y|et|also|ok(ay)?,? (and|what about)|same (for|in)|and for|and in|"
    r"in (the )?\w+\??$|for \w+)",
    re.I,
)


_ANAPHORA = re.compile(r"\b(it|that|this|those|these|they|them|ones|there|the same|"
                       r"the (switch|move|transition|pivot|change))\b|^\W*(ok(ay)?\W+)?(so\W+)?which (should|would|"
                       r"do|is|are|one|of)\b", re.I)  # "how long would the switch take?", "so which should I learn?"


@dataclass(frozen=True)
class Understanding:
    intent: str  # factual | salary | skills | advice | comparison | off_topic
    question: str  # standalone question
    rewritten: bool = False


_SKILL_NAMES = re.compile(
    r"\b(python|sql|r|java|scala|c\+\+|rust|go|docker|kubernetes|aws|azure|gcp|spark|hadoop|kafka|airflow|"
    r"tableau|power bi|excel|pytorch|tensorflow|scikit-learn|pandas|numpy|snowflake|databricks|git|linux|"
    r"langchain|llms?|rag|mlops|terraform|nosql|mongodb|postgresql)\b",
    re.I,
)
_POSTINGS = re.compile(r"\b(postings?|jobs?|job ads?|listings?|openings|roles?|employers?|descriptions?)\b", re.I)
_ROLE_SKILLS = re.compile(
    r"\b(which|what|top|main|key)\b[^?]{0,20}\bskills?\b[^?]{0,30}\b(engineers?|scientists?|analysts?|developers?|"
    r"architects?)\b[^?]{0,20}\b(need|use|have|require)",
    re.I,
)
_USED = re.compile(r"\b(used|use|uses|using|needed|popular|relevant|worth learning|useful)\b", re.I)
_HOW_OFTEN = re.compile(r"\b(how often|how many|percent\w*|share|mention\w*|expect\w*|show up|ask(s|ing)? for|"
                        r"requir\w*|in demand|demand)\b", re.I)


_GREETING_WORD = (r"(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening)|thanks?|thank you|thx|ty|cheers|many|"
                  r"very|much|so|a lot|ok(ay)?|cool|great|perfect|nice|awesome|bye|goodbye|there)")
_GREETING = re.compile(rf"^\s*{_GREETING_WORD}([\s!.,:;)?-]+{_GREETING_WORD})*[\s!.,:;)?-]*$", re.I)
_LEADING_GREETING = re.compile(rf"^\s*{_GREETING_WORD}([\s,]+{_GREETING_WORD})*[\s!.,:;-]+(?=\S)", re.I)


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


_HOW_LONG = re.compile(r"\bhow (long|many (months|years|weeks))\b|\bhow much time\b|\btime(line|frame)\b", re.I)


def asks_duration(question: str) -> bool:
    """'How long does the switch take?': the answer is a span of time (months, years)."""
    return bool(_HOW_LONG.search(question))


# The asker's own background ("I'm a frontend dev (React, TypeScript)", "I know Python"): it describes the
# person, not what the answer must be about.
_ABOUT_ME = re.compile(r"\b(i'm|i am|i've|i have|i know|i use)\b[^.?!;]*", re.I)


def without_background(question: str) -> str:
    return _ABOUT_ME.sub(" ", question)


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
    if _COMPARISON.search(q) and (asks_about_pay(q) or re.search(r"\b(vs|versus|compared|between)\b", q)):
        return "comparison"
    if asks_about_pay(q):
        return "salary"
    tools = named_tools(q)
    # "tableau or power bi?", "Should I learn Scala or Java?": two tools weighed against each other
    if len(tools) >= 2 and re.search(r"\b(or|vs\.?|versus)\b", q):
        return "skills"
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


_CONDITIONS = re.compile(
    r"\b(remote|work from home|wfh|degrees?|diploma|health insurance|insurance|full[- ]time|part[- ]time|"
    r"contract(or)? (jobs?|roles?|postings?)|schedule)\b",
    re.I,
)


_RANKING = re.compile(
    r"\b(highest|best|top|most|lowest|least|worst)[- ](paying|paid|pay|salar\w*|compensat\w*)\b|"
    r"\b(which|what)\b[^?]{0,40}\b(roles?|jobs?|titles?|positions?|careers?)\b[^?]{0,30}\b(pays?|earns?)\b"
    r"[^?]{0,10}\b(the )?(most|best|least|highest|lowest)\b",
    re.I,
)


def asks_role_ranking(question: str) -> bool:
    """'What are the highest-paying data jobs?', 'Which roles pay the most in Germany?' (not "top-paying skills")"""
    return bool(_RANKING.search(question)) and not re.search(r"\bskills?\b", question, re.I)


def asks_posting_conditions(question: str) -> bool:
    """'How many data jobs offer remote work?', 'Do AI engineer postings still require a degree?'"""
    return bool(_CONDITIONS.search(question) and _POSTINGS.search(question))


# "Is it worth getting a PhD?": an "it" that points at nothing said before
_DUMMY_IT = re.compile(r"\b(is|was|isn't) it (worth|possible|true|hard|easy|too late|realistic|necessary|better|"
                       r"normal|common|smart|wise|a good idea)\b|\bit (depends|takes|pays to)\b", re.I)


def is_followup(question: str) -> bool:
    words = question.split()
    if _FOLLOWUP.search(question.strip()):
        return True  # "and in the UK?", "what about data engineers?"
    if len(words) <= 10 and _ANAPHORA.search(_DUMMY_IT.sub(" ", question)):
        return True  # "Was it lower the year before?", "How long does that usually take?"
    question_word = re.search(r"\b(what|how|why|which|who|when)\b", question, re.I)
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
        if old and re.search(re.escape(old), out, re.I):
            out = re.sub(re.escape(old), new, out, count=1, flags=re.I)
            replaced = True
    extra = re.sub(r"^(and|what about|how about|also|same for|und|y|et)\s+", "", question.strip(), flags=re.I)
    extra = extra.rstrip("?. ")
    # "and what would I earn at entry level?" after "how long would the switch take?": a new kind of question
    # keeps its own words first, with the conversation's subject after it
    if (asks_about_pay(question) and not asks_about_pay(previous)) or (
            asks_duration(question) and not asks_duration(previous)):
        return f"{extra} — {out.rstrip('?. ')}?"
    if replaced:
        return out
    return f"{previous.rstrip('?. ')} — {extra}?"
