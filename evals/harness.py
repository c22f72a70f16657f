"""The evaluation harness: run a suite through the product and its baselines, score every case, write reports.

Why it looks like this:
- **One run, many configurations.** The product (`advisor`), its switchable variants (`advisor-dense`,
  `advisor-bm25`, `advisor-nodedupe`) and the baselines (`dense-only`, `bm25-only`, `naive-rag`) answer the
  same cases in the same process against the same index, so a difference in the table is a difference in the
  pipeline, not in the data or the machine.
- **Scored by `evals.metrics`, never by the product.** The product's own grounding check cannot grade itself;
  the harness only collects what each configuration produced (the answer, the ranked evidence, the evidence
  the answer was built from) and hands it to the pure metric functions.
- **The ranked list is what the composer saw.** For the product it is read back from the LangGraph state after
  the turn (`evidence`: tool results first, then search hits in rank order), so the retrieval metrics measure
  the list the answer was really built from, follow-up rewriting included.
- **Baselines are deliberately plain.** They retrieve with one method and answer by copying passages (or the
  first sentences of a naive LangChain RAG chain), with no refusal and no grounding check: the floor the
  product has to beat. Copying text makes them faithful by construction, so their faithfulness is ~1.0.

Outputs (into `--out`, default `evals/out/`): `report.json` (per case and aggregate, per configuration, with the
retrieved and reference contexts `ragas_crosscheck.py` needs), `report.md` (one table per metric,
configurations side by side; targets; worst product cases with a diagnosis) and `metrics.png`.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals import metrics as M
from evals.devset import DEVSET_PATH, FROZEN_PATH, load_devset, validate_case, validate_devset

if TYPE_CHECKING:
    from advisor.api import Advisor
    from advisor.config import Settings
    from advisor.types import Answer, Evidence

K = 5  # recall@5, precision@5, nDCG@5, source recall@5
RANK_DEPTH = 10  # MRR looks this deep; baselines retrieve this many
DEFAULT_OUT = Path(__file__).resolve().parent / "out"
THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.json"
CI_SUBSET_PATH = Path(__file__).resolve().parent / "ci_subset.json"

# Settings overrides of each product configuration. The memory checkpointer keeps eval threads out of the
# user's conversation store.
PRODUCT_CONFIGS: dict[str, dict[str, Any]] = {
    "advisor": {},
    "advisor-dense": {"use_bm25": False},
    "advisor-bm25": {"use_dense": False},
    "advisor-nodedupe": {"dedupe": False},
}
# The product with all-mpnet-base-v2 ranking the article passages (advisor/passage_vectors.py). Opt-in with
# `--config`: they need `pip install 'advisor[mpnet]' && advisor models install`.
MPNET_PRODUCT_CONFIGS: dict[str, dict[str, Any]] = {
    "advisor-mpnet": {"passage_ranking": "mpnet"},
    "advisor-mpnet-rerank": {"passage_ranking": "mpnet-rerank"},
}
BASELINES = ("dense-only", "bm25-only", "naive-rag")
# Configurations that need an OpenAI-compatible endpoint (`settings.llm_base_url`, `--llm-url` or `--local-llm`).
# They join the default run only when one is given: the product with its LLM backend (same grounding check),
# and the textbook LangChain RAG chain with that LLM writing the answer and nothing checking it.
LLM_PRODUCT_CONFIGS: dict[str, dict[str, Any]] = {"advisor-llm": {}}
LLM_BASELINES = ("naive-rag-llm",)
EXTRACTIVE_PASSAGES = 3  # "top-3 passages concatenated"
NAIVE_RAG_K = 4  # naive LangChain RAG: top-4 dense chunks
NAIVE_RAG_SENTENCES = 2  # first sentences taken from each chunk
# LangChain's stock RAG prompt (hub "rlm/rag-prompt"), asked to cite its numbered context.
NAIVE_RAG_PROMPT = (
    "You are an assistant for question-answering tasks. Use the following pieces of retrieved context to answer "
    "the question. Cite the context you use as [1], [2] and so on. If you don't know the answer, just say that you "
    "don't know. Use three sentences maximum and keep the answer concise.\n\n"
    "Question: {question}\n\nContext:\n{context}\n\nAnswer:"
)
# How a generative baseline's "I don't know" is read as a refusal (it has no refusal mechanism of its own).
_DONT_KNOW = re.compile(r"\b(i (do not|don't|dont) know|(is|are) not (mentioned|provided|given|stated) in the "
                        r"(context|sources|passages)|cannot answer|can't answer)\b", re.I)

# Aggregate metrics, in report order: (key in the per-case record, label, group).
METRICS: tuple[tuple[str, str, str], ...] = (
    (f"recall@{K}", f"recall@{K}", "retrieval"),
    (f"precision@{K}", f"precision@{K}", "retrieval"),
    ("mrr", f"MRR@{RANK_DEPTH}", "retrieval"),
    (f"ndcg@{K}", f"nDCG@{K}", "retrieval"),
    (f"source_recall@{K}", f"source recall@{K}", "retrieval"),
    ("faithfulness", "faithfulness", "grounding"),
    ("citation_recall", "citation recall", "grounding"),
    ("citation_precision", "citation precision", "grounding"),
    ("cited_gold", "cited passages hold the gold quote", "grounding"),
    ("gold_fact_recall", "gold-fact recall", "quality"),
    ("answer_relevance", "answer relevance", "quality"),
    ("refusal_correct", "refusal correctness", "quality"),
    ("must_not_ok", "must-not clean", "quality"),
    ("lead_answers", "lead states a gold fact", "shape"),
    ("off_gold_share", "later sentences off gold (lower is better)", "shape"),
    ("internal_detail_free", "free of internal detail", "shape"),
)
METRIC_KEYS = tuple(key for key, _, _ in METRICS)
LABELS = {key: label for key, label, _ in METRICS}

# The targets for the product on the full dev set over the full corpus (not the CI floors).
TARGETS: dict[str, float] = {
    f"recall@{K}": 0.9,
    "faithfulness": 0.95,
    "citation_precision": 0.9,
    "gold_fact_recall": 0.7,
    "refusal_correct": 1.0,
}
MUST_BEAT_BASELINES = (f"recall@{K}", "faithfulness")

ProgressFn = Callable[[str, int, int], None]


# ---------------------------------------------------------------------------------------------------------
# What one configuration produced for one case
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """The answer, the retriever's ranked list (retrieval metrics), the evidence the answer used (grounding) and
    the data-tool results (not ranked by retrieval; they serve computed gold facts)."""

    answer: Answer
    ranked: list[Evidence]
    used: list[Evidence]
    seconds: float
    error: str = ""
    asked: str = ""  # the query the configuration actually answered (after rewriting, for the product)
    tools: list[Evidence] = field(default_factory=list)


def _history_user_turns(case: Mapping[str, Any]) -> list[str]:
    return [str(t["content"]) for t in case.get("history") or [] if t.get("role") == "user"]


class ProductRunner:
    """The product through `Advisor.ask`; follow-ups replay the history's user turns in the same thread.

    Why replay instead of injecting the history: the product has no "here is a transcript" entry point,
    and replaying exercises the real follow-up rewriting against the product's own previous answers.
    """

    kind = "product"

    def __init__(self, name: str, advisor: Advisor) -> None:
        self.name = name
        self.advisor = advisor

    def run(self, case: Mapping[str, Any]) -> Outcome:
        from advisor.types import AdvisorError, Answer, Evidence

        thread = f"eval-{self.name}-{case.get('id')}-{uuid.uuid4().hex[:8]}"
        error = ""
        for turn in _history_user_turns(case):
            try:
                self.advisor.ask(turn, thread_id=thread)
            except AdvisorError as exc:  # a history turn the guard rejects still belongs to the thread
                error = f"history turn failed: {exc}"
        t0 = time.perf_counter()
        try:
            answer = self.advisor.ask(str(case["question"]), thread_id=thread)
        except AdvisorError as exc:  # an InputError is a refusal (README: harness step 3)
            answer = Answer(text=str(exc), refused=True, intent="error", thread_id=thread)
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - t0
        state = self.advisor.graph.get_state({"configurable": {"thread_id": thread}})
        values = state.values if state is not None and state.values else {}
        evidence = [Evidence(**d) for d in values.get("evidence", []) or []]
        asked = str(values.get("standalone") or case["question"])
        # Retrieval is scored on the retriever's own ranking ("retrieved_ids" when the product records it, else
        # the evidence minus the tool results). Tool results are listed first in "evidence" (up to ~30 salary
        # and figure rows), which would push every passage out of the top k; they are kept apart and only
        # serve computed gold facts (see `ranked_for_scoring`).
        order = {i: n for n, i in enumerate(values.get("retrieved_ids", []) or [])}
        if order:
            ranked = sorted((e for e in evidence if e.id in order), key=lambda e: order[e.id])
        else:
            tool_ids = set(values.get("tool_ids", []) or [])
            ranked = [e for e in evidence if e.id not in tool_ids]
        in_ranking = {e.id for e in ranked}
        tools = [e for e in evidence if e.id not in in_ranking]
        return Outcome(answer, ranked, evidence, seconds, error, asked, tools)


def conversation_query(case: Mapping[str, Any]) -> str:
    """The conversation's user turns and the question, concatenated: a memoryless baseline's query, and what
    a follow-up's answer relevance is judged against.

    Why concatenate: "and in the UK?" alone names no topic; a baseline that could not see the topic at all
    would make the product's follow-up handling look better than it is.
    """
    return " ".join([*_history_user_turns(case), str(case["question"])])


def _cited_passages(passages: Sequence[Evidence], sentences_per_passage: int | None) -> Answer:
    """An extractive answer: the passages' sentences verbatim, every sentence marked with its passage's [n]."""
    from advisor.types import Answer, Citation

    lines: list[str] = []
    citations: list[Citation] = []
    for n, ev in enumerate(passages, start=1):
        sentences = M.split_sentences(ev.text)
        if sentences_per_passage is not None:
            sentences = sentences[:sentences_per_passage]
        if not sentences:
            continue
        lines.append(" ".join(f"{s} [{n}]" for s in sentences))
        citations.append(Citation(n, ev.source, ev.title, ev.text[:300], round(ev.score, 4), ev.kind, ev.locator,
                                  ev.id, ev.text))
    return Answer(text="\n".join(lines), citations=citations, refused=False, intent="baseline", backend="baseline")


class RetrievalBaseline:
    """`dense-only` / `bm25-only`: one retrieval method, answer = the top-3 passages concatenated.

    No refusal, no grounding check, no de-duplication: a plain single-retriever RAG floor.
    """

    kind = "baseline"

    def __init__(self, name: str, advisor: Advisor) -> None:
        from advisor.retrieval import RetrievalConfig

        self.name = name
        self.advisor = advisor
        dense = name == "dense-only"
        self.config = RetrievalConfig(use_bm25=not dense, use_dense=dense, dedupe=False)

    def run(self, case: Mapping[str, Any]) -> Outcome:
        query = conversation_query(case)
        t0 = time.perf_counter()
        _ = self.advisor.graph  # builds the retriever (and the index if missing)
        ranked = self.advisor.retriever.search(query, k=RANK_DEPTH, config=self.config)
        used = ranked[:EXTRACTIVE_PASSAGES]
        answer = _cited_passages(used, None)
        return Outcome(answer, ranked, used, time.perf_counter() - t0, asked=query)


class NaiveRagBaseline:
    """A naive LangChain RAG: Chroma top-4 dense chunks as `Document`s, answer = their first sentences with [n].

    Why LangChain runnables: this is the textbook "retriever | format" chain people start from; it shares
    our index and embedder so the comparison is about the pipeline, not the vectors.
    """

    kind = "baseline"

    def __init__(self, name: str, advisor: Advisor) -> None:
        self.name = name
        self.advisor = advisor
        self._chain: Any = None

    def _build(self) -> Any:
        from langchain_core.documents import Document
        from langchain_core.runnables import RunnableLambda, RunnablePassthrough

        from advisor.index import PASSAGES

        advisor = self.advisor

        def retrieve(query: str) -> list[Document]:
            hits = advisor.index.query(PASSAGES, advisor.embedder.encode_one(query), NAIVE_RAG_K)
            return [Document(page_content=h.text, metadata={"evidence": h}) for h in hits]

        def answer(inputs: dict[str, Any]) -> dict[str, Any]:
            evidence: list[Evidence] = [d.metadata["evidence"] for d in inputs["docs"]]
            return {"answer": _cited_passages(evidence, NAIVE_RAG_SENTENCES), "evidence": evidence}

        return {"docs": RunnableLambda(retrieve), "question": RunnablePassthrough()} | RunnableLambda(answer)

    def run(self, case: Mapping[str, Any]) -> Outcome:
        if self._chain is None:
            self._chain = self._build()
        query = conversation_query(case)
        t0 = time.perf_counter()
        out = self._chain.invoke(query)
        return Outcome(out["answer"], out["evidence"], out["evidence"], time.perf_counter() - t0, asked=query)


class NaiveRagLLMBaseline:
    """`naive-rag-llm`: the same LangChain chain, but an LLM writes the answer from the top-4 chunks.

    Why: an extractive baseline copies its evidence, so it is faithful by construction and "the product is more
    faithful than a naive RAG" could never be measured. This is the chain people actually ship first (retriever |
    prompt | ChatOpenAI | parser) with no refusal logic and no grounding check; its faithfulness is what an
    unchecked model says about the same passages. An "I don't know" counts as a refusal.
    """

    kind = "baseline"

    def __init__(self, name: str, advisor: Advisor, settings: Settings) -> None:
        if not settings.llm_base_url:
            raise ValueError(f"{name} needs an LLM endpoint: --llm-url URL or --local-llm")
        self.name = name
        self.advisor = advisor
        self.settings = settings
        self._chain: Any = None

    def _build(self) -> Any:
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.prompts import PromptTemplate
        from langchain_core.runnables import RunnableLambda, RunnableParallel, RunnablePassthrough
        from langchain_openai import ChatOpenAI

        from advisor.index import PASSAGES

        advisor, s = self.advisor, self.settings
        llm = ChatOpenAI(base_url=s.llm_base_url, model=s.llm_model, api_key=s.llm_api_key or "not-needed",
                         temperature=0, max_tokens=s.llm_max_tokens, timeout=s.llm_timeout,
                         max_retries=s.llm_max_retries)

        def retrieve(query: str) -> list[Evidence]:
            return advisor.index.query(PASSAGES, advisor.embedder.encode_one(query), NAIVE_RAG_K)

        def context(evidence: list[Evidence]) -> str:
            return "\n\n".join(f"[{n}] {e.text}" for n, e in enumerate(evidence, start=1))

        generate = (
            RunnableLambda(lambda x: {"question": x["question"], "context": context(x["evidence"])})
            | PromptTemplate.from_template(NAIVE_RAG_PROMPT) | llm | StrOutputParser()
        )
        return RunnableParallel(evidence=RunnableLambda(retrieve), question=RunnablePassthrough()).assign(
            text=generate)

    def run(self, case: Mapping[str, Any]) -> Outcome:
        from advisor.types import Answer, Citation

        if self._chain is None:
            self._chain = self._build()
        query = conversation_query(case)
        t0 = time.perf_counter()
        try:
            out = self._chain.invoke(query)
        except Exception as exc:  # the endpoint is outside our code: record the failure, keep scoring the rest
            answer = Answer(text="", refused=False, intent="baseline", backend="baseline")
            return Outcome(answer, [], [], time.perf_counter() - t0, f"{type(exc).__name__}: {exc}", query)
        evidence: list[Evidence] = out["evidence"]
        citations = [Citation(n, e.source, e.title, e.text[:300], round(e.score, 4), e.kind, e.locator, e.id, e.text)
                     for n, e in enumerate(evidence, start=1)]
        text = str(out["text"]).strip()
        answer = Answer(text=text, citations=citations, refused=bool(_DONT_KNOW.search(text)), intent="baseline",
                        backend="baseline")
        return Outcome(answer, evidence, evidence, time.perf_counter() - t0, asked=query)


Runner = ProductRunner | RetrievalBaseline | NaiveRagBaseline | NaiveRagLLMBaseline


def make_runners(
    settings: Settings,
    configs: Sequence[str] = tuple(PRODUCT_CONFIGS),
    baselines: Sequence[str] = BASELINES,
    advisor: Advisor | None = None,
) -> list[Runner]:
    """Build every requested configuration. `advisor` (e.g. a test fixture) serves `advisor` and the baselines.

    Variants get their own `Advisor` over the same data dir: the index and the embedding model are shared
    (Chroma caches one client per path; the model is loaded once per process).
    """
    from advisor.api import Advisor

    offline_configs = {**PRODUCT_CONFIGS, **MPNET_PRODUCT_CONFIGS}
    known = [*offline_configs, *LLM_PRODUCT_CONFIGS, *BASELINES, *LLM_BASELINES]
    unknown = [c for c in configs if c not in offline_configs and c not in LLM_PRODUCT_CONFIGS]
    unknown += [b for b in baselines if b not in BASELINES and b not in LLM_BASELINES]
    if unknown:
        raise ValueError(f"unknown configuration(s) {unknown}; known: {known}")
    needs_llm = [n for n in [*configs, *baselines] if n in LLM_PRODUCT_CONFIGS or n in LLM_BASELINES]
    if needs_llm and not settings.llm_base_url:
        raise ValueError(f"{', '.join(needs_llm)} need(s) an LLM endpoint: --llm-url URL or --local-llm")
    # The offline configurations stay offline even when the caller's settings name an endpoint.
    offline = {"checkpointer": "memory", "llm_base_url": None}
    base = advisor or Advisor(settings.model_copy(update=offline))
    runners: list[Runner] = []
    for name in configs:
        if name == "advisor":
            runners.append(ProductRunner(name, base))
        elif name in LLM_PRODUCT_CONFIGS:
            update = {"checkpointer": "memory", **LLM_PRODUCT_CONFIGS[name]}
            runners.append(ProductRunner(name, Advisor(settings.model_copy(update=update))))
        else:
            update = {**offline, **offline_configs[name]}
            runners.append(ProductRunner(name, Advisor(base.settings.model_copy(update=update))))
    for name in baselines:
        if name == "naive-rag":
            runners.append(NaiveRagBaseline(name, base))
        elif name in LLM_BASELINES:
            runners.append(NaiveRagLLMBaseline(name, base, settings))
        else:
            runners.append(RetrievalBaseline(name, base))
    return runners


def default_configs(settings: Settings) -> tuple[list[str], list[str]]:
    """Every configuration this run can serve: the LLM ones join when an endpoint is configured."""
    llm = bool(settings.llm_base_url)
    return ([*PRODUCT_CONFIGS, *(LLM_PRODUCT_CONFIGS if llm else ())],
            [*BASELINES, *(LLM_BASELINES if llm else ())])


# ---------------------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------------------


def prepare_case(case: Mapping[str, Any]) -> dict[str, Any]:
    """The case with every article quote passed through the product's `clean_markup`.

    Why: indexed chunks are markup-stripped by `clean_markup` (e.g. "—" becomes " - "), while `metrics`'
    `normalize_text` folds the raw quote differently ("—" becomes "-"); cleaning the quote the same way
    as the chunk makes containment test the words, not the clean-up.
    """
    from advisor.text import clean_markup

    facts = []
    for fact in case.get("gold_facts", []) or []:
        fact = dict(fact)
        if not fact.get("computed") and fact.get("quote"):
            fact["quote"] = clean_markup(str(fact["quote"]))
            fact["alt_quotes"] = [clean_markup(str(a)) for a in fact.get("alt_quotes", []) or []]
        facts.append(fact)
    return {**case, "gold_facts": facts}


def _ev_dict(ev: Any, with_text: bool = True) -> dict[str, Any]:
    out = {"id": getattr(ev, "id", ""), "source": ev.source, "kind": getattr(ev, "kind", ""),
           "score": round(float(getattr(ev, "score", 0.0)), 4)}
    if with_text:
        out["text"] = ev.text
    return out


def precision_at_k(ranked: Sequence[Any], gold: Sequence[M.GoldPassage], k: int) -> float:
    """Share of the top-k items (or of all, when fewer were retrieved) relevant to some gold passage."""
    top = list(ranked[:k])
    if not top:
        return 0.0
    return sum(any(M.is_relevant(it, g) for g in gold) for it in top) / len(top)


def gold_ranks(ranked: Sequence[Any], gold: Sequence[M.GoldPassage]) -> list[int | None]:
    """1-based rank of the first item matching each gold passage (None = not retrieved at all)."""
    ranks: list[int | None] = []
    for g in gold:
        ranks.append(next((r for r, it in enumerate(ranked, start=1) if M.is_relevant(it, g)), None))
    return ranks


def ranked_for_scoring(outcome: Outcome, gold: Sequence[M.GoldPassage]) -> list[Any]:
    """The retriever's ranking, preceded by one data-tool result per computed gold passage it serves.

    Why: a computed (CSV) fact is "retrieved" when a tool result with its source is in the evidence (the tools
    run on the question, not on the ranking), so it counts as a hit at the top, like a perfect retriever
    would place it; tool results that serve no gold passage are left out, so they cannot crowd passages out.
    """
    served: list[Any] = []
    for g in gold:
        if g.computed and not any(M.is_relevant(it, g) for it in served):
            hit = next((t for t in outcome.tools if M.is_relevant(t, g)), None)
            if hit is not None:
                served.append(hit)
    return [*served, *outcome.ranked]


def cited_gold(answer: Answer, gold: Sequence[M.GoldPassage]) -> float | None:
    """Share of the article gold passages that a passage the answer *cites* contains (the quote, not only the
    file): retrieval can find the evidence and the answer still cite another passage. None: no article gold."""
    quoted = [g for g in gold if not g.computed]
    if not quoted:
        return None
    texts = M.citation_texts(answer.citations)
    cited = [(c.source, texts.get(c.n, "")) for c in answer.citations]
    return sum(any(M.is_relevant(item, g) for item in cited) for g in quoted) / len(quoted)


def score_outcome(
    case: Mapping[str, Any], outcome: Outcome, embed_fn: M.EmbedFn | None, chunk_index: Mapping[str, list[str]]
) -> dict[str, Any]:
    """Every metric for one case and one configuration's outcome, plus the diagnostics a human needs.

    `score_case` does grounding and quality over the evidence the answer used; retrieval metrics are then
    recomputed over `ranked_for_scoring` (top 5 for recall/precision/nDCG, top 10 for MRR). An answer that
    refuses a case that should be answered makes no claims about the question: its grounding metrics are
    None, and the failure shows in refusal correctness and gold-fact recall (0).
    """
    prepared = prepare_case(case)
    answer = outcome.answer
    rec = M.score_case(prepared, answer, outcome.used, embed_fn, k=K)
    expect_refusal = bool(case.get("expect_refusal"))
    gold = M.gold_passages(prepared.get("gold_facts", []))
    full_ranking = ranked_for_scoring(outcome, gold)
    ranked = full_ranking[:RANK_DEPTH]
    retrieval: dict[str, Any] = {f"recall@{K}": None, f"precision@{K}": None, "mrr": None, f"ndcg@{K}": None,
                                 f"source_recall@{K}": None}
    if gold and not expect_refusal:
        retrieval.update({
            f"recall@{K}": M.recall_at_k(ranked, gold, K),
            f"precision@{K}": precision_at_k(ranked, gold, K),
            "mrr": M.mrr(ranked, gold),
            f"ndcg@{K}": M.ndcg_at_k(ranked, gold, K),
            f"source_recall@{K}": M.source_recall_at_k(ranked, case.get("gold_sources") or [], K),
        })
    rec.update(retrieval)
    rec["cited_gold"] = cited_gold(answer, gold) if not (expect_refusal or answer.refused) else None
    if case.get("history") and rec.get("answer_relevance") is not None and embed_fn is not None:
        # "and in the UK?" alone names no topic: judge relevance against the conversation's user turns.
        rec["answer_relevance"] = M.answer_relevance(conversation_query(case), answer.text, embed_fn)
    wrongly_refused = answer.refused and not expect_refusal
    if wrongly_refused:
        rec.update(faithfulness=None, citation_recall=None, citation_precision=None)

    # Diagnostics: what went wrong, in words a person can act on.
    claims = [] if expect_refusal or wrongly_refused else M.claim_split(answer.text)
    used_texts = [ev.text for ev in outcome.used]
    cited = M.citation_texts(answer.citations)
    unsupported = [c.text for c in claims if not M.supports(c.text, used_texts, embed_fn)]
    not_recalled = [c.raw for c in claims if not M.supports(c.text, [cited.get(n, "") for n in c.citations], embed_fn)]
    missing_facts = []
    for raw_fact, fact in zip(case.get("gold_facts", []) or [], prepared.get("gold_facts", []), strict=True):
        if M.gold_fact_recall(answer.text, [raw_fact], embed_fn) == 0:
            figures = list(raw_fact.get("figures") or [])
            absent = [f for f in figures if not M.contains_figures(answer.text, [f])]
            rank = gold_ranks(full_ranking, M.gold_passages([fact]))[0]
            missing_facts.append({"fact": raw_fact.get("fact", ""), "source": raw_fact.get("source", ""),
                                  "missing_figures": absent, "passage_rank": rank})
    ranks = gold_ranks(full_ranking, gold) if not expect_refusal else []
    passages = []
    for g, rank in zip(gold, ranks, strict=True):
        passages.append({"source": g.source, "quote": g.quote, "computed": g.computed, "rank": rank,
                         "in_index": g.computed or _quote_in_index(g, chunk_index)})
    return {
        **rec,
        "question": case.get("question", ""),
        "asked": outcome.asked,
        "answer": answer.text,
        "refused": bool(answer.refused),
        "expect_refusal": expect_refusal,
        "intent": getattr(answer, "intent", ""),
        "seconds": round(outcome.seconds, 4),
        "error": outcome.error,
        "citations": [{"n": c.n, "source": c.source, "kind": c.kind, "quote": c.quote} for c in answer.citations],
        "retrieved": [_ev_dict(ev) for ev in ranked],
        "used_count": len(outcome.used),
        "tool_items": len(outcome.tools),
        "tool_sources": sorted({t.source for t in outcome.tools}),
        "gold": passages,
        "missing_facts": missing_facts,
        "unsupported_claims": unsupported,
        "uncited_or_miscited_claims": not_recalled,
    }


def _quote_in_index(gold: M.GoldPassage, chunk_index: Mapping[str, list[str]]) -> bool | None:
    """Whether any indexed chunk of the gold source contains the quote (None when the index was not read)."""
    if not chunk_index:
        return None
    quotes = [M.normalize_text(q) for q in (gold.quote, *gold.alternates) if q]
    return any(q in text for text in chunk_index.get(gold.source, []) for q in quotes)


def indexed_passages(advisor: Advisor | None) -> list[Evidence]:
    """Every indexed passage (article chunks and BLS rows), read once per run."""
    from advisor.index import PASSAGES

    return advisor.index.all_docs(PASSAGES) if advisor is not None else []


def read_chunk_index(docs: Sequence[Evidence]) -> dict[str, list[str]]:
    """Normalised text of every indexed passage, by source file: to tell "never retrieved" from "unretrievable"
    (a quote split across two chunks can never be matched, which is a dev-set or chunking problem)."""
    out: dict[str, list[str]] = {}
    for ev in docs:
        out.setdefault(ev.source, []).append(M.normalize_text(ev.text))
    return out


def reference_contexts(case: Mapping[str, Any], docs: Sequence[Evidence]) -> list[str]:
    """Config-independent reference contexts for RAGAS: per gold passage, the first indexed chunk that contains
    the quote (else the quote); for computed facts, the fact sentence (there is no canonical chunk)."""
    refs: list[str] = []
    seen: set[str] = set()
    for fact in prepare_case(case).get("gold_facts", []) or []:
        if fact.get("computed"):
            text = str(fact.get("fact", ""))
        else:
            quote = M.normalize_text(str(fact.get("quote", "")))
            text = next((d.text for d in docs if d.source == fact.get("source") and quote in M.normalize_text(d.text)),
                        str(fact.get("quote", "")))
        if text not in seen:
            seen.add(text)
            refs.append(text)
    return refs


# ---------------------------------------------------------------------------------------------------------
# Aggregation
# ---------------------------------------------------------------------------------------------------------


def _mean(values: Iterable[Any]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return round(sum(vals) / len(vals), 4) if vals else None


def _pct(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    idx = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return round(ordered[idx], 4)


def aggregate(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Mean of every metric over the cases where it applies, with the count behind each mean."""
    out: dict[str, Any] = {"cases": len(records)}
    for key in METRIC_KEYS:
        vals = [r.get(key) for r in records if r.get(key) is not None]
        out[key] = _mean(vals)
        out[f"n_{key}"] = len(vals)
    words = [int(r["words"]) for r in records if r.get("words") is not None and not r.get("refused")]
    out["words_median"] = statistics.median(words) if words else None
    seconds = [float(r["seconds"]) for r in records if "seconds" in r]
    out["latency_p50_s"] = round(statistics.median(seconds), 4) if seconds else None
    out["latency_p95_s"] = _pct(seconds, 0.95)
    out["must_not_violations"] = {r["id"]: r["must_not_violations"] for r in records if r.get("must_not_violations")}
    out["refusal_errors"] = [r["id"] for r in records if r.get("refusal_correct") is False]
    return out


def by_category(records: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per-category means (same definitions as `aggregate`)."""
    cats: dict[str, list[Mapping[str, Any]]] = {}
    for r in records:
        cats.setdefault(str(r.get("category")), []).append(r)
    return {c: {k: _mean(r.get(k) for r in rs) for k in METRIC_KEYS} | {"cases": len(rs)} for c, rs in cats.items()}


def case_health(rec: Mapping[str, Any]) -> float:
    """One number per case for ranking the worst: refusal errors first, then the mean of the core metrics."""
    if rec.get("refusal_correct") is False:
        return -1.0
    core = [rec.get(k) for k in (f"recall@{K}", "faithfulness", "citation_precision", "gold_fact_recall",
                                 "must_not_ok")]
    vals = [float(v) for v in core if v is not None]
    return sum(vals) / len(vals) if vals else 1.0


def diagnose(rec: Mapping[str, Any]) -> list[str]:
    """Short reasons a case scored low, from the diagnostics `score_outcome` recorded."""
    reasons: list[str] = []
    if rec.get("refusal_correct") is False:
        reasons.append("refused an answerable question" if rec.get("refused") else "answered instead of refusing")
    for g in rec.get("gold", []):
        if g["rank"] is None or g["rank"] > K:
            where = "not retrieved" if g["rank"] is None else f"rank {g['rank']}"
            what = f"{g['source']} (computed)" if g["computed"] else f"{g['source']}: \"{g['quote'][:70]}\""
            tail = " [quote not inside any indexed chunk]" if g.get("in_index") is False else ""
            if g["computed"] and g["rank"] is None:
                tools = ", ".join(rec.get("tool_sources", [])) or "none"
                tail = f" [no data-tool result from this file: intent {rec.get('intent')!r}, tool sources: {tools}]"
            reasons.append(f"retrieval miss ({where}): {what}{tail}")
    for fact in rec.get("missing_facts", []):
        figs = ", ".join(fact["missing_figures"])
        rank = fact.get("passage_rank")
        why = "its passage was not retrieved" if rank is None else f"its passage was in the evidence at rank {rank}"
        reasons.append(f"fact missing{' (figures ' + figs + ')' if figs else ''}, {why}: {fact['fact'][:90]}")
    for claim in rec.get("unsupported_claims", [])[:2]:
        reasons.append(f"unsupported claim: {claim[:100]}")
    if rec.get("citation_precision") is not None and rec["citation_precision"] < 1:
        reasons.append(f"citation precision {rec['citation_precision']:.2f}")
    for hit in rec.get("must_not_violations", []):
        reasons.append(f"must-not violated: {hit}")
    if rec.get("error"):
        reasons.append(f"error: {rec['error']}")
    return reasons


# ---------------------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Report:
    """Everything a run produced; `to_json` is what `report.json` holds."""

    meta: dict[str, Any]
    cases: dict[str, dict[str, Any]]  # id -> {category, question, reference_contexts}
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {kind, aggregate, ...}

    def to_json(self) -> dict[str, Any]:
        return {"meta": self.meta, "cases": self.cases, "configs": self.configs}

    def aggregates(self) -> dict[str, dict[str, Any]]:
        return {name: c["aggregate"] for name, c in self.configs.items()}


def select_cases(
    cases: Sequence[dict[str, Any]],
    limit: int | None = None,
    categories: Sequence[str] | None = None,
    ids: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Filter by ids and categories, then take the first `limit` cases."""
    out = list(cases)
    if ids:
        wanted = set(ids)
        out = [c for c in out if c.get("id") in wanted]
    if categories:
        cats = set(categories)
        out = [c for c in out if c.get("category") in cats]
    return out[:limit] if limit else out


def _git_commit() -> str:
    """HEAD's short hash, with "+dirty" when the product's code differs from it (the run measured the tree)."""
    cwd = Path(__file__).resolve().parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
                              cwd=cwd).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "../advisor"], capture_output=True, text=True,
                               timeout=5, cwd=cwd).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{head}+dirty" if head and dirty else head


def _rich_progress() -> tuple[Any, ProgressFn]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(stderr=True))
    tasks: dict[str, Any] = {}

    def update(name: str, done: int, total: int) -> None:
        if name not in tasks:
            tasks[name] = progress.add_task(name, total=total)
        progress.update(tasks[name], completed=done, total=total)

    return progress, update


def run_eval(
    cases: Sequence[dict[str, Any]],
    settings: Settings | None = None,
    *,
    configs: Sequence[str] = tuple(PRODUCT_CONFIGS),
    baselines: Sequence[str] = BASELINES,
    advisor: Advisor | None = None,
    out_dir: Path | None = DEFAULT_OUT,
    embed_fn: M.EmbedFn | None = None,
    progress: bool | ProgressFn = True,
    suite: str = "",
    embed_cache: Path | None = None,
) -> Report:
    """Run `cases` through every configuration, score them, and (with `out_dir`) write the three reports.

    `advisor` lets a caller (the CI gate, tests) reuse an already-built product; otherwise one is made from
    `settings`. `embed_fn` defaults to the product's MiniLM model, memoised (`metrics.cached_embed_fn`).
    `progress`: True = a rich bar on stderr, a callable receives (config, done, total), False = silent.
    `embed_cache`: an SQLite file memoising the metric embeddings across runs (embedding the answers' and
    passages' sentences is most of the scoring time on a CPU).
    """
    from advisor.config import Settings as _Settings

    settings = settings or (advisor.settings if advisor is not None else _Settings())
    started = time.perf_counter()
    runners = make_runners(settings, configs, baselines, advisor)
    base = next((r.advisor for r in runners), advisor)
    if base is not None:
        base.ensure_index()
    if embed_fn is None:
        from advisor.embeddings import Embedder

        embed_fn = M.cached_embed_fn(Embedder(embed_cache).encode)
    docs = indexed_passages(base)
    chunk_index = read_chunk_index(docs)
    report = Report(
        meta={
            "suite": suite,
            "cases": len(cases),
            "configs": [r.name for r in runners],
            "k": K,
            "rank_depth": RANK_DEPTH,
            "corpus_dir": str(settings.corpus_dir),
            "data_dir": str(settings.data_dir),
            "commit": _git_commit(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "targets": TARGETS,
        },
        cases={
            str(c["id"]): {"category": c.get("category"), "question": c.get("question"),
                           "expect_refusal": bool(c.get("expect_refusal")),
                           "reference_contexts": reference_contexts(c, docs)}
            for c in cases
        },
    )
    bar: Any = None
    if progress is True:
        bar, update = _rich_progress()
        bar.start()
    elif callable(progress):
        update = progress
    else:
        def update(name: str, done: int, total: int) -> None:
            return None
    try:
        for runner in runners:
            records: list[dict[str, Any]] = []
            update(runner.name, 0, len(cases))
            for i, case in enumerate(cases, start=1):
                outcome = runner.run(case)
                records.append(score_outcome(case, outcome, embed_fn, chunk_index))
                update(runner.name, i, len(cases))
            report.configs[runner.name] = {
                "kind": runner.kind,
                "aggregate": aggregate(records),
                "by_category": by_category(records),
                "cases": records,
            }
    finally:
        if bar is not None:
            bar.stop()
    report.meta["seconds"] = round(time.perf_counter() - started, 1)
    if out_dir is not None:
        write_reports(report, out_dir)
    return report


# ---------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def aggregate_table(report: Report, metric_keys: Sequence[str] = METRIC_KEYS) -> str:
    """Markdown: one row per configuration, one column per metric (the table the CLI prints)."""
    head = ["config", *[LABELS[k] for k in metric_keys], "median words", "p50 s", "p95 s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, agg in report.aggregates().items():
        cells = [name, *[_fmt(agg.get(k)) for k in metric_keys], _fmt(agg.get("words_median")),
                 _fmt(agg.get("latency_p50_s")), _fmt(agg.get("latency_p95_s"))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_rows(report: Report, product: str = "advisor") -> list[tuple[str, str, str, str]]:
    """(metric, target, product value, verdict) for the issue's targets and "beats every baseline"."""
    aggs = report.aggregates()
    if product not in aggs:
        return []
    agg = aggs[product]
    rows = []
    for key, target in TARGETS.items():
        value = agg.get(key)
        ok = value is not None and value >= target
        rows.append((LABELS[key], f"≥ {target}", _fmt(value), "met" if ok else "NOT met"))
    baselines = [n for n, c in report.configs.items() if c["kind"] == "baseline"]
    for key in MUST_BEAT_BASELINES:
        value = agg.get(key)
        best = max(((aggs[b].get(key) or 0.0, b) for b in baselines), default=None)
        if best is None:
            continue
        ok = value is not None and value > best[0]
        rows.append((f"{LABELS[key]} > every baseline", f"> {best[0]:.3f} ({best[1]})", _fmt(value),
                     "met" if ok else "NOT met"))
    return rows


def miss_breakdown(records: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Why gold passages of answerable cases were not in the top k: the retriever, the tools, or the gold."""
    out = {"gold passages": 0, f"in top {K}": 0, f"ranked {K + 1}-{RANK_DEPTH}": 0,
           f"article passage not in the top {RANK_DEPTH}": 0, "computed, no tool result from its file": 0,
           "quote in no indexed chunk": 0}
    for rec in records:
        if rec.get("expect_refusal"):
            continue
        for g in rec.get("gold", []):
            out["gold passages"] += 1
            if g.get("in_index") is False:
                out["quote in no indexed chunk"] += 1
            elif g["rank"] is not None and g["rank"] <= K:
                out[f"in top {K}"] += 1
            elif g["computed"] and g["rank"] is None:
                out["computed, no tool result from its file"] += 1
            elif g["rank"] is not None and g["rank"] <= RANK_DEPTH:
                out[f"ranked {K + 1}-{RANK_DEPTH}"] += 1
            else:
                out[f"article passage not in the top {RANK_DEPTH}"] += 1
    return out


def render_markdown(report: Report, chart_name: str = "metrics.png", worst: int = 20) -> str:
    """The human report: summary table, targets, one table per metric (by category), worst product cases."""
    meta = report.meta
    out = [
        "# Evaluation report",
        "",
        f"Suite `{meta.get('suite')}`, {meta.get('cases')} cases; corpus `{meta.get('corpus_dir')}`, index "
        f"`{meta.get('data_dir')}`; commit `{meta.get('commit')}`; {meta.get('started')}; {meta.get('seconds')} s.",
        f"Retrieval metrics at k={K} (MRR over the top {RANK_DEPTH}); definitions in `evals/README.md`.",
        "",
        "## All metrics",
        "",
        aggregate_table(report),
        "",
        f"![metrics]({chart_name})",
        "",
    ]
    rows = target_rows(report)
    if rows:
        out += ["## Targets (product `advisor`)", "", "| target | goal | value | |", "|---|---|---|---|"]
        out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
        out.append("")
    names = list(report.configs)
    cats = list(dict.fromkeys(c["category"] for c in report.cases.values()))
    for key, label, group in METRICS:
        out += [f"## {label} ({group})", "", "| category | " + " | ".join(names) + " |",
                "|" + "---|" * (len(names) + 1)]
        for cat in cats:
            vals = [report.configs[n]["by_category"].get(cat, {}).get(key) for n in names]
            if all(v is None for v in vals):
                continue
            out.append(f"| {cat} | " + " | ".join(_fmt(v) for v in vals) + " |")
        out.append("| **all** | " + " | ".join(f"**{_fmt(report.configs[n]['aggregate'].get(key))}**"
                                             for n in names) + " |")
        out.append("")
    for name in names:
        agg = report.configs[name]["aggregate"]
        if agg["must_not_violations"] or agg["refusal_errors"]:
            out += [f"## `{name}`: refusal errors and must-not violations", ""]
            out.append(f"- refusal errors: {', '.join(agg['refusal_errors']) or 'none'}")
            for cid, hits in agg["must_not_violations"].items():
                out.append(f"- must-not `{cid}`: {', '.join(hits)}")
            out.append("")
    products = [n for n, c in report.configs.items() if c["kind"] == "product"]
    if products:
        breakdowns = {n: miss_breakdown(report.configs[n]["cases"]) for n in products}
        rows_ = list(next(iter(breakdowns.values())))
        out += ["## Where the product's gold passages ended up", "",
                "| gold passages (answerable cases) | " + " | ".join(products) + " |",
                "|" + "---|" * (len(products) + 1)]
        out += [f"| {r} | " + " | ".join(str(breakdowns[n][r]) for n in products) + " |" for r in rows_]
        out.append("")
    product = products[0] if products else None
    if product:
        records = sorted(report.configs[product]["cases"], key=case_health)[:worst]
        out += [f"## Worst {len(records)} `{product}` cases", ""]
        for rec in records:
            out.append(f"### {rec['id']} ({rec['category']}): health {case_health(rec):.2f}")
            out.append(f"- question: {rec['question'][:200]!r}")
            if rec.get("asked") and rec["asked"] != rec["question"]:
                out.append(f"- answered as: {rec['asked'][:200]!r}")
            out.append(f"- answer: {rec['answer'][:300]!r}")
            out += [f"- {r}" for r in diagnose(rec) or ["no failure recorded (low only relative to the others)"]]
            out.append("")
    return "\n".join(out)


def write_chart(report: Report, path: Path) -> None:
    """Grouped bars: one group per metric, one bar per configuration (all metrics are 0..1)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report.configs)
    keys = list(METRIC_KEYS)
    width = 0.8 / max(len(names), 1)
    fig, ax = plt.subplots(figsize=(max(10, 1.1 * len(keys)), 5))
    for i, name in enumerate(names):
        agg = report.configs[name]["aggregate"]
        xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(keys))]
        ax.bar(xs, [agg.get(k) or 0.0 for k in keys], width, label=name)
    ax.set_xticks(range(len(keys)), [LABELS[k] for k in keys], rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("mean over applicable cases")
    ax.set_title(f"advisor eval: {report.meta.get('cases')} cases", pad=28)
    ax.legend(fontsize=8, ncol=len(names), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_reports(report: Report, out_dir: Path) -> dict[str, Path]:
    """`report.json`, `report.md` and `metrics.png` into `out_dir` (created)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "report.json", "md": out_dir / "report.md", "png": out_dir / "metrics.png"}
    paths["json"].write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    write_chart(report, paths["png"])
    paths["md"].write_text(render_markdown(report, paths["png"].name), encoding="utf-8")
    return paths


# ---------------------------------------------------------------------------------------------------------
# Entry points (CLI and CI gate)
# ---------------------------------------------------------------------------------------------------------


def check_suite(cases: list[dict[str, Any]], suite: Path) -> list[str]:
    """Schema problems, plus computed-figure drift when the suite is the dev set (drift reads the CSVs)."""
    if suite.resolve() != DEVSET_PATH.resolve():  # a smaller suite (the frozen test part): each case valid
        cache: dict[str, str] = {}
        return [p for case in cases for p in validate_case(case, cache)]
    problems = validate_devset(cases)
    if suite.resolve() == DEVSET_PATH.resolve():
        from evals.build_expected import drift

        problems += drift(cases)
    return problems


def load_thresholds(path: Path = THRESHOLDS_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def ci_subset_ids(path: Path = CI_SUBSET_PATH) -> list[str]:
    return list(json.loads(path.read_text(encoding="utf-8"))["ids"])


def gate_failures(aggregate_: Mapping[str, Any], thresholds: Mapping[str, float]) -> list[str]:
    """Metrics below their committed floor (a missing value counts as a failure)."""
    fails = []
    for key, floor in thresholds.items():
        value = aggregate_.get(key)
        if value is None or value < floor:
            fails.append(f"{key}: {value} < {floor}")
    return fails


def main(
    suite: Path = DEVSET_PATH,
    configs: Sequence[str] | None = None,
    baselines: Sequence[str] | None = None,
    out_dir: Path = DEFAULT_OUT,
    limit: int | None = None,
    categories: Sequence[str] | None = None,
    settings: Settings | None = None,
    check: bool = True,
    local_llm: bool = False,
) -> Report:
    """What `advisor eval` runs: load and check the suite, run, write the reports.

    `configs` / `baselines` None = every one this run can serve (`default_configs`). `local_llm` starts
    llama.cpp serving SmolLM2 on 127.0.0.1 for the run and points the LLM configurations at it.
    """
    from advisor.config import Settings as _Settings

    cases = load_devset(suite)
    if check:
        problems = check_suite(cases, suite)
        if problems:
            raise ValueError("the suite is not valid:\n" + "\n".join(problems[:20]))
    chosen = select_cases(cases, limit=limit, categories=categories)
    if not chosen:
        raise ValueError("no case matches the filters")
    settings = settings or _Settings()

    def run(s: Settings) -> Report:
        default_c, default_b = default_configs(s)
        return run_eval(chosen, s, configs=default_c if configs is None else configs,
                        baselines=default_b if baselines is None else baselines, out_dir=out_dir,
                        suite=str(suite), embed_cache=out_dir / ".metric-embeddings.sqlite")

    if not local_llm:
        return run(settings)
    from evals import local_llm as local

    try:
        with local.serve() as (url, _):
            return run(settings.model_copy(update={"llm_base_url": url, **local.SMOLLM2_SETTINGS}))
    except local.LocalLLMUnavailable as exc:
        raise ValueError(str(exc)) from exc


def split_table(reports: Mapping[str, Report], metric_keys: Sequence[str] = METRIC_KEYS) -> str:
    """Markdown: one row per metric, one column per (split, configuration): tuning and frozen side by side.

    Why: a rule written from a tuning case scores there and not on the frozen part; the gap between the two
    columns is the measure of over-fitting, so they are never reported apart.
    """
    cols = [(split, name) for split, rep in reports.items() for name in rep.configs]
    head = ["metric", *[f"{name} ({split}, {reports[split].meta.get('cases')} cases)" for split, name in cols]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key in [*metric_keys, "words_median", "latency_p50_s"]:
        label = LABELS.get(key, key.replace("_", " "))
        lines.append(f"| {label} | " + " | ".join(
            _fmt(reports[split].configs[name]["aggregate"].get(key)) for split, name in cols) + " |")
    return "\n".join(lines)


def run_splits(out_dir: Path = DEFAULT_OUT, **kwargs: Any) -> dict[str, Report]:
    """The tuning part (dev set) and the frozen test part, same settings and configs; `splits.md` beside them."""
    reports = {"tuning": main(suite=DEVSET_PATH, out_dir=out_dir / "tuning", **kwargs),
               "frozen": main(suite=FROZEN_PATH, out_dir=out_dir / "frozen", **kwargs)}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "splits.md").write_text("# Tuning vs frozen test part\n\n" + split_table(reports) + "\n",
                                       encoding="utf-8")
    return reports


__all__ = [
    "BASELINES",
    "LLM_BASELINES",
    "LLM_PRODUCT_CONFIGS",
    "METRICS",
    "MPNET_PRODUCT_CONFIGS",
    "PRODUCT_CONFIGS",
    "TARGETS",
    "K",
    "Outcome",
    "Report",
    "aggregate",
    "aggregate_table",
    "ci_subset_ids",
    "default_configs",
    "gate_failures",
    "load_thresholds",
    "main",
    "make_runners",
    "prepare_case",
    "run_eval",
    "run_splits",
    "score_outcome",
    "select_cases",
    "split_table",
    "write_reports",
]
