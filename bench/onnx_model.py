"""MiniLM three ways on the same 1,000 corpus texts: PyTorch (sentence-transformers), ONNX fp32, ONNX int8.

Fixed random sample (seed 17): every article passage and BLS row plus postings up to 1,000 texts, sorted by
length, batch 64, each runtime once, one after another. Reports each runtime's throughput against PyTorch
measured in the same run, and each ONNX variant's cosine to the PyTorch vectors (min / 1st percentile /
mean). The issue's bar for "same vectors" is cosine >= 0.999 on every text. The export and quantization
(made once, into `--models-dir`) are timed separately.

    .venv/bin/python -m bench.onnx_model            # bench/out/onnx_model.json
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

from advisor import Settings
from advisor.corpus import load_articles, load_bls, load_postings
from advisor.embeddings import load_model
from advisor.onnx_minilm import OnnxMiniLM, Precision, ensure_onnx
from bench._common import BENCH_DATA, write_json


def sample_texts(n: int = 1000) -> list[str]:
    settings = Settings()
    texts = [d.text for d in load_articles(settings.articles_dir)] + [d.text for d in load_bls(settings.bls_csv)]
    postings = [d.text for d in load_postings(settings.postings_csv)]
    texts += random.Random(17).sample(postings, n - len(texts))
    return sorted(texts, key=len)


def cosines(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    c = (a * b).sum(axis=1)
    return {"min": round(float(c.min()), 5), "p01": round(float(np.percentile(c, 1)), 5),
            "mean": round(float(c.mean()), 5), "share_below_0.999": round(float((c < 0.999).mean()), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models-dir", type=Path, default=BENCH_DATA / "models")
    ap.add_argument("--texts", type=int, default=1000)
    args = ap.parse_args()
    texts = sample_texts(args.texts)
    res: dict[str, Any] = {"texts": len(texts)}
    t0 = time.perf_counter()
    fp32 = ensure_onnx(args.models_dir)
    res["export_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    int8 = ensure_onnx(args.models_dir, Precision.INT8)
    res["quantize_s"] = round(time.perf_counter() - t0, 1)
    res["file_mb"] = {"fp32": round(fp32.stat().st_size / 2**20), "int8": round(int8.stat().st_size / 2**20)}

    vectors: dict[str, np.ndarray] = {}
    model = load_model()
    runs = {
        "torch": lambda: model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True),
        "onnx_fp32": lambda: OnnxMiniLM(fp32).encode(texts, 64),
        "onnx_int8": lambda: OnnxMiniLM(int8).encode(texts, 64),
    }
    for name, run in runs.items():
        t0 = time.perf_counter()
        vectors[name] = run()
        seconds = time.perf_counter() - t0
        res[name] = {"s": round(seconds, 1), "texts_per_s": round(len(texts) / seconds, 1)}
    for name in ("onnx_fp32", "onnx_int8"):
        res[name]["speed_vs_torch"] = round(res["torch"]["s"] / res[name]["s"], 2)
        res[name]["cosine_vs_torch"] = cosines(vectors[name], vectors["torch"])
        res[name]["same_vectors"] = res[name]["cosine_vs_torch"]["min"] >= 0.999
    for name in runs:
        print(name, res[name])
    print(f"export {res['export_s']} s, quantize {res['quantize_s']} s, files {res['file_mb']} MB")
    print(f"wrote {write_json('onnx_model.json', res)}")


if __name__ == "__main__":
    main()
