"""What the mpnet passage rankings cost per question: warm `ask` p50 per `Settings.passage_ranking`, one run.

Each ranking gets an identical copy of the same index (its MiniLM and mpnet vector caches as they are), is
warmed up on the same five questions (models, graph, BM25, store), then each of 20 questions is asked once per
ranking as a new question (not in any vector cache), interleaved. Baseline in the same run: today's ranking
(`minilm`); ratios are against it. Also the bare cost of one new query vector per model.

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


def _advisor(settings: Settings, ranking: PassageRanking, data_dir: Path) -> Advisor:
    adv = Advisor(settings.model_copy(update={"data_dir": data_dir, "passage_ranking": ranking,
                                              "checkpointer": "memory"}))
    for q in WARMUP:
        adv.ask(q)
    return adv


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.parse_args()
    settings = Settings()
    tag = f"run {time.time_ns()}"
    rankings = list(PassageRanking)
    asks: dict[str, list[float]] = {r.value: [] for r in rankings}
    vectors: dict[str, list[float]] = {"minilm": [], "mpnet": []}
    with tempfile.TemporaryDirectory() as tmp:
        advisors = {r: _advisor(settings, r, _copy(settings.data_dir, Path(tmp) / r.value)) for r in rankings}
        mpnet = advisors[PassageRanking.MPNET].passage_vectors.embedder
        minilm = advisors[PassageRanking.MINILM].embedder
        # Interleaved, the order rotated per question: the machine's load and the process-wide caches a
        # question warms (data-tool lookups) fall on every ranking alike.
        for n, q in enumerate(QUESTIONS):
            for r in rankings[n % 3:] + rankings[: n % 3]:
                asks[r.value].append(_timed(lambda a=advisors[r], r=r, q=q: a.ask(f"{q} ({tag} {r.value})")))
            for name, enc in (("minilm", minilm), ("mpnet", mpnet)):
                vectors[name].append(_timed(lambda e=enc, q=q, name=name: e.encode([f"{q} ({tag} {name})"],
                                                                                   cache=False)))
    base = statistics.median(asks[PassageRanking.MINILM.value])
    res: dict[str, Any] = {r: summary(v, "s", 3) | {"ratio_p50_vs_minilm": round(statistics.median(v) / base, 2)}
                           for r, v in asks.items()}
    res["query_vector_s"] = {name: summary(v, "s", 4) for name, v in vectors.items()}
    res["query_vector_ratio_p50_mpnet_vs_minilm"] = round(
        statistics.median(vectors["mpnet"]) / statistics.median(vectors["minilm"]), 2)
    for key, value in res.items():
        print(key, value)
    print(f"wrote {write_json('passage_ranking.json', res)}")


if __name__ == "__main__":
    main()
