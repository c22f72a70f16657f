"""Ingest: the full corpus from scratch, against bare MiniLM encoding of the same texts, measured in one run.

What it answers:

1. **Pipeline overhead.** A fresh data dir (empty vector cache) ingests the whole corpus (articles + BLS +
   32,672 postings): load and chunk, hash, embed, write to Chroma, manifest. The baseline is the floor any
   pipeline pays: `SentenceTransformer.encode` of exactly the same texts in one call. The ratio is what
   everything except the model costs.
2. **Length-sorted batching.** Encoding throughput on a fixed random sample of the corpus texts, batched in
   corpus order (each batch encoded on its own, so padding follows the corpus) against batched after sorting
   by length (what `Embedder.encode` does). Padding to the longest text of a batch is the waste sorting avoids.
3. **Re-ingest.** The same corpus again: seconds, and how many texts were embedded (must be 0).

The model is loaded before anything is timed (reported separately), so no row pays for it.

    .venv/bin/python -m bench.ingest                    # ~10 min on 2 cores; writes bench/out/ingest.json
    .venv/bin/python -m bench.ingest --sample 2000      # size of the batching sample (default 3000)

The index it builds (.bench-data/full) is reused by bench.retrieval, bench.answer and bench.memory.
"""

from __future__ import annotations

import argparse
import random
import shutil
import time

from advisor.config import Settings
from advisor.embeddings import Embedder, load_model
from advisor.index import Index, corpus_docs
from bench._common import BENCH_DATA, self_peak_rss_mb, write_json

FULL = BENCH_DATA / "full"
SNAPSHOT = FULL / "embeddings.after-ingest.sqlite"  # the vector cache as ingest left it (chunks only)


def _encode_batches(model, texts: list[str], batch: int) -> float:  # type: ignore[no-untyped-def]
    """Seconds to encode `texts` one batch per call (so the order given is the order batched)."""
    t0 = time.perf_counter()
    for i in range(0, len(texts), batch):
        model.encode(texts[i : i + batch], batch_size=batch, normalize_embeddings=True, convert_to_numpy=True,
                     show_progress_bar=False)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=3000, help="texts in the batching comparison")
    ap.add_argument("--batch", type=int, default=64, help="batch size (the Embedder's default)")
    args = ap.parse_args()

    shutil.rmtree(FULL, ignore_errors=True)
    settings = Settings(data_dir=FULL)  # the real corpus/, postings included
    t0 = time.perf_counter()
    model = load_model()
    model.encode(["warm up"], show_progress_bar=False)
    model_load_s = time.perf_counter() - t0

    # 1) the pipeline, from scratch
    embedder = Embedder(settings.embed_cache_path, batch_size=args.batch)
    index = Index(settings, embedder)
    t0 = time.perf_counter()
    report = index.ingest()
    pipeline_s = time.perf_counter() - t0
    print(f"pipeline: {report.summary()}")
    # bench.answer starts from this cache state, so its "new question" timings stay new on every run
    shutil.copy(settings.embed_cache_path, SNAPSHOT)

    # the baseline: the same texts, one encode call, no cache, no Chroma
    t0 = time.perf_counter()
    docs = [d for ds in corpus_docs(settings).values() for d in ds]
    load_s = time.perf_counter() - t0
    texts = [d.text for d in docs]
    t0 = time.perf_counter()
    model.encode(texts, batch_size=args.batch, normalize_embeddings=True, convert_to_numpy=True,
                 show_progress_bar=False)
    bare_s = time.perf_counter() - t0

    # 2) batching order on a fixed sample
    sample = random.Random(7).sample(texts, min(args.sample, len(texts)))
    naive_s = _encode_batches(model, sample, args.batch)
    sorted_s = _encode_batches(model, sorted(sample, key=len), args.batch)

    # 3) re-ingest, unchanged corpus, in a fresh Index (as a new process would)
    t0 = time.perf_counter()
    again = Index(settings, Embedder(settings.embed_cache_path, batch_size=args.batch)).ingest()
    reingest_s = time.perf_counter() - t0

    res = {
        "texts": len(texts),
        "collections": {k: v["total"] for k, v in report.collections.items()},
        "model_load_s": round(model_load_s, 2),
        "pipeline_ingest_s": round(pipeline_s, 1),
        "pipeline_embedded": report.embedded,
        "corpus_load_and_chunk_s": round(load_s, 2),
        "baseline_bare_encode_s": round(bare_s, 1),
        "ratio_pipeline_vs_bare_encode": round(pipeline_s / bare_s, 3),
        "pipeline_texts_per_s": round(len(texts) / pipeline_s, 1),
        "bare_texts_per_s": round(len(texts) / bare_s, 1),
        "batching_sample": len(sample),
        "naive_order_s": round(naive_s, 2),
        "length_sorted_s": round(sorted_s, 2),
        "naive_texts_per_s": round(len(sample) / naive_s, 1),
        "sorted_texts_per_s": round(len(sample) / sorted_s, 1),
        "speedup_sorted_vs_naive": round(naive_s / sorted_s, 2),
        "reingest_s": round(reingest_s, 1),
        "reingest_embedded": again.embedded,
        "reingest_unchanged": sum(c["unchanged"] for c in again.collections.values()),
        "peak_rss_mb": self_peak_rss_mb(),
    }
    print(f"corpus: {res['texts']:,} texts {res['collections']}; model load {res['model_load_s']} s (not counted)")
    print(f"full ingest (fresh dir, empty cache)   {res['pipeline_ingest_s']:>7} s  "
          f"({res['pipeline_texts_per_s']} texts/s)")
    print(f"baseline: bare encode, same texts     {res['baseline_bare_encode_s']:>7} s  "
          f"({res['bare_texts_per_s']} texts/s)")
    print(f"pipeline / bare encode = {res['ratio_pipeline_vs_bare_encode']}x "
          f"(load+chunk alone: {res['corpus_load_and_chunk_s']} s)")
    print(f"batching, {len(sample):,}-text sample: corpus order {res['naive_texts_per_s']} texts/s, length-sorted "
          f"{res['sorted_texts_per_s']} texts/s -> {res['speedup_sorted_vs_naive']}x")
    print(f"re-ingest, unchanged corpus: {res['reingest_s']} s, embedded {res['reingest_embedded']} "
          f"({res['reingest_unchanged']:,} unchanged)")
    print(f"wrote {write_json('ingest.json', res)}")


if __name__ == "__main__":
    main()
