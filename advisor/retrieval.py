"""Hybrid retrieval: BM25 (bm25s) + dense (Chroma), fused by reciprocal rank.

Keyword search finds exact terms the embedder blurs ("RAG", "LangGraph",
"47.3%"); dense search finds paraphrases BM25 misses. Each part can be switched
off so the eval harness can compare them. Overlapping chunks (the splitter's
overlap) are de-duplicated so one passage doesn't fill the context twice.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from advisor.config import PassageRanking, Settings
from advisor.embeddings import Embedder
from advisor.index import PASSAGES, POSTINGS, Index
from advisor.text import content_words
from advisor.types import Evidence

if TYPE_CHECKING:
    from advisor.passage_vectors import PassageVectors


@dataclass(frozen=True)
class RetrievalConfig:
    use_bm25: bool = True
    use_dense: bool = True
    dedupe: bool = True
    rrf_k: int = 20
    candidates: int = 24
    ranking: PassageRanking = PassageRanking.MINILM  # the article passages' dense signal (postings: MiniLM)
    rerank_depth: int = 24

    def __post_init__(self) -> None:  # "mpnet" from a script or an env var reads as the enum
        object.__setattr__(self, "ranking", PassageRanking(self.ranking))

    @classmethod
    def from_settings(cls, s: Settings) -> RetrievalConfig:
        return cls(use_bm25=(s.use_bm25 and s.hybrid) or not s.use_dense, use_dense=s.use_dense,
                   dedupe=s.dedupe, rrf_k=s.rrf_k, ranking=s.passage_ranking, rerank_depth=s.rerank_depth)


_EXPAND = {"ml": ["machine", "learning"], "llm": ["language", "model"], "llms": ["language", "models"],
           "genai": ["generative"], "mle": ["machine", "learning", "engineer"],
           "rag": ["retrieval", "augmented", "generation"], "nlp": ["natural", "language", "processing"]}

# The field's acronyms, spelled out for the embedder: MiniLM reads "What is RAG?" as a question about rags
# (best passage cosine 0.31, below the relevance floor); "RAG (retrieval-augmented generation)" finds 0.6+.
_ACRONYMS = {
    "rag": "retrieval-augmented generation", "llm": "large language model", "llms": "large language models",
    "mlops": "machine learning operations", "nlp": "natural language processing", "genai": "generative AI",
    "ml": "machine learning", "mle": "machine learning engineer", "llmops": "LLM operations",
}
_ACRONYM = re.compile(r"\b(" + "|".join(sorted(_ACRONYMS, key=len, reverse=True)) + r")\b", re.I)


def spell_out(query: str) -> str:
    """'What is RAG?' → 'What is RAG (retrieval-augmented generation)?': the acronym kept, its meaning added."""
    return _ACRONYM.sub(lambda m: f"{m.group(0)} ({_ACRONYMS[m.group(0).lower()]})", query)


def _tokenize(text: str) -> list[str]:
    """Content words, with the field's abbreviations spelled out so "ML" finds "machine learning"."""
    words = content_words(text)
    return words + [x for w in words for x in _EXPAND.get(w, [])]


class _BM25:
    """bm25s over one collection's texts, built once per process (≈ms for passages)."""

    def __init__(self, docs: list[Evidence]) -> None:
        import bm25s

        self.docs = docs
        self.position = {d.id: n for n, d in enumerate(docs)}  # id → row of the score array, for the union ranking
        self.model = bm25s.BM25()
        corpus_tokens = [_tokenize(d.text + " " + d.title) for d in docs]
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in toks] for toks in corpus_tokens]
        self.vocab = vocab
        if vocab:  # bm25s cannot index an empty corpus (no articles, or none with words); search() finds nothing
            self.model.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)

    def _scores(self, query: str) -> np.ndarray | None:
        toks = [self.vocab[t] for t in _tokenize(query) if t in self.vocab]
        if not toks or not self.docs:
            return None
        return self.model.get_scores(toks)

    def scores_for(self, query: str, ids: list[str]) -> dict[str, float]:
        scores = self._scores(query)
        if scores is None:
            return {}
        return {i: float(scores[self.position[i]]) for i in ids if i in self.position}

    def search(self, query: str, k: int) -> list[tuple[Evidence, float]]:
        scores = self._scores(query)
        if scores is None:
            return []
        order = np.argsort(-scores)[:k]
        return [(self.docs[i], float(scores[i])) for i in order if scores[i] > 0]


class Retriever:
    def __init__(self, index: Index, embedder: Embedder, config: RetrievalConfig | None = None,
                 second: PassageVectors | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.second = second  # mpnet passage vectors, when a ranking needs them
        self._bm25: dict[str, _BM25] = {}
        self._lock = threading.Lock()

    def bm25(self, collection: str) -> _BM25:
        with self._lock:
            if collection not in self._bm25:
                self._bm25[collection] = _BM25(self.index.all_docs(collection))
            return self._bm25[collection]

    def idf(self) -> dict[str, float]:
        """Inverse document frequency of each word over the passages: how much a shared word means."""
        with self._lock:
            if not hasattr(self, "_idf"):
                docs = self.index.all_docs(PASSAGES)
                df: dict[str, int] = {}
                for d in docs:
                    for w in set(_tokenize(d.text)):
                        df[w] = df.get(w, 0) + 1
                n = max(len(docs), 1)
                self._idf = {w: float(np.log((n + 1) / (c + 0.5))) for w, c in df.items()}
            return self._idf

    def search(
        self,
        query: str,
        k: int = 6,
        collection: str = PASSAGES,
        where: dict[str, Any] | None = None,
        config: RetrievalConfig | None = None,
    ) -> list[Evidence]:
        """Top-k evidence; `score` is the dense cosine (comparable across queries), rank is by RRF."""
        cfg = config or self.config
        # the postings were embedded by their own model (`Settings.posting_precision`): their queries are too
        embedder = self.index.posting_embedder if collection == POSTINGS else self.embedder
        qvec = embedder.encode_one(spell_out(query))
        second = self._second(cfg, collection)
        qsecond = second.query_vector(spell_out(query)) if second is not None else None
        mpnet_dense = second is not None and qsecond is not None and cfg.ranking is PassageRanking.MPNET
        dense: list[Evidence] = []
        keyword: list[tuple[Evidence, float]] = []
        if cfg.use_dense and mpnet_dense:
            dense = second.top(qsecond, cfg.candidates, lambda d: _matches(d, where))  # type: ignore[union-attr,arg-type]
        elif cfg.use_dense:
            dense = self.index.query(collection, qvec, cfg.candidates, where)
        if cfg.use_bm25 and collection == PASSAGES:  # postings: dense + filters; BM25 over 32k adds little
            keyword = [(d, s) for d, s in self.bm25(collection).search(query, cfg.candidates * 2) if _matches(d, where)]
            keyword = keyword[: cfg.candidates]
        by_id: dict[str, Evidence] = {e.id: e for e in dense}
        for d, _ in keyword:
            by_id.setdefault(d.id, d)
        # `score` stays MiniLM's cosine in every ranking: the composer's relevance floor was tuned on it
        cos = self._cosines(qvec, list(by_id.values()), [] if mpnet_dense else dense)
        dense_cos = second.cosines(qsecond, list(by_id)) if mpnet_dense else cos  # type: ignore[union-attr,arg-type]
        fused = _rrf(self._rankings(query, collection, cfg, by_id, dense_cos, keyword), cfg.rrf_k)
        if second is not None and qsecond is not None and cfg.ranking is PassageRanking.MPNET_RERANK:
            fused = _rerank(fused, second.cosines(qsecond, list(fused)), cfg.rerank_depth, cfg.rrf_k)
        order = sorted(fused, key=lambda i: -fused[i])
        out: list[Evidence] = []
        words: dict[str, set[str]] = {}  # each text split once: dedupe compares every candidate with every kept one
        for i in order:
            ev = by_id[i]
            if cfg.dedupe and any(_near_duplicate(ev.text, o.text, words) for o in out):
                continue
            meta = dict(ev.metadata, rrf=round(fused[i], 5))
            out.append(Evidence(ev.id, ev.text, ev.source, ev.title, ev.kind, cos[i], ev.locator, meta))
            if len(out) >= k:
                break
        return out

    def _rankings(self, query: str, collection: str, cfg: RetrievalConfig, by_id: dict[str, Evidence],
                  dense_cos: dict[str, float], keyword: list[tuple[Evidence, float]]) -> list[list[str]]:
        """The dense and the keyword ranking, each over the union of candidates, so a passage one method finds
        and the other merely ranks low still gets credit from both: a rare exact term ("Anthropic") can win."""
        ranked: list[list[str]] = []
        if cfg.use_dense:
            ranked.append(sorted(by_id, key=lambda i: -dense_cos[i]))
        if keyword:
            kw = dict((d.id, s) for d, s in keyword)
            full = self.bm25(collection).scores_for(query, list(by_id))
            ranked.append(sorted(by_id, key=lambda i: -kw.get(i, full.get(i, 0.0))))
        return ranked

    def _second(self, cfg: RetrievalConfig, collection: str) -> PassageVectors | None:
        """The mpnet passage vectors when this search ranks article passages with them."""
        if collection != PASSAGES or not cfg.ranking.needs_mpnet:
            return None
        if self.second is None:
            raise ValueError(f"passage ranking {cfg.ranking.value!r} needs the Retriever built with PassageVectors")
        return self.second

    def _cosines(self, qvec: np.ndarray, evs: list[Evidence], dense: list[Evidence]) -> dict[str, float]:
        """Dense similarity for every fused hit (BM25-only hits are embedded via the cache)."""
        known = {d.id: d.score for d in dense}
        missing = [e for e in evs if e.id not in known]
        if missing:
            vecs = self.embedder.encode([e.text for e in missing])
            known.update({e.id: float(v @ qvec) for e, v in zip(missing, vecs, strict=True)})
        return {k: round(v, 4) for k, v in known.items()}

    def search_postings(self, query: str, k: int = 5, where: dict[str, Any] | None = None) -> list[Evidence]:
        return self.search(query, k=k, collection=POSTINGS, where=where)


def _rrf(rankings: list[list[str]], k: int) -> dict[str, float]:
    """Reciprocal rank fusion of id rankings (best first)."""
    fused: dict[str, float] = {}
    for lst in rankings:
        for rank, id_ in enumerate(lst):
            fused[id_] = fused.get(id_, 0.0) + 1.0 / (k + rank + 1)
    return fused


def _rerank(fused: dict[str, float], second: dict[str, float], depth: int, k: int) -> dict[str, float]:
    """The fused top `depth` re-fused with the second model's order of those same ids; the rest keep their
    place below them. RRF, not the second model alone: alone, mpnet ranks worse than the fusion it re-ranks."""
    order = sorted(fused, key=lambda i: -fused[i])
    head, tail = order[:depth], order[depth:]
    by_second = sorted(head, key=lambda i: -second.get(i, -1.0))
    new = _rrf([head, by_second], k)
    floor = min(new.values(), default=0.0)
    out = {i: new[i] for i in head}
    for n, i in enumerate(tail):  # below every re-ranked id, in their old order
        out[i] = floor * (1.0 - (n + 1) / (len(tail) + 2))
    return out


def _matches(ev: Evidence, where: dict[str, Any] | None) -> bool:
    """The subset of Chroma's `where` that BM25 hits must also satisfy (equality and $in)."""
    if not where:
        return True
    if "$and" in where:
        return all(_matches(ev, w) for w in where["$and"])
    for key, cond in where.items():
        value = {"kind": ev.kind, "source": ev.source}.get(key, ev.metadata.get(key))
        if isinstance(cond, dict):
            if "$in" in cond and value not in cond["$in"]:
                return False
            if "$eq" in cond and value != cond["$eq"]:
                return False
            if "$ne" in cond and value == cond["$ne"]:
                return False
        elif value != cond:
            return False
    return True


_WS = re.compile(r"\s+")


def _word_set(text: str, cache: dict[str, set[str]] | None) -> set[str]:
    if cache is None:
        return set(_WS.split(text.lower()))
    if text not in cache:
        cache[text] = set(_WS.split(text.lower()))
    return cache[text]


def _near_duplicate(a: str, b: str, cache: dict[str, set[str]] | None = None) -> bool:
    """Chunks that share most of their words (splitter overlap, repeated tables)."""
    wa, wb = _word_set(a, cache), _word_set(b, cache)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) > 0.8
