"""Benchmark: salary_lookup latency over the full data, against baselines measured in the same run.

Why: the agent may call salary_lookup several times per question, so a lookup
should cost well under 50 ms. Two baselines put the number in context:

* raw DuckDB: only the survey percentile query, same filter, same store;
* pandas: the same survey statistic (filter + quantile) on an in-memory DataFrame.

salary_lookup does much more than either (free-text parsing, three data sets,
BLS, article figures, evidence text), so a ratio of a few × is expected.

    .venv/bin/python bench/salary_lookup.py [--n 200] [--data-dir DIR] [--json bench/out/salary_lookup.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from advisor.config import Settings
from advisor.data.store import open_store
from advisor.tools.salary import SalaryQuery, salary_lookup

QUERIES: list[SalaryQuery] = [
    SalaryQuery(role="machine learning engineer", country="US", experience="senior"),
    SalaryQuery(role="AI engineer"),
    SalaryQuery(role="data scientist", country="Germany"),
    SalaryQuery(role="senior data engineer remote US 2023"),
    SalaryQuery(role="MLE", years_experience=8),
    SalaryQuery(role="prompt engineer", country="US"),
    SalaryQuery(role="data analyst", country="UK", dedupe=True),
    SalaryQuery(role="software engineer", year=2024),
    SalaryQuery(role="AI architect", country="United States"),
    SalaryQuery(role="research scientist", experience="lead"),
]

# (survey job_title, company_location or None) for the baselines.
BASELINE_FILTERS: list[tuple[str, str | None]] = [
    ("Machine Learning Engineer", "US"),
    ("AI Engineer", None),
    ("Data Scientist", "DE"),
    ("Data Engineer", "US"),
    ("Prompt Engineer", "US"),
    ("Data Analyst", "GB"),
    ("Software Engineer", None),
    ("AI Architect", "US"),
]


def _time(fn: Callable[[int], object], n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="lookups to time (default 200)")
    ap.add_argument("--data-dir", type=Path, default=None, help="where the store lives (default: a temp dir)")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers to this file")
    args = ap.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    settings = Settings(data_dir=data_dir)
    t0 = time.perf_counter()
    store = open_store(settings)
    open_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    open_store(settings)
    reopen_ms = (time.perf_counter() - t0) * 1000

    # Warm-up: first-query costs (plans, caches) are not what a long-running agent pays.
    for q in QUERIES:
        salary_lookup(q, store)

    lookup = _time(lambda i: salary_lookup(QUERIES[i % len(QUERIES)], store), args.n)

    def duck(i: int) -> object:
        title, country = BASELINE_FILTERS[i % len(BASELINE_FILTERS)]
        sql = (
            "SELECT count(*), quantile_cont(CAST(salary_in_usd AS DOUBLE), [0.25, 0.5, 0.75]) FROM salaries "
            "WHERE job_title = ?" + (" AND company_location = ?" if country else "")
        )
        return store.fetchone(sql, [title, country] if country else [title])

    df = pd.read_csv(settings.salaries_csv, keep_default_na=False)

    def pandas_stat(i: int) -> object:
        title, country = BASELINE_FILTERS[i % len(BASELINE_FILTERS)]
        mask = df["job_title"] == title
        if country:
            mask &= df["company_location"] == country
        sub = df.loc[mask, "salary_in_usd"].astype(float)
        return len(sub), sub.quantile([0.25, 0.5, 0.75]).tolist()

    for i in range(len(BASELINE_FILTERS)):
        duck(i)
        pandas_stat(i)
    duck_ms = _time(duck, args.n)
    pandas_ms = _time(pandas_stat, args.n)

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "p50_ms": round(statistics.median(values), 3),
            "p95_ms": round(_pct(values, 0.95), 3),
            "mean_ms": round(statistics.fmean(values), 3),
        }

    res = {
        "n": args.n,
        "store_open_ms": round(open_ms, 1),
        "store_reopen_ms": round(reopen_ms, 3),
        "salary_lookup": summary(lookup),
        "baseline_duckdb_survey_query": summary(duck_ms),
        "baseline_pandas_in_memory": summary(pandas_ms),
    }
    res["ratio_p50_vs_duckdb"] = round(
        res["salary_lookup"]["p50_ms"] / res["baseline_duckdb_survey_query"]["p50_ms"], 2
    )
    res["ratio_p50_vs_pandas"] = round(
        res["salary_lookup"]["p50_ms"] / res["baseline_pandas_in_memory"]["p50_ms"], 2
    )
    res["target_p95_ms"] = 50
    res["meets_target"] = res["salary_lookup"]["p95_ms"] < 50

    print(f"store: open/build {open_ms:.0f} ms, reopen {reopen_ms:.2f} ms ({store.path})")
    print(f"{'':34} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for name in ("salary_lookup", "baseline_duckdb_survey_query", "baseline_pandas_in_memory"):
        s = res[name]
        print(f"{name:34} {s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f} {s['mean_ms']:>8.2f}")
    print(f"salary_lookup p50 / raw DuckDB survey query p50 = {res['ratio_p50_vs_duckdb']}x")
    print(f"salary_lookup p50 / pandas in-memory p50        = {res['ratio_p50_vs_pandas']}x")
    print(
        f"target p95 < 50 ms: {'met' if res['meets_target'] else 'NOT met'} ({args.n} lookups, "
        f"{len(QUERIES)} query shapes, survey + postings + BLS + articles each)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
