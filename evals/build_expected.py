"""Compute the data-derived gold facts of the dev set from the CSV files, so they can be regenerated.

Why a script and not hand-typed numbers: a salary or skill share in the dev set is only worth
something if anyone can re-derive it from `corpus/data/` with the rules written here. Every computed
gold fact in `evals/devset.jsonl` carries a `spec`; this module turns the spec into figures, the fact
sentence and the filter description stored as its `quote`.

Rules (the same ones the README documents):
- Salary survey: statistics of `salary_in_usd`, exact-duplicate rows KEPT (the file's 39,304 duplicates
  may be different people with identical coarse fields).
- Postings: yearly pay = `salary_year_avg`, or `salary_hour_avg * 2080` where `salary_rate == 'hour'`.
  Skill share = postings whose `job_skills` list contains the skill / all postings with that
  `job_title_short` (postings with an empty skills list stay in the denominator).
- Median, p25 and p75 use pandas' default linear quantile. Money is rounded half-up to whole dollars,
  shares half-up to one decimal.
- BLS OEWS: values are read as published; `#` (top-coded) becomes None.

Usage (from the repository root):
    python -m evals.build_expected            # print every computed fact
    python -m evals.build_expected --check    # exit 1 if devset.jsonl disagrees with the data
    python -m evals.build_expected --write    # rewrite fact / figures / quote of computed facts in place
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import sys
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from evals.devset import DEVSET_PATH, ROOT, load_devset

DATA_DIR = ROOT / "corpus" / "data"

SALARIES_CSV = "salaries_aijobs_snapshot_2025-01-19.csv"
POSTINGS_CSV = "data_jobs_2023_with_salary.csv"
BLS_CSV = "oews_national_selected_2023_2024.csv"
DATASET_FILES = {
    "salaries": DATA_DIR / "salaries" / SALARIES_CSV,
    "postings": DATA_DIR / "postings" / POSTINGS_CSV,
    "bls": DATA_DIR / "bls" / BLS_CSV,
}
SOURCE_OF = {"salaries": SALARIES_CSV, "postings": POSTINGS_CSV, "bls": BLS_CSV}

MONEY_KEYS = {"median", "p25", "p75", "a_mean", "a_median", "a_pct10", "a_pct25", "a_pct75", "a_pct90"}
COUNT_KEYS = {"n", "count", "tot_emp"}
BLS_WAGE_KEYS = ("a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90", "a_mean", "tot_emp")
BLS_LABELS = {
    "a_median": "annual median",
    "a_pct10": "10th percentile",
    "a_pct25": "25th percentile",
    "a_pct75": "75th percentile",
    "a_pct90": "90th percentile",
    "a_mean": "annual mean",
    "tot_emp": "employment",
}


# ---------------------------------------------------------------------------------------------------------
# Data access (cached: the test suite re-derives every computed fact)
# ---------------------------------------------------------------------------------------------------------


@cache
def salaries() -> pd.DataFrame:
    """The aijobs.net salary survey, duplicates kept."""
    return pd.read_csv(DATASET_FILES["salaries"])


@cache
def postings() -> pd.DataFrame:
    """2023 postings with `yearly_pay` and the parsed `skills` list added."""
    df = pd.read_csv(DATASET_FILES["postings"], dtype={"job_skills": "string"})
    df["yearly_pay"] = df["salary_year_avg"].where(df["salary_rate"] != "hour", df["salary_hour_avg"] * 2080)
    df["skills"] = [ast.literal_eval(s) if isinstance(s, str) and s.strip() else [] for s in df["job_skills"]]
    return df


@cache
def bls() -> pd.DataFrame:
    """BLS OEWS rows as strings, so `#` (top-coded) survives and numbers are never re-typed."""
    return pd.read_csv(DATASET_FILES["bls"], dtype=str)


def _filter(df: pd.DataFrame, where: dict[str, Any]) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    for column, value in where.items():
        if column not in df.columns:
            raise KeyError(f"unknown column {column!r}")
        mask &= df[column] == value
    return df[mask]


def filter_description(where: dict[str, Any]) -> str:
    """The filter as stored in a computed fact's `quote`: "job_title == 'AI Engineer' and ..."."""
    return " and ".join(f"{k} == {v!r}" for k, v in where.items())


# ---------------------------------------------------------------------------------------------------------
# Computing and formatting
# ---------------------------------------------------------------------------------------------------------


def _stats(values: pd.Series) -> dict[str, Any]:
    values = values.dropna()
    return {
        "n": len(values),
        "median": float(values.median()),
        "p25": float(values.quantile(0.25)),
        "p75": float(values.quantile(0.75)),
    }


def compute(spec: dict[str, Any]) -> dict[str, Any]:
    """Raw values for a spec: n/median/p25/p75, n/count/share, or the BLS row's wage fields."""
    dataset, measure, where = spec["dataset"], spec["measure"], dict(spec["where"])
    if dataset == "salaries" and measure == "salary":
        return _stats(_filter(salaries(), where)["salary_in_usd"])
    if dataset == "postings" and measure == "salary":
        return _stats(_filter(postings(), where)["yearly_pay"])
    if dataset == "postings" and measure == "skill_share":
        rows = _filter(postings(), where)
        skill = spec["skill"]
        count = int(sum(skill in skills for skills in rows["skills"]))
        share = Decimal(count) * 100 / Decimal(len(rows)) if len(rows) else Decimal(0)
        return {"n": len(rows), "count": count, "share": share}
    if dataset == "bls" and measure == "wage":
        rows = _filter(bls(), where)
        if len(rows) != 1:
            raise ValueError(f"BLS filter {where} matched {len(rows)} rows, expected 1")
        row = rows.iloc[0]
        out: dict[str, Any] = {"occ_title": row["occ_title"]}
        for key in BLS_WAGE_KEYS:
            out[key] = None if row[key] == "#" else float(row[key])
        return out
    raise ValueError(f"unsupported spec: dataset={dataset!r} measure={measure!r}")


def _half_up(value: float | Decimal, places: str = "1") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def format_value(key: str, value: Any) -> str:
    """How a computed value is written in a gold figure: "$166,000", "68.3%", "5,340"."""
    if value is None:
        return "≥ $239,200 (top-coded)"
    if key in MONEY_KEYS:
        return f"${int(_half_up(value)):,}"
    if key in COUNT_KEYS:
        return f"{int(value):,}"
    if key == "share":
        return f"{_half_up(value, '0.1')}%"
    raise KeyError(key)


def render(spec: dict[str, Any]) -> dict[str, Any]:
    """fact / figures / quote / source for a computed gold fact, from its spec."""
    values = compute(spec)
    fmt = {k: format_value(k, v) for k, v in values.items() if k != "occ_title"}
    where = dict(spec["where"])
    desc = filter_description(where)
    dataset, measure = spec["dataset"], spec["measure"]
    if dataset == "salaries":
        fact = (
            f"aijobs.net salary survey (self-reported, exact duplicates kept), {desc}: median salary_in_usd "
            f"{fmt['median']}, p25 {fmt['p25']}, p75 {fmt['p75']} (n={fmt['n']} rows)."
        )
    elif measure == "salary":
        fact = (
            f"2023 job postings, {desc}: median yearly pay {fmt['median']}, p25 {fmt['p25']}, "
            f"p75 {fmt['p75']} (n={fmt['n']} postings; hourly rates x 2080)."
        )
    elif measure == "skill_share":
        fact = (
            f"2023 job postings, {desc}: {fmt['share']} list '{spec['skill']}' "
            f"({fmt['count']} of {fmt['n']} postings)."
        )
    else:
        parts = ", ".join(f"{BLS_LABELS[k]} {fmt[k]}" for k in ("a_median", "a_pct25", "a_pct75"))
        fact = (
            f"BLS OEWS {where.get('reference_period', '')}, {values['occ_title']} "
            f"({where.get('occ_code', '')}): "
            f"{parts} (wage and salary workers; excludes self-employed, bonuses and stock)."
        )
    return {
        "fact": fact,
        "figures": [fmt[k] for k in spec["require"]],
        "source": SOURCE_OF[dataset],
        "quote": desc,
        "computed": True,
        "spec": spec,
    }


# ---------------------------------------------------------------------------------------------------------
# Dev set refresh / check
# ---------------------------------------------------------------------------------------------------------


def refresh_case(case: dict[str, Any]) -> dict[str, Any]:
    """A copy of `case` whose computed gold facts are re-rendered from their specs."""
    new = copy.deepcopy(case)
    for i, fact in enumerate(new.get("gold_facts", [])):
        if fact.get("computed"):
            new["gold_facts"][i] = render(fact["spec"])
    return new


def drift(cases: list[dict[str, Any]]) -> list[str]:
    """Human-readable differences between stored computed facts and what the data gives now."""
    problems: list[str] = []
    for case in cases:
        fresh = refresh_case(case)
        for old, new in zip(case.get("gold_facts", []), fresh.get("gold_facts", []), strict=True):
            if not old.get("computed"):
                continue
            for key in ("fact", "figures", "source", "quote"):
                if old.get(key) != new[key]:
                    problems.append(f"{case['id']}: {key} is {old.get(key)!r}, data gives {new[key]!r}")
    return problems


def write_cases(cases: list[dict[str, Any]], path: Path = DEVSET_PATH) -> None:
    """One JSON object per line, UTF-8 kept readable (German, Spanish, £, €)."""
    with path.open("w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if the dev set disagrees with the data")
    mode.add_argument("--write", action="store_true", help="rewrite computed facts in place")
    parser.add_argument("--devset", type=Path, default=DEVSET_PATH)
    args = parser.parse_args(argv)

    cases = load_devset(args.devset)
    if args.check:
        problems = drift(cases)
        print("\n".join(problems) or f"ok: computed facts of {len(cases)} cases match the data")
        return 1 if problems else 0
    if args.write:
        write_cases([refresh_case(c) for c in cases], args.devset)
        print(f"rewrote {args.devset}")
        return 0
    for case in cases:
        for fact in refresh_case(case).get("gold_facts", []):
            if fact.get("computed"):
                print(f"{case['id']:>8}  {fact['fact']}  -> {fact['figures']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
