"""A new install's first answer: the README's first command on an empty data dir, then the full index.

One run, in order, nothing else of ours on the cores:

* `advisor ask "<README question>"` on a new data dir and a new models dir (so the ONNX export is part of
  it, as on a fresh machine): wall seconds from process start to its exit, which comes right after the answer
  is printed (the first stage indexes the articles, BLS and data tables; the postings are left to a detached
  `advisor ingest --background`);
* the baseline, measured in the same run: the time from that same start until the background ingest has all
  the postings in (the manifest says `complete` and nobody holds the ingest lock), i.e. the full index.

The ratio first answer / full index says what staging saves, whatever the machine's speed. The load
average is recorded before and after: the cores may be shared.

    .venv/bin/python -m bench.first_answer            # bench/out/first_answer.json
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench._common import BENCH_DATA, REPO, write_json

QUESTION = "What percent of AI engineer postings ask for AI agents?"


def first_answer(data_dir: Path, env: dict[str, str]) -> tuple[float, str]:
    """Seconds from starting `advisor ask` on an empty data dir to its exit, and what it printed."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "advisor", "ask", QUESTION], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"advisor ask failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout + proc.stderr


def wait_for_postings(data_dir: Path, started: float, limit: float) -> tuple[float, dict[str, Any]]:
    """Seconds since `started` until the background ingest finished the postings, and their last state."""
    from advisor import Settings
    from advisor.index import POSTINGS, Index

    index = Index(Settings(data_dir=data_dir))
    while time.perf_counter() - started < limit:
        state = index.collection_state(POSTINGS)
        if state is not None and state.complete and index.lock.holder() is None:
            return time.perf_counter() - started, state.to_json()
        time.sleep(0.5)
    raise SystemExit(f"the postings were not complete after {limit:.0f} s; see {data_dir / 'ingest.log'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=BENCH_DATA / "first-answer",
                        help="emptied first; the ONNX export goes to DATA_DIR/models")
    parser.add_argument("--limit", type=float, default=1800, help="give up on the full index after this many s")
    args = parser.parse_args()
    shutil.rmtree(args.data_dir, ignore_errors=True)
    env = {**os.environ, "ADVISOR_DATA_DIR": str(args.data_dir), "ADVISOR_MODELS_DIR": str(args.data_dir / "models"),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    load_before = os.getloadavg()
    started = time.perf_counter()
    answer_s, printed = first_answer(args.data_dir, env)
    print(f"first answer after {answer_s:.1f} s (load average {load_before[0]:.2f})", flush=True)
    full_s, state = wait_for_postings(args.data_dir, started, args.limit)
    load_after = os.getloadavg()
    result = {
        "question": QUESTION, "first_answer_s": round(answer_s, 2), "full_index_s": round(full_s, 2),
        "ratio_first_answer_to_full_index": round(answer_s / full_s, 3), "postings": state,
        "load_average_before": load_before, "load_average_after": load_after, "cores": os.cpu_count(),
        "ask_output": printed[-2000:],
    }
    print(f"full index after {full_s:.1f} s; first answer / full index = {answer_s / full_s:.3f}; "
          f"load average after {load_after[0]:.2f}")
    print(f"wrote {write_json('first_answer.json', result)}")


if __name__ == "__main__":
    main()
