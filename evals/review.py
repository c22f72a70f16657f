"""Ask the blind-review questions and write the answers out for a person (or a helper) to judge.

Why a separate runner: the review set (`review_questions.jsonl`) has no gold quotes to score automatically; it
holds what a reader of the sources expects ("decline: no source has equity data", "survey median $169,778 from
18 responses"). Its value is that nobody who wrote a rule has read it, so it is asked and judged by reading the
sources, and the answers are kept beside the questions so two versions of the product can be compared case by
case. Follow-ups are asked in one conversation after their `history`.

    python -m evals.review --out evals/out/review            # answers.jsonl + answers.md
"""

from __future__ import annotations

import argparse
import json
import statistics
import uuid
from pathlib import Path
from typing import Any

from advisor.sources import describe as describe_source
from evals import metrics as M

REVIEW_PATH = Path(__file__).resolve().parent / "review_questions.jsonl"


def load_questions(path: Path = REVIEW_PATH) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def user_turns(history: list[Any]) -> list[str]:
    """The asker's earlier messages: sets store them as plain strings or as chat turns ({"role", "content"});
    only the user's side is asked again, so the advisor writes its own earlier answers."""
    return [turn if isinstance(turn, str) else turn["content"] for turn in history
            if isinstance(turn, str) or turn.get("role") == "user"]


def ask_case(advisor: Any, case: dict[str, Any]) -> dict[str, Any]:
    """The case's history, then its question, in one fresh conversation; the answer with its shape measures."""
    thread = f"review-{uuid.uuid4().hex}"
    for earlier in user_turns(case.get("history") or []):
        advisor.ask(earlier, thread_id=thread)
    answer = advisor.ask(case["question"], thread_id=thread)
    return {
        "id": case["id"], "kind": case.get("kind"), "question": case["question"],
        "history": case.get("history") or [], "expected": case.get("expected"),
        "should_decline": bool(case.get("should_decline")),
        "answer": answer.text, "refused": answer.refused, "notices": answer.notices,
        # the heading a surface shows (never the filter), with the filter and file as the details a checker opens
        "citations": [{"n": c.n, "source": c.source, "title": c.title, "quote": c.quote,
                       "heading": (view := describe_source(c)).heading, "details": view.details}
                      for c in answer.citations],
        "words": M.answer_words(answer.text), "internal_details": M.internal_details(answer.text),
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What can be counted without a judge: declines against expectations, words, internal detail."""
    answered = [r for r in rows if not r["refused"]]
    return {
        "questions": len(rows),
        "should_decline_declined": sum(r["refused"] for r in rows if r["should_decline"]),
        "should_decline": sum(r["should_decline"] for r in rows),
        "wrong_declines": sum(r["refused"] for r in rows if not r["should_decline"]),
        "median_words": statistics.median(r["words"] for r in answered) if answered else None,
        "with_internal_detail": sum(bool(r["internal_details"]) for r in rows),
    }


def to_markdown(rows: list[dict[str, Any]]) -> str:
    out = ["# Review answers", "", "```", json.dumps(summary(rows), indent=1), "```", ""]
    for r in rows:
        out += [f"## {r['id']} ({r['kind']}){' — should decline' if r['should_decline'] else ''}", ""]
        out += [f"- earlier: {h!r}" for h in r["history"]]
        out += [f"- **question**: {r['question']}", f"- **expected**: {r['expected']}", "",
                f"**answer**{' (declined)' if r['refused'] else ''}: {r['answer']}", ""]
        out += [f"  - note shown with the answer: {n}" for n in r.get("notices") or []]
        # what the reader sees in the sources panel: the plain heading and the quote; the filter as its details
        out += [f"  - [{c['n']}] {c.get('heading') or c['title'] or c['source']}: {c['quote'][:240]!r}"
                + (f" (details: {c['details']})" if c.get("details") else "") for c in r["citations"]]
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=REVIEW_PATH)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "review")
    args = parser.parse_args(argv)
    from advisor import Advisor

    advisor = Advisor(checkpointer="memory")
    rows = [ask_case(advisor, case) for case in load_questions(args.questions)]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "answers.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                            encoding="utf-8")
    (args.out / "answers.md").write_text(to_markdown(rows), encoding="utf-8")
    print(json.dumps(summary(rows), indent=1))


if __name__ == "__main__":
    main()
