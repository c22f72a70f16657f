"""Skills-gap questions asked in chat: is the question read as a gap, and does the answer open with the skill the
person most lacks, with its share of the role's postings, counted here with pandas from the CSV?

Why: the gap is computed exactly (`tests/agent/test_posting_surfaces.py` checks the library call against pandas),
but a person asks in their own words ("what am i missing for ML roles? i use python and pytorch"), and an answer
that lists the role's top skills, or the person's own skills back, or general advice, fails them. Each case in
`skills_gap_cases.jsonl` names the role's posting classes, the country and the skills the asker has; the
expected top missing skill is counted from the postings CSV with pandas, independently of the product.

    ADVISOR_DATA_DIR=... python -m evals.skills_gap --out DIR

Per case: `routed` (the first sentence names the top missing skill with its share, as "spark in 34%"),
`own_skills_not_listed` (none of the asker's skills is offered as missing there), and the answer. Writes
`skills_gap.json` and prints the rates.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel

CASES = Path(__file__).with_name("skills_gap_cases.jsonl")


class GapCase(BaseModel):
    id: str
    question: str
    role: str
    country: str | None = None
    have: list[str]
    classes: list[str]  # the postings' job_title_short values the role's gap is counted over


def load_cases(path: Path = CASES) -> list[GapCase]:
    return [GapCase.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def expected_top(postings: Any, case: GapCase) -> tuple[str, float]:
    """The skill the matching postings list most that the asker doesn't have, and its share (ties: by name)."""
    from advisor.corpus.postings import posting_country  # the documented country repair (shared/notes/corpus.md)
    from advisor.data.store import parse_skills

    rows = postings[postings.job_title_short.isin(case.classes)]
    if case.country:
        countries = [posting_country(c, loc) for c, loc in zip(rows.job_country, rows.job_location, strict=True)]
        rows = rows[[c == case.country for c in countries]]
    counts = Counter(s for v in rows.job_skills for s in parse_skills(v))
    skill = min((s for s in counts if s not in case.have), key=lambda s: (-counts[s], s))
    return skill, counts[skill] / len(rows)


def judge(case: GapCase, answer_text: str, top: tuple[str, float]) -> dict[str, Any]:
    skill, share = top
    first = answer_text.split("[1]")[0]
    missing_part = first.split("didn't name", 1)[-1]
    return {"id": case.id, "question": case.question, "expected_top": skill, "expected_share": round(share, 3),
            "routed": f"{skill} in {share:.0%}" in first,
            "own_skills_not_listed": not any(f"{h} in " in missing_part for h in case.have),
            "answer": answer_text}


def run(out: Path, cases_path: Path = CASES) -> dict[str, Any]:
    import pandas as pd

    from advisor import Advisor

    advisor = Advisor()
    postings = pd.read_csv(advisor.settings.postings_csv, dtype=str, keep_default_na=False)
    cases = load_cases(cases_path)
    results = [judge(c, advisor.ask(c.question).text, expected_top(postings, c)) for c in cases]
    summary = {"cases": len(results),
               "routed": sum(r["routed"] for r in results) / len(results),
               "own_skills_not_listed": sum(r["own_skills_not_listed"] for r in results) / len(results)}
    out.mkdir(parents=True, exist_ok=True)
    (out / "skills_gap.json").write_text(json.dumps({"summary": summary, "cases": results}, indent=1))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cases", type=Path, default=CASES)
    args = parser.parse_args()
    summary = run(args.out, args.cases)
    print(json.dumps(summary, indent=1))
    print(f"wrote {args.out / 'skills_gap.json'}")


if __name__ == "__main__":
    main()
