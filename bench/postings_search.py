"""Posting search: the product's `search_postings_ranked` against a bare Chroma query, at 1x and 10x the postings.

The baseline is the least a filtered posting search can cost: one `collection.query` on the same collection, with
a precomputed query vector, the same `where` filter and the same candidate count (`POSTING_CANDIDATES`) the
product asks Chroma for. The product path adds the query vector (from the cache after the first time, as in a
running server), the acronyms spelled out, the dense score bookkeeping, near-duplicate removal, the city match
and the skills re-rank. Each question is read (`posting_search_reading`) once before timing: the graph reads a
question once per turn whatever it then searches, so the reading is timed on its own row.

Scales. 1x is the real index (32,672 postings, from `advisor ingest` or `bench.ingest`). 10x is built in its own
data dir (.bench-data/postings-x10), never in the real index: the real postings plus 9 perturbed copies of each,
as `bench.retrieval` makes passage copies (15% of the words dropped, a variant tag appended; the vector is the
original plus Gaussian noise, sigma 0.02, re-normalised), with the original's metadata, so every filter matches
10 times the postings it matches at 1x. Chroma's HNSW settings are the index's own (`Index.collection`).

    python -m bench.postings_search --data-dir DIR   # the real index; ~2 min, plus the 10x build once (~10 min)
    python -m bench.postings_search --scales 1       # real size only

Writes bench/out/postings_search.json.
"""

from __future__ import annotations

import argparse
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from advisor.agent.tools import POSTING_CANDIDATES, posting_filters, posting_search_reading, search_postings_ranked
from advisor.config import Settings
from advisor.data.store import open_store
from advisor.embeddings import Embedder
from advisor.index import CHROMA_MAX_BATCH, POSTINGS, Index
from advisor.retrieval import RetrievalConfig, Retriever, spell_out
from bench._common import BENCH_DATA, summary, time_each, write_json
from bench.ingest import FULL
from bench.retrieval import _perturb  # the passage copies' perturbation, for posting copies

# Posting searches as people type them: a role alone, with a country, a city, remote, skills, a pay floor.
QUERIES = [
    "data engineer jobs",
    "show me data scientist postings in Germany",
    "remote machine learning engineer jobs",
    "find data analyst jobs in the United Kingdom",
    "which companies hire data engineers in Canada",
    "senior data scientist roles in the US",
    "business analyst openings in Singapore",
    "show me remote data analyst postings that want SQL and Tableau",
    "data engineer jobs with spark and kafka",
    "machine learning engineer postings paying at least $180,000",
    "data scientist jobs in London",
    "software engineer jobs in India",
    "cloud engineer postings with AWS",
    "jobs for someone who knows python and excel",
    "remote senior data engineer jobs paying over $150k",
    "data analyst jobs in Paris",
    "show me postings for junior data analysts",
    "find machine learning engineer jobs in the US with pytorch",
    "data scientist postings in Berlin",
    "remote jobs using snowflake and dbt",
]


def _time(fn: Callable[[str], Any], rounds: int) -> list[float]:
    return time_each(fn, QUERIES, rounds)


def build_scaled(scale: int, real_settings: Settings) -> Settings:
    """A postings collection holding the real postings plus (scale - 1) perturbed copies of each."""
    data_dir = BENCH_DATA / f"postings-x{scale}"
    settings = real_settings.model_copy(update={"data_dir": data_dir})
    got = Index(real_settings).collection(POSTINGS).get(include=["embeddings", "documents", "metadatas"])
    marker = data_dir / "built.txt"
    if marker.exists() and marker.read_text() == str(len(got["ids"]) * scale):
        return settings
    shutil.rmtree(data_dir, ignore_errors=True)
    rng, nrng = random.Random(scale), np.random.default_rng(scale)
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    col = Index(settings, Embedder(settings.embed_cache_path)).collection(POSTINGS)
    t0 = time.perf_counter()
    for k in range(scale):  # one copy at a time: 10x the vectors never sit in memory at once
        ids = got["ids"] if k == 0 else [f"{i}~{k}" for i in got["ids"]]
        texts = got["documents"] if k == 0 else [_perturb(t, k, rng) for t in got["documents"]]
        metas = got["metadatas"] if k == 0 else [{**m, "synthetic": True} for m in got["metadatas"]]
        vecs = vectors
        if k:
            noisy = vectors + nrng.normal(0, 0.02, vectors.shape).astype(np.float32)
            vecs = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
        for b in range(0, len(ids), CHROMA_MAX_BATCH):
            col.add(ids=ids[b: b + CHROMA_MAX_BATCH], embeddings=vecs[b: b + CHROMA_MAX_BATCH].tolist(),
                    documents=texts[b: b + CHROMA_MAX_BATCH], metadatas=metas[b: b + CHROMA_MAX_BATCH])
        print(f"  x{scale}: copy {k} written ({time.perf_counter() - t0:.0f} s)", flush=True)
    (data_dir / "manifest.json").write_text("{}")  # an index was built here (Index._check_present)
    marker.write_text(str(len(got["ids"]) * scale))
    return settings


def measure(settings: Settings, readings: dict[str, Any], store: Any, rounds: int) -> dict[str, Any]:
    embedder = Embedder(settings.embed_cache_path)
    index = Index(settings, embedder)
    retriever = Retriever(index, embedder, RetrievalConfig.from_settings(settings))
    col = index.collection(POSTINGS)
    classes = store.postings_short_titles()
    wheres = {q: posting_filters(r, classes=classes)[0] for q, r in readings.items()}
    # the text searched, embedded as the product embeds posting queries (`Settings.posting_precision`)
    qvecs = {q: index.posting_embedder.encode_one(spell_out(r.question)) for q, r in readings.items()}
    res: dict[str, Any] = {"documents": col.count(), "candidates": POSTING_CANDIDATES}
    res["bare_chroma_ms"] = summary(_time(lambda q: col.query(
        query_embeddings=[qvecs[q]], n_results=POSTING_CANDIDATES, where=wheres[q],
        include=["documents", "metadatas", "distances"]), rounds), "ms", 2)
    res["postings_search_ms"] = summary(
        _time(lambda q: search_postings_ranked(retriever, store, readings[q], limit=5), rounds), "ms", 2)
    for p in ("p50", "p95"):
        res[f"ratio_{p}"] = round(res["postings_search_ms"][f"{p}_ms"] / res["bare_chroma_ms"][f"{p}_ms"], 2)
    res["hits_per_query"] = {q: len(search_postings_ranked(retriever, store, readings[q], limit=5).hits)
                             for q in QUERIES}
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="timed passes over the 20 queries per method")
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--data-dir", type=Path, default=FULL, help="the real index (default: bench.ingest's)")
    args = ap.parse_args()

    real = Settings(data_dir=args.data_dir)
    if not Index(real).manifest().get("collections", {}).get(POSTINGS, {}).get("total"):
        raise SystemExit(f"no postings in the index in {args.data_dir}: run `advisor ingest` (postings on) first")
    store = open_store(real)
    vocabulary, known = store.skill_vocabulary(), Retriever(Index(real), Embedder(None)).idf().keys()
    classes = store.postings_short_titles()
    t0 = time.perf_counter()
    readings = {q: posting_search_reading(q, vocabulary, known) for q in QUERIES}
    read_ms = (time.perf_counter() - t0) * 1000 / len(QUERIES)
    out: dict[str, Any] = {"queries": len(QUERIES), "rounds": args.rounds, "reading_ms_mean": round(read_ms, 2),
                           "filters": {q: posting_filters(r, classes=classes)[1] for q, r in readings.items()},
                           "scales": {}}
    for scale in args.scales:
        settings = real if scale == 1 else build_scaled(scale, real)
        out["scales"][f"x{scale}"] = measure(settings, readings, store, args.rounds)

    print(f"\n{'':6}{'docs':>9} {'bare p50':>9} {'p95':>7} {'search p50':>11} {'p95':>7} {'ratio50':>8} {'ratio95':>8}")
    for name, r in out["scales"].items():
        print(f"{name:<6}{r['documents']:>9,} {r['bare_chroma_ms']['p50_ms']:>9} {r['bare_chroma_ms']['p95_ms']:>7} "
              f"{r['postings_search_ms']['p50_ms']:>11} {r['postings_search_ms']['p95_ms']:>7} "
              f"{r['ratio_p50']:>8} {r['ratio_p95']:>8}")
    worst = max(max(r["ratio_p50"], r["ratio_p95"]) for r in out["scales"].values())
    print(f"\ntarget: posting search within 2x of the bare filtered Chroma query -> worst ratio {worst} "
          f"({'met' if worst <= 2 else 'NOT met'}); reading a question: {out['reading_ms_mean']} ms (once per turn)")
    print(f"wrote {write_json('postings_search.json', out)}")


if __name__ == "__main__":
    main()
