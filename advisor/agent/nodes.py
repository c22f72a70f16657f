"""The graph's nodes: guard → understand → gather → synthesize → ground → respond.

Each node is a method of `Nodes`, which holds the shared components (embedder,
retriever, tools, composer, grounding checker, optional LLM backend). Nodes
return partial state updates; `graph.py` wires them.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.config import get_stream_writer

from advisor.agent import intent as intent_mod
from advisor.agent import parts, premise, spelling
from advisor.agent.compose import Composer, Scope, sequence_sections
from advisor.agent.coverage import quality_not_in_sources, topic_not_in_sources, uncovered
from advisor.agent.glossary import to_english
from advisor.agent.grounding import GroundedStream, GroundingChecker, GroundingResult
from advisor.agent.guard import check_input
from advisor.agent.interpret import (
    BREAKDOWNS,
    MONEY_ASKS,
    POSTINGS_YEAR,
    AnswerShape,
    Ask,
    Intent,
    Interpretation,
    Source,
)
from advisor.agent.interpreters import Interpreter, make_interpreter
from advisor.agent.layout import Layout, Mark, line_marks
from advisor.agent.lexicon import lexicon
from advisor.agent.prompts import SYSTEM_PROMPT, user_prompt
from advisor.agent.routes import ROUTES, tools_for
from advisor.agent.slots import extract
from advisor.agent.state import AgentState
from advisor.agent.tools import SOURCE_KIND, Toolbox, ToolOutcome, small_sample_note, why_they_differ
from advisor.backends.openai_compat import (
    ENDPOINT_DOWN_NOTICE,
    BackendError,
    EndpointDown,
    OpenAICompatBackend,
    QuestionBackend,
)
from advisor.backends.resilience import Budget
from advisor.config import Settings
from advisor.index import PASSAGES
from advisor.text import content_words, figures, split_sentences
from advisor.tools.salary import country_phrase
from advisor.types import Citation, Evidence

log = logging.getLogger(__name__)

OFF_TOPIC_REPLY = (
    "I'm a career advisor for AI engineering, so I can't help with that. Ask me about AI roles, the skills "
    "employers ask for, salaries, or how to move into the field."
)
GREETING_REPLY = (
    "Hi! I'm a career advisor for people moving into AI engineering. Ask me what AI and data roles pay (by country "
    "and level), which skills job postings ask for, or how to move into the field from your background; every "
    "answer cites its sources."
)
THANKS_REPLY = "You're welcome! Ask me anything else about AI roles, pay, skills or how to move into the field."
NOT_COVERED_REPLY = (
    "The sources I have don't cover that, so I won't guess. I can answer from five recent articles on the "
    "AI-engineer job market, 32,672 job postings from 2023, 74,301 salary survey records (2020-2025) and the "
    "official BLS wage tables."
)
# Advice questions also read the passages on moving into the field, whatever the background.
ADVICE_QUERIES = lexicon("en").words("advice_queries")
_LEARNING_ASKED = lexicon("en").cue("learning_path_asked")  # what to learn, or in which order: a path answers
MAX_PART_QUERIES = 3  # a message's questions searched one by one, at most this many
MIN_LLM_SUPPORT = 0.5  # below this share of supported claims, the offline composer answers instead
MIN_RELEVANCE = 0.38  # dense cosine below which the best passage is not about the question
RARE_IDF = 2.8  # a word in at most ~1 passage in 16: specific enough to say what a question is about
STALE_BUDGET_S = 60.0  # a question's answer step follows its gather step well within this after the deadline


def readable(question: str, known: Collection[str]) -> tuple[str, list[str]]:
    """The question as the interpreter reads it: career terms of other languages in English, misspelt key
    words corrected (words in `known`, the sources' own, are never "corrected"); and the notices saying so."""
    notices = []
    english = to_english(question)
    if english:
        question = english
        notices.append("Your question isn't in English; I searched the (English) sources with its key terms "
                       f"translated (\"{english}\") and answer in English.")
    question, written_out = spelling.expand_abbreviations(question)
    question, fixes = spelling.correct(question, known)
    fixes = written_out + fixes
    if fixes:
        notices.append("I read " + ", ".join(f'"{w}" as "{r}"' for w, r in fixes) + ".")
    return question, notices


def _what_they_have(reading: Interpretation) -> str:
    """The help the sources can still give beside a decline, for the role asked about: a question to ask."""
    role = reading.slots.role
    if not role or reading.has(Ask.HOW_TO):
        return ""
    return f' For {role}s in general, ask me "what do {role}s earn?" or "which skills do {role}s need?".'


def search_queries(reading: Interpretation) -> list[str]:
    """What to search the passages for: the question, and for its kind of answer the words such answers use."""
    question = reading.question
    queries = [question]
    if len(reading.questions) > 1:  # "DS or MLE? and which projects for my portfolio?": each one's own passages
        queries += reading.questions[:MAX_PART_QUERIES]
    if reading.has(Ask.DURATION):  # the answer names months or years: search for them too
        queries.append(f"{question} months years")
    if reading.has(Ask.HOW_TO):
        background = [reading.background_query] if reading.background_query else []
        queries = [f"{question} {b}" for b in background] + queries + list(ADVICE_QUERIES)
    return queries


def ev_to_dict(ev: Evidence) -> dict[str, Any]:
    return asdict(ev)


def ev_from_dict(d: dict[str, Any]) -> Evidence:
    return Evidence(**d)


def _emit(kind: str, payload: Any) -> None:
    try:
        get_stream_writer()({kind: payload})
    except RuntimeError:  # not running under a streaming call
        pass


def _compose_scope(reading: Interpretation, lead: list[Evidence]) -> Scope:
    """What the composer keeps to besides the question (`compose.Scope`): once the data answered, the roles and
    countries asked; in advice with no figures the asker's country is their own, not the topic."""
    asked = reading.slots
    advice = reading.has(Ask.HOW_TO)
    questions = reading.questions or [reading.question]
    return Scope(advice=advice,
                 also=(reading.background_query,) if advice and reading.background_query else (),
                 parts=tuple(questions[1:]),
                 roles=tuple(dict.fromkeys(asked.roles or ([asked.role] if asked.role else []))) if lead else (),
                 places=tuple(asked.countries) if lead or not advice else (),
                 local=tuple(reading.places) if lead else (),
                 focus=tuple(reading.tools_unlisted) if reading.has(Ask.SKILLS) else (),
                 questions=len(questions), shape=reading.answer_shape, sides=tuple(reading.contrasted),
                 # the survey or BLS named; not "postings", which the articles count too (4,155 AI Engineer postings)
                 source_named=bool(set(reading.sources_named) - {Source.POSTINGS}),
                 pay_asked=bool(set(reading.asks) & MONEY_ASKS))


PAY_ASKS = frozenset({Ask.PAY, Ask.COMPANY_PAY})  # what a shortfall of pay rows leaves unanswered
# asks only a data tool can answer: when its lookup found nothing, no passage answers them either ("how many AI
# engineers are employed?" is not answered by an article's pay sentence), so the lookup's reason is the reply
DATA_ONLY_ASKS = frozenset({Ask.EMPLOYMENT})


def _own_pay_first(reading: Interpretation, lead: list[Evidence]) -> list[Evidence]:
    """`lead` opened by the first figure the asker's own pay can be placed in (its 25th, 50th and 75th
    percentiles), when they gave one: "is 150k a lowball for a senior DE? also what do lead roles pay" is
    answered "that is about the median" first, and the comparison of the levels after it."""
    if not reading.own_pay:
        return lead
    ranged = next((e for e in lead if premise.position(reading.own_pay, e, reading.currency or "USD")), None)
    return lead if ranged is None else [ranged, *(e for e in lead if e is not ranged)]


def _parts_to_check(reading: Interpretation, figures_lead: bool) -> list[str]:
    """The questions of a message whose answer the composer must look for: not one a data tool ran for when the
    tools' figures lead ("... and is the pay jump real?" under the pay figures), since a figure reads far from a
    question to a sentence model; for a message of one question, only one asking a span of time under figures
    that answer something else; none for a question about a data set itself."""
    if figures_lead and reading.asks == [Ask.DATA_COVERAGE]:
        return []  # every part asks about the data set ("... and which years?"): its description answers them
    if len(reading.questions) < 2:
        # "how long does the move from analyst to engineer take?" under the skills the move needs: no tool gives a
        # span of time, so the passages are looked in for one, or it is said to be missing
        timed = figures_lead and reading.shapes_by_question[:1] == [AnswerShape.DURATION]
        return reading.questions[:1] if timed else []
    routed = {route.ask for route in ROUTES}
    asks = reading.asks_by_question or [[] for _ in reading.questions]
    # "... and what was it the year before?": the tools looked each year up, so the figures answer that part;
    # "which ones are most open?": the tools grouped their figures by it
    years_looked_up = figures_lead and len(reading.slots.years) >= 2
    # "... which is higher?", "is that higher or lower than 2023?": the figures of two sides (roles, places, levels
    # or years) compare them (a sentence says which is higher)
    asked = reading.slots
    sides = figures_lead and max(len(asked.roles), len(asked.countries), len(asked.levels), len(asked.years)) >= 2
    return [q for q, its in zip(reading.questions, asks, strict=False) if not (figures_lead and routed & set(its))
            and not (years_looked_up and lexicon("en").cue("year_before").search(q.lower()))
            and not (figures_lead and reading.breakdown and _groups_asked(q))
            and not (sides and lexicon("en").cue("side_compared").search(q.lower()))]


def _pay_said_of(subject: str, evidence: list[Evidence]) -> bool:
    """Whether a sentence of the evidence gives a pay figure and names the one asked about (its last word, as a
    stem: "ethicist" in "AI Ethicists"): else the passages' pay figures are all about someone else."""
    head = subject.split()[-1].lower().rstrip("s")
    return any(head in sentence.lower() and any(f.startswith("$") for f in figures(sentence))
               for e in evidence for sentence in split_sentences(e.text))


def _pointing_back(reading: Interpretation) -> dict[str, str]:
    """Each question of a message that points back at the one before it ("... require a degree? what share of
    them don't even mention one?"), with that question before it: the text to read it by."""
    anaphora = lexicon("en").cue("anaphora")
    return {q: f"{before} {q}" for before, q in zip(reading.questions, reading.questions[1:], strict=False)
            if anaphora.search(q.lower())}


def _groups_asked(part: str) -> bool:
    """Whether a question asks which group (kind of job, company, board, place) holds most."""
    return any(pattern.search(part.lower()) for pattern, _ in BREAKDOWNS)


def _settles(reading: Interpretation) -> Callable[[str], bool]:
    """Whether a sentence settles the share the question claims ("40% of openings are entry level, right?";
    "most data jobs are remote"): it states a share of the claim's subject, near the claim or not."""
    def settles(sentence: str) -> bool:
        return premise.check_share(reading.claimed_shares, sentence, reading.question,
                                   reading.claim_attributed) is not premise.Verdict.UNCLEAR or \
            premise.check_share_range(reading.claimed_share_ranges, sentence, reading.question,
                                      reading.claim_attributed) is not premise.Verdict.UNCLEAR
    return settles


def _premise_verdict(reading: Interpretation, lead: list[Evidence], first_line: str) -> premise.Verdict:
    """The verdict on what the question asserts: a pay figure (against the headline figures), else a share in
    figures ("90%") or in words ("most"), against the answer's first line."""
    # a claim about a data set's make-up ("mostly European companies") is settled by its counts, said plainly:
    # a share in them (84% of responses are from 2024) is no verdict on the claim's own subject
    if reading.has(Ask.DATA_COVERAGE):
        return premise.Verdict.UNCLEAR
    # a pay claim about part of the role's jobs ("those that don't need AI skills") is not checked against the
    # role's median: a "yes, close" would endorse it on the wrong population
    # "BLS says $150k": checked against BLS's own figure
    said_by = [e for e in lead if e.kind == SOURCE_KIND.get(reading.source_first)]
    if reading.claim_qualified:
        verdict = premise.Verdict.UNCLEAR
    elif said_by and reading.claimed_pay:
        verdict = premise.check_source(reading.claimed_pay, said_by)
    else:
        verdict = premise.check(reading.claimed_pay, lead, reading.claim_attributed)
    # every headline line must agree: "Python is in a third of data job posts" is true of analysts' postings
    # (30%) and false of data scientists' (72%), so a yes or no from the first line alone would mislead
    lines = [first_line, *(e.text for e in lead[1:])]
    if verdict is premise.Verdict.UNCLEAR and reading.claimed_shares:
        verdict = _agreed([premise.check_share(reading.claimed_shares, line, reading.question,
                                               reading.claim_attributed) for line in lines])
    if verdict is premise.Verdict.UNCLEAR and reading.claimed_share_ranges:
        verdict = _agreed([premise.check_share_range(reading.claimed_share_ranges, line, reading.question,
                                                     reading.claim_attributed) for line in lines])
    if verdict is premise.Verdict.UNCLEAR and reading.claimed_higher is not None and lead:
        verdict = premise.check_order(reading.claimed_higher, lead[0], reading.claim_attributed)
    return verdict


def _not_held(reading: Interpretation, evidence: list[Evidence], tool_evidence: list[Evidence]) -> str:
    """What the main ask is about that no source holds, in words ('' if none): a topic (lexicon
    `topics_not_in_sources`, asked first or alone), a year the postings lack, a share of postings by what no
    field records."""
    main_ask = reading.questions[0] if reading.questions else reading.question
    alone = not tool_evidence or reading.own_pay  # "is my 85k enough to live on there?"
    if topic := topic_not_in_sources(main_ask) or (topic_not_in_sources(reading.question) if alone else ""):
        return topic  # "what equity does OpenAI give?"
    if not tool_evidence and reading.postings_years_lacked:
        # "how did DE postings change from 2022 to 2023 in that postings dataset?": the articles' growth figures
        # for AI postings would answer another question
        outside = " and ".join(map(str, reading.postings_years_lacked))
        return f"postings from {outside} (the postings dataset holds {POSTINGS_YEAR} only)"
    unrecorded = _unrecorded(reading, evidence)
    if unrecorded and not _asks_beside(reading, unrecorded):
        return f"how many postings ask for or offer {unrecorded}"  # no posting field records it
    return ""


def _unrecorded(reading: Interpretation, evidence: list[Evidence]) -> str:
    """What a share of postings is asked by that neither a posting field (`Interpretation.unrecorded`) nor a
    passage's figure holds: "what % of postings mention OpenAI?" has the article's 19.5% beside "OpenAI", "what %
    offer visa sponsorship?" only a passing mention of visas."""
    words = set(content_words(reading.unrecorded))
    if not words:
        return ""
    for e in evidence:
        for sentence in split_sentences(e.text):
            if words & set(content_words(sentence)) and figures(sentence):
                return ""
    return reading.unrecorded


def _asks_beside(reading: Interpretation, words: str) -> bool:
    """Whether a part of the message that doesn't say `words` asks something of its own ("... need a security
    clearance? and what do data analysts earn?"): that part is answered, the rest said missing beside it."""
    return any(its and words not in q.lower()
               for q, its in zip(reading.questions, reading.asks_by_question, strict=False))


def _employer_known(company: str, tool_evidence: list[Evidence], article_words: Collection[str]) -> bool:
    """The sources know the employer: some of its postings were counted, or the articles name it (Google's AI
    pledges: the answer then opens with how few of its postings there are, and the all-employer figures follow).
    An employer no source names ("what does mistral ai pay?") is declined by name."""
    name = company.lower()
    counted = any(e.metadata.get("n") and name in str(e.metadata.get("subject", "")).lower() for e in tool_evidence)
    words = [w for w in re.findall(r"[a-z0-9]+", name) if w not in _GENERIC_COMPANY_WORDS]
    return counted or (bool(words) and all(w in article_words for w in words))


_GENERIC_COMPANY_WORDS = frozenset(lexicon("en").words("not_companies"))


def _agreed(verdicts: list[premise.Verdict]) -> premise.Verdict:
    """One verdict when every line that can be judged gives the same one, else unclear."""
    judged = {v for v in verdicts if v is not premise.Verdict.UNCLEAR}
    return judged.pop() if len(judged) == 1 else premise.Verdict.UNCLEAR


@dataclass
class Nodes:
    settings: Settings
    toolbox: Toolbox
    composer: Composer
    checker: GroundingChecker
    backend: OpenAICompatBackend | None = None
    # who reads each turn's question (`settings.interpreter`); made from the settings and backend when not given
    interpreter: Interpreter | None = None
    # Each question's LLM budget, from gather (which starts it) to synthesize (which spends the rest).
    _budgets: dict[tuple[str | None, str], Budget] = field(default_factory=dict, init=False, repr=False)
    _budget_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    # the article sections that lay out a sequence (compose.sequence_sections), read once from the index
    _sequences: dict[tuple[str, str], list[Evidence]] | None = field(default=None, init=False, repr=False)
    _sequences_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.interpreter is None:
            self.interpreter = make_interpreter(self.settings, self.backend, self._skill_vocabulary,
                                                self._title_vocabulary, self._employer_vocabulary)

    # -- 1. guard ----------------------------------------------------------------
    def guard(self, state: AgentState) -> dict[str, Any]:
        result = check_input(state.get("question"), self.settings.max_question_chars)
        if result.verdict != "ok":
            intent = {"injection": "abuse", "abuse": "abuse", "fabrication": "abuse"}.get(result.verdict, "empty")
            return {"verdict": result.verdict, "answer": result.message, "refused": True, "intent": intent}
        notices = []
        if result.injection_removed:
            notices.append("Your message contained instructions addressed to me; I ignored them and answered the "
                           "question.")
        if result.truncated:
            notices.append(
                f"Your message was over {self.settings.max_question_chars:,} characters; I answered the question "
                "at its end."
            )
        return {"verdict": "ok", "question": result.question, "notices": notices}

    # -- 2. understand -------------------------------------------------------------
    def understand(self, state: AgentState) -> dict[str, Any]:
        question = intent_mod.strip_greeting(state["question"])  # "Thanks! And in Germany?" → "And in Germany?"
        # the question a follow-up refers to: the last real one ("thanks!" in between refers to nothing)
        previous = next(
            (q for m in reversed(state.get("messages", [])) if m["role"] == "user"
             and not intent_mod.is_greeting(q := m.get("standalone") or m["content"])),
            None,
        )
        standalone = question
        if previous and intent_mod.is_followup(question) and not intent_mod.is_greeting(question):
            standalone = intent_mod.rewrite_followup(question, previous, _slot_swaps(previous, question))
        standalone, said = readable(standalone, self._source_words())
        reading = self.interpreter.read(standalone)  # the one reading of this turn
        update = {"standalone": standalone, "intent": reading.intent.value, "interpretation": reading.to_state(),
                  "notices": list(state.get("notices", [])) + said}
        if previous is None and _elliptical(question, reading):
            update.update(intent=Intent.CLARIFY.value, answer=clarifying_reply(reading))
        return update

    # -- 3. gather -------------------------------------------------------------------
    def gather(self, state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        t0 = time.perf_counter()
        question, intent = state["standalone"], state["intent"]
        llm = self._question_llm(state, config, start=True)  # the question's LLM deadline starts here
        reading = Interpretation.from_state(state.get("interpretation"), question)
        notices: list[str] = list(state.get("notices", []))
        if llm is not None and self.settings.llm_tool_calling and intent != "off_topic_candidate":
            chosen = self._llm_tools(llm, question, notices)
            if chosen is not None and chosen.evidence:
                # the model's searches may miss: the question's own retrieval backs them up
                known = {e.id for e in chosen.evidence}
                backup = [e for e in self.toolbox.search(question, self.settings.top_k) if e.id not in known]
                return {
                    "evidence": [ev_to_dict(e) for e in chosen.evidence + backup],
                    "retrieved_ids": [e.id for e in chosen.evidence + backup if e.kind in ("article", "bls")],
                    "tool_ids": [e.id for e in chosen.evidence if e.kind != "article"],
                    "charts": chosen.charts,
                    "notices": notices + chosen.notices,
                    "timings": {**state.get("timings", {}), "gather_s": round(time.perf_counter() - t0, 4)},
                }
        said_before = len(notices)
        outcome = self._run_tools(reading, notices)
        tool_evidence = outcome.evidence
        evidence = self._passages(reading, tool_evidence)
        best = max((e.score for e in evidence), default=0.0)
        if intent == "off_topic_candidate":  # no career word: on topic if a data tool answered, or the sources
            # match it well or by name
            on_topic = bool(tool_evidence) or best >= MIN_RELEVANCE + 0.07 or (best >= MIN_RELEVANCE - 0.1
                                                        and self._shares_rare_term(question, evidence))
            intent = "factual" if on_topic else "off_topic"
        return {
            "intent": intent,
            "evidence": [ev_to_dict(e) for e in tool_evidence + evidence],
            "retrieved_ids": [e.id for e in evidence],
            "tool_ids": [e.id for e in tool_evidence],
            "lead_ids": outcome.lead, "charts": outcome.charts, "shortfall": outcome.shortfall,
            "notices": notices,
            "tool_notices": notices[said_before:],
            "timings": {**state.get("timings", {}), "gather_s": round(time.perf_counter() - t0, 4)},
        }

    # -- 4. synthesize (with grounded streaming) ----------------------------------------
    def synthesize(self, state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        t0 = time.perf_counter()
        question = state["standalone"]
        evidence = [ev_from_dict(d) for d in state.get("evidence", [])]
        notices = list(state.get("notices", []))
        reading = Interpretation.from_state(state.get("interpretation"), question)
        declined = self._decline_reason(state, reading, evidence)
        if declined is not None:  # the tools' notes are about figures the reply doesn't show
            moot = set(state.get("tool_notices", []))
            if declined != NOT_COVERED_REPLY and reading.has(Ask.PAY) and state.get("shortfall"):
                declined = " ".join(state["shortfall"])  # the data has the place, too thinly: say how thinly
            return {"answer": declined, "refused": True, "citations": [], "charts": [],
                    "notices": [n for n in notices if n not in moot]}
        grounded, backend, removed = self._try_llm(state, config, question, evidence, notices)
        if grounded is None:
            grounded = self._offline_answer(state, reading, evidence, notices)
            if grounded is None:
                return {"answer": NOT_COVERED_REPLY, "refused": True, "citations": [], "charts": [],
                        "notices": notices}
        notices += self._gaps(reading, grounded, evidence) + self._why_they_differ(grounded, evidence)
        if set(reading.asks) & (PAY_ASKS | DATA_ONLY_ASKS):  # asked, too few rows for a figure: said first
            notices[:0] = [n for n in state.get("shortfall", []) if n not in notices]
        if quality := quality_not_in_sources(reading.question, self.toolbox.retriever.idf().keys()):
            notices.insert(0, f"None of my sources says which is {quality}.")
        return {
            "answer": grounded.text,
            "citations": [asdict(c) for c in grounded.citations],
            "support": grounded.support,
            "removed_claims": removed + grounded.removed,
            "backend": backend,
            "notices": notices,
            "timings": {**state.get("timings", {}), "synthesize_s": round(time.perf_counter() - t0, 4)},
        }

    @staticmethod
    def _gaps(reading: Interpretation, grounded: GroundingResult, evidence: list[Evidence]) -> list[str]:
        """A part of the question (a side compared, a country, a level, the employer) that neither the answer nor
        what it cites speaks of, said in one sentence beside the answer instead of dropped in silence (a note:
        it is about the sources, so no source can be cited for it)."""
        by_id = {e.id: e.text for e in evidence}
        cited = [by_id.get(c.evidence_id, "") for c in grounded.citations]
        gap = parts.gap_sentence(parts.unserved(reading, grounded.text, cited))
        topic = topic_not_in_sources(reading.question)  # asked beside what was answered: said, not dropped
        unrecorded = _unrecorded(reading, evidence)
        said = f"None of my sources records how many postings ask for or offer {unrecorded}."
        return ([said] if unrecorded else []) + ([gap] if gap else []) + (
            [f"None of my sources covers {topic}."] if topic else [])

    @staticmethod
    def _why_they_differ(grounded: GroundingResult, evidence: list[Evidence]) -> list[str]:
        """One line on why the sources' figures differ, read from the figures the answer cites (a line about a
        postings figure the answer doesn't show would only confuse)."""
        cited = [e for e in evidence if e.id in {c.evidence_id for c in grounded.citations}]
        why = why_they_differ(cited) or small_sample_note(cited)
        return [why] if why else []

    def _llm_tools(self, llm: QuestionBackend, question: str, notices: list[str]) -> ToolOutcome | None:
        """The tools the model chose and what they returned; None when it can't choose (said in `notices`)."""
        try:
            return self.toolbox.llm_gather(llm, question, self.settings.llm_max_steps)
        except EndpointDown:
            return None  # the answer step says so once: ENDPOINT_DOWN_NOTICE
        except BackendError as exc:
            notices.append(f"The language model could not choose tools ({exc}); tools were chosen offline.")
            return None

    def _run_tools(self, reading: Interpretation, notices: list[str]) -> ToolOutcome:
        """The route table's tools for this reading, in order; a broken tool is skipped with a notice."""
        out = ToolOutcome()
        for tool in [getattr(self.toolbox, t.value) for t in tools_for(reading)]:
            try:
                outcome = tool(reading)
            except Exception as exc:  # a broken tool must not end the conversation
                log.warning("data tool %s failed: %r", getattr(tool, "__name__", tool), exc)  # one line, no traceback
                log.debug("data tool failure", exc_info=True)
                notices.append(f"A data tool failed ({type(exc).__name__}); this answer uses the articles only.")
                continue
            out.evidence += outcome.evidence
            out.lead += outcome.lead
            out.charts += outcome.charts
            out.shortfall += outcome.shortfall
            notices += outcome.notices
        return out

    def _passages(self, reading: Interpretation, tool_evidence: list[Evidence]) -> list[Evidence]:
        """Retrieved passages for each search query of the reading, each once, in retrieval order; none for a
        question about a data set itself, which only that data set's own counts answer."""
        if reading.has(Ask.DATA_COVERAGE) and tool_evidence:
            return []
        evidence: list[Evidence] = []
        for q in search_queries(reading):
            for ev in self.toolbox.search(q, self.settings.top_k):
                if all(ev.id != e.id for e in evidence):
                    evidence.append(ev)
        if reading.has(Ask.HOW_TO) and _LEARNING_ASKED.search(intent_mod.asked_text(reading.question).lower()):
            evidence = self._with_whole_sequences(evidence)
        if any(e.kind == "bls" for e in tool_evidence):
            # the salary tool already picked the BLS occupation for the role asked about; other BLS rows that
            # retrieval found ("Database Administrators" for a data-scientist question) would answer another role
            evidence = [e for e in evidence if e.kind != "bls"]
        return evidence

    def _with_whole_sequences(self, evidence: list[Evidence]) -> list[Evidence]:
        """Each retrieved paragraph of a section that lays out a sequence, with the section's other paragraphs
        after it (at its score): a question about the order to learn things in is answered by the whole path."""
        with self._sequences_lock:
            if self._sequences is None:
                self._sequences = sequence_sections(self.toolbox.retriever.index.all_docs(PASSAGES))
        seen = {e.id for e in evidence}
        out: list[Evidence] = []
        for ev in evidence:
            out.append(ev)
            for other in self._sequences.get((ev.source, ev.locator), []) if ev.kind == "article" else []:
                if other.id not in seen:
                    seen.add(other.id)
                    out.append(other.with_score(ev.score))
        return out

    def _decline_reason(self, state: AgentState, reading: Interpretation, evidence: list[Evidence]) -> str | None:
        """The reply when the sources can't answer (something asked that no evidence holds), else None."""
        question = reading.question
        tool_evidence = [e for e in evidence if e.id in set(state.get("tool_ids", []))]
        # The words the sources use: the articles', plus those of the tool results computed for this question
        # ("Statisticians ... reported"), so "paid parental leave" is declined and a role only the data knows is not.
        vocabulary = set(self.toolbox.retriever.idf()) | {w for e in tool_evidence for w in content_words(e.text)}
        asked = reading.slots
        # a topic no source holds is the reason, before a name the passages lack: "links to open jobs in Lisbon"
        # is declined for being about today's openings, not for Lisbon (the postings hold Lisbon's 2023 jobs)
        missing = _not_held(reading, evidence, tool_evidence) or uncovered(
            question, evidence, vocabulary, slots=asked,
            # a data tool the reading routed to answered: its words aren't all the sources hold
            check_topic=state["intent"] in ("factual", "comparison", "salary") and not tool_evidence,
            near=lambda phrases: self._nearest(phrases, evidence),
            places_asked=not reading.has(Ask.HOW_TO), background_asked=bool(tools_for(reading)))
        company = asked.company if reading.has(Ask.COMPANY_PAY) else None
        if not missing and company and not _employer_known(company, tool_evidence, self.toolbox.retriever.idf()):
            missing = company  # "what does mistral ai pay?": no posting and no passage names that employer
        if not missing and state.get("shortfall") and not tool_evidence and reading.asks and \
                set(reading.asks) <= DATA_ONLY_ASKS:
            return " ".join(state["shortfall"])
        if not missing and reading.has(Ask.PAY) and not tool_evidence and asked.role and asked.countries:
            # no source has pay for that role there (the tools, article figures included, found none): passages
            # that merely name the place ("Japan's Tokyo is a notable pool") are no answer to "what does it pay"
            missing = f"pay figures for {asked.role}s in {' or '.join(asked.countries)}"
        if not missing and reading.pay_subject and not tool_evidence and not _pay_said_of(reading.pay_subject,
                                                                                        evidence):
            missing = f"pay figures for {reading.pay_subject}"  # "what do AI ethicists earn?": others' pay is no answer
        if missing and tool_evidence and state.get("shortfall") and set(reading.asks) - PAY_ASKS:
            # the place is in the data, too thinly for pay; another tool answered what else was asked (skills
            # from every country's postings): that answer, with the shortfall said beside it
            missing = ""
        if missing:
            return NOT_COVERED_REPLY.replace("cover that", f"cover {missing}") + _what_they_have(reading)
        best = max((e.score for e in evidence if e not in tool_evidence), default=0.0)
        if not tool_evidence and best < MIN_RELEVANCE and not (
                best >= MIN_RELEVANCE - 0.1 and self._shares_rare_term(question, evidence)):
            return NOT_COVERED_REPLY
        return None

    def _try_llm(self, state: AgentState, config: RunnableConfig, question: str, evidence: list[Evidence],
                 notices: list[str]) -> tuple[GroundingResult | None, str, list[str]]:
        """The model's grounded answer, its name and the claims of a discarded answer; no answer ("offline") when
        there is no model, it fails, or most of what it says is unsupported (each said in `notices`)."""
        llm = self._question_llm(state, config, start=False)
        if llm is None:
            return None, "offline", []
        try:
            grounded = self._llm_answer(question, evidence, llm)
        except EndpointDown:
            notices.append(ENDPOINT_DOWN_NOTICE)
            return None, "offline", []
        except BackendError as exc:
            notices.append(f"The language model was unavailable ({exc}); this answer was composed offline.")
            return None, "offline", []
        if grounded.support < MIN_LLM_SUPPORT:
            notices.append(
                f"The language model's answer was mostly unsupported by the sources ({len(grounded.removed)} claims "
                "removed); this answer was composed offline."
            )
            _emit("reset", True)
            return None, "offline", list(grounded.removed)
        return grounded, llm.name, []  # its removed claims are in `grounded` itself

    def _offline_answer(self, state: AgentState, reading: Interpretation, evidence: list[Evidence],
                        notices: list[str]) -> GroundingResult | None:
        """The composer's answer, streamed sentence by sentence through the grounding check; None if it has none.
        A question of the message it can't serve is named in `notices`."""
        lead_ids = state.get("lead_ids", [])
        lead = _own_pay_first(reading, sorted((e for e in evidence if e.id in lead_ids),
                                              key=lambda e: lead_ids.index(e.id)))
        said = " ".join(m["content"] for m in state.get("messages", []) if m.get("role") == "assistant")
        scope = _compose_scope(reading, lead)
        comp = self.composer.compose(reading.question, evidence, lead=lead, said=said, scope=scope)
        if (comp.refused or not comp.text) and said:  # all the sources hold was said: again beats declining
            comp = self.composer.compose(reading.question, evidence, lead=lead, scope=scope)
        if comp.refused or not comp.lines:
            return None
        if not lead and (reading.claimed_shares or reading.claimed_share_ranges):
            comp = self.composer.settled_first(comp, evidence, _settles(reading))
        comp, missed = self.composer.serve_parts(_parts_to_check(reading, bool(lead)), comp, evidence,
                                                 dict(zip(reading.questions, reading.shapes_by_question, strict=False)),
                                                 _pointing_back(reading), said)
        notices += [f'Nothing in this answer speaks to "{part}".' for part in missed]
        stream = GroundedStream(self.checker, comp.citations, {e.id: e for e in evidence})
        lines = list(comp.lines)  # each composed line is one whole claim (a title may hold "[EA]" itself)
        marks = line_marks(comp)
        opening: premise.Verdict | premise.Position | None = _premise_verdict(reading, lead, lines[0])
        if opening is premise.Verdict.UNCLEAR:  # no claim to settle: where the asker's own pay falls, if they gave it
            opening = premise.position(reading.own_pay, lead[0] if lead else None, reading.currency or "USD")
        lines[0] = premise.open_with(opening, lines[0])
        layout = Layout()
        for line, mark in zip(lines, marks, strict=True):
            for k, sentence in enumerate(stream.feed(line + " ") + stream.finish()):
                _emit("delta", layout.add(sentence, mark if k == 0 else Mark.SAME))
        result = stream.result()
        result.text = layout.text()
        return result

    def _source_words(self) -> Collection[str]:
        """Words the articles use: never "corrected", whatever they look like."""
        try:
            return self.toolbox.retriever.idf().keys()
        except Exception as exc:  # no index yet: nothing is known, only the spelling targets are
            log.warning("source vocabulary unavailable: %s", exc)
            return ()

    def _skill_vocabulary(self) -> list[str]:
        """The postings' skill names; none when the data store can't be opened (the tools then say why)."""
        try:
            return self.toolbox.skill_vocabulary()
        except Exception as exc:  # the store's own errors are reported by the tool that needs it
            log.warning("skill vocabulary unavailable: %s", exc)
            return []

    def _title_vocabulary(self) -> tuple[str, ...]:
        """The salary survey's job titles (roles the curated vocabulary lacks); none without the data store."""
        return self._names_in_store("title vocabulary", lambda store: store.salary_titles())

    def _employer_vocabulary(self) -> tuple[str, ...]:
        """The postings' employers with enough postings for a figure; none without the data store."""
        return self._names_in_store("employer vocabulary", lambda store: store.employer_names())

    def _names_in_store(self, what: str, read: Callable[[Any], tuple[str, ...]]) -> tuple[str, ...]:
        try:
            return read(self.toolbox.store)
        except Exception as exc:  # as for the skills: the tool that needs the store says why it can't
            log.warning("%s unavailable: %s", what, exc)
            return ()

    def _shares_rare_term(self, question: str, evidence: list[Evidence]) -> bool:
        """A rare word of the question ("RAG", "LangGraph") is in the evidence: on topic even when the embedder,
        which knows few acronyms and product names, scores the passages low."""
        idf = self.toolbox.retriever.idf()
        text = " ".join(e.text.lower() for e in evidence)
        return any(idf.get(w, 0.0) >= RARE_IDF and re.search(rf"\b{re.escape(w)}\b", text)
                   for w in content_words(question))

    def _nearest(self, phrases: list[str], evidence: list[Evidence]) -> float:
        """Best cosine between any phrase and any sentence of the evidence (sentence vectors are cached)."""
        sentences = [s for e in evidence for s in split_sentences(e.text) if len(s) > 20]
        if not phrases or not sentences:
            return 0.0
        embedder = self.composer.embedder
        return float((embedder.encode(phrases) @ embedder.encode(sentences).T).max())

    def _question_llm(self, state: AgentState, config: RunnableConfig, start: bool) -> QuestionBackend | None:
        """The backend as this question sees it: one budget (`llm_timeout`) for all of its model calls.

        Gather starts the budget (choosing tools is the first model call) and synthesize takes it over, so a
        hung endpoint costs a question one timeout in all. Nodes run as separate graph steps, so the budget is
        kept here, keyed by conversation and question, for the step that follows.
        """
        if self.backend is None:
            return None
        key = (config.get("configurable", {}).get("thread_id"), str(state.get("question") or ""))
        with self._budget_lock:
            if start:
                # questions that ended long ago without an answer step: nothing will take their budget over
                for k in [k for k, b in self._budgets.items() if time.monotonic() - b.deadline > STALE_BUDGET_S]:
                    del self._budgets[k]
                budget = self._budgets[key] = self.backend.budget()
            else:
                budget = self._budgets.pop(key, None) or self.backend.budget()
        return self.backend.question(budget)

    def _llm_answer(self, question: str, evidence: list[Evidence], llm: QuestionBackend) -> GroundingResult:
        from langchain_core.messages import HumanMessage, SystemMessage

        shown = evidence[: self.settings.llm_evidence]
        citations = [
            Citation(n, e.source, e.title, e.text[:400], round(e.score, 4), e.kind, e.locator, e.id, e.text)
            for n, e in enumerate(shown, start=1)
        ]
        stream = GroundedStream(self.checker, citations, {e.id: e for e in shown})
        messages = [SystemMessage(SYSTEM_PROMPT), HumanMessage(user_prompt(question, shown))]
        shown = False
        try:
            for delta in llm.stream(messages):
                for sentence in stream.feed(delta):
                    _emit("delta", sentence + " ")
                    shown = True
        except BackendError:
            if shown:  # cut mid-answer: what was shown is replaced by the offline answer that follows
                _emit("reset", True)
            raise
        for sentence in stream.finish():
            _emit("delta", sentence + " ")
        result = stream.result()
        # quote = the sentence of the evidence closest to what was claimed, not the whole passage
        return result

    # -- 5. ground ---------------------------------------------------------------------
    def ground(self, state: AgentState) -> dict[str, Any]:
        """Final verdict: an answer with no supported claim is not an answer."""
        if state.get("refused"):
            return {}
        if not state.get("answer", "").strip() or not state.get("citations"):
            return {"answer": NOT_COVERED_REPLY, "refused": True, "citations": [], "charts": [], "support": 0.0}
        return {}

    # -- 6. respond --------------------------------------------------------------------
    def respond(self, state: AgentState) -> dict[str, Any]:
        answer = state.get("answer", "")
        if state.get("intent") == "off_topic":
            answer = OFF_TOPIC_REPLY
        if state.get("intent") == "greeting":  # no question, so nothing from the sources: a short how-to instead
            thanks = lexicon("en").cue("thanks").search(str(state.get("question") or ""))
            answer = THANKS_REPLY if thanks else GREETING_REPLY
        refused = bool(state.get("refused")) or state.get("intent") in ("off_topic", "greeting", "clarify")
        if (refused and state.get("intent") != "off_topic" and state.get("verdict") == "ok") or refused:
            _emit("delta", answer)
        question = state.get("question") or ""
        if isinstance(question, bytes):  # input the guard refused as binary: history and JSON need text
            question = question.decode("utf-8", errors="replace")
        turn = [{"role": "user", "content": question, "standalone": state.get("standalone", "")},
                {"role": "assistant", "content": answer}]
        return {"answer": answer, "refused": refused, "messages": turn, "question": question}


def _elliptical(question: str, reading: Interpretation) -> bool:
    """'and in the UK?' as a conversation's first message: it opens like a follow-up ("and ...", "what about ...")
    and has no role and no subject of its own. A pronoun alone is no sign ("What is RAG? I keep seeing it")."""
    return (bool(lexicon("en").cue("followup").search(question.strip())) and not reading.slots.role
            and not reading.asks
            and reading.intent in (Intent.OFF_TOPIC_CANDIDATE, Intent.FACTUAL))


def clarifying_reply(reading: Interpretation) -> str:
    """Ask what the person means, using what they did say (a country, a level), with a whole question to copy."""
    where = f" in {country_phrase(reading.slots.countries[0])}" if reading.slots.countries else ""
    level = f"{reading.slots.level} " if reading.slots.level else ""
    return (f"I don't have an earlier question to follow here. What would you like to know{where}: pay, the skills "
            f"postings ask for, or how to move into a role? For example: \"What do {level}data scientists "
            f"earn{where}?\"")


def _slot_swaps(previous: str, followup: str) -> list[tuple[str, str]]:
    """(old phrase, new phrase) pairs: the follow-up's slot values replace the previous question's."""
    old, new = extract(previous), extract(followup)
    swaps: list[tuple[str, str]] = []
    if new.countries:
        with_the = re.search(rf"\bthe\s+{re.escape(new.country_phrases[0])}\b", followup, re.I)
        value = f"the {new.countries[0]}" if with_the else new.countries[0]
        if new.cities:  # "which of those are in Munich?": the city, which stands for its country too
            value = new.cities[0]
        if old.country_phrases:
            phrase = old.country_phrases[0]
            had_the = re.search(rf"\bthe\s+{re.escape(phrase)}\b", previous, re.I)
            swaps.append((f"the {phrase}" if had_the else phrase, value))
        else:
            swaps.append(("?", f" in {value}?"))
    if new.role and old.role_phrase:
        swaps.append((old.role_phrase, new.role_phrase or new.role))
    level = " vs ".join(new.level_phrases) if len(new.level_phrases) > 1 else new.level  # "what about mid vs senior?"
    if new.level and old.level_phrase:
        swaps.append((old.level_phrase, level))
    elif new.level and old.role_phrase:
        swaps.append((old.role_phrase, f"{level} {old.role_phrase}"))
    return swaps
