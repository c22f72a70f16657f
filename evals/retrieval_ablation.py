"""Retrieval ablation: which ranking signals find the dev set's gold passages, alone and fused.

Why: recall@5 of the product is ~0.82 against a 0.9 target, and the misses are advice and synthesis
questions. Before adding machinery, this measures whether the signals we can compute offline (MiniLM chunk and
sentence vectors, BM25, section headings, pseudo-relevance feedback, fusion settings) could reach the target
at all. It ranks *every* indexed passage for each case's standalone question (as the product rewrote it, read
from a `report.json`), so a gold passage's rank is exact, not truncated at the retriever's candidate depth.

    ADVISOR_DATA_DIR=.eval-data python -m evals.retrieval_ablation [--report evals/out/report.json]

Prints recall@5 per variant over the cases with article/BLS gold passages (computed CSV facts are left out:
no passage ranking can serve them) and writes `retrieval_ablation.json` next to the report.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from evals import metrics as M
from evals.harness import prepare_case

DEVSET = Path(__file__).with_name("devset.jsonl")
DEFAULT_REPORT = Path(__file__).with_name("out") / "report.json"


def ranks(scores: np.ndarray) -> np.ndarray:
    """0-based rank of each item when sorted by descending score."""
    order = np.argsort(-scores, kind="stable")
    out = np.empty(len(order), dtype=int)
    out[order] = np.arange(len(order))
    return out


def rrf(*rankings: np.ndarray, k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion of 0-based rankings."""
    return sum(1.0 / (k + r + 1) for r in rankings)  # type: ignore[return-value]


class Signals:
    """Every passage's vectors and BM25 index, built once; `variants(question)` gives each variant's ranking."""

    def __init__(self, advisor: Any) -> None:
        from advisor.index import PASSAGES
        from advisor.text import split_sentences

        _ = advisor.graph  # builds the retriever (BM25 over the same passages)
        self.retriever = advisor.retriever
        self.embedder = advisor.embedder
        self.docs = self.retriever.index.all_docs(PASSAGES)
        self.doc_vecs = self.embedder.encode([d.text for d in self.docs])
        sents = [[s for s in split_sentences(d.text) if len(s) > 20] or [d.text] for d in self.docs]
        self.sent_vecs = self.embedder.encode([s for ss in sents for s in ss])
        self.owner = np.repeat(np.arange(len(self.docs)), [len(ss) for ss in sents])
        heads = [d.metadata.get("section") or d.text[:200] for d in self.docs]
        self.head_vecs = self.embedder.encode(heads)
        self.bm25 = self.retriever.bm25(PASSAGES)
        # all-mpnet-base-v2 when the advisor is configured for it (ADVISOR_PASSAGE_RANKING=mpnet|mpnet-rerank)
        self.mpnet = advisor.passage_vectors
        self.mpnet_vecs = None if self.mpnet is None else self.mpnet.embedder.encode([d.text for d in self.docs])

    def _sentence_max(self, qvec: np.ndarray) -> np.ndarray:
        best = np.full(len(self.docs), -1.0)
        np.maximum.at(best, self.owner, self.sent_vecs @ qvec)
        return best

    def variants(self, question: str) -> dict[str, np.ndarray]:
        qvec = self.embedder.encode_one(question)
        dense = self.doc_vecs @ qvec
        sent = self._sentence_max(qvec)
        head = self.head_vecs @ qvec
        bm = self.bm25._scores(question)
        bm = np.zeros(len(self.docs)) if bm is None else bm
        rd, rs, rb, rh = ranks(dense), ranks(sent), ranks(bm), ranks(head + 0.01 * dense)
        top = np.argsort(-rrf(rd, rb))[:3]  # pseudo-relevance feedback: move the query towards the top 3
        q2 = qvec + 0.7 * self.doc_vecs[top].mean(0)
        q2 /= np.linalg.norm(q2)
        rprf = ranks(self.doc_vecs @ q2)
        rmix = ranks(0.5 * dense + 0.5 * sent)
        return self._mpnet_variants(question, rd, rb) | {
            "dense (chunk vector)": rd,
            "dense (best sentence)": rs,
            "bm25": rb,
            "heading only": rh,
            "dense + bm25 (rrf k=60)": ranks(rrf(rd, rb)),
            "dense + bm25 (rrf k=20)": ranks(rrf(rd, rb, k=20)),
            "dense + bm25 (rrf k=5)": ranks(rrf(rd, rb, k=5)),
            "chunk+sentence + bm25": ranks(rrf(rmix, rb)),
            "dense + sentence + bm25": ranks(rrf(rd, rs, rb)),
            "dense + bm25 + heading": ranks(rrf(rd, rb, rh)),
            "prf dense + bm25": ranks(rrf(rprf, rb)),
            "prf dense + dense + bm25": ranks(rrf(rprf, rd, rb)),
        }


    def _mpnet_variants(self, question: str, rd: np.ndarray, rb: np.ndarray) -> dict[str, np.ndarray]:
        """mpnet alone, in place of MiniLM, beside it, and re-ranking the MiniLM+BM25 fusion's top 24."""
        if self.mpnet is None or self.mpnet_vecs is None:
            return {}
        sims = self.mpnet_vecs @ self.mpnet.embedder.encode_one(question)
        rm = ranks(sims)
        order = np.argsort(-rrf(rd, rb, k=20), kind="stable")
        head, tail = order[:24], order[24:]  # as the product: ranks within the head, fused again by RRF
        rerank = np.empty(len(self.docs))
        rerank[head] = rrf(np.arange(len(head)), ranks(sims[head]), k=20)
        rerank[tail] = -np.arange(1, len(tail) + 1)
        return {
            "mpnet dense": rm,
            "mpnet + bm25 (rrf k=20)": ranks(rrf(rm, rb, k=20)),
            "minilm + mpnet + bm25 (rrf k=20)": ranks(rrf(rd, rm, rb, k=20)),
            "minilm + bm25, top 24 re-fused with mpnet": ranks(rerank),
        }


def gold_ranks(docs: Sequence[Any], ranking: np.ndarray, gold: Sequence[M.GoldPassage]) -> list[int | None]:
    """1-based best rank of a passage relevant to each gold passage (None: no indexed passage contains it)."""
    out: list[int | None] = []
    for g in gold:
        hits = [int(ranking[i]) for i, d in enumerate(docs) if M.is_relevant(d, g)]
        out.append(min(hits) + 1 if hits else None)
    return out


def run(advisor: Any, report: dict[str, Any], cases: Sequence[dict[str, Any]], k: int = 5,
        progress: Callable[[str], None] | None = None, signals: Signals | None = None) -> dict[str, Any]:
    asked = {c["id"]: c.get("asked") or c["question"] for c in report["configs"]["advisor"]["cases"]}
    signals = signals or Signals(advisor)
    per_case: dict[str, dict[str, list[int | None]]] = {}
    for case in cases:
        gold = [g for g in M.gold_passages(case.get("gold_facts", []) or []) if not g.computed]
        if not gold or case["id"] not in asked:
            continue
        if progress:
            progress(case["id"])
        per_case[case["id"]] = {name: gold_ranks(signals.docs, r, gold)
                                for name, r in signals.variants(asked[case["id"]]).items()}
    recall: dict[str, float] = {}
    for name in next(iter(per_case.values()), {}):
        scores = [np.mean([r is not None and r <= k for r in rk[name]]) for rk in per_case.values()]
        recall[name] = round(float(np.mean(scores)), 3)
    return {"k": k, "cases": len(per_case), "passages": len(signals.docs), f"recall@{k}": recall,
            "gold_ranks": per_case}


def main(argv: Sequence[str] | None = None) -> None:
    from advisor import Advisor

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="a product report.json (for the "
                        "standalone questions)")
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text())
    cases = [prepare_case(json.loads(line)) for line in DEVSET.read_text().splitlines() if line.strip()]
    result = run(Advisor(), report, cases, args.k)
    print(f"recall@{args.k} over {result['cases']} cases with passage gold ({result['passages']} passages):")
    for name, value in sorted(result[f"recall@{args.k}"].items(), key=lambda kv: -kv[1]):
        print(f"  {value:.3f}  {name}")
    out = args.report.with_name("retrieval_ablation.json")
    out.write_text(json.dumps(result, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
