"""A second, stronger embedder for the article passages only: all-mpnet-base-v2, exact cosine in memory.

Why: fused with BM25, mpnet's ranking of the article passages finds more gold passages than MiniLM's
(evals/README.md), but it costs ~10x MiniLM per text. So it embeds only the passages (hundreds, at ingest, cached
by content hash like MiniLM's vectors) and one query per question; MiniLM keeps the postings (32k), the
composer and the grounding check, whose thresholds were tuned on its cosines. A few hundred 768-d vectors are an
exact matrix product, no second vector index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from advisor import model_store
from advisor.config import PassageRanking
from advisor.embeddings import Embedder, SentenceTransformerEncoder
from advisor.index import PASSAGES, Index
from advisor.types import Evidence

MPNET = model_store.MPNET
__all__ = ["MPNET", "MpnetEmbedder", "PassageRanking", "PassageVectors", "load_mpnet"]
_MODELS: dict[Path, Any] = {}
_MODELS_LOCK = threading.Lock()


def load_mpnet(models_dir: Path) -> Any:
    """The verified mpnet model, one per process and models folder."""
    with _MODELS_LOCK:
        if models_dir not in _MODELS:
            _MODELS[models_dir] = model_store.load_sentence_transformer(model_store.spec(MPNET), models_dir)
        return _MODELS[models_dir]


class MpnetEmbedder(Embedder):
    """MiniLM's cache and batching with the mpnet model; its own cache file (the key is the text alone)."""

    dim = 768

    def __init__(self, cache_path: Path | None, models_dir: Path, batch_size: int = 16) -> None:
        super().__init__(cache_path, batch_size=batch_size)
        self.models_dir = models_dir

    def _load_model(self) -> Any:
        return SentenceTransformerEncoder(load_mpnet(self.models_dir))

    def encode_one(self, text: str) -> np.ndarray:  # explicit: never a faster query path of another model
        return self.encode([text])[0]


class PassageVectors:
    """Every article passage's mpnet vector, loaded (or computed) once, for exact cosine over all passages."""

    def __init__(self, index: Index, embedder: MpnetEmbedder) -> None:
        self.index = index
        self.embedder = embedder
        self._lock = threading.Lock()
        self._docs: list[Evidence] | None = None
        self._matrix = np.zeros((0, embedder.dim), dtype=np.float32)
        self._row: dict[str, int] = {}

    def build(self, progress: Callable[[str, int, int], None] | None = None) -> int:
        """Embed the passages not yet in the cache (at ingest, so no question waits for it); returns how many."""
        with self._lock:
            docs = self.index.all_docs(PASSAGES)
            before, done = self.embedder.encoded_count, 0

            def tick(n: int) -> None:
                nonlocal done
                done += n
                if progress:
                    progress("mpnet passage vectors", done, len(docs))

            self._matrix = self.embedder.encode([d.text for d in docs], progress=tick)
            self._docs, self._row = docs, {d.id: n for n, d in enumerate(docs)}
            return self.embedder.encoded_count - before

    def _ready(self) -> None:
        if self._docs is None:
            self.build()

    def query_vector(self, query: str) -> np.ndarray:
        self._ready()
        return self.embedder.encode_one(query)

    def cosines(self, qvec: np.ndarray, ids: list[str]) -> dict[str, float]:
        """mpnet cosine of each id's passage; an id not in the passages (none expected) gets -1."""
        self._ready()
        rows = [self._row.get(i, -1) for i in ids]
        sims = self._matrix @ qvec if len(self._matrix) else np.zeros(0)
        return {i: (float(sims[r]) if r >= 0 else -1.0) for i, r in zip(ids, rows, strict=True)}

    def top(self, qvec: np.ndarray, n: int, keep: Callable[[Evidence], bool]) -> list[Evidence]:
        """The `n` passages nearest to `qvec` among those `keep` accepts; `score` is the mpnet cosine."""
        self._ready()
        assert self._docs is not None
        if not self._docs:
            return []
        sims = self._matrix @ qvec
        out: list[Evidence] = []
        for i in np.argsort(-sims):
            doc = self._docs[int(i)]
            if keep(doc):
                out.append(Evidence(doc.id, doc.text, doc.source, doc.title, doc.kind, round(float(sims[i]), 4),
                                   doc.locator, dict(doc.metadata)))
                if len(out) >= n:
                    break
        return out
