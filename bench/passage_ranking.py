"""What the mpnet passage rankings cost per question: warm `ask` p50 per `Settings.passage_ranking`, one run.

Each ranking gets an identical copy of the same index (its MiniLM and mpnet vector caches as they are), is
warmed up on the same five questions (models, graph, BM25, store), then asks the same 20 questions once each
as new questions (their MiniLM and mpnet query vectors are not cached). Baseline in the same run: today's
ranking (`minilm`); ratios are against it. Also the bare cost of one new query vector per model.

    ADVISOR_DATA_DIR=.eval-data ADVISOR_INCLUDE_POSTINGS=false python -m bench.passage_ranking
    # the index needs the mpnet vectors: ingest once with ADVISOR_PASSAGE_RANKING=mpnet
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from advisor import Advisor, Settings
from advisor.config import PassageRanking
from bench._common import summary, write_json
from bench.answer import QUESTIONS, WARMUP


def _copy(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest)
    return dest


def run_ranking(settings: Settings, ranking: PassageRanking, data_dir: Path, tag: str) -> dict[str, Any]:
    adv = Advisor(settings.model_copy(update={"data_dir": data_dir, "passage_ranking": ranking,
                                              "checkpointer": "memory"}))
    t0 = time.perf_counter()
    for q in WARMUP:
        adv.ask(q)
    warmup = time.perf_counter() - t0
    asks = []
    for q in QUESTIONS:
        t0 = time.perf_counter()
        adv.ask(f"{q} ({tag})")  # new to every cache, the same words for every ranking
        asks.append(time.perf_counter() - t0)
    out: dict[str, Any] = {"warmup_s": round(warmup, 2), "ask_new_question_s": summary(asks, "s", 3)}
    for name, enc in (("minilm", adv.embedder), ("mpnet", adv.passage_vectors and adv.passage_vectors.embedder)):
        if enc is None:
            continue
        times = []
        for q in QUESTIONS:
            t0 = time.perf_counter()
            enc.encode([f"{q} ({tag} {name} alone)"], cache=False)
            times.append(time.perf_counter() - t0)
        out[f"query_vector_{name}_p50_s"] = round(statistics.median(times), 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.parse_args()
    settings = Settings()
    tag = f"run {time.time_ns()}"
    res: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for ranking in PassageRanking:
            data_dir = _copy(settings.data_dir, Path(tmp) / ranking.value)
            res[ranking.value] = run_ranking(settings, ranking, data_dir, tag)
            print(ranking.value, res[ranking.value], flush=True)
    base = res[PassageRanking.MINILM.value]["ask_new_question_s"]["p50_s"]
    for ranking in PassageRanking:
        res[ranking.value]["ratio_p50_vs_minilm"] = round(res[ranking.value]["ask_new_question_s"]["p50_s"] / base, 2)
    print(f"wrote {write_json('passage_ranking.json', res)}")


if __name__ == "__main__":
    main()
