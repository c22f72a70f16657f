"""The offline answer backend: an extractive composer.

It never writes a fact of its own. It ranks the sentences of the retrieved
evidence against the question (dense similarity from the shared embedder,
keyword overlap, and a preference for sentences with figures when the question
asks for one), keeps the best few that say different things, and marks each
with the number of its source. Wording and numbers stay exactly as the source
has them (markup stripped). When the best sentence is too weak, it says the
sources don't cover the question instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from advisor.agent.guard import is_injected_instruction
from advisor.agent.intent import asks_duration
from advisor.agent.interpret import AnswerShape, skills_in
from advisor.agent.lexicon import lexicon
from advisor.agent.slots import city_name, extract, roles_named
from advisor.embeddings import Embedder
from advisor.text import content_words, figures, is_heading_like, split_sentences
from advisor.types import Citation, Evidence

LEX = lexicon("en")
_QUANTITY = LEX.cue("quantity")
_ACTION = LEX.cue("action")
_PROMO = LEX.cue("promo")
_DANGLING = LEX.cue("dangling_opener")
_POINTS_ELSEWHERE = LEX.cue("points_elsewhere")
_STAGES = [(pattern, int(stage)) for pattern, stage in LEX.table("step_stage")]  # any case (`ignore_case`)
# a name inside a sentence (a language, tool, product, programme): a step that names what to learn is concrete
_NAMED = re.compile(r"(?<=[a-z,;(] )[A-Z][A-Za-z0-9+#.-]*[A-Za-z0-9+#]")
STEP_BONUS = 0.03  # in an advice answer, a step of a sequence over a remark about the field
FOCUS_BONUS = 0.12  # a sentence naming the tool asked about, over one about the field near it
STEP_SLACK = 0.15  # a step with no action verb may join an advice answer this far below its best sentence
GENERIC_WEIGHT = 1.0  # how much an advice sentence loses for answering the generic question better than the asked one
_GENERIC_ADVICE = LEX.words("generic_advice")
SIBLING_SLACK = 0.06  # a step's sibling in the same passage joins it this far below the answer's score floor
STAGE_OPENING = 12  # a stage word this near a sentence's start opens a step ("The next layer involves ...")
MIN_SEQUENCE = 3  # a section with this many paragraphs holding a step lays out a sequence, read whole
MIN_STEPS = 2  # advice sentences that say where they sit in a sequence, at least this many: a numbered list
STEP_WORDS = 1.5  # a step list may run to this multiple of the answer's word budget: a sequence cut short misleads
TOOL_KINDS = ("salary_data", "posting_stats", "article_figure")
MAX_TOOL_SENTENCES = 4
PARAPHRASE = 0.86  # cosine above which two sentences say the same thing
REWORDED = 0.65  # cosine above which two sentences sharing most words (REWORDED_SHARE of the shorter's) say it again
REWORDED_SHARE = 0.35
_STEM = re.compile(r"(ing|ers|er|es|s|ed)$")


def word_count(sentence: str) -> int:
    """Words as a reader counts them (a figure like "$150,000" is one)."""
    return len(sentence.split())


def _stem(word: str) -> str:
    return _STEM.sub("", word) if len(word) > 4 else word


_COMMON_CAPS = set(LEX.words("common_caps"))


def _proper_names(question: str) -> set[str]:
    """Capitalised words after the first one ("OpenAI", "Anthropic", "LangGraph"), lower-cased."""
    words = re.findall(r"\b[A-Z][A-Za-z0-9+#.]+", question)[1:] if question else []
    return {w.lower().rstrip(".") for w in words if w.lower() not in _COMMON_CAPS}


@dataclass(frozen=True)
class Candidate:
    text: str
    evidence: Evidence
    order: int  # position inside its evidence, to keep reading order on ties


@dataclass
class Composition:
    citations: list[Citation]
    refused: bool
    best_score: float
    used: list[tuple[str, Evidence]]  # (sentence, evidence) pairs actually shown
    lines: list[str] = field(default_factory=list)  # the answer's lines, each one sentence with its [n]
    numbered: list[int] = field(default_factory=list)  # each line's step number in a list of steps (0: none)

    @property
    def text(self) -> str:
        return " ".join(self.lines)


_DURATION = LEX.cue("duration")


def _tool_sentence(ev: Evidence) -> str:
    """A tool result is one sentence already (an article figure carries its verbatim quote inside it)."""
    return ev.text.strip()


def _table_row_to_sentence(header: list[str], row: str) -> str:
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    if len(cells) != len(header) or any(len(c) > 60 for c in cells):
        return ""  # a prose table (long cells) reads badly as a sentence; numeric tables read well
    return "; ".join(f"{h}: {c}" for h, c in zip(header, cells, strict=True) if c) + "."


def candidates(evidence: list[Evidence]) -> list[Candidate]:
    """Answerable sentences of each evidence item; tool results stay whole."""
    out: list[Candidate] = []
    for ev in evidence:
        if ev.kind in ("salary_data", "posting_stats", "bls", "article_figure", "posting"):
            out.append(Candidate(_tool_sentence(ev), ev, 0))
            continue
        body = ev.text
        if ev.locator and body.startswith(ev.locator):
            body = body[len(ev.locator) :].lstrip("\n")
        lines = body.splitlines()
        header: list[str] = []
        order = 0
        for line in lines:
            if line.startswith("|"):
                if not header:
                    header = [c.strip() for c in line.strip().strip("|").split("|")]
                    continue
                if re.fullmatch(r"\|?[\s|:-]+\|?", line):
                    continue
                sent = _table_row_to_sentence(header, line)
                if sent:
                    out.append(Candidate(sent, ev, order))
                    order += 1
                continue
            header = []
            sentences = [x.lstrip("-•* ").strip() for x in split_sentences(line)]
            for k, sent in enumerate(sentences):
                prev = sentences[k - 1] if k else ""
                if prev.strip(" .:") and not prev.endswith("?") and (len(prev) < 30 or is_heading_like(prev)):
                    # "LLM Operations Engineer. Manages the infrastructure ...": the term is the subject
                    sent = f"{sentences[k - 1].rstrip('.:')}: {sent}"
                if len(sent) < 30 or is_heading_like(sent) or _PROMO.search(sent) or is_injected_instruction(sent) \
                        or _POINTS_ELSEWHERE.search(sent) or sent.endswith("?"):
                    continue  # an instruction planted in a source is not advice; a chart it points at isn't here;
                    # a question the article asks its reader answers nothing
                out.append(Candidate(sent, ev, order))
                order += 1
    return out


def _about_other_roles(c: Candidate, roles: Sequence[str]) -> bool:
    """The sentence's figures are about roles it names (or, naming none, its passage names), none of them asked:
    "Yet within it, there is already a $62,400 salary split" is about the AI Engineer title of its passage."""
    named = roles_named(c.text) or roles_named(c.evidence.text)
    return bool(named) and not set(roles) & set(named)


_TOPIC_NEUTRAL = frozenset(LEX.words("topic_neutral"))
RARE_WORD_IDF = 3.0  # a question word this rare in the sources is a topic of its own ("Seattle", "contract")


def _about_other_places(sentence: str, places: list[str], local: Sequence[str] | None = None) -> bool:
    """A figure said of countries none of which was asked ("In the UK, ... £112K" under a question about France),
    or, after the data's figures (`local` given: the cities and states asked), of cities or US states none of
    which was asked ("Austin, Boston and Denver ... $222,500" under figures for Tampa, or for the US as a whole).
    Without the data's figures, a passage naming cities may be the answer ("Which US cities hire the most AI
    jobs?"), so `local=None` leaves cities alone."""
    said = extract(sentence)
    if said.countries and not set(said.countries) & set(places):
        return True
    if local is None:
        return False
    named = {city_name(c) for c in said.cities} | set(said.states)
    return bool(named) and not named & set(local)


def _adds_to_the_figures(c: Candidate, roles: Sequence[str], unserved: dict[str, float]) -> bool:
    """After the data tools' figures, a passage sentence adds to them only with a figure of its own that is
    about the role asked (named in the sentence itself) or about a part of the question the figures left out:
    a rare name of the question ("Seattle", capitalised in the sentence), or two question words, that the figures
    don't contain (`unserved`: stem → idf). "Seattle has 1,472 AI jobs" under a data scientist's pay is a figure
    about something else; a passage comparing two cities the question names is the answer the countries' salary
    figures couldn't give. One rare everyday word is not enough: "offering" is not the asker's "offer"."""
    if not figures(c.text):
        return False
    if set(roles) & set(roles_named(c.text)):
        return True
    shared = {w: idf for w in content_words(c.text) if (idf := unserved.get(_stem(w))) is not None
              and w not in _TOPIC_NEUTRAL}  # "jobs" and "year" name no part of the question
    names = {t.strip(".,;:()\"'").lower() for t in c.text.split() if t[:1].isupper()}
    return len(set(shared.values())) >= 2 or any(idf >= RARE_WORD_IDF and w in names for w, idf in shared.items())


def _plain_sample_sizes(sentence: str) -> str:
    """An article's statistical notation said in words: "median $140,000 (n=635)" → "(635 in the sample)", "the
    n=77 postings" → "the 77 postings" (lexicon `sample_in_brackets`, `sample_notation`)."""
    sentence = LEX.cue("sample_in_brackets").sub(r"(\1 in the sample)", sentence)
    return LEX.cue("sample_notation").sub(r"\1", sentence)


def _within_budget(lead: list[Evidence]) -> list[Evidence]:
    """At most MAX_TOOL_SENTENCES lead figures; past that, the sides' own figures that a comparison sentence
    already states go first, so another ask's figure ("... and which is easier to get into without a masters?": each
    role's postings that mention no degree) keeps its place."""
    compared = {i for e in lead for i in e.metadata.get("compared", [])}
    if len(lead) > MAX_TOOL_SENTENCES:  # all sides go together: one side's figure alone would read as the answer
        lead = [e for e in lead if e.id not in compared]
    return lead[:MAX_TOOL_SENTENCES]


def _not_said(lead: list[Evidence], said: str) -> list[Evidence]:
    """The headlines the conversation's last answers didn't give ("and do they want a degree?" after the skills
    list: not the list again); all of them when every one was given (the question was asked again)."""
    return [e for e in lead if not said or _tool_sentence(e).rstrip(".") not in said] or lead


def stage(sentence: str) -> int | None:
    """Where a sentence of advice sits in a learning or project sequence (lexicon `step_stage`), if it says."""
    return next((value for pattern, value in _STAGES if pattern.search(sentence)), None)


def is_step(sentence: str) -> bool:
    """A concrete step of a sequence: it says where it sits (a stage) and names what to learn or build (a
    language, tool or product, or a list of things). "Skills are acquired in a structured sequence that builds
    from foundations" places itself but names nothing: a remark about steps, not a step."""
    if stage(sentence) is None:
        return False
    names = {n for n in _NAMED.findall(sentence) if n.lower() not in _COMMON_CAPS}
    return bool(names) or sentence.count(",") >= 2


def _opens_with_stage(sentence: str) -> bool:
    """Whether the sentence's first words say where it sits ("Building on this foundation, ...", "The next layer
    involves ..."): in a section whose paragraphs each open so, the step of its paragraph (`_paths`), named
    things or not."""
    return any((m := pattern.search(sentence)) and m.start() <= STAGE_OPENING for pattern, _ in _STAGES)


def _in_steps(chosen: list[Candidate], max_words: float = 0, pool: list[Candidate] | None = None,
              steps_first: bool = False) -> tuple[list[Candidate], list[int]]:
    """An advice answer's sentences with its steps in sequence order, and each line's step number (0: not a
    step). The best sentence stays first unless it is a step itself; the steps follow as a numbered list: one
    section's path whole when an article lays one out (`_one_path`), else every step, foundations first
    (sentences of one passage in reading order, passages in the order they were picked); the rest come after
    the list, the weakest left out past `max_words`. Fewer than MIN_STEPS steps are no sequence. `steps_first`
    (an order asked: "math first or python first?"): the list opens the answer, the best sentence after it."""
    staged = [c for c in chosen if is_step(c.text)]
    if len(staged) < (1 if steps_first else MIN_STEPS):  # an order asked: one step of a laid-out path is enough
        return chosen, [0] * len(chosen)
    head = [] if chosen[0] in staged or steps_first else chosen[:1]
    rank: dict[str, int] = {}
    for k, c in enumerate(chosen):
        rank.setdefault(c.evidence.id, k)
    steps = _one_path(staged, rank, pool or chosen) or sorted(
        staged, key=lambda c: (stage(c.text), rank[c.evidence.id], c.order))
    if len(steps) < MIN_STEPS:  # one step, and no path it belongs to: no sequence
        return chosen, [0] * len(chosen)
    others = [c for c in chosen[len(head):] if c not in staged and c not in steps]
    while max_words and others and sum(word_count(c.text) for c in head + steps + others) > max_words:
        others.pop()  # the remarks after a list of steps give way to the steps, the weakest first
    return head + steps + others, [0] * len(head) + list(range(1, len(steps) + 1)) + [0] * len(others)


def _one_path(staged: list[Candidate], rank: dict[str, int], pool: list[Candidate]) -> list[Candidate]:
    """The path of the first-picked section that lays one out (`_paths`): one step per paragraph, its first
    that opens with where it sits, in the article's order, from every candidate of the section (a step the
    scores left out is still a step of the path); or, picked before it, one passage's own list of steps. Why:
    steps gathered from three articles interleave three paths ("foundations" from each); one article's path,
    whole, is an order a reader can follow. No path among the picks: [] (every step, by stage)."""
    paths = _paths(pool)
    picked = {key: min(rank[c.evidence.id] for c in staged if _section(c.evidence) == key)
              for key in paths if any(_section(c.evidence) == key for c in staged)}
    if not picked:
        return []
    best = min(picked, key=picked.__getitem__)
    # a passage that lists a sequence itself (beginner, intermediate, advanced projects), picked before the path,
    # is what was asked about: "which portfolio projects?" gets those projects in order, not the learning path
    listed = sorted((rank[c.evidence.id], c.evidence.id) for c in staged if _section(c.evidence) not in paths
                    and sum(d.evidence.id == c.evidence.id for d in staged) >= MIN_STEPS)
    if listed and listed[0][0] < picked[best]:
        own = [c for c in staged if c.evidence.id == listed[0][1]]
        return sorted(own, key=lambda c: (stage(c.text), c.order))
    return paths[best]


def _paths(pool: list[Candidate]) -> dict[tuple[str, str], list[Candidate]]:
    """Each article section whose paragraphs open steps of a sequence ("The foundational layer ...", "Building on
    this foundation ...", "The next layer ...") in at least MIN_SEQUENCE paragraphs: its first such sentence
    of each paragraph, in reading order."""
    firsts: dict[tuple[str, str], dict[str, Candidate]] = {}
    for c in sorted(pool, key=lambda c: (c.evidence.id, c.order)):
        if c.evidence.kind == "article" and _opens_with_stage(c.text):
            firsts.setdefault(_section(c.evidence), {}).setdefault(c.evidence.id, c)
    return {key: list(steps.values()) for key, steps in firsts.items() if len(steps) >= MIN_SEQUENCE}


def _section(ev: Evidence) -> tuple[str, str]:
    """The article section a passage belongs to: its paragraphs are read as one sequence."""
    return ev.source, ev.locator


def sequence_sections(passages: list[Evidence]) -> dict[tuple[str, str], list[Evidence]]:
    """The article sections that lay out a path (`_paths`: at least MIN_SEQUENCE of their paragraphs open a
    step, "The foundational layer ...", "Building on this foundation ...", "The next layer ..."), each with its
    paragraphs in reading order. Why: retrieval finds one or two of those paragraphs, and a learning path cut
    to its first two steps misleads; the answer reads the section whole."""
    by_section: dict[tuple[str, str], list[Evidence]] = {}
    for ev in passages:
        if ev.kind == "article" and ev.locator:
            by_section.setdefault(_section(ev), []).append(ev)
    return {key: sorted(evs, key=lambda e: e.id) for key, evs in by_section.items() if _paths(candidates(evs))}


_CONTRAST = LEX.cue("contrast_statement")
_SHARE_FIGURE = LEX.cue("share_figure")
_DURATION_COUNTED = LEX.cue("duration_counted")


def has_shape(sentence: str, shape: AnswerShape, sides: Sequence[str] = ()) -> bool:
    """Whether `sentence` holds an answer of the asked shape: a share ("5.1%"), a pay figure ("$140,000", or a
    premium in percent), a span of time counted ("three to six months"), or two of `sides` set against each
    other ("..., while ...")."""
    if shape is AnswerShape.SHARE:
        return bool(_SHARE_FIGURE.search(sentence))
    if shape is AnswerShape.MONEY:  # a premium may be a share: "earn up to 56 percent more" answers "how much extra"
        return any(f.startswith("$") or f.endswith("%") for f in figures(sentence))
    if shape is AnswerShape.STEPS:
        return is_step(sentence)
    if shape is AnswerShape.DURATION:
        return bool(_DURATION_COUNTED.search(sentence))  # "within a few years" says when, not how long
    named = set(roles_named(sentence)) & set(sides)
    return len(named) >= min(2, len(sides)) and bool(_CONTRAST.search(sentence))


def _shape_first(picks: list[Candidate], shape: AnswerShape | None, sides: Sequence[str]) -> list[Candidate]:
    """`picks` opened by the first one that holds an answer of the asked shape (`has_shape`), when the first
    doesn't: "what share of those jobs are entry level?" leads with "Only 5.1% ... are explicitly entry-level",
    not with the $62,400 split the question named on the way. Why here and not in the scores: a sentence
    near the question's words may still not answer its kind; order is the one thing changed."""
    if shape is None or not picks or has_shape(picks[0].text, shape, sides):
        return picks
    k = next((i for i, c in enumerate(picks) if has_shape(c.text, shape, sides) and not _DANGLING.search(c.text)),
             None)
    return picks if k is None else [picks[k], *picks[:k], *picks[k + 1:]]


def _says_what_to_do(sentence: str, score: float, best: float) -> bool:
    """Advice answers say what to do: below the best sentence's score, a sentence needs an action verb or must be
    a step of a sequence close enough to the best."""
    return score >= best - 0.05 or bool(_ACTION.search(sentence)) or (is_step(sentence) and score >= best - STEP_SLACK)


def _redundant(new: str, chosen: str, cosine: float) -> bool:
    """`new` says nothing `chosen` didn't: a paraphrase, or a restatement whose figures were all given already
    (an article's summary and its FAQ both list "LLMs 55.5%, AI Agents 47.3%, ..."). A sentence that adds a
    figure is kept even when it repeats others: that figure may be what was asked."""
    if cosine > PARAPHRASE:
        return True
    fn = figures(new)
    if fn and cosine >= 0.55 and fn <= figures(chosen):
        return True
    # two articles saying the same step in other words ("The foundation involves strong programming proficiency,
    # particularly in Python ..." / "The foundational layer involves programming proficiency, particularly in
    # Python ..."): near in meaning and sharing most of the shorter one's words, with no figure of its own
    mine, theirs = {_stem(w) for w in content_words(new)}, {_stem(w) for w in content_words(chosen)}
    shared = len(mine & theirs) / max(1, min(len(mine), len(theirs)))
    return cosine >= REWORDED and shared >= REWORDED_SHARE and fn <= figures(chosen)


@dataclass
class _Picked:
    """What the composer has picked so far: the lead sentences, the chosen candidates' indexes, the words used."""

    chosen: list[Candidate]
    idx: list[int] = field(default_factory=list)
    words: int = 0
    said: str = ""  # the conversation's earlier answers
    figures_only: bool = False  # after the data tools' figures (not advice): a passage adds a figure or nothing
    unserved: dict[str, float] = field(default_factory=dict)  # question words (stems) the lead doesn't contain: idf
    places: list[str] = field(default_factory=list)  # the countries asked about: another country's figure is off
    local: list[str] = field(default_factory=list)  # the cities and US states asked about (`Interpretation.places`)
    scale: float = 1.0  # the length budget's multiple: a message of two questions gets room for two answers
    source_named: bool = False  # the question named the data set its figures come from (`Scope.source_named`)
    no_pay: bool = False  # what is asked has a shape that no pay figure is (a contrast, steps, a span of time)


@dataclass(frozen=True)
class Scope:
    """What an answer keeps to besides the question: advice or not, more questions worth answering (the asker's
    background, each question of a message), the roles and countries asked (a passage's figure about another
    is not filler), tools only the passages know that a sentence should name ("is LangChain worth learning?"),
    and how many questions the message asks (two get twice the length budget, no more)."""

    advice: bool = False
    also: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()  # the message's later questions ("...? and which projects for my portfolio?")
    roles: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    local: tuple[str, ...] = ()  # cities (as the postings name them) and US states (codes) asked about
    focus: tuple[str, ...] = ()
    questions: int = 1
    shape: AnswerShape | None = None  # what the first sentence must hold to answer the first question
    source_named: bool = False  # a data set named ("in the aijobs survey"): the articles' figures weren't asked
    pay_asked: bool = False  # some part of the message asks about pay
    sides: tuple[str, ...] = ()  # the roles set against each other (a contrast names at least two)


LATER_QUESTION_BELOW = 0.06  # a sentence answering a later question of a message scores this much below
# a question of a message is served when a line of the answer is this near it (MiniLM cosine; on the rv review
# set's two-part answers, dropped parts scored 0.19-0.22 against every line, served ones 0.28-0.69)
PART_SERVED = 0.25
PART_ANSWERED = 0.40  # a passage sentence this near an unserved question answers it
NO_PAY_SHAPES = frozenset({AnswerShape.CONTRAST, AnswerShape.STEPS, AnswerShape.DURATION})  # pay answers none
SHAPED_ANSWERED = 0.30  # a passage sentence of that shape this near answers it


def _served(near: np.ndarray, shape: AnswerShape | None, used: list[Candidate], steps_given: bool) -> bool:
    """Whether a question of a message is served: an order is asked ("what should I do first?") that the numbered
    steps give (`steps_given`); a line near it (`near`: each line's cosine to it) holds an answer of its shape,
    where its answer has one; any line near it, where not. A line near "how long does the move take?" that
    states no span of time (the skills the move needs) does not serve it."""
    if steps_given:
        return True
    if shape is None:
        return float(near.max()) >= PART_SERVED
    return any(has_shape(u.text, shape) and d >= PART_SERVED for u, d in zip(used, near, strict=True))


class Composer:
    def __init__(
        self,
        embedder: Embedder,
        min_score: float = 0.30,
        max_sentences: int = 5,
        idf: Callable[[], dict[str, float]] | None = None,
        max_words: int | None = None,
    ) -> None:
        self.embedder = embedder
        self.max_words = max_words  # the answer's length budget (None: sentences are the only limit)
        self.min_score = min_score
        self.max_sentences = max_sentences
        self._idf = idf  # rare words shared with the question count more than "AI" or "engineer"

    def _unserved(self, question: str, lead: list[Candidate]) -> dict[str, float]:
        """The question's words (stems, with their idf) that the lead sentences don't contain."""
        said = {_stem(w) for c in lead for w in content_words(c.text)}
        return {w: v for w, v in self._stem_weights(question).items() if w not in said}

    def _stem_weights(self, question: str) -> dict[str, float]:
        """The question's word stems with their idf, the same in every process: words read in sorted order (a set's
        order changes with the hash seed) and two words of one stem ("step", "steps") keep the higher idf."""
        out: dict[str, float] = {}
        for word, idf in sorted(self._weights(set(content_words(question))).items()):
            stem = _stem(word)
            out[stem] = max(out.get(stem, 0.0), idf)
        return out

    def _weights(self, words: set[str]) -> dict[str, float]:
        table = self._idf() if self._idf else {}
        default = max(table.values(), default=1.0)
        return {w: table.get(w, default) for w in words}

    def score(self, question: str, cands: list[Candidate]) -> np.ndarray:
        if not cands:
            return np.zeros(0)
        qvec = self.embedder.encode_one(question)
        dense = self.embedder.encode([c.text for c in cands]) @ qvec
        weights = self._stem_weights(question)
        total = sum(weights.values()) or 1.0
        wants_number = bool(_QUANTITY.search(question))
        wants_duration = asks_duration(question)
        names = _proper_names(question)
        scores = []
        for c, d in zip(cands, dense, strict=True):
            swords = {_stem(w) for w in content_words(c.text)}
            lex = sum(v for w, v in weights.items() if w in swords) / total
            bonus = 0.0
            if wants_number and figures(c.text):
                bonus += 0.08
            if wants_duration and _DURATION.search(c.text):
                bonus += 0.1  # "three to six months" answers "how long"; it is not a figure to `figures()`
            if names:  # "OpenAI, Anthropic?": a sentence naming them is very likely the answer
                lowered = c.text.lower()
                bonus += min(0.2, 0.1 * sum(1 for n in names if n in lowered))
            if len(c.text) < 60 and c.evidence.kind not in TOOL_KINDS:
                bonus -= 0.05  # "AI engineering is an interdisciplinary field." says little
            # a tool result was computed for exactly this question; a passage's relevance carries its heading
            prior = 0.75 if c.evidence.kind in TOOL_KINDS else c.evidence.score
            scores.append(0.45 * float(d) + 0.27 * lex + 0.25 * prior + bonus)
        return np.asarray(scores)

    def _scored(self, question: str, cands: list[Candidate], scope: Scope) -> np.ndarray:
        """Scores against the question; for advice the person's background is a second question worth answering,
        and so is each later question of the message, a little below the first (whose answer should lead). A
        sentence naming a `focus` term (a tool the question asks about that only the passages know: "is
        LangChain worth learning?") gains FOCUS_BONUS: a sentence about the field near it answers less."""
        scores = self.score(question, cands)
        for extra, below in [(q, 0.03) for q in scope.also] + [(q, LATER_QUESTION_BELOW) for q in scope.parts]:
            scores = np.maximum(scores, self.score(extra, cands) - below)
        focus = list(scope.focus)
        if focus:
            scores = scores + np.asarray([FOCUS_BONUS if skills_in(c.text, focus) else 0.0 for c in cands])
        return scores

    def compose(self, question: str, evidence: list[Evidence], lead: list[Evidence] | None = None, said: str = "",
                scope: Scope = Scope()) -> Composition:
        """Pick, order and cite sentences.

        `lead` evidence (the data tools' headline statistics: one per source
        and country) opens the answer; other tool results compete with the
        passages but fill at most a few slots. `said` is what earlier answers
        of the conversation said: a sentence from them is not said again. `scope`: what else the answer keeps to.
        """
        advice, roles = scope.advice, scope.roles
        lead = _within_budget(_not_said(lead or [], said))
        lead_ids = {e.id for e in lead}
        cands = candidates([e for e in evidence if e.id not in lead_ids])
        scores = self._scored(question, cands, scope)
        if advice:
            scores = self._for_advice(scores, cands)
        best = float(scores.max()) if len(scores) else 0.0
        chosen: list[Candidate] = [Candidate(_tool_sentence(e), e, 0) for e in lead]
        if not chosen and best < self.min_score:
            return Composition([], True, best, [])
        limit = self.max_sentences + (2 if advice else 0)
        vecs = self.embedder.encode([c.text for c in cands]) if cands else np.zeros((0, 1))
        picked = _Picked(chosen=list(chosen), words=sum(word_count(c.text) for c in chosen), said=said,
                         figures_only=bool(chosen) and not advice, unserved=self._unserved(question, chosen),
                         places=list(scope.places), local=list(scope.local),
                         scale=float(min(max(scope.questions, 1), 2)), source_named=scope.source_named,
                         no_pay=scope.shape in NO_PAY_SHAPES and not scope.pay_asked)
        floor = max(self.min_score, best - (0.22 if advice else 0.16))
        self._pick(cands, scores, vecs, picked, (floor, best, limit), advice, roles)
        passages = [cands[i] for i in picked.idx]
        if not picked.chosen:  # the data tools' figures lead when there are any; else a sentence of the asked shape
            passages = _shape_first(passages, scope.shape, scope.sides)
        if advice and not picked.chosen:  # after the data tools' figures, the figures lead: no list of steps
            self._add_siblings(cands, scores, vecs, picked, floor - SIBLING_SLACK)
            passages += [cands[i] for i in picked.idx[len(passages):]]
            unsaid = [c for c in cands if not said or c.text.rstrip(".") not in said]  # a path's steps said before
            sentences, numbered = _in_steps(passages, self.max_words * STEP_WORDS, unsaid,
                                            steps_first=scope.shape is AnswerShape.STEPS)
            return self._render(sentences, best, numbered)
        return self._render(picked.chosen + passages, best)

    def _pick(self, cands: list[Candidate], scores: np.ndarray, vecs: np.ndarray, picked: _Picked,
              bounds: tuple[float, float, int], advice: bool, roles: Sequence[str]) -> None:
        """Add the best-scoring candidates that fit to `picked`, down to the score floor or up to the sentence
        limit (`bounds`: floor, best score, limit)."""
        floor, best, limit = bounds
        for i in np.argsort(-scores):
            if len(picked.chosen) + len(picked.idx) >= limit or scores[i] < floor:
                break
            if advice and not _says_what_to_do(cands[i].text, float(scores[i]), best):
                continue
            if self._fits(int(i), cands, vecs, picked, roles):
                picked.idx.append(int(i))
                picked.words += word_count(cands[i].text)

    def _for_advice(self, scores: np.ndarray, cands: list[Candidate]) -> np.ndarray:
        """Advice scores: steps of a sequence up, and down by how much better a sentence answers the generic "how
        do I become an AI engineer" than the question asked, so the same remarks about the field don't fill every
        answer. Asked the generic question itself, the two scores are equal and only the steps gain."""
        if not cands:
            return scores
        generic = np.max([self.score(q, cands) for q in _GENERIC_ADVICE], axis=0)
        steps = np.asarray([STEP_BONUS if is_step(c.text) else 0.0 for c in cands])
        return scores + steps - GENERIC_WEIGHT * np.clip(generic - scores, 0.0, None)

    def _add_siblings(self, cands: list[Candidate], scores: np.ndarray, vecs: np.ndarray, picked: _Picked,
                      floor: float) -> None:
        """The other steps of a sequence a picked step belongs to: an article lists the beginner, intermediate
        and advanced projects in one passage, and the question about one of them is about the sequence."""
        passages = {cands[i].evidence.id for i in picked.idx if is_step(cands[i].text)}
        for i in np.argsort(-scores):
            c = cands[i]
            if len(picked.idx) >= self.max_sentences + 2 or scores[i] < floor:
                break
            if c.evidence.id in passages and i not in picked.idx and is_step(c.text) \
                    and self._fits(int(i), cands, vecs, picked, (), STEP_WORDS):
                picked.idx.append(int(i))
                picked.words += word_count(c.text)

    def _fits(self, i: int, cands: list[Candidate], vecs: np.ndarray, picked: _Picked, roles: Sequence[str],
              budget: float = 1.0) -> bool:
        """Whether candidate `i` may join what is picked: it can stand alone, says something new, is about the
        role asked, and fits the tool-sentence and word budgets."""
        c = cands[i]
        first = not (picked.chosen or picked.idx)
        if picked.said and c.text.rstrip(".") in picked.said:
            return False  # the conversation's last answers said it already
        if _DANGLING.search(c.text) and (first or not figures(c.text)):
            return False  # "However, this requirement ...": never first; later only when it brings a figure
        if c.text.rstrip(" .").endswith(":"):
            return False  # "Here are the core competencies ...:": it introduces a list the answer doesn't show
        if any(_redundant(c.text, cands[j].text, float(vecs[i] @ vecs[j])) for j in picked.idx):
            return False  # says the same as one already chosen
        if roles and c.evidence.kind not in TOOL_KINDS and figures(c.text) and _about_other_roles(c, roles):
            return False  # "the AI Engineer title spans a $62,400 gap" is no figure for an ML engineer
        if roles and c.evidence.kind not in TOOL_KINDS and (named := roles_named(c.text)) \
                and not set(named) & set(roles):
            return False  # "ML engineers focus on production" says nothing of the data analyst asked about
        if picked.places and c.evidence.kind not in TOOL_KINDS and figures(c.text) \
                and _about_other_places(c.text, picked.places, picked.local if picked.figures_only else None):
            return False  # the UK's median is no figure for a question about France
        if picked.figures_only and c.evidence.kind not in TOOL_KINDS and \
                (picked.source_named or not _adds_to_the_figures(c, roles, picked.unserved)):
            return False  # after the data's figures a passage adds a figure about the asked role, or nothing;
            # nothing when the question named the data set it wanted ("in the aijobs survey, US, 2024")
        if picked.no_pay and c.evidence.kind == "article" and any(f.startswith("$") for f in figures(c.text)):
            return False  # "what's the difference between ...?": a $62,400 split inside one title answers no part
        tools_used = len(picked.chosen) + sum(cands[j].evidence.kind in TOOL_KINDS for j in picked.idx)
        if c.evidence.kind in TOOL_KINDS and tools_used >= MAX_TOOL_SENTENCES:
            return False
        # over the length budget: a shorter sentence further down may still fit
        return not (self.max_words and not first
                    and picked.words + word_count(c.text) > self.max_words * budget * picked.scale)

    def serve_parts(self, parts: Sequence[str], comp: Composition, evidence: list[Evidence],
                    shapes: Mapping[str, AnswerShape | None] | None = None,
                    contexts: Mapping[str, str] | None = None, said: str = "") -> tuple[Composition, list[str]]:
        """Each question of a message (`parts`: those to look for) served, or named as not served: a part no line
        of `comp` is near (dense cosine below PART_SERVED: "...and which one is easier to get into without a
        masters?" under two pay figures) gets the passage sentence that answers it best, when one is near enough
        (PART_ANSWERED), else it is returned, to be said beside the answer instead of dropped in silence. A part
        whose answer has a shape (`shapes`: "and roughly how long does it take?" wants a span of time) is served
        only by a line of that shape near it, and answered by the nearest passage sentence of that shape. A part
        that points back and wants an answer of a shape ("what share of them don't mention one?") is read with the
        question it points at (`contexts`: part → the text to read it by); on its own its words say little. A
        sentence the conversation's earlier answers said (`said`) is not said again."""
        if not parts or not comp.used:
            return comp, []
        shapes, contexts, missed = shapes or {}, contexts or {}, []
        shown = self.embedder.encode([text for text, _ in comp.used])
        used, numbered = [Candidate(text, ev, 0) for text, ev in comp.used], list(comp.numbered)
        pool: list[Candidate] | None = None  # the passages' sentences, read once a part is found unserved
        for part in parts:
            if not content_words(part):  # "how many and what kind?": too bare to tell served from not
                continue
            shape = shapes.get(part)
            # a part pointing back is read with its question where a line of its shape must answer it: read so
            # without a shape, any line about the question before it would seem to serve it
            read_as = contexts.get(part, part) if shape else part
            vec = self.embedder.encode_one(read_as)
            if _served(shown @ vec, shape, used, any(comp.numbered) and stage(part) is not None):
                continue
            if pool is None:
                pool, pool_vecs = self._part_pool(evidence, said, len(vec))
            if (i := self._answer_to(read_as, pool, pool_vecs @ vec, used, shape)) is None:
                missed.append(part)
                continue
            used.append(pool[i])
            numbered.append(0)
            shown = np.vstack([shown, pool_vecs[i]])
        if len(used) == len(comp.used):
            return comp, missed
        return self._render(used, comp.best_score, numbered if any(numbered) else None), missed

    def _part_pool(self, evidence: list[Evidence], said: str, dim: int) -> tuple[list[Candidate], np.ndarray]:
        """The passages' sentences a question of a message may be answered by, with their vectors: none that opens
        by pointing at text not shown, none the conversation's earlier answers said."""
        pool = [c for c in candidates([e for e in evidence if e.kind not in TOOL_KINDS])
                if not _DANGLING.search(c.text) and not (said and c.text.rstrip(".") in said)]
        return pool, self.embedder.encode([c.text for c in pool]) if pool else np.zeros((0, dim))

    def _answer_to(self, part: str, pool: list[Candidate], dense: np.ndarray, used: list[Candidate],
                   shape: AnswerShape | None = None) -> int | None:
        """The index in `pool` of the passage sentence that best answers one question of a message (`dense`: each
        one's cosine to it), if one is near it and says something not yet said; for a part with a `shape`, only
        one of that shape answers it, less near (SHAPED_ANSWERED) as it may be."""
        if not pool:
            return None
        said = {u.text for u in used}
        scores = self.score(part, pool)
        near = PART_ANSWERED if shape is None else SHAPED_ANSWERED
        ok = [i for i in np.argsort(-scores) if pool[i].text not in said and scores[i] >= self.min_score
              and dense[i] >= near and (shape is None or has_shape(pool[i].text, shape))]
        return int(ok[0]) if ok else None

    def settled_first(self, comp: Composition, evidence: list[Evidence],
                      settles: Callable[[str], bool]) -> Composition:
        """`comp` opened by the passage sentence that settles what the question claims (`settles`: "Only 5.1% of
        AI Engineer postings are explicitly entry-level" for "a quarter of openings are entry level, so ...
        any tips?"), taken from the answer's lines or else from the retrieved passages, so the verdict can be
        said first; `comp` as it is when no sentence settles it."""
        used = [Candidate(text, ev, 0) for text, ev in comp.used]
        found = next((c for c in used if settles(c.text)), None) or next(
            (c for c in candidates([e for e in evidence if e.kind not in TOOL_KINDS]) if settles(c.text)), None)
        if found is None or (used and used[0].text == found.text):
            return comp
        rest = [c for c in used if c.text != found.text]
        return self._render([found, *rest[: self.max_sentences - 1]], comp.best_score)

    @staticmethod
    def _render(chosen: list[Candidate], best: float, numbered: list[int] | None = None) -> Composition:
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        lines: list[str] = []
        used: list[tuple[str, Evidence]] = []
        for c in chosen:
            ev = c.evidence
            if ev.id not in numbers:
                numbers[ev.id] = len(numbers) + 1
                citations.append(
                    Citation(
                        n=numbers[ev.id], source=ev.source, title=ev.title, quote=c.text, score=round(ev.score, 4),
                        kind=ev.kind, locator=ev.locator, evidence_id=ev.id, context=ev.text,
                    )
                )
            sent = c.text if c.text.endswith((".", "!", "?", ")", "%")) else c.text + "."
            sent = _plain_sample_sizes(sent)  # the citation keeps the source's own words (`quote` above)
            lines.append(f"{sent} [{numbers[ev.id]}]")
            used.append((c.text, ev))
        return Composition(citations, False, best, used, lines, numbered or [0] * len(lines))
