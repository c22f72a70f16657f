"""Posting search relevance: precision@5 against labelled queries, the product's search beside BM25 and dense alone.

Why: the posting search (issue 14) must return postings that fit what was asked (role, place, remote, skills,
pay, level), and the claim that filters inside Chroma plus a skills re-rank beat plain retrieval needs numbers.
Each query in `postings_queries.jsonl` (written before tuning) carries a structured label; a hit is relevant when
its CSV row satisfies every non-null label field (`violations`). Three searches are compared over the same
posting vectors and text:

- product: the question read as a posting search → filters in Chroma's `where` → dense → city and skills
  re-rank (`advisor.agent.tools.search_postings_ranked`);
- bm25: bm25s over the same posting text, no filters;
- dense: MiniLM over the same vectors, no filters.

`--text-variants` also measures which text each posting's vector should be made of: each variant's vectors go
into a collection of its own under `<data dir>/eval-postings/` (made once; the vectors are cached), and all three
searches run on each.

    ADVISOR_DATA_DIR=... python -m evals.postings_relevance --out DIR [--text-variants]

Writes `postings_relevance.json` (per query and search: P@5, the hits, which label fields each miss violates)
and `postings_relevance.md` (the side-by-side table) into DIR.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

QUERIES = Path(__file__).with_name("postings_queries.jsonl")
K = 5
SEARCHES = ("product", "bm25", "dense")
# The labels' definition of a senior posting (the set's notes): the role class says so, or the title's words do.
SENIOR_TITLE = re.compile(r"\b(?:senior|sr)\b", re.I)


class PostingLabel(BaseModel):
    """What a relevant posting must satisfy; None (or an empty list) leaves that field free."""

    model_config = ConfigDict(extra="forbid")  # a misspelt field would silently match everything

    job_title_short_in: list[str] | None = None
    country: str | None = None
    city_contains: str | None = None
    remote: bool | None = None
    skills_any: list[str] = []
    skills_all: list[str] = []
    min_salary_year: float | None = None
    senior: bool | None = None


class PostingCase(BaseModel):
    id: str
    query: str
    label: PostingLabel
    notes: str = ""


def load_cases(path: Path = QUERIES) -> list[PostingCase]:
    return [PostingCase.model_validate_json(line) for line in path.read_text().splitlines() if line.strip()]


def is_senior(row: dict[str, str]) -> bool:
    return row["job_title_short"].startswith("Senior") or bool(SENIOR_TITLE.search(row["job_title"]))


def violations(row: dict[str, str], label: PostingLabel) -> list[str]:
    """The label fields the posting's CSV row fails (empty: relevant). Country is the CSV's `job_country`,
    pay its yearly `salary_year_avg` (hourly-only postings have none), as the labels were counted."""
    from advisor.corpus.postings import parse_skills

    skills = set(parse_skills(row["job_skills"]))
    salary = float(row["salary_year_avg"]) if row["salary_year_avg"] else 0.0
    checks = {
        "job_title_short_in": label.job_title_short_in is None or row["job_title_short"] in label.job_title_short_in,
        "country": label.country is None or row["job_country"] == label.country,
        "city_contains": label.city_contains is None or label.city_contains in row["job_location"],
        "remote": label.remote is None or (row["job_work_from_home"] == "True") == label.remote,
        "skills_any": not label.skills_any or bool(skills & set(label.skills_any)),
        "skills_all": set(label.skills_all) <= skills,
        "min_salary_year": label.min_salary_year is None or salary >= label.min_salary_year,
        "senior": label.senior is None or is_senior(row) == label.senior,
    }
    return [name for name, ok in checks.items() if not ok]


def is_relevant(row: dict[str, str], label: PostingLabel) -> bool:
    return not violations(row, label)


def precision_at(rows: Sequence[dict[str, str]], label: PostingLabel, k: int = K) -> float:
    """Relevant hits among the first k, over k: a search that returns fewer than k postings is not let off."""
    return sum(is_relevant(r, label) for r in rows[:k]) / k


def load_rows(csv_path: Path) -> list[dict[str, str]]:
    """The postings CSV's rows, in file order: posting id `posting:00042` is row 42 (as `iter_postings` numbers)."""
    with csv_path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def row_of(posting_id: str) -> int:
    return int(posting_id.split(":", 1)[1])


# -- the posting text each variant embeds ------------------------------------------------------------------
def _display_text(row: dict[str, str]) -> str:
    """The display text (`_posting_text`): what was embedded before the search text was designed."""
    from advisor.corpus.postings import _posting_text, parse_skills, posting_country, yearly_salary

    salary, how = yearly_salary(row)
    return _posting_text(row, posting_country(row["job_country"], row["job_location"]), salary, how,
                         parse_skills(row["job_skills"]))


def _search_text(row: dict[str, str]) -> str:
    from advisor.corpus.postings import parse_skills, posting_country, posting_search_text

    return posting_search_text(row, posting_country(row["job_country"], row["job_location"]),
                               parse_skills(row["job_skills"]))


TEXT_VARIANTS: dict[str, Callable[[dict[str, str]], str]] = {"display": _display_text, "search": _search_text}


@dataclass
class Searches:
    """The three searches over one posting collection, each query → posting ids, best first."""

    retriever: Any
    texts: list[str]  # what each posting's vector is made of (BM25 reads the same)
    vocabulary: Sequence[str]  # the postings' skill names
    store: Any  # the postings' rows (what a hit shows) and role classes
    known_words: Collection[str]  # the sources' words: never "corrected" (the graph's spelling rule)

    def __post_init__(self) -> None:
        from advisor.retrieval import _BM25
        from advisor.types import Evidence

        # title "" so BM25 reads only the embedded text (the index's titles are "2023 data-job postings — row N")
        self._bm25 = _BM25([Evidence(id=f"posting:{i:05d}", text=t, source="", title="", kind="posting")
                            for i, t in enumerate(self.texts)])

    def run(self, search: str, query: str, k: int = K) -> list[str]:
        from advisor.agent.tools import posting_search_reading, search_postings_ranked

        if search == "product":
            reading = posting_search_reading(query, self.vocabulary, self.known_words)
            return [h.evidence_id for h in search_postings_ranked(self.retriever, self.store, reading, limit=k).hits]
        if search == "bm25":
            return [e.id for e, _ in self._bm25.search(query, k)]
        return [e.id for e in self.retriever.search_postings(query, k=k)]


def variant_retriever(settings: Any, name: str, texts: list[str], docs: list[Any], precision: Any = None) -> Any:
    """A retriever over a postings collection whose vectors are made of `texts` (documents and metadata as the
    index's) by MiniLM at `precision` (default: the settings'), queries too, in a directory named by the texts'
    digest and the precision: built once, reused while both stay the same."""
    from advisor.index import CHROMA_MAX_BATCH, POSTINGS, Index
    from advisor.retrieval import RetrievalConfig, Retriever

    precision = precision or settings.posting_precision
    digest = hashlib.sha256("\x00".join([precision.space, *texts]).encode()).hexdigest()[:12]
    here = settings.data_dir / "eval-postings" / f"{name}-{precision.value}-{digest}"
    index = Index(settings.model_copy(update={"data_dir": here, "posting_precision": precision}))
    embedder = index.posting_embedder
    col = index.collection(POSTINGS)
    if col.count() != len(docs):
        vectors = embedder.encode(texts)
        for b in range(0, len(docs), CHROMA_MAX_BATCH):
            part = docs[b: b + CHROMA_MAX_BATCH]
            col.upsert(ids=[d.id for d in part], embeddings=vectors[b: b + len(part)].tolist(),
                       documents=[d.text for d in part], metadatas=[d.chroma_metadata() for d in part])
    return Retriever(index, index.embedder, RetrievalConfig.from_settings(settings))


def evaluate(searches: Searches, cases: list[PostingCase], rows: list[dict[str, str]], k: int = K) -> dict[str, Any]:
    """Per query and search: P@k, the hits and what each miss violates; and each search's mean and p50 latency."""
    per_query: list[dict[str, Any]] = []
    seconds: dict[str, list[float]] = {s: [] for s in SEARCHES}
    for case in cases:
        entry: dict[str, Any] = {"id": case.id, "query": case.query}
        for search in SEARCHES:
            start = time.perf_counter()
            ids = searches.run(search, case.query, k)
            seconds[search].append(time.perf_counter() - start)
            hit_rows = [rows[row_of(i)] for i in ids]
            entry[search] = {"p_at_k": precision_at(hit_rows, case.label, k), "hits": ids,
                             "misses": {i: v for i, r in zip(ids, hit_rows, strict=True)
                                        if (v := violations(r, case.label))}}
        per_query.append(entry)
    n = max(len(cases), 1)
    mean = {s: round(sum(q[s]["p_at_k"] for q in per_query) / n, 3) for s in SEARCHES}
    latency = {s: round(sorted(v)[len(v) // 2] * 1000, 1) if v else 0.0 for s, v in seconds.items()}
    return {"k": k, "mean": mean, "p50_ms": latency, "queries": per_query}


def table(results: dict[str, dict[str, Any]]) -> str:
    """Markdown: one row per query, a P@k column per (text variant, search), the means last."""
    cols = [(v, s) for v in results for s in SEARCHES]
    head = "| query | " + " | ".join(f"{s} ({v})" for v, s in cols) + " |"
    lines = [head, "|" + "---|" * (len(cols) + 1)]
    first = next(iter(results.values()))
    for n, q in enumerate(first["queries"]):
        cells = [f"{results[v]['queries'][n][s]['p_at_k']:.1f}" for v, s in cols]
        lines.append(f"| {q['id']} {q['query']} | " + " | ".join(cells) + " |")
    lines.append("| **mean P@5** | " + " | ".join(f"**{results[v]['mean'][s]:.3f}**" for v, s in cols) + " |")
    return "\n".join(lines) + "\n"


def run(settings: Any, out: Path, text_variants: bool = False, queries: Path = QUERIES,
        precisions: bool = False) -> dict[str, dict[str, Any]]:
    """Measure on the index in `settings.data_dir` ("index": its vectors, BM25 over the text it embeds), with
    `text_variants` on a collection per posting text variant, and with `precisions` on a collection of the
    search text per MiniLM precision (fp32, int8: documents and queries both at that precision)."""
    from advisor.corpus import load_postings
    from advisor.data.store import open_store
    from advisor.embed_backend import Precision
    from advisor.index import Index
    from advisor.retrieval import RetrievalConfig, Retriever

    cases, rows = load_cases(queries), load_rows(settings.postings_csv)
    docs = load_postings(settings.postings_csv)
    index, store = Index(settings), open_store(settings)
    retriever = Retriever(index, index.embedder, RetrievalConfig.from_settings(settings))
    vocabulary, known = store.skill_vocabulary(), retriever.idf().keys()
    results = {"index": evaluate(Searches(retriever, [d.embedded_text for d in docs], vocabulary, store, known),
                                 cases, rows)}
    for name, text_of in TEXT_VARIANTS.items() if text_variants else ():
        texts = [text_of(r) for r in rows]
        results[name] = evaluate(Searches(variant_retriever(settings, name, texts, docs), texts,
                                          vocabulary, store, known), cases, rows)
    for precision in Precision if precisions else ():
        texts = [_search_text(r) for r in rows]
        results[precision.value] = evaluate(Searches(variant_retriever(settings, "search", texts, docs, precision),
                                                     texts, vocabulary, store, known), cases, rows)
    out.mkdir(parents=True, exist_ok=True)
    (out / "postings_relevance.json").write_text(json.dumps(results, indent=1))
    (out / "postings_relevance.md").write_text(table(results))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    from advisor.config import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the JSON and Markdown results")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--text-variants", action="store_true",
                        help="also measure each posting text variant in a collection of its own")
    parser.add_argument("--precisions", action="store_true",
                        help="also measure the search text embedded by MiniLM fp32 and int8, each in a collection")
    args = parser.parse_args(argv)
    results = run(Settings(), args.out, args.text_variants, args.queries, args.precisions)
    for name, result in results.items():
        print(f"{name}: mean P@{result['k']} " + ", ".join(f"{s} {result['mean'][s]:.3f}" for s in SEARCHES)
              + " | p50 ms " + ", ".join(f"{s} {result['p50_ms'][s]}" for s in SEARCHES))
    print(f"wrote {args.out / 'postings_relevance.md'}")


if __name__ == "__main__":
    main()
