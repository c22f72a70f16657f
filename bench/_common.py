"""Shared helpers for the benchmarks: data dirs, the corpus slice, percentiles, RSS, subprocess servers.

Every benchmark runs against real components (MiniLM, Chroma, DuckDB,
LangGraph, uvicorn, Gradio) in a data dir of its own under `.bench-data/`
(gitignored), so a run never touches the user's index and never depends on
what another benchmark left behind except where it says so.

Run the benchmarks as modules from the repository root (`python -m bench.load`)
so `bench` and `tests` are importable without installing them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
BENCH_DATA = REPO / ".bench-data"
OUT = REPO / "bench" / "out"
DEFAULT_CORPUS = REPO / "corpus"
POSTINGS_CSV = "data_jobs_2023_with_salary.csv"
SALARIES_CSV = "salaries_aijobs_snapshot_2025-01-19.csv"


def make_corpus_slice(dest: Path, postings: int = 300) -> Path:
    """The same small real slice the test suite uses: 5 articles, BLS, the first N postings, every salary row.

    The load benchmark measures serving (queueing, locks, memory), not
    embedding, so a slice keeps the index build to about a minute while every
    component still does real work. Idempotent: an existing slice is reused.
    """
    if (dest / "articles").is_dir() and (dest / "data" / "postings" / POSTINGS_CSV).exists():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(DEFAULT_CORPUS / "articles", dest / "articles")
    (dest / "data" / "postings").mkdir(parents=True)
    src = DEFAULT_CORPUS / "data" / "postings" / POSTINGS_CSV
    dst = dest / "data" / "postings" / POSTINGS_CSV
    with src.open(encoding="utf-8") as fh, dst.open("w", encoding="utf-8") as out:
        for i, line in enumerate(fh):
            if i > postings:
                break
            out.write(line)
    shutil.copytree(DEFAULT_CORPUS / "data" / "bls", dest / "data" / "bls")
    (dest / "data" / "salaries").mkdir()
    os.symlink(DEFAULT_CORPUS / "data" / "salaries" / SALARIES_CSV, dest / "data" / "salaries" / SALARIES_CSV)
    return dest


def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); 0.0 for no values."""
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def summary(values: Sequence[float], unit: str = "s", digits: int = 4) -> dict[str, float]:
    """p50/p95/p99/mean/max of `values`, keys suffixed with the unit (p50_s, p95_ms, ...)."""
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        f"p50_{unit}": round(statistics.median(values), digits),
        f"p95_{unit}": round(pct(values, 0.95), digits),
        f"p99_{unit}": round(pct(values, 0.99), digits),
        f"mean_{unit}": round(statistics.fmean(values), digits),
        f"max_{unit}": round(max(values), digits),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_status_kb(pid: int, field: str) -> int:
    """A /proc/<pid>/status field in kB (VmRSS, VmHWM); 0 when the process is gone.

    VmHWM is the kernel's own peak-RSS high-water mark, so a short spike
    between two samples is not missed. Linux only, which is what we serve on.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def self_peak_rss_mb() -> float:
    return round(proc_status_kb(os.getpid(), "VmHWM") / 1024, 1)


class RssSampler:
    """Samples a process's RSS in the background; `peak_mb` also reads the kernel's high-water mark."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.pid = pid
        self.every = every
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            kb = proc_status_kb(self.pid, "VmRSS")
            if kb:
                self.samples.append(kb)

    def start(self) -> RssSampler:
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        hwm = proc_status_kb(self.pid, "VmHWM")  # read before the process may exit
        self._stop.set()
        self._thread.join(2)
        return {
            "peak_rss_mb": round(max([hwm, *self.samples]) / 1024, 1),
            "rss_start_mb": round(self.samples[0] / 1024, 1) if self.samples else 0.0,
            "rss_end_mb": round(self.samples[-1] / 1024, 1) if self.samples else 0.0,
        }


class Server:
    """An `advisor ...` command run as a real subprocess (its own process: its RSS is the server's alone).

    Output goes to a log file so a failing start can be diagnosed; `stop()`
    sends SIGTERM to this one process and waits, then SIGKILL if it must.
    """

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log
        self._log = log.open("wb")
        full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                    "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False", **env}
        self.proc = subprocess.Popen([sys.executable, "-m", "advisor", *args], cwd=REPO, env=full_env,
                                     stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_http(self, url: str, timeout: float = 240.0) -> float:
        """Poll `url` until it answers 200; returns seconds waited. Raises with the log tail on failure."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"server did not answer {url} within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, n: int = 30) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


def ensure_index(corpus: Path, data_dir: Path) -> float:
    """Build the index in a subprocess (`advisor ingest`) if the data dir has none; returns seconds spent."""
    if (data_dir / "manifest.json").exists():
        return 0.0
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "advisor", "--data-dir", str(data_dir), "--corpus-dir", str(corpus), "ingest"]
    subprocess.run(cmd, cwd=REPO, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def write_json(name: str, data: dict[str, Any]) -> Path:
    """Write a result under bench/out/ (gitignored) and return the path."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    return path


def time_each(fn: Any, queries: list[str], rounds: int) -> list[float]:
    """Milliseconds per call of `fn(q)` over `rounds` passes of `queries`, after one warm-up pass (query vectors
    cached, BM25 built, Chroma segments loaded), so the first call's loading isn't timed."""
    for q in queries:
        fn(q)
    out = []
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - t0) * 1000)
    return out
