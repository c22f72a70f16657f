"""Cross-check the harness's retrieval precision/recall against RAGAS's non-LLM context metrics.

A manual step, run in its own venv (ragas pins would downgrade the product's openai/rich/tenacity; see
`evals/README.md`):

    python3 -m venv .ragasvenv
    .ragasvenv/bin/pip install ragas "langchain-community<0.4" rapidfuzz sacrebleu rouge_score
    RAGAS_DO_NOT_TRACK=true .ragasvenv/bin/python evals/ragas_crosscheck.py evals/out/report.json

Why a second opinion: the harness decides relevance by exact containment of a gold quote
(`metrics.is_relevant`); RAGAS's `NonLLMContextPrecisionWithReference` / `NonLLMContextRecall` decide it by
string similarity (rapidfuzz Levenshtein, >= 0.5) between retrieved and reference contexts. If the two rank
configurations the same way, neither definition is hiding a failure; where they differ per case, one of
them is wrong about that case and `ragas.md` lists it.

This file imports only the standard library and ragas, never the product or the harness: the product's
venv has no ragas, and the CI never runs this script.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")  # scoring otherwise posts telemetry

K = 5  # the harness scores retrieval on the top 5


def _score_config(cases: list[dict[str, Any]], refs: dict[str, list[str]], k: int) -> list[dict[str, Any]]:
    from ragas import SingleTurnSample
    from ragas.metrics import NonLLMContextPrecisionWithReference, NonLLMContextRecall

    precision, recall = NonLLMContextPrecisionWithReference(), NonLLMContextRecall()
    rows = []
    for case in cases:
        reference = refs.get(case["id"]) or []
        if case.get(f"recall@{k}") is None or not reference:
            continue  # refusals and cases without gold: the harness skips them too
        retrieved = [r["text"] for r in case.get("retrieved", [])[:k]]
        if not retrieved:
            retrieved = [""]
        sample = SingleTurnSample(user_input=case.get("question", ""), response=case.get("answer", ""),
                                  retrieved_contexts=retrieved, reference_contexts=reference)
        computed_only = all(g.get("computed") for g in case.get("gold", []))
        rows.append({
            "id": case["id"],
            "computed_only": computed_only,
            "harness_precision": case.get(f"precision@{k}"),
            "harness_recall": case.get(f"recall@{k}"),
            "ragas_precision": float(precision.single_turn_score(sample)),
            "ragas_recall": float(recall.single_turn_score(sample)),
        })
    return rows


def _mean(rows: list[dict[str, Any]], key: str) -> str:
    vals = [r[key] for r in rows if r.get(key) is not None]
    return f"{sum(vals) / len(vals):.3f}" if vals else "–"


def render(report: dict[str, Any], scored: dict[str, list[dict[str, Any]]], k: int) -> str:
    """`ragas.md`: per configuration, harness vs RAGAS means (all cases, and article-gold cases only)."""
    out = [
        "# RAGAS cross-check (non-LLM context metrics)",
        "",
        f"Report `{report['meta'].get('suite')}`, {report['meta'].get('cases')} cases, commit "
        f"`{report['meta'].get('commit')}`. Top {k} retrieved contexts per case; reference contexts = per gold "
        "passage the indexed chunk containing the quote (computed facts: the fact sentence).",
        "",
        "RAGAS precision is `NonLLMContextPrecisionWithReference` (rank-weighted average precision); recall is "
        "`NonLLMContextRecall`. Both match contexts by Levenshtein similarity >= 0.5, so computed (CSV) facts, "
        "whose reference is a sentence and not a chunk, are mostly unmatched: read the *article gold* columns.",
        "",
        f"| config | cases | harness recall@{k} | RAGAS recall | harness precision@{k} | RAGAS precision "
        f"| article gold: harness recall@{k} | RAGAS recall | harness precision@{k} | RAGAS precision |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, rows in scored.items():
        art = [r for r in rows if not r["computed_only"]]
        out.append(
            f"| {name} | {len(rows)} | {_mean(rows, 'harness_recall')} | {_mean(rows, 'ragas_recall')} | "
            f"{_mean(rows, 'harness_precision')} | {_mean(rows, 'ragas_precision')} | "
            f"{_mean(art, 'harness_recall')} | {_mean(art, 'ragas_recall')} | {_mean(art, 'harness_precision')} | "
            f"{_mean(art, 'ragas_precision')} |"
        )
    out += ["", "## Disagreements (article gold; |harness recall - RAGAS recall| >= 0.5)", "",
            "Harness 1 / RAGAS 0 usually means the retrieved chunk states the fact through one of the case's "
            "`alt_quotes` (RAGAS knows one reference chunk per passage), or it is a neighbouring chunk that shares "
            "the quote through the splitter's overlap but is under 50% similar to the reference chunk.", ""]
    for name, rows in scored.items():
        bad = [r for r in rows if not r["computed_only"] and abs(r["harness_recall"] - r["ragas_recall"]) >= 0.5]
        if not bad:
            continue
        out.append(f"- `{name}`: " + ", ".join(
            f"{r['id']} (harness {r['harness_recall']:.2f}, ragas {r['ragas_recall']:.2f})" for r in bad))
    out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, nargs="?", default=Path(__file__).resolve().parent / "out" / "report.json")
    parser.add_argument("--out", type=Path, default=None, help="default: ragas.md next to the report")
    parser.add_argument("--config", action="append", default=None, help="only these configurations")
    args = parser.parse_args(argv)

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    report = json.loads(args.report.read_text(encoding="utf-8"))
    k = int(report["meta"].get("k", K))
    refs = {cid: c.get("reference_contexts", []) for cid, c in report["cases"].items()}
    scored = {
        name: _score_config(cfg["cases"], refs, k)
        for name, cfg in report["configs"].items()
        if not args.config or name in args.config
    }
    out = args.out or args.report.with_name("ragas.md")
    out.write_text(render(report, scored, k), encoding="utf-8")
    (out.with_suffix(".json")).write_text(json.dumps(scored, indent=1), encoding="utf-8")
    print(render(report, scored, k).split("\n## Disagreements")[0])
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
