"""Memory: peak RSS of `advisor serve` and `advisor slack` under load on the FULL corpus.

`bench.load` measures RSS on the small slice it uses for speed; this runs the same load driver (fewer
conversations) against servers over the real index from `bench.ingest`, where the postings collection, the
DuckDB store and BM25 are full size. RSS is the kernel's high-water mark (VmHWM) of the server process.
Baseline in the same run: a process that only loads the MiniLM model and encodes one sentence, the floor for
anything that embeds queries; the ratio is what serving (Chroma, DuckDB, LangGraph, Gradio or uvicorn and
every cache) adds.

    .venv/bin/python -m bench.memory        # after bench.ingest; ~3 min; bench/out/memory.json

`--checkpoints` measures the conversation memory instead (no full index needed): 1,000 turns over 50
threads on a tiny corpus into a fresh memory.sqlite, then its size, checkpoints per thread, the largest
checkpoint, and how many checkpoints 20 one-shot asks (no thread id) wrote. ~1-2 min.

    .venv/bin/python -m bench.memory --checkpoints [--turns 1000 --threads 50]   # bench/out/checkpoints.json
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import DEFAULT_CORPUS, REPO, write_json
from bench.answer import BASELINE_COLD
from bench.ingest import FULL
from bench.load import conversations, run_gradio, run_slack

RSS_PROBE = BASELINE_COLD.replace(
    "print('ok')",
    "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))",
)


def baseline_rss_mb() -> float:
    out = subprocess.run([sys.executable, "-c", RSS_PROBE], cwd=REPO, capture_output=True, text=True, timeout=300,
                         check=True)
    return round(int(out.stdout.strip().splitlines()[-1]) / 1024, 1)


def checkpoint_growth(turns: int, threads: int) -> dict[str, Any]:
    """memory.sqlite after `turns` turns over `threads` conversations, and after one-shot asks."""
    from advisor import Advisor
    from advisor.index import Index
    from tests.reliability.helpers import tiny_settings
    from tests.reliability.test_memory_growth import checkpoint_rows, converse

    with tempfile.TemporaryDirectory() as tmp:
        settings = tiny_settings(Path(tmp)).model_copy(update={"checkpointer": "sqlite"})
        Index(settings).ingest()
        adv = Advisor(settings)
        t0 = time.perf_counter()
        converse(adv, turns, threads)
        seconds = time.perf_counter() - t0
        path = settings.memory_path
        wal = path.with_name(path.name + "-wal")
        wal_bytes = wal.stat().st_size if wal.exists() else 0
        with sqlite3.connect(path) as con:
            biggest = con.execute("SELECT max(length(checkpoint)) FROM checkpoints").fetchone()[0]
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before_one_shot = sum(n for _, n in checkpoint_rows(path))
        for _ in range(20):
            adv.ask("Hi!")
        return {"turns": turns, "threads": threads, "seconds": round(seconds, 1),
                "checkpoints": before_one_shot, "largest_checkpoint_bytes": biggest,
                "memory_sqlite_bytes": path.stat().st_size, "wal_bytes_before_truncate": wal_bytes,
                "checkpoints_written_by_20_one_shot_asks": sum(n for _, n in checkpoint_rows(path)) - before_one_shot}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--conversations", type=int, default=20)
    ap.add_argument("--per", type=int, default=10, help="questions per conversation")
    ap.add_argument("--checkpoints", action="store_true", help="measure memory.sqlite growth only")
    ap.add_argument("--turns", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=50)
    args = ap.parse_args()
    if args.checkpoints:
        res = checkpoint_growth(args.turns, args.threads)
        print(res)
        print(f"wrote {write_json('checkpoints.json', res)}")
        return
    if not (FULL / "manifest.json").exists():
        raise SystemExit(f"no index in {FULL}: run `python -m bench.ingest` first")

    res: dict[str, Any] = {"baseline_model_only_peak_rss_mb": baseline_rss_mb()}
    for name, runner in (("gradio", run_gradio), ("slack", run_slack)):
        for p in FULL.glob("memory.sqlite*"):
            p.unlink()
        r = runner(DEFAULT_CORPUS, FULL, conversations(args.conversations, args.per), 600)
        res[name] = {k: r[k] for k in ("target", "conversations", "questions_answered", "errors", "peak_rss_mb",
                                        "rss_start_mb", "rss_end_mb", "throughput_qps", "latency")}
        res[name]["ratio_peak_vs_baseline"] = round(r["peak_rss_mb"] / res["baseline_model_only_peak_rss_mb"], 2)
        res[name]["leaks"] = len(r["live_leaks"]) + len(r["memory_check"]["problems"])
    print(f"baseline (model only): peak RSS {res['baseline_model_only_peak_rss_mb']} MB")
    for name in ("gradio", "slack"):
        r = res[name]
        print(f"{r['target']}: peak RSS {r['peak_rss_mb']} MB (after start {r['rss_start_mb']} MB, at the end "
              f"{r['rss_end_mb']} MB) = {r['ratio_peak_vs_baseline']}x baseline; {r['questions_answered']} questions "
              f"from {r['conversations']} conversations, {r['errors']} errors, {r['leaks']} leaks, "
              f"p50 {r['latency'].get('p50_s')} s")
    print(f"wrote {write_json('memory.json', res)}")


if __name__ == "__main__":
    main()
