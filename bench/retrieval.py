"""Retrieval: hybrid `Retriever.search` against a bare Chroma query, at 1x, 10x and 100x the real passage count.

The baseline is the cheapest thing retrieval can be: one `collection.query` with a precomputed vector for the
same number of candidates (24) the hybrid retriever asks Chroma for. The hybrid path adds the query embedding
(cached after the first time, as in a running server), BM25 (bm25s) over every passage, reciprocal-rank fusion,
de-duplication and a dense score for BM25-only hits (vectors from the cache). Dense-only and BM25-only rows
split the difference, so a growing gap can be pinned on its cause.

Scales. 1x is the real index from `bench.ingest` (.bench-data/full: articles + BLS rows). 10x and 100x are
built in their own data dirs (.bench-data/retrieval-x10, -x100), never in the real index: the real passages
plus (scale - 1) perturbed copies of each. A copy's text drops 15% of the words at random and appends a variant
tag (so BM25's vocabulary, document lengths and posting lists grow like a real corpus, not as exact
duplicates); its vector is the original plus Gaussian noise (sigma 0.02 per dimension, then re-normalised;
cosine to the original ~0.9), written to Chroma with the same HNSW settings and to the vector cache, so no
copy is embedded and a BM25-only hit finds its vector cached exactly as a real passage would. Postings (dense
only, 32,672 real documents) get a row at their real size.

    .venv/bin/python -m bench.retrieval                   # after bench.ingest; ~3 min; bench/out/retrieval.json
    .venv/bin/python -m bench.retrieval --rounds 5 --scales 1 10 100
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from advisor.config import Settings
from advisor.embeddings import Embedder, text_key
from advisor.index import CHROMA_MAX_BATCH, PASSAGES, POSTINGS, Index
from advisor.retrieval import RetrievalConfig, Retriever
from bench._common import BENCH_DATA, summary, time_each, write_json
from bench.ingest import FULL

QUERIES = [
    "What percent of AI engineer postings ask for AI agents?",
    "What skills do machine learning engineer postings ask for most?",
    "How do I move from system administration into AI engineering?",
    "What does an AI engineer do day to day?",
    "How much do AI engineers earn in the United States?",
    "Is RAG experience in demand?",
    "Which AI occupations grow fastest according to the BLS?",
    "What certifications help to get an AI engineering job?",
    "How important is Python for AI engineers?",
    "What is the median wage for computer and information research scientists?",
    "Do employers want LangChain or LangGraph experience?",
    "What portfolio projects help career changers?",
    "How does an AI engineer differ from a data scientist?",
    "What is MLOps and who hires for it?",
    "Are remote AI engineering jobs common?",
    "What do prompt engineers do?",
    "How many AI engineer postings mention fine-tuning?",
    "What are the entry requirements for AI engineering roles?",
    "Which cloud platforms do AI job postings mention?",
    "What is the job outlook for software developers?",
]


def _time(fn: Callable[[str], Any], rounds: int) -> list[float]:
    return time_each(fn, QUERIES, rounds)


def _perturb(text: str, k: int, rng: random.Random) -> str:
    words = text.split()
    kept = [w for w in words if rng.random() > 0.15] or words
    return " ".join(kept) + f" (variant {k})"


def build_scaled(scale: int, real: dict[str, Any]) -> Settings:
    """A passages collection holding the real passages plus (scale - 1) perturbed copies of each."""
    data_dir = BENCH_DATA / f"retrieval-x{scale}"
    settings = Settings(data_dir=data_dir, include_postings=False)
    marker = data_dir / "built.txt"
    if marker.exists() and marker.read_text() == str(len(real["ids"]) * scale):
        return settings
    shutil.rmtree(data_dir, ignore_errors=True)
    rng = random.Random(scale)
    nrng = np.random.default_rng(scale)
    ids, texts, metas, vecs = list(real["ids"]), list(real["documents"]), list(real["metadatas"]), [real["vectors"]]
    for k in range(1, scale):
        ids += [f"{i}~{k}" for i in real["ids"]]
        texts += [_perturb(t, k, rng) for t in real["documents"]]
        metas += [{**m, "synthetic": True} for m in real["metadatas"]]
        noisy = real["vectors"] + nrng.normal(0, 0.02, real["vectors"].shape).astype(np.float32)
        vecs.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
    all_vecs = np.vstack(vecs).astype(np.float32)
    index = Index(settings, Embedder(settings.embed_cache_path))
    col = index.collection(PASSAGES)
    t0 = time.perf_counter()
    for b in range(0, len(ids), CHROMA_MAX_BATCH):
        col.add(ids=ids[b : b + CHROMA_MAX_BATCH], embeddings=all_vecs[b : b + CHROMA_MAX_BATCH].tolist(),
                documents=texts[b : b + CHROMA_MAX_BATCH], metadatas=metas[b : b + CHROMA_MAX_BATCH])
    with sqlite3.connect(settings.embed_cache_path) as db:  # every indexed text has its vector cached, as after ingest
        db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)",
                       [(text_key(t), v.tobytes()) for t, v in zip(texts, all_vecs, strict=True)])
    print(f"  built x{scale}: {len(ids):,} passages in {time.perf_counter() - t0:.0f} s")
    marker.write_text(str(len(ids)))
    return settings


def real_passages(settings: Settings) -> dict[str, Any]:
    got = Index(settings).collection(PASSAGES).get(include=["embeddings", "documents", "metadatas"])
    return {"ids": got["ids"], "documents": got["documents"], "metadatas": got["metadatas"],
            "vectors": np.asarray(got["embeddings"], dtype=np.float32)}


def measure(settings: Settings, collection: str, rounds: int) -> dict[str, Any]:
    embedder = Embedder(settings.embed_cache_path)
    index = Index(settings, embedder)
    hybrid = Retriever(index, embedder, RetrievalConfig())
    dense = Retriever(index, embedder, RetrievalConfig(use_bm25=False))
    col = index.collection(collection)
    qvecs = {q: embedder.encode_one(q) for q in QUERIES}
    res: dict[str, Any] = {"collection": collection, "documents": col.count()}
    t0 = time.perf_counter()
    if collection == PASSAGES:
        hybrid.bm25(PASSAGES)
        res["bm25_build_s"] = round(time.perf_counter() - t0, 2)
    res["bare_chroma_ms"] = summary(_time(lambda q: col.query(query_embeddings=[qvecs[q]], n_results=24), rounds),
                                    "ms", 2)
    res["retriever_dense_only_ms"] = summary(_time(lambda q: dense.search(q, 6, collection=collection), rounds),
                                             "ms", 2)
    if collection == PASSAGES:
        bm25 = hybrid.bm25(PASSAGES)
        res["bm25_part_ms"] = summary(_time(lambda q: bm25.search(q, 48), rounds), "ms", 2)
        res["hybrid_ms"] = summary(_time(lambda q: hybrid.search(q, 6), rounds), "ms", 2)
        res["ratio_hybrid_vs_bare_p50"] = round(res["hybrid_ms"]["p50_ms"] / res["bare_chroma_ms"]["p50_ms"], 2)
        res["ratio_hybrid_vs_bare_p95"] = round(res["hybrid_ms"]["p95_ms"] / res["bare_chroma_ms"]["p95_ms"], 2)
    res["ratio_dense_retriever_vs_bare_p50"] = round(
        res["retriever_dense_only_ms"]["p50_ms"] / res["bare_chroma_ms"]["p50_ms"], 2)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="timed passes over the 20 queries per method")
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--data-dir", type=Path, default=FULL, help="the real index (default: bench.ingest's)")
    args = ap.parse_args()

    real_settings = Settings(data_dir=args.data_dir)
    if not Index(real_settings).is_ready():
        raise SystemExit(f"no index in {args.data_dir}: run `python -m bench.ingest` first")
    real = real_passages(real_settings)
    out: dict[str, Any] = {"queries": len(QUERIES), "rounds": args.rounds, "scales": {}}
    for scale in args.scales:
        settings = real_settings if scale == 1 else build_scaled(scale, real)
        out["scales"][f"x{scale}"] = measure(settings, PASSAGES, args.rounds)
    out["postings_real_size"] = measure(real_settings, POSTINGS, args.rounds)

    print(f"\n{'':22}{'docs':>8} {'bare p50':>9} {'p95':>7} {'hybrid p50':>11} {'p95':>7} {'ratio50':>8} "
          f"{'ratio95':>8} {'bm25 p50':>9} {'dense-only p50':>15}")
    for name, r in out["scales"].items():
        print(f"passages {name:<13}{r['documents']:>8,} {r['bare_chroma_ms']['p50_ms']:>9} "
              f"{r['bare_chroma_ms']['p95_ms']:>7} {r['hybrid_ms']['p50_ms']:>11} {r['hybrid_ms']['p95_ms']:>7} "
              f"{r['ratio_hybrid_vs_bare_p50']:>8} {r['ratio_hybrid_vs_bare_p95']:>8} "
              f"{r['bm25_part_ms']['p50_ms']:>9} {r['retriever_dense_only_ms']['p50_ms']:>15}")
    p = out["postings_real_size"]
    print(f"postings (dense only) {p['documents']:>8,} {p['bare_chroma_ms']['p50_ms']:>9} "
          f"{p['bare_chroma_ms']['p95_ms']:>7} {'':>11} {'':>7} {'':>8} {'':>8} {'':>9} "
          f"{p['retriever_dense_only_ms']['p50_ms']:>15}")
    top = out["scales"].get("x100")
    if top:
        verdict = "met" if top["ratio_hybrid_vs_bare_p50"] < 3 else "NOT met"
        print(f"\ntarget: hybrid within 3x of bare Chroma at 100x -> p50 ratio {top['ratio_hybrid_vs_bare_p50']} "
              f"({verdict}); BM25 part p50 {top['bm25_part_ms']['p50_ms']} ms of hybrid "
              f"{top['hybrid_ms']['p50_ms']} ms")
    print(f"wrote {write_json('retrieval.json', out)}")


if __name__ == "__main__":
    main()
