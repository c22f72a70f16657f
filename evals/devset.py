"""Load and validate `evals/devset.jsonl`.

Why a validator separate from the tests: the harness should refuse to score against a dev set whose
quotes no longer occur in the corpus (an article re-exported with different quotes would silently turn
every retrieval hit into a miss), and the same checks then back the test suite.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTICLES_DIR = ROOT / "corpus" / "articles"
DEVSET_PATH = Path(__file__).resolve().parent / "devset.jsonl"  # the tuning part: rules may be written from it
# The frozen test part: written by someone who had read neither the code nor the dev set; no rule is ever
# written from it (see frozen_test.md). Reported beside the tuning part, never tuned on.
FROZEN_PATH = Path(__file__).resolve().parent / "frozen_test.jsonl"

CATEGORIES = (
    "factual",
    "synthesis",
    "salary",
    "skills",
    "advice",
    "comparison",
    "followup",
    "off_topic",
    "unanswerable",
    "adversarial",
)
MIN_PER_CATEGORY = {
    "factual": 15,
    "synthesis": 6,
    "salary": 8,
    "skills": 5,
    "advice": 5,
    "comparison": 4,
    "followup": 4,
    "off_topic": 5,
    "unanswerable": 5,
    "adversarial": 6,
}
MIN_CASES = 60
DATA_SOURCES = {
    "salaries_aijobs_snapshot_2025-01-19.csv",
    "data_jobs_2023_with_salary.csv",
    "oews_national_selected_2023_2024.csv",
}
REQUIRED_KEYS = {"id", "category", "question", "gold_facts", "gold_sources", "expect_refusal", "must_not"}
OPTIONAL_KEYS = {"history", "forbidden_strings", "forbidden_figures", "notes", "absent_terms"}


def load_devset(path: Path = DEVSET_PATH) -> list[dict[str, Any]]:
    """All cases, in file order; a malformed line raises with its line number."""
    cases: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                cases.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: {exc}") from exc
    return cases


def _article_text(name: str, cache: dict[str, str]) -> str | None:
    if name not in cache:
        path = ARTICLES_DIR / name
        cache[name] = path.read_text(encoding="utf-8") if path.is_file() else ""
    return cache[name] or None


def validate_case(case: dict[str, Any], _cache: dict[str, str] | None = None) -> list[str]:
    """Schema and provenance problems of one case (empty list = valid).

    Non-computed quotes must occur verbatim in the raw article file; computed facts must name a data
    file and carry a `spec` (their figures are re-derived by `evals.build_expected`).
    """
    cache = {} if _cache is None else _cache
    cid = case.get("id", "<no id>")
    problems: list[str] = []
    missing = REQUIRED_KEYS - case.keys()
    if missing:
        problems.append(f"{cid}: missing keys {sorted(missing)}")
    unknown = case.keys() - REQUIRED_KEYS - OPTIONAL_KEYS
    if unknown:
        problems.append(f"{cid}: unknown keys {sorted(unknown)}")
    if case.get("category") not in CATEGORIES:
        problems.append(f"{cid}: unknown category {case.get('category')!r}")
    if not isinstance(case.get("question"), str) or not case.get("question", "").strip():
        problems.append(f"{cid}: empty question")
    if not isinstance(case.get("expect_refusal"), bool):
        problems.append(f"{cid}: expect_refusal must be a bool")
    must_not = case.get("must_not", [])
    if not isinstance(must_not, list) or not all(isinstance(m, str) for m in must_not):
        problems.append(f"{cid}: must_not must be a list of strings")
    for key in ("forbidden_strings", "forbidden_figures", "absent_terms"):
        value = case.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"{cid}: {key} must be a list of non-empty strings")

    history = case.get("history")
    if history is not None:
        if not isinstance(history, list) or not history:
            problems.append(f"{cid}: history must be a non-empty list")
        else:
            for i, turn in enumerate(history):
                if set(turn) != {"role", "content"} or turn["role"] not in ("user", "assistant"):
                    problems.append(f"{cid}: history[{i}] must be {{role: user|assistant, content}}")
                elif turn["role"] != ("user" if i % 2 == 0 else "assistant"):
                    problems.append(f"{cid}: history[{i}] breaks user/assistant alternation")

    facts = case.get("gold_facts", [])
    if not case.get("expect_refusal") and not facts:
        problems.append(f"{cid}: a case that should be answered needs gold facts")
    sources_in_facts: set[str] = set()
    for j, fact in enumerate(facts):
        where = f"{cid}: gold_facts[{j}]"
        for key in ("fact", "figures", "source", "quote"):
            if key not in fact:
                problems.append(f"{where}: missing {key!r}")
        if not isinstance(fact.get("figures", []), list):
            problems.append(f"{where}: figures must be a list")
        source = str(fact.get("source", ""))
        sources_in_facts.add(source)
        if fact.get("computed"):
            if source not in DATA_SOURCES:
                problems.append(f"{where}: computed fact must cite a data file, not {source!r}")
            if not isinstance(fact.get("spec"), dict):
                problems.append(f"{where}: computed fact needs a spec")
            continue
        text = _article_text(source, cache)
        if text is None:
            problems.append(f"{where}: no article {source!r} under corpus/articles/")
        elif str(fact.get("quote", "")) not in text:
            problems.append(f"{where}: quote is not a verbatim substring of {source}")
        if not str(fact.get("quote", "")).strip():
            problems.append(f"{where}: empty quote")
        alternates = fact.get("alt_quotes", [])
        if not isinstance(alternates, list) or not all(isinstance(a, str) and a.strip() for a in alternates):
            problems.append(f"{where}: alt_quotes must be a list of non-empty strings")
        elif text is not None:
            problems += [f"{where}: alt quote is not a verbatim substring of {source}: {a[:60]!r}"
                         for a in alternates if a not in text]
    gold_sources = case.get("gold_sources", [])
    if set(gold_sources) != sources_in_facts:
        problems.append(
            f"{cid}: gold_sources {sorted(gold_sources)} != fact sources {sorted(sources_in_facts)}"
        )
    return problems


def validate_devset(cases: list[dict[str, Any]]) -> list[str]:
    """Problems of the whole set: every case, unique ids, size and category coverage."""
    cache: dict[str, str] = {}
    problems = [p for case in cases for p in validate_case(case, cache)]
    ids = Counter(case.get("id") for case in cases)
    problems += [f"duplicate id {cid!r}" for cid, n in ids.items() if n > 1]
    if len(cases) < MIN_CASES:
        problems.append(f"only {len(cases)} cases; need at least {MIN_CASES}")
    counts = Counter(case.get("category") for case in cases)
    for category, minimum in MIN_PER_CATEGORY.items():
        if counts[category] < minimum:
            problems.append(f"category {category}: {counts[category]} cases, need at least {minimum}")
    return problems


def category_counts(cases: list[dict[str, Any]]) -> dict[str, int]:
    """Cases per category, in the canonical category order."""
    counts = Counter(case.get("category") for case in cases)
    return {c: counts[c] for c in CATEGORIES}
